"""The Great Expectations suites: one per validated table, kept as code.

A suite is what dbt owns, generated from its manifest (expectations/from_manifest.py:
the columns, grain, not-null columns, keys, relationships and accepted values
of the model's yml), plus what only Great Expectations states, written here
once: patterns, ranges, formulas, consistency across columns and tables. Which
tables are validated is dbt's to say too (`validated` in dbt_project.yml).

The row rules of the contract (RF.., RR.., IS..) decide what is quarantined,
row by row, in dbt. These suites guard each table as a whole after the build:
what intake and the rules promise about staged data, and what marts.md
promises analysts. A `critical` failure blocks publishing; a `warning` is
reported and never blocks. Whatever a submitter can get wrong is at most a
warning on staged data (bad input is quarantined, it never fails a run); a
critical failure means the warehouse itself is wrong.

Regex expectations run as DuckDB's `~`, a full match (expectations/gx_duckdb.py).
Custom SQL (`UnexpectedRowsExpectation`) reads `{batch}`: the table itself, or
for a table that grows with history, its rows new tonight (expectations/new_rows.py).
"""

import json
from collections.abc import Callable
from pathlib import Path

import great_expectations.expectations as gxe

from expectations.from_manifest import structural_expectations
from expectations.validated_models import validated_models
from sources.pii import NATURAL_PERSON_ID

WARNING = "warning"

SHA256 = r"^[0-9a-f]{64}$"
BE_MONTH = r"^25[0-9]{2}-(0[1-9]|1[0-2])$"
BE_PERIOD = r"^25[0-9]{2}(-(0[1-9]|1[0-2]))?$"  # a plan's fiscal year or a result's month
PROVINCE_CODE = r"^[1-9][0-9]$"

RESULT_INDICATORS = [
    "entrepreneurs", "enterprises", "community_enterprises", "products", "people", "networks",
    "economic_value_mb", "budget_disbursed_mb",
]  # fmt: skip
PLAN_INDICATORS = [*RESULT_INDICATORS[:-1], "budget_allocated_mb"]
SOURCES = ["regional_reports", "isingleform"]


def _not_null(*columns: str) -> list:
    return [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in columns]


def _non_negative(*columns: str, severity: str = "critical") -> list:
    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=severity) for c in columns]


def _grain(*columns: str) -> gxe.Expectation:
    return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns), description=f"One row per {', '.join(columns)}.")


def _rows_where(description: str, condition: str, severity: str = "critical") -> gxe.Expectation:
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=f"select * from {{batch}} where {condition}", description=description, severity=severity
    )


def _rows_not_matching(description: str, columns: list[str], expected_rows_query: str) -> gxe.Expectation:
    """Rows whose `columns` match no row of `expected_rows_query` (null equals null)."""
    on = " and ".join(f"b.{c} is not distinct from e.{c}" for c in columns)
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=f"select b.* from {{batch}} b anti join ({expected_rows_query}) e on {on}", description=description
    )


def _fiscal_year_follows_period() -> gxe.Expectation:
    return _rows_where(
        "fiscal_year is the BE year of period, plus one from October (the October-September rule).",
        "fiscal_year <> cast(left(period, 4) as integer) + case when cast(right(period, 2) as integer) >= 10 then 1 else 0 end",
    )


def _ratio_follows_formula(ratio: str, numerator: str, denominator: str, scale: int, digits: int) -> gxe.Expectation:
    formula = f"case when {denominator} <> 0 then round({scale} * {numerator} / {denominator}, {digits}) end"
    return _rows_where(
        f"{ratio} = round({scale} · {numerator} / {denominator}, {digits}), null where {denominator} is null or 0.",
        f"{ratio} is distinct from {formula}",
    )


# The staging models have no yml of their own yet: until they do, their
# not-null columns, grain and accepted values are written here. Once dbt tests
# say the same, the generated copy is the one kept (see `suites`).


