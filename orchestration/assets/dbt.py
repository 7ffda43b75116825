"""The dbt project as assets: staging, rules, marts and quality tables, built by one `dbt build`."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets
from dagster_dbt.asset_utils import extract_runtime_selection_from_args, get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration.resources import WarehouseResource
from warehouse.build_state import plan_build, record_build
from warehouse.dbt_in_process import PARTIAL_PARSE, run_dbt
from warehouse.dbt_manifest import ensure_manifest

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# What Dagster needs to list the dbt assets (warehouse/dbt_manifest.py). Parsing
# reads only the project, never a warehouse file.
ensure_manifest(
    DBT_PROJECT_DIR,
    dbt_project.manifest_path,
    lambda: run_dbt(
        ["parse", "--quiet"], workdir=DBT_PROJECT_DIR, project_dir=DBT_PROJECT_DIR, target_path=dbt_project.manifest_path.parent
    ),
)


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
def warehouse_dbt_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.checks import start_importing_the_validator  # here: checks.py reads the manifest this module prepares

    # No other process may hold the warehouse file while dbt runs.
    layout = warehouse.layout
    start_importing_the_validator()
    plan = plan_build(layout, DBT_PROJECT_DIR)
    context.log.info(plan.reason)
    # The run's selection as dbt arguments, computed as dagster-dbt's own resource does.
    args, selects, excludes = extract_runtime_selection_from_args(plan.dbt_args)
    invocation = get_updated_cli_invocation_params_for_context(
        context, {}, DagsterDbtTranslator(), runtime_selects=selects, runtime_excludes=excludes
    )
    indirect = ["--indirect-selection", invocation.indirect_selection] if invocation.indirect_selection else []
    # dbt's state lives with the warehouse it built: partial parsing then survives
    # from one night to the next, and nothing piles up in the repository.
    results = run_dbt(
        [*args, *invocation.selection_args, *indirect],
        workdir=layout.warehouse_dir,
        project_dir=Path(invocation.dbt_project.project_dir),
        target_path=layout.dbt_target_dir,
        project_parse=dbt_project.project_dir / dbt_project.target_path / PARTIAL_PARSE,
    )
    tests_passed = 0
    for result in results:
        message = DbtCoreCliEventMessage(raw_event=result, event_history_metadata={})
        for event in message.to_default_asset_events(
            invocation.manifest, invocation.dagster_dbt_translator, context, layout.dbt_target_dir, invocation.dbt_project
        ):
            if isinstance(event, dg.AssetObservation):
                tests_passed += 1  # a passed dbt test; a failed one has failed the build
                continue
            yield event
    # Only now, dbt having succeeded: a failed or killed build is redone by the next run.
    built_through = record_build(layout.warehouse_db, plan.fingerprint, plan.full_refresh)
    context.log.info(f"dbt build: {tests_passed} dbt tests passed; files up to number {built_through} built")
