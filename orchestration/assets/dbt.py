"""The dbt project as assets: staging, rules, marts and quality tables, built by one `dbt build`."""

import fcntl
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets

from orchestration.checks import start_importing_the_validator
from warehouse.build_state import build_fingerprint, needs_full_refresh, record_build
from orchestration.resources import WarehouseDbtCliResource, WarehouseResource
from warehouse.layout import WarehouseLayout
from sources.pii import key_fingerprint, load_or_create_key

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt of this environment, whether or not the virtual environment is on PATH.
INSTALLED_DBT = str(Path(sys.executable).parent / "dbt")
# What the resource starts: that dbt, in the warehouse's folder (see the script).
DBT_EXECUTABLE = str(Path(__file__).resolve().parents[1] / "dbt_in_warehouse.sh")


def manifest_is_stale(project: DbtProject) -> bool:
    """True when a model, macro, seed or setting changed after the manifest was written.

    The manifest describes the project only; each warehouse keeps its own dbt
    state (partial parse, run results) in `WarehouseLayout.dbt_target_dir`."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [*Path(project.project_dir).glob("*.yml")]
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        sources.extend(p for p in (Path(project.project_dir) / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


def prepare_manifest(project: DbtProject) -> None:
    """Parse the project when its manifest is stale. A lock serialises processes
    that import the definitions at once (a run and the sensor's code server)."""
    if not manifest_is_stale(project):
        return
    target = project.manifest_path.parent  # (project.target_path is relative to the project)
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest_is_stale(project):  # another process may have parsed while we waited
            # Parsing reads only the project, never the warehouse file. (DbtProject's own
            # preparer looks for dbt on PATH, which an un-activated venv does not have.)
            # The offline resource: plain DbtCliResource would ask PyPI for dbt's version.
            WarehouseDbtCliResource(project_dir=project, dbt_executable=INSTALLED_DBT).cli(
                ["parse", "--quiet"], target_path=project.target_path
            ).wait()


def point_dbt_at(layout: WarehouseLayout) -> None:
    """dbt runs as a child process, in the warehouse's folder (dbt_in_warehouse.sh)."""
    os.environ["DIPROM_DBT"] = INSTALLED_DBT
    os.environ["DIPROM_DBT_WORKDIR"] = str(layout.warehouse_dir)


prepare_manifest(dbt_project)


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Assets named `<schema>/<table>` as analysts see them; sources are `raw/<table>`,
    the keys the intake produces."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]


def dbt_build_args(full_refresh: bool) -> list[str]:
    """One invocation per run: dbt's start-up costs seconds each time. The
    incremental models are rebuilt whole when the project changed (dbt_build_state).
    The rules' unit tests judge the SQL, not the night's data: the night does not
    run them (tests/test_dbt_unit_tests.py does)."""
    build = ["build", "--exclude", "test_type:unit"]
    return [*build, "--full-refresh"] if full_refresh else build


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
    layout = warehouse.layout
    start_importing_the_validator()
    point_dbt_at(layout)
    fingerprint = build_fingerprint(DBT_PROJECT_DIR, key_fingerprint(load_or_create_key(layout.warehouse_dir)))
    full_refresh = needs_full_refresh(layout.warehouse_db, fingerprint)
    context.log.info(
        "dbt build: the whole warehouse (first build, or the project, dbt or the owner-id key changed)"
        if full_refresh
        else "dbt build: i-Single Form models for the files taken in since the last build"
    )
    tests_passed = 0
    # dbt's state lives with the warehouse it built: partial parsing then survives
    # from one night to the next, and nothing piles up in the repository.
    for event in dbt.cli(dbt_build_args(full_refresh), context=context, target_path=layout.dbt_target_dir).stream():
        if isinstance(event, dg.AssetObservation):
            tests_passed += 1  # a passed dbt test; a failed one raises when the stream ends
            continue
        yield event
    # Only now, dbt having succeeded: a failed or killed build is redone by the next run.
    built_through = record_build(layout.warehouse_db, fingerprint, full_refresh)
    context.log.info(f"dbt build: {tests_passed} dbt tests passed; files up to number {built_through} built")
