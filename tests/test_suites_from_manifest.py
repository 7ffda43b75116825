"""The suites' structural expectations follow dbt's manifest: a column, a grain,
a code or an accepted value changed in a model's yml changes its suite."""

import copy
import json
from pathlib import Path

import great_expectations.expectations as gxe
import pytest

from expectations.from_manifest import NoCounterpart
from expectations.suites import suites
from expectations.validated_models import validated_tables
from orchestration.assets.dbt import dbt_project

MANIFEST = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def _write(tmp_path: Path, manifest: dict) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def _kinds(expectations) -> set[tuple]:
    return {(type(e).__name__, json.dumps(e.configuration.kwargs, sort_keys=True), str(e.severity.value)) for e in expectations}


def _of(expectations, kind, **kwargs):
    return [e for e in expectations if isinstance(e, kind) and all(e.configuration.kwargs.get(k) == v for k, v in kwargs.items())]


def test_a_marts_suite_states_what_its_yml_says():
    kpi_monthly = suites(dbt_project.manifest_path)["marts.kpi_monthly"]
    model = MANIFEST["nodes"]["model.diprom.kpi_monthly"]
    [columns] = _of(kpi_monthly, gxe.ExpectTableColumnsToMatchOrderedList)
    assert columns.column_list == list(model["columns"])
    assert _of(kpi_monthly, gxe.ExpectCompoundColumnsToBeUnique, column_list=["period", "province_code", "program_code", "indicator"])
    assert {e.column for e in _of(kpi_monthly, gxe.ExpectColumnValuesToNotBeNull)} == set(model["columns"])
    assert _of(kpi_monthly, gxe.ExpectColumnValuesToBeInSet, column="fiscal_quarter", value_set=[1, 2, 3, 4])
    known = {e.unexpected_rows_query for e in _of(kpi_monthly, gxe.UnexpectedRowsExpectation)}
    assert "select * from {batch} where region_no is not null and region_no not in (select region_no from reference.regions)" in known
    # and what only GX says, added once
    assert _of(kpi_monthly, gxe.ExpectColumnValuesToMatchRegex, column="period")


def test_relationships_across_tables_and_to_another_field():
    all_suites = suites(dbt_project.manifest_path)
    queries = {e.unexpected_rows_query for e in _of(all_suites["quality.findings"], gxe.UnexpectedRowsExpectation)}
    assert "select * from {batch} where file_sha256 is not null and file_sha256 not in (select file_sha256 from quality.files)" in queries
    [tsic] = [
        e for e in _of(all_suites["marts.factory_month"], gxe.UnexpectedRowsExpectation) if "tsic_division" in e.unexpected_rows_query
    ]
    assert "(select division from reference.tsic_divisions)" in tsic.unexpected_rows_query
    assert tsic.description == "Every tsic_division is in reference.tsic_divisions (division)."


def test_a_column_added_to_a_yml_is_in_the_suite(tmp_path):
    manifest = copy.deepcopy(MANIFEST)
    columns = manifest["nodes"]["model.diprom.kpi_national"]["columns"]
    columns["achievement_note"] = {"name": "achievement_note", "description": "ใหม่ / new"}
    [ordered] = _of(suites(_write(tmp_path, manifest))["marts.kpi_national"], gxe.ExpectTableColumnsToMatchOrderedList)
    assert ordered.column_list[-1] == "achievement_note"


def test_a_dbt_warning_is_a_gx_warning_and_an_error_is_critical(tmp_path):
    manifest = copy.deepcopy(MANIFEST)
    test_id = next(k for k, n in manifest["nodes"].items() if n["name"].startswith("accepted_values_findings_severity"))
    manifest["nodes"][test_id]["config"]["severity"] = "warn"
    [in_set] = _of(suites(_write(tmp_path, manifest))["quality.findings"], gxe.ExpectColumnValuesToBeInSet, column="severity")
    assert in_set.severity.value == "warning"
    [before] = _of(suites(dbt_project.manifest_path)["quality.findings"], gxe.ExpectColumnValuesToBeInSet, column="severity")
    assert before.severity.value == "critical"


def test_a_project_generic_test_runs_as_its_own_sql():
    files = suites(dbt_project.manifest_path)["quality.files"]
    [conserved] = [e for e in _of(files, gxe.UnexpectedRowsExpectation) if "rows_read" in e.unexpected_rows_query]
    assert conserved.unexpected_rows_query == "select * from {batch} where rows_read <> rows_accepted + rows_quarantined"
    assert "/ Row conservation: every row read is accepted or quarantined" in conserved.description


def test_a_dbt_test_gx_cannot_run_is_refused_by_name(tmp_path):
    manifest = copy.deepcopy(MANIFEST)
    test_id = next(k for k, n in manifest["nodes"].items() if n["name"].startswith("rows_conserved_files"))
    manifest["nodes"][test_id]["test_metadata"]["name"] = "outside_dbt"
    manifest["macros"]["macro.diprom.test_outside_dbt"] = {
        "macro_sql": "{% test outside_dbt(model) %} select * from {{ model }} where x not in (select y from {{ ref('other') }}) {% endtest %}"
    }
    with pytest.raises(NoCounterpart, match=r"outside_dbt on quality\.files"):
        suites(_write(tmp_path, manifest))


def test_only_what_dbt_marks_validated_is_validated(tmp_path):
    manifest = copy.deepcopy(MANIFEST)
    assert "quality.submission_deadlines" not in validated_tables(dbt_project.manifest_path)
    manifest["nodes"]["model.diprom.submission_deadlines"]["config"]["meta"]["validated"] = True
    path = _write(tmp_path, manifest)
    assert "quality.submission_deadlines" in validated_tables(path)
    assert _of(suites(path)["quality.submission_deadlines"], gxe.ExpectCompoundColumnsToBeUnique, column_list=["submitter", "period"])
    del manifest["nodes"]["model.diprom.kpi_national"]["config"]["meta"]["validated"]
    with pytest.raises(ValueError, match=r"marts\.kpi_national, which dbt_project\.yml does not mark validated"):
        suites(_write(tmp_path, manifest))


def test_an_expectation_both_state_is_kept_once(tmp_path):
    for table, expectations in suites(dbt_project.manifest_path).items():
        assert len(_kinds(expectations)) == len(expectations), table
    # a staging yml stating what expectations/suites.py says of a staged table
    manifest = copy.deepcopy(MANIFEST)
    test = copy.deepcopy(next(n for n in manifest["nodes"].values() if n["name"].startswith("not_null_columns_files")))
    test.update(attached_node="model.diprom.stg_landed_files", unique_id="test.diprom.not_null_columns_stg_landed_files")
    test["test_metadata"]["kwargs"]["columns"] = ["file_seq", "path"]
    manifest["nodes"][test["unique_id"]] = test
    landed = suites(_write(tmp_path, manifest))["staging.stg_landed_files"]
    assert [e.column for e in _of(landed, gxe.ExpectColumnValuesToNotBeNull)].count("file_seq") == 1
    assert len(landed) == len(suites(dbt_project.manifest_path)["staging.stg_landed_files"])
