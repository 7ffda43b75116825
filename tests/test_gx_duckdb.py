"""The GX-over-DuckDB adaptations: every expectation type the suites use passes
a known-good table and fails a known-bad one, through GX's SQL datasource on a
real DuckDB file, and GX lets go of the file afterwards."""

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pytest

from expectations import gx_duckdb
from expectations.suites import suites

GOOD = """
    create table checked.good as select * from (values
        (1, 'IPC01', '2566-01', 2566, 10.5, 10.5, 0.0),
        (2, 'IPC02', '2565-10', 2566, 0.0, 10.5, 10.5)
    ) t(id, code, period, fiscal_year, value, total, other)
"""
BAD = """
    create table checked.bad as select * from (values
        (1, 'IPC1', '2566-13', 2565, -1.0, 99.0, 0.0),
        (1, null, 'x2566-01', 2565, 10.0, 10.0, 0.0),
        (3, 'IPC02', '1234567890123', 2566, 5.0, 5.0, 0.0)
    ) t(id, code, period, fiscal_year, value, total, other)
"""

# One of each expectation type the suites use; each must hold on `good` and not on `bad`.
EXPECTATIONS = [
    gxe.ExpectColumnValuesToNotBeNull(column="code"),
    gxe.ExpectColumnValuesToBeUnique(column="id"),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["id", "fiscal_year"]),
    gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^25[0-9]{2}-(0[1-9]|1[0-2])$"),
    gxe.ExpectColumnValuesToNotMatchRegex(column="period", regex=r"^[1-8][0-9]{12}$"),
    gxe.ExpectColumnValuesToBeInSet(column="code", value_set=["IPC01", "IPC02"]),
    gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0),
    gxe.UnexpectedRowsExpectation(unexpected_rows_query="select * from {batch} where total is distinct from value + other"),
    gxe.ExpectTableColumnsToMatchOrderedList(column_list=["id", "code", "period", "fiscal_year", "value", "total", "other"]),
]
# Types hold on both tables by construction; checked against a wrong type instead.
TYPE_CHECKS = [("id", "INTEGER"), ("code", "VARCHAR"), ("value", "NUMERIC")]
TABLE, QUERY = "table", "query"  # a whole table, or a query of its rows (expectations/new_rows.py)


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    db = tmp_path_factory.mktemp("gx") / "probe.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema checked")
        con.execute(GOOD)
        con.execute(BAD)
        # the bad table's extra column breaks the column list expectation
        con.execute("alter table checked.bad add column surplus integer")
    gx_duckdb.install()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql("t", connection_string=f"duckdb:///{db}?access_mode=read_only")
    # a night's new rows: a query, read into a temporary table as expectations/gx's datasource does
    queries = context.data_sources.add_sql("q", connection_string=f"duckdb:///{db}?access_mode=read_only", create_temp_table=True)
    yield (
        db,
        {
            **{
                (TABLE, name): source.add_table_asset(name, table_name=name, schema_name="checked")
                .add_batch_definition_whole_table("all")
                .get_batch()
                for name in ("good", "bad")
            },
            **{
                (QUERY, name): queries.add_query_asset(name, query=f"select * from checked.{name} where id > 0")
                .add_batch_definition_whole_table("all")
                .get_batch()
                for name in ("good", "bad")
            },
        },
    )
    for datasource in (source, queries):
        datasource.get_execution_engine().close()
        datasource.get_engine().dispose()


def _results(batch, expectations):
    suite = gx.ExpectationSuite(name="probe", expectations=[e.copy() for e in expectations])
    return {r.expectation_config.type: r for r in batch.validate(suite).results}


@pytest.mark.parametrize("asset", [TABLE, QUERY])
def test_each_expectation_type_passes_good_and_fails_bad(batches, asset):
    _, by_name = batches
    good, bad = _results(by_name[asset, "good"], EXPECTATIONS), _results(by_name[asset, "bad"], EXPECTATIONS)
    assert {t: r.success for t, r in good.items()} == {t: True for t in good}, {t: r.result for t, r in good.items() if not r.success}
    assert {t: r.success for t, r in bad.items()} == {t: False for t in bad}
    # failing for the right reason, not because the query could not run
    assert not any(r.exception_info.get("raised_exception") for r in bad.values())
    assert bad["expect_column_values_to_be_in_set"].result["partial_unexpected_list"] == ["IPC1"]  # nulls are not judged
    assert bad["unexpected_rows_expectation"].result["observed_value"] == 1


@pytest.mark.parametrize("asset", [TABLE, QUERY])
def test_column_types_are_read_from_duckdb(batches, asset):
    _, by_name = batches
    right = [gxe.ExpectColumnValuesToBeOfType(column=c, type_=t) for c, t in TYPE_CHECKS]
    wrong = [gxe.ExpectColumnValuesToBeOfType(column=c, type_="BOOLEAN") for c, _ in TYPE_CHECKS]
    suite_right = gx.ExpectationSuite(name="types", expectations=right)
    suite_wrong = gx.ExpectationSuite(name="types_wrong", expectations=wrong)
    assert all(r.success for r in by_name[asset, "good"].validate(suite_right).results)
    assert not any(r.success for r in by_name[asset, "good"].validate(suite_wrong).results)


def test_the_suites_use_only_types_proven_here():
    proven = {type(e).__name__ for e in EXPECTATIONS} | {"ExpectColumnValuesToBeOfType"}
    from orchestration.assets.dbt import dbt_project

    used = {type(e).__name__ for expectations in suites(dbt_project.manifest_path).values() for e in expectations}
    assert used <= proven, used - proven


def test_an_unknown_gx_version_is_refused(monkeypatch):
    monkeypatch.setattr(gx, "__version__", "1.99.0")
    with pytest.raises(gx_duckdb.UnsupportedGXVersion):
        gx_duckdb.install()


def test_gx_lets_go_of_the_file(batches):
    db, _ = batches
    # Another process (dbt) could not open the file while GX held it; in this
    # process a read-write open fails while any read-only connection is alive.
    from expectations.validate import _engines_disposed

    with _engines_disposed():
        context = gx.get_context(mode="ephemeral")
        source = context.data_sources.add_sql("again", connection_string=f"duckdb:///{db}?access_mode=read_only")
        batch = source.add_table_asset("good", table_name="good", schema_name="checked").add_batch_definition_whole_table("all").get_batch()
        assert batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=1)).success
