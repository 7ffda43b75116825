"""The run's summary: the last step of the nightly load."""

import dagster as dg

from orchestration.assets.publish import analytics_database
from orchestration.assets.reports import dbt_docs, kpi_dashboard, quality_reports
from orchestration.resources import WarehouseResource
from warehouse.archive_cipher import key_from_environment
from warehouse.run_summary import protection_lines, summarize_run, summary_lines


@dg.asset(
    key="run_summary",
    group_name="publish",
    deps=[analytics_database, quality_reports, kpi_dashboard, dbt_docs],
    description="What this run did: files new, duplicate, rejected and superseded, rows accepted and quarantined, rows per mart, time per step.",
)
def run_summary(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    summary = summarize_run(warehouse.layout.warehouse_db, context.run.run_id)
    summary["files_still_arriving"] = _files_still_arriving(context)
    step_seconds = {
        s.step_key: s.end_time - s.start_time
        for s in context.instance.get_run_step_stats(context.run.run_id)
        if s.start_time is not None and s.end_time is not None
    }
    key = key_from_environment()  # the intake has already refused a key configured wrongly
    summary["paths_tightened"] = warehouse.tightened
    for line in summary_lines(summary, step_seconds) + protection_lines(warehouse.tightened, key and key.fingerprint):
        context.log.info(line)
    return dg.MaterializeResult(metadata={**summary, **{f"seconds/{step}": round(t, 1) for step, t in step_seconds.items()}})


def _files_still_arriving(context: dg.AssetExecutionContext) -> int:
    """Files the intake of this run left for the next one: they are not in the warehouse, only in its metadata."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(["raw", "landed_files"]))
    if event is None or event.run_id != context.run.run_id:
        return 0
    metadata = event.asset_materialization.metadata
    return sum(int(value.value) for key, value in metadata.items() if key.endswith("/files_still_arriving"))
