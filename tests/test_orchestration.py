"""The code location's definitions, and the dagster-dbt hooks the project relies on."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import DBT_EXECUTABLE, dbt_project
from orchestration.definitions import defs
from orchestration.resources import WarehouseDbtCliResource, WarehouseResource
from warehouse.build_state import BuildPlan
from warehouse.dbt_manifest import ensure_manifest, manifest_is_stale


def test_the_nightly_load_job_covers_every_asset():
    job = defs.get_job_def("nightly_load")
    keys = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert {"raw/landed_files", "raw/regional_rows", "marts/kpi_monthly", "quality/findings", "analytics_database"} <= keys


def test_the_job_runs_every_check_and_the_reports():
    job = defs.get_job_def("nightly_load")
    checks = {(key.asset_key.to_user_string(), key.name) for key in job.asset_layer.asset_graph.asset_check_keys}
    assert ("marts/kpi_monthly", "gx_suite") in checks and ("quality/submission_deadlines", "results_on_time") in checks
    keys = {key.to_user_string() for key in job.asset_layer.executable_asset_keys}
    assert {"quality_reports", "kpi_dashboard", "dbt_docs", "run_summary"} <= keys


def test_the_schedule_and_the_sensor_start_the_nightly_load():
    assert defs.get_schedule_def("nightly_load_at_two").job_name == "nightly_load"
    assert defs.get_sensor_def("new_landing_files").job_name == "nightly_load"


def test_failures_and_the_copys_age_are_watched():
    for sensor in ("nightly_load_failed", "morning_summary"):
        assert isinstance(defs.get_sensor_def(sensor), dg.RunStatusSensorDefinition)
    assert not isinstance(defs.get_sensor_def("published_copy_freshness"), dg.RunStatusSensorDefinition)
    job = defs.get_job_def("nightly_load")
    checks = {(key.asset_key.to_user_string(), key.name) for key in job.asset_layer.asset_graph.asset_check_keys}
    assert ("analytics_database", "published_copy_fresh") in checks


def test_publishing_comes_after_the_marts():
    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey("analytics_database")).parent_keys
    assert dg.AssetKey(["marts", "kpi_fiscal_year"]) in upstream
    assert dg.AssetKey(["quality", "files"]) in upstream


def test_dbt_is_invoked_once_with_build_and_without_the_unit_tests():
    assert BuildPlan("f", full_refresh=False).dbt_args == ["build", "--exclude", "test_type:unit"]
    assert BuildPlan("f", full_refresh=True).dbt_args == ["build", "--exclude", "test_type:unit", "--full-refresh"]


def test_the_dagster_dbt_hooks_we_override_still_exist():
    # If dagster-dbt renames them, our overrides silently stop working: fail here instead.
    assert "_cli_version" in vars(DbtCliResource)
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)


def test_dbt_version_is_read_offline():
    resource = WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
    assert str(resource._cli_version) == version("dbt-core")


def test_layout_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANDING_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "out"))
    layout = WarehouseResource().layout
    assert layout.landing_dir == tmp_path / "in"
    assert layout.analytics_db == tmp_path / "out" / "analytics.duckdb"
    monkeypatch.delenv("LANDING_DIR")
    monkeypatch.delenv("WAREHOUSE_DIR")
    assert WarehouseResource().layout.warehouse_dir == Path(tmp_path / "data" / "warehouse").resolve()


@pytest.mark.slow
def test_the_workspace_loads_the_code_location_as_dagster_dev_does(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    dagster = str(Path(sys.executable).parent / "dagster")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    result = subprocess.run(
        [dagster, "definitions", "validate", "-w", "workspace.yaml"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stderr + result.stdout


def test_the_manifest_is_stale_only_when_the_project_changed(tmp_path):
    import os

    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "kpi.sql"
    model.write_text("select 1")
    manifest = tmp_path / "target" / "manifest.json"
    assert manifest_is_stale(tmp_path, manifest)  # never parsed
    manifest.parent.mkdir()
    manifest.write_text("{}")
    os.utime(model, (1, 1))
    assert not manifest_is_stale(tmp_path, manifest)  # whatever warehouse the environment names
    model.write_text("select 2")
    os.utime(manifest, (1, 1))
    assert manifest_is_stale(tmp_path, manifest)


def test_loading_the_definitions_leaves_the_manifest_current():
    assert not manifest_is_stale(Path(dbt_project.project_dir), dbt_project.manifest_path)


def test_a_parse_that_writes_no_manifest_is_an_error(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "kpi.sql").write_text("select 1")
    with pytest.raises(RuntimeError, match="did not write"):
        ensure_manifest(tmp_path, tmp_path / "target" / "manifest.json", parse=lambda: None)