def stg_landed_files() -> list:
    return [
        *_not_null("file_seq", "file_sha256", "path", "source", "outcome", "first_seen_at"),
        gxe.ExpectColumnValuesToBeOfType(column="file_seq", type_="BIGINT"),
        gxe.ExpectColumnValuesToBeOfType(column="path", type_="VARCHAR"),
        gxe.ExpectColumnValuesToBeUnique(column="file_seq"),
        _grain("path", "file_sha256"),
        gxe.ExpectColumnValuesToMatchRegex(column="file_sha256", regex=SHA256),
        gxe.ExpectColumnValuesToBeInSet(column="source", value_set=SOURCES),
        gxe.ExpectColumnValuesToBeInSet(column="outcome", value_set=["parsed", "rejected", "duplicate"]),
        gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["plan", "result"]),
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=BE_PERIOD, severity=WARNING),
        *_non_negative("size_bytes", "rows_read"),
        _rows_where(
            "A path is relative to the landing folder: no leading '/', no '..' step (a name may hold any other character).",
            "starts_with(path, '/') or list_contains(string_split(path, '/'), '..')",
        ),
    ]


def stg_regional_rows() -> list:
    return [
        *_not_null("file_seq", "file_sha256", "path", "row_number", "row_kind", "kind", "period", "raw_record"),
        gxe.ExpectColumnValuesToBeOfType(column="row_number", type_="INTEGER"),
        gxe.ExpectColumnValuesToBeOfType(column="fiscal_year", type_="INTEGER"),
        _grain("file_seq", "row_number"),
        gxe.ExpectColumnValuesToBeBetween(column="row_number", min_value=1),
        gxe.ExpectColumnValuesToBeInSet(column="row_kind", value_set=["data", "total"]),
        gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["plan", "result"]),
        # what a file name says: RF02/RF03 judge it; a bad one warns here and never fails a run
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=BE_PERIOD, severity=WARNING),
        gxe.ExpectColumnValuesToBeBetween(column="fiscal_year", min_value=2500, max_value=2700, severity=WARNING),
        gxe.ExpectColumnValuesToMatchRegex(column="province_code", regex=PROVINCE_CODE, severity=WARNING),
    ]


def stg_regional_values() -> list:
    return [
        *_not_null("file_seq", "row_number", "indicator", "is_count"),
        gxe.ExpectColumnValuesToBeOfType(column="value", type_="NUMERIC"),
        _grain("file_seq", "row_number", "indicator"),
        gxe.ExpectColumnValuesToBeInSet(column="indicator", value_set=sorted({*RESULT_INDICATORS, *PLAN_INDICATORS})),
        gxe.ExpectColumnValuesToBeInSet(column="value_problem", value_set=["not_a_number", "too_large", "fraction"]),
        _rows_where(
            "A figure has a value exactly when it has no problem (macros/figures.sql).", "(value is null) <> (value_problem is not null)"
        ),
        *_non_negative("value", severity=WARNING),
    ]


def stg_isf_submissions() -> list:
    return [
        *_not_null("file_seq", "record_number", "path", "file_sha256"),
        gxe.ExpectColumnValuesToBeOfType(column="record_number", type_="BIGINT"),
        _grain("file_seq", "record_number"),
        gxe.ExpectColumnValuesToBeBetween(column="record_number", min_value=1),
        gxe.ExpectColumnValuesToMatchRegex(column="file_sha256", regex=SHA256),
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=BE_MONTH, severity=WARNING),
        gxe.ExpectColumnValuesToMatchRegex(column="factory_id", regex=r"^[0-9]{14}$", severity=WARNING),
        gxe.ExpectColumnValuesToMatchRegex(column="province_code", regex=PROVINCE_CODE, severity=WARNING),
    ]


# The published tables: their columns, grain, not-null columns, codes and
# accepted values are in their yml (dbt_project/models/*/_*.yml).


def kpi_monthly() -> list:
    return [
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=BE_MONTH),
        _rows_where(
            "fiscal_quarter follows period: 1 = October-December.",
            "fiscal_quarter <> (cast(right(period, 2) as integer) + 2) % 12 // 3 + 1",
        ),
        _fiscal_year_follows_period(),
        *_non_negative("value"),
    ]


def kpi_fiscal_year() -> list:
    return [
        *_non_negative("target", "actual", "achievement_pct"),
        _ratio_follows_formula("achievement_pct", "actual", "target", 100, 1),
    ]


def budget_efficiency() -> list:
    return [
        *_non_negative("budget_allocated_mb", "budget_disbursed_mb", "economic_value_mb", "disbursement_pct", "value_per_baht"),
        _ratio_follows_formula("disbursement_pct", "budget_disbursed_mb", "budget_allocated_mb", 100, 1),
        _ratio_follows_formula("value_per_baht", "economic_value_mb", "budget_disbursed_mb", 1, 2),
    ]


