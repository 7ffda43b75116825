"""The dbt project as assets: staging, rules, marts and quality tables, built by one `dbt build`."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets

from orchestration.resources import WarehouseDbtCliResource, WarehouseResource
from warehouse.build_state import plan_build, record_build
from warehouse.dbt_manifest import ensure_manifest
from warehouse.layout import WarehouseLayout

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt of this environment, whether or not the virtual environment is on PATH.
INSTALLED_DBT = str(Path(sys.executable).parent / "dbt")
# What the resource starts: that dbt, in the warehouse's folder (see the script).
DBT_EXECUTABLE = str(Path(__file__).resolve().parents[1] / "dbt_in_warehouse.sh")


def _parse(project: DbtProject) -> None:
    # Parsing reads only the project, never the warehouse file. (DbtProject's own
    # preparer looks for dbt on PATH, which an un-activated venv does not have;
    # plain DbtCliResource would ask PyPI for dbt's version.)
    WarehouseDbtCliResource(project_dir=project, dbt_executable=INSTALLED_DBT).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()


def point_dbt_at(layout: WarehouseLayout) -> None:
    """dbt runs as a child process, in the warehouse's folder (dbt_in_warehouse.sh)."""
    os.environ["DIPROM_DBT"] = INSTALLED_DBT
    os.environ["DIPROM_DBT_WORKDIR"] = str(layout.warehouse_dir)


# What Dagster needs to list the dbt assets (warehouse/dbt_manifest.py).
ensure_manifest(DBT_PROJECT_DIR, dbt_project.manifest_path, lambda: _parse(dbt_project))


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Assets named `<schema>/<table>` as analysts see them; sources are `raw/<table>`,
    the keys the intake produces."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    # dbt's tests gate the build: one failing fails `dbt build`, the step and the
    # run, before anything is published. They are not also turned into Dagster
    # asset checks: each Dagster event costs a SQLite commit (docs/benchmarks.md),
    # and the data-quality checks in Dagster are the GX suites.
    dagster_dbt_translator=WarehouseDbtTranslator(DagsterDbtTranslatorSettings(enable_asset_checks=False)),
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: WarehouseDbtCliResource, warehouse: WarehouseResource):
    from orchestration.checks import start_importing_the_validator  # here: checks.py reads the manifest this module prepares

    # No other process may hold the warehouse file while dbt runs.
    layout = warehouse.layout
    start_importing_the_validator()
    point_dbt_at(layout)
    plan = plan_build(layout, DBT_PROJECT_DIR)
    context.log.info(plan.reason)
    tests_passed = 0
    # dbt's state lives with the warehouse it built: partial parsing then survives
    # from one night to the next, and nothing piles up in the repository.
    for event in dbt.cli(plan.dbt_args, context=context, target_path=layout.dbt_target_dir).stream():
        if isinstance(event, dg.AssetObservation):
            tests_passed += 1  # a passed dbt test; a failed one raises when the stream ends
            continue
        yield event
    # Only now, dbt having succeeded: a failed or killed build is redone by the next run.
    built_through = record_build(layout.warehouse_db, plan.fingerprint, plan.full_refresh)
    context.log.info(f"dbt build: {tests_passed} dbt tests passed; files up to number {built_through} built")
