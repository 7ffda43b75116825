"""The dbt project as assets: staging, rules, marts and quality tables, built by one `dbt build`."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets

from orchestration.resources import WarehouseDbtCliResource, WarehouseResource
from sources.layout import WarehouseLayout

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt of this environment, whether or not the virtual environment is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def manifest_is_stale(project: DbtProject, warehouse_db: Path) -> bool:
    """True when a model, macro, seed or setting changed after the manifest was
    written, or when it was written for another warehouse file.

    The warehouse path is part of dbt's profile, and dbt parses the whole
    project again (10+ s) when the profile differs from the one the saved
    parse was made with."""
    marker = project.manifest_path.with_name("prepared_for.txt")
    if not project.manifest_path.exists() or not marker.exists() or marker.read_text() != str(warehouse_db):
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [*Path(project.project_dir).glob("*.yml")]
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        sources.extend(p for p in (Path(project.project_dir) / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


def point_dbt_at(warehouse_db: Path) -> None:
    """dbt runs as a child process and finds the warehouse through this variable (profiles.yml)."""
    os.environ["DIPROM_WAREHOUSE_DB"] = str(warehouse_db)


_warehouse_db = WarehouseLayout.from_env().warehouse_db
point_dbt_at(_warehouse_db)
if manifest_is_stale(dbt_project, _warehouse_db):
    # Parsing reads only the project, never the warehouse file. (DbtProject's own
    # preparer looks for dbt on PATH, which an un-activated venv does not have.)
    # The offline resource: plain DbtCliResource would ask PyPI for dbt's version.
    WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()
    dbt_project.manifest_path.with_name("prepared_for.txt").write_text(str(_warehouse_db))


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Assets named `<schema>/<table>` as analysts see them; sources are `raw/<table>`,
    the keys the intake produces."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


def dbt_build_args() -> list[str]:
    """One invocation per run: dbt's start-up costs seconds each time."""
    return ["build"]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # dbt's tests gate the build: one failing fails `dbt build`, the step and the
    # run, before anything is published. They are not also turned into Dagster
    # asset checks: each Dagster event costs a SQLite commit (~100 ms on these
    # disks), and the data-quality checks in Dagster are the GX suites.
    dagster_dbt_translator=WarehouseDbtTranslator(DagsterDbtTranslatorSettings(enable_asset_checks=False)),
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: WarehouseDbtCliResource, warehouse: WarehouseResource):
    # No other process may hold the warehouse file while dbt runs.
    point_dbt_at(warehouse.layout.warehouse_db)
    tests_passed = 0
    for event in dbt.cli(dbt_build_args(), context=context).stream():
        if isinstance(event, dg.AssetObservation):
            tests_passed += 1  # a passed dbt test; a failed one raises when the stream ends
            continue
        yield event
    context.log.info(f"dbt build: {tests_passed} dbt tests passed")