def kpi_national() -> list:
    return [
        *_non_negative("target", "actual", "achievement_pct"),
        _ratio_follows_formula("achievement_pct", "actual", "target", 100, 1),
        _rows_not_matching(
            "target and actual are the sums over all regions of kpi_fiscal_year.",
            ["fiscal_year", "indicator", "target", "actual"],
            "select fiscal_year, indicator, sum(target) as target, sum(actual) as actual from marts.kpi_fiscal_year group by all",
        ),
    ]


def factory_month() -> list:
    return [
        gxe.ExpectColumnValuesToMatchRegex(column="period", regex=BE_MONTH),
        gxe.ExpectColumnValuesToMatchRegex(column="factory_id", regex=r"^[0-9]{14}$"),
        gxe.ExpectColumnValuesToNotMatchRegex(
            column="owner_key", regex=f"^{NATURAL_PERSON_ID}$", description="A natural person's id never reaches a mart unhashed."
        ),
        gxe.ExpectColumnValuesToMatchRegex(column="tsic_section", regex=r"^[A-U]$"),
        _fiscal_year_follows_period(),
        *_non_negative("workers_thai", "workers_foreign", "workers_total", "production_value_baht", "electricity_kwh", "water_m3"),
        _rows_where("workers_total = workers_thai + workers_foreign.", "workers_total is distinct from workers_thai + workers_foreign"),
    ]


def industry_by_province() -> list:
    return [
        gxe.ExpectColumnValuesToBeBetween(column="factories", min_value=1),
        *_non_negative("workers_total", "production_value_mb", "electricity_mwh"),
        _fiscal_year_follows_period(),
        _rows_not_matching(
            "factories counts the distinct factories of factory_month in the same cell.",
            ["period", "province_code", "location_type", "tsic_section", "factories"],
            # only the periods of the batch: a night validates the periods it touched (expectations/new_rows.py)
            "select period, province_code, location_type, tsic_section, count(distinct factory_id) as factories "
            "from marts.factory_month where period in (select period from {batch}) group by all",
        ),
    ]


def files() -> list:
    return [
        gxe.ExpectColumnValuesToMatchRegex(column="file_sha256", regex=SHA256),
        *_non_negative("rows_read", "rows_accepted", "rows_quarantined", "warnings"),
        _rows_where("A rejected file names its rule, and only a rejected file.", "(status = 'rejected') <> (rule_id is not null)"),
    ]


def findings() -> list:
    return [
        gxe.ExpectColumnValuesToBeBetween(column="row_number", min_value=1),
        _rows_where("Thai messages are in Thai.", "not regexp_matches(message_th, '[ก-๛]')"),
    ]


def submission_quality() -> list:
    return [gxe.ExpectColumnValuesToBeBetween(column="accepted_pct", min_value=0, max_value=100)]


# What only Great Expectations states, by validated table (schema.name). The
# suite, the GX asset, the Dagster check and the Data Docs page take that name.
OWN_EXPECTATIONS: dict[str, Callable[[], list]] = {
    f"{schema}.{build.__name__}": build
    for schema, builders in {
        "staging": [stg_landed_files, stg_regional_rows, stg_regional_values, stg_isf_submissions],
        "marts": [kpi_monthly, kpi_fiscal_year, budget_efficiency, kpi_national, factory_month, industry_by_province],
        "quality": [files, findings, submission_quality],
    }.items()
    for build in builders
}


def suites(manifest_path: Path) -> dict[str, list[gxe.Expectation]]:
    """Each validated table's expectations: the ones generated from dbt's
    manifest, then this module's. An expectation both would state is kept once."""
    models = validated_models(manifest_path)
    unvalidated = sorted(set(OWN_EXPECTATIONS) - set(models))
    if unvalidated:
        raise ValueError(
            f"expectations/suites.py has expectations for {', '.join(unvalidated)}, which dbt_project.yml does not mark "
            "validated (meta: {validated: true})"
        )
    return {table: _once([*structural_expectations(model), *OWN_EXPECTATIONS.get(table, list)()]) for table, model in models.items()}


def _once(expectations: list[gxe.Expectation]) -> list[gxe.Expectation]:
    seen, kept = set(), []
    for expectation in expectations:
        what = (type(expectation).__name__, json.dumps(expectation.configuration.kwargs, sort_keys=True, default=str))
        if what not in seen:
            seen.add(what)
            kept.append(expectation)
    return kept
