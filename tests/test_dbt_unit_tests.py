"""The rules as dbt unit tests (dbt_project/models/*/_unit_tests*.yml): given
rows, the findings the warehouse's SQL makes of them.

One `dbt build --empty` on a warehouse holding only the intake's raw tables:
a unit test reads the column types of the relations it is given rows for, so
those are built, empty, just before it; its rows are its own. Seeds are tiny
and load whole. The project's data tests are left out (they judge data, and
there is none)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from sources.intake import ensure_raw_schema
from tests.conftest import REPO

DBT_PROJECT = REPO / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
# A rule is judged in SQL where a model or macro names it as a literal ('RR07').
RULE_LITERAL = re.compile(r"'((?:RF|RR|IS)\d{2})'")


@pytest.fixture(scope="module")
def unit_test_run(tmp_path_factory, request) -> tuple[subprocess.CompletedProcess, dict, dict]:
    """(dbt's process, run_results.json, manifest.json) of the unit tests' build."""
    warehouse = tmp_path_factory.mktemp("dbt_unit_tests")
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
        ensure_raw_schema(con)
    # dbt's state kept from one run of this test to the next, as a warehouse keeps
    # its own: a partial parse instead of parsing the whole project again
    target = request.config.cache.mkdir("dbt_unit_tests_target")
    (target / "run_results.json").unlink(missing_ok=True)
    # profiles.yml names the warehouse file relative to the folder dbt runs in
    process = subprocess.run(
        [
            DBT, "build", "--empty", "--select", "+test_type:unit", "--exclude", "test_type:data",
            "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(target), "--log-path", str(warehouse / "logs"),
        ],
        cwd=warehouse, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if not (target / "run_results.json").exists():
        pytest.fail(f"dbt did not run:\n{process.stdout[-3000:]}{process.stderr[-3000:]}")
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return process, run_results, manifest


def expected_rows(unit_test: dict) -> list[dict]:
    rows = unit_test["expect"].get("rows") or []
    return list(csv.DictReader(io.StringIO(rows))) if isinstance(rows, str) else rows


def rules_of_the_contract() -> set[str]:
    with open(DBT_PROJECT / "seeds" / "quality_rules.csv", encoding="utf-8", newline="") as f:
        return {row["rule_id"] for row in csv.DictReader(f)}


def rules_judged_in_sql(manifest: dict) -> set[str]:
    sql = [node["raw_code"] for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    sql += [macro["macro_sql"] for macro in manifest["macros"].values() if macro["package_name"] == "diprom"]
    return {rule for text in sql for rule in RULE_LITERAL.findall(text)}


def test_every_unit_test_passes(unit_test_run):
    process, run_results, manifest = unit_test_run
    outcomes = {r["unique_id"]: r["status"] for r in run_results["results"] if r["unique_id"].startswith("unit_test.")}
    assert set(outcomes) == set(manifest["unit_tests"]), "some unit tests did not run"
    failed = {uid.rsplit(".", 1)[-1]: status for uid, status in outcomes.items() if status != "pass"}
    assert not failed, f"{failed}\n{process.stdout[-6000:]}"
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]


def test_every_rule_judged_in_sql_has_a_unit_test_that_expects_its_finding(unit_test_run):
    _, _, manifest = unit_test_run
    judged = rules_judged_in_sql(manifest)
    expected = {row["rule_id"] for ut in manifest["unit_tests"].values() for row in expected_rows(ut) if row.get("rule_id")}
    # the SQL-judged rules, as the Python-judged file rules (RF01-RF05, RF07) are not
    assert {"RR01", "RR10", "IS01", "IS12", "RF06"} <= judged
    assert judged <= rules_of_the_contract(), "the SQL names a rule quality_rules.csv does not hold"
    assert expected <= rules_of_the_contract(), "a unit test expects a rule quality_rules.csv does not hold"
    assert judged - expected == set(), "rules judged in SQL with no unit test expecting their finding"
