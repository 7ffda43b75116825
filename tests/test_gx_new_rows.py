"""The Great Expectations suites follow the nights: the tables that grow with
history are validated on the rows new since the last validation that passed,
every row once, through real dbt builds and real GX validations.

1. two submissions of one factory: everything is validated;
2. a correction, a new factory and a record whose factory id is wrong: only
   those rows are validated, and the wrong one is reported;
3. nothing new: nothing of the growing tables is validated again;
4. a factory-month that the warehouse gets wrong: the validation fails and
   the watermark stays; put right, the same rows are validated again;
5. a rotated owner-id key rebuilds the warehouse whole: everything is validated.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.validate import validate_night
from orchestration.assets.dbt import dbt_project
from tests.test_incremental_build import build
from tests.two_nights import jsonl, submission
from warehouse.build_state import validation_scope

pytestmark = pytest.mark.e2e

GROWING = ("staging.stg_isf_submissions", "marts.factory_month", "marts.industry_by_province")
OTHER_FACTORY = {"factory_id": "10500000225401", "province_code": "50"}


def night(landing: Path, warehouse: Path, files: dict[str, str]) -> None:
    for folder in ("isingleform", "regional_reports"):
        (landing / folder).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (landing / "isingleform" / name).write_text(text, encoding="utf-8")
    build(landing, warehouse)


def validate(warehouse: Path):
    scope_before = validation_scope(warehouse / "warehouse.duckdb")
    outcomes = validate_night(warehouse / "warehouse.duckdb", warehouse / "gx", warehouse / "reports" / "gx", dbt_project.manifest_path)
    return scope_before, outcomes, validation_scope(warehouse / "warehouse.duckdb")


def execute(db: Path, sql: str) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(sql)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("gx_new_rows")
    landing, warehouse, runs = root / "landing", root / "warehouse", {}
    db = warehouse / "warehouse.duckdb"

    night(landing, warehouse, {"first.jsonl": jsonl(submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00"),
                                                     submission("M-11", "2565-11", "2022-12-05T09:00:00+07:00"))})  # fmt: skip
    runs["first"] = validate(warehouse)

    night(landing, warehouse, {"second.jsonl": jsonl(
        submission("M-11-fix", "2565-11", "2022-12-20T09:00:00+07:00", electricity_kwh=30_000),
        submission("N-01", "2566-01", "2023-02-06T09:00:00+07:00", **OTHER_FACTORY),
        submission("X-01", "2566-01", "2023-02-07T09:00:00+07:00", factory_id="1051000012540X"),
    )})  # fmt: skip
    runs["second"] = validate(warehouse)

    build(landing, warehouse)
    runs["nothing new"] = validate(warehouse)

    night(landing, warehouse, {"third.jsonl": jsonl(submission("M-02", "2566-02", "2023-03-05T09:00:00+07:00"))})
    # as a faulty model change would make it: a new factory-month whose total is not its sum
    execute(db, "update marts.factory_month set workers_total = workers_total + 1 where period = '2566-02'")
    runs["wrong"] = validate(warehouse)
    execute(db, "update marts.factory_month set workers_total = workers_thai + workers_foreign where period = '2566-02'")
    runs["put right"] = validate(warehouse)

    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_PII_KEY", "a new key from the vault")
        build(landing, warehouse)
    runs["full build"] = validate(warehouse)
    return db, runs


def rows(outcomes) -> dict[str, tuple[str, int | None]]:
    return {table: (outcomes[table].rows, outcomes[table].row_count) for table in GROWING}


def test_the_first_night_validates_every_row(nights):
    _, runs = nights
    before, outcomes, after = runs["first"]
    assert before.since == 0
    assert rows(outcomes) == {table: ("whole table", 2) for table in GROWING[:2]} | {"marts.industry_by_province": ("whole table", 2)}
    assert all(o.passed for o in outcomes.values()), {t: o.failures for t, o in outcomes.items() if o.failures}
    assert after.since == after.through == 1


def test_a_later_night_validates_only_its_rows_and_catches_a_wrong_one(nights):
    _, runs = nights
    before, outcomes, after = runs["second"]
    assert before.since == 1
    assert rows(outcomes) == {
        "staging.stg_isf_submissions": ("new since file 1", 3),  # the night's three records, none of the first night's
        "marts.factory_month": ("new since file 1", 2),  # the corrected month and the new factory's
        "marts.industry_by_province": ("new since file 1", 2),  # the cells of 2565-11 and 2566-01
    }
    [failure] = outcomes["staging.stg_isf_submissions"].failures
    assert (failure.expectation, failure.column, failure.severity) == ("expect_column_values_to_match_regex", "factory_id", "warning")
    assert failure.examples == ("1051000012540X",) and failure.observed.startswith("1 of 3 ")
    assert not outcomes["staging.stg_isf_submissions"].blocking
    assert after.since == 2  # a warning never holds the night back


def test_rows_validated_once_are_not_validated_again(nights):
    _, runs = nights
    before, outcomes, after = runs["nothing new"]
    assert before.since == before.through == after.since == 2
    assert {t: n for t, (_, n) in rows(outcomes).items()} == dict.fromkeys(GROWING, 0)
    assert outcomes["marts.kpi_monthly"].rows == "whole table"  # a table that does not grow with history stays whole
    assert all(o.passed for o in outcomes.values())


def test_a_failed_validation_leaves_its_rows_to_the_next(nights):
    db, runs = nights
    before, outcomes, after = runs["wrong"]
    assert outcomes["marts.factory_month"].blocking
    assert "workers_total = workers_thai + workers_foreign." in [f.description for f in outcomes["marts.factory_month"].failures]
    assert after.since == before.since == 2 and after.through == 3

    before, outcomes, after = runs["put right"]
    assert before.since == 2
    assert rows(outcomes)["staging.stg_isf_submissions"] == ("new since file 2", 1)  # the failed night's record, again
    assert rows(outcomes)["marts.factory_month"] == ("new since file 2", 1)
    assert all(o.passed for o in outcomes.values())
    assert after.since == 3
    [(recorded,)] = duckdb.connect(str(db), read_only=True).execute("select count(*) from build_state.gx_validations").fetchall()
    assert recorded == 5  # six validations, the failed one recorded nothing


def test_a_full_build_is_validated_whole(nights):
    _, runs = nights
    before, outcomes, after = runs["full build"]
    assert before.since == 0
    assert rows(outcomes)["staging.stg_isf_submissions"] == ("whole table", 6)
    assert rows(outcomes)["marts.factory_month"] == ("whole table", 4)  # X-01's factory id is rejected
    assert after.since == after.through == 3
