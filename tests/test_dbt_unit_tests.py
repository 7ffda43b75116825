"""The rules as dbt unit tests (dbt_project/models/*/_unit_tests*.yml): given
rows, the findings the warehouse's SQL makes of them; and the staging and
intermediate yml against the tables their SQL makes.

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
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from sources.intake import ensure_raw_schema
from tests.conftest import REPO

DBT_PROJECT = REPO / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
# A rule is judged in SQL where a model or macro names it as a literal ('RR07').
RULE_LITERAL = re.compile(r"'((?:RF|RR|IS)\d{2})'")


@dataclass(frozen=True)
class UnitTestRun:
    process: subprocess.CompletedProcess
    run_results: dict
    manifest: dict
    warehouse_db: Path  # every staging and intermediate table, empty


@pytest.fixture(scope="module")
def unit_test_run(tmp_path_factory, request) -> UnitTestRun:
    warehouse = tmp_path_factory.mktemp("dbt_unit_tests")
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
        ensure_raw_schema(con)
    # dbt's state kept from one run of this test to the next, as a warehouse keeps
    # its own: a partial parse instead of parsing the whole project again
    cache = getattr(request.config, "cache", None)  # absent under `-p no:cacheprovider`
    target = cache.mkdir("dbt_unit_tests_target") if cache else tmp_path_factory.mktemp("dbt_unit_tests_target")
    (target / "run_results.json").unlink(missing_ok=True)
    # profiles.yml names the warehouse file relative to the folder dbt runs in
    process = subprocess.run(
        [
            DBT, "build", "--empty", "--select", "+test_type:unit", "+intermediate", "--exclude", "test_type:data",
            "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(target), "--log-path", str(warehouse / "logs"),
        ],
        cwd=warehouse, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if not (target / "run_results.json").exists():
        pytest.fail(f"dbt did not run:\n{process.stdout[-3000:]}{process.stderr[-3000:]}")
    return UnitTestRun(
        process,
        json.loads((target / "run_results.json").read_text(encoding="utf-8")),
        json.loads((target / "manifest.json").read_text(encoding="utf-8")),
        warehouse / "warehouse.duckdb",
    )


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
    run = unit_test_run
    outcomes = {r["unique_id"]: r["status"] for r in run.run_results["results"] if r["unique_id"].startswith("unit_test.")}
    assert set(outcomes) == set(run.manifest["unit_tests"]), "some unit tests did not run"
    failed = {uid.rsplit(".", 1)[-1]: status for uid, status in outcomes.items() if status != "pass"}
    assert not failed, f"{failed}\n{run.process.stdout[-6000:]}"
    assert run.process.returncode == 0, run.process.stdout[-3000:] + run.process.stderr[-3000:]


def test_every_rule_judged_in_sql_has_a_unit_test_that_expects_its_finding(unit_test_run):
    manifest = unit_test_run.manifest
    judged = rules_judged_in_sql(manifest)
    expected = {row["rule_id"] for ut in manifest["unit_tests"].values() for row in expected_rows(ut) if row.get("rule_id")}
    # the SQL-judged rules, as the Python-judged file rules (RF01-RF05, RF07) are not
    assert {"RR01", "RR10", "IS01", "IS12", "RF06"} <= judged
    assert judged <= rules_of_the_contract(), "the SQL names a rule quality_rules.csv does not hold"
    assert expected <= rules_of_the_contract(), "a unit test expects a rule quality_rules.csv does not hold"
    assert judged - expected == set(), "rules judged in SQL with no unit test expecting their finding"


def test_staging_and_intermediate_yml_describe_every_column_in_thai_and_english(unit_test_run):
    """A model's yml names exactly the columns its SQL makes (a model that adds
    to another's columns says so: `meta: and_every_column_of`), each described
    "ไทย / English"."""
    nodes = {n["name"]: n for n in unit_test_run.manifest["nodes"].values() if n["resource_type"] == "model"}
    layers = {name: node for name, node in nodes.items() if node["fqn"][1] in ("staging", "intermediate")}
    with duckdb.connect(str(unit_test_run.warehouse_db), read_only=True) as con:
        made = {
            (schema, table): set(columns)
            for schema, table, columns in con.execute(
                "SELECT schema_name, table_name, list(column_name) FROM duckdb_columns() GROUP BY ALL"
            ).fetchall()
        }

    def documented(node: dict) -> set[str]:
        base = node["config"]["meta"].get("and_every_column_of")
        return set(node["columns"]) | (documented(nodes[base]) if base else set())

    def bilingual(text: str) -> bool:
        return bool(re.search(r"[\u0E00-\u0E7F].* / .*[A-Za-z]", text or "", re.S))

    assert {"stg_isf_submissions", "int_findings"} <= set(layers)
    for name, node in layers.items():
        assert bilingual(node["description"]), f"{name}: no 'ไทย / English' description"
        assert documented(node) == made[(node["schema"], node["alias"])], f"{name}: the yml and the table disagree"
        undescribed = [c for c, column in node["columns"].items() if not bilingual(column["description"])]
        assert not undescribed, f"{name}: columns without a 'ไทย / English' description: {undescribed}"
