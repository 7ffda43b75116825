"""Telling people: the alert when a night fails, the analysts' copy's freshness,
and the optional morning summary. What the messages say and how they are sent
lives in operations/; this is the wiring."""

from datetime import UTC, datetime

import dagster as dg

from operations.alerts import morning_summary_wanted, send_alert
from operations.freshness import Freshness, copy_freshness
from operations.messages import copy_fresh_again, copy_overdue, failed_night, morning_summary
from orchestration.assets.publish import analytics_database
from orchestration.jobs import nightly_load
from orchestration.resources import WarehouseResource
from warehouse.run_summary import NEW_FINDINGS

FRESHNESS_CHECK = "published_copy_fresh"
OVERDUE, FRESH = "overdue", "fresh"


def _started_at(instance: dg.DagsterInstance, run_id: str) -> datetime | None:
    record = instance.get_run_record_by_id(run_id)
    started = record.start_time if record else None
    return datetime.fromtimestamp(started, UTC) if started else None


def _error_messages(error) -> str:
    """The messages of an error and its causes, without their stack traces."""
    lines = []
    while error is not None:
        lines.append(error.message)
        error = error.cause or error.context
    return "\n".join(lines)


def _why_the_run_failed(context: dg.RunFailureSensorContext) -> tuple[str | None, str]:
    failures = context.get_step_failure_events()
    if failures:  # the first step that failed; the later ones follow from it
        error = getattr(failures[0].event_specific_data, "error", None)
        return failures[0].step_key, _error_messages(error) if error else (failures[0].message or "")
    # No step failed: the run's process died, or Dagster marked it failed from outside.
    engine = context.instance.get_records_for_run(
        context.dagster_run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, ascending=False, limit=1
    ).records
    explanation = [engine[0].event_log_entry.message] if engine else []
    return None, "\n".join([context.failure_event.message or "", *explanation])


@dg.run_failure_sensor(
    name="nightly_load_failed",
    monitored_jobs=[nightly_load],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends the alert (e-mail, webhook) when a nightly load fails; the run's log says where it went.",
)
def nightly_load_failed(context: dg.RunFailureSensorContext, warehouse: WarehouseResource):
    run = context.dagster_run
    step, error_text = _why_the_run_failed(context)
    alert = failed_night(
        run.run_id, _started_at(context.instance, run.run_id), step, error_text, copy_freshness(warehouse.layout.analytics_db)
    )
    delivery = send_alert(alert, context.log)
    context.instance.report_engine_event(str(delivery), run)


def _freshness_metadata(freshness: Freshness) -> dict:
    return {
        "published at": str(freshness.published_at or "never"),
        "age (hours)": round(freshness.age.total_seconds() / 3600, 1) if freshness.age is not None else -1.0,
        "limit (hours)": freshness.limit.total_seconds() / 3600,
    }


@dg.asset_check(
    asset=analytics_database,
    name=FRESHNESS_CHECK,
    description="The analysts' copy is younger than DIPROM_FRESHNESS_HOURS (26 by default). "
    "Evaluated after each publish and by the sensor published_copy_freshness between runs.",
)
def published_copy_fresh(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    freshness = copy_freshness(warehouse.layout.analytics_db)
    return dg.AssetCheckResult(passed=not freshness.overdue, severity=dg.AssetCheckSeverity.WARN, metadata=_freshness_metadata(freshness))


@dg.sensor(
    name="published_copy_freshness",
    minimum_interval_seconds=600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Alerts once when analytics.duckdb becomes overdue and once when it is fresh again; "
    "records the check published_copy_fresh when that changes.",
)
def published_copy_freshness(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    freshness = copy_freshness(warehouse.layout.analytics_db)
    state = OVERDUE if freshness.overdue else FRESH
    if state == context.cursor:
        return dg.SkipReason(f"the analysts' copy is still {state}")
    if state == OVERDUE:
        send_alert(copy_overdue(freshness), context.log)
    elif context.cursor == OVERDUE:
        send_alert(copy_fresh_again(freshness), context.log)
    evaluation = dg.AssetCheckEvaluation(
        asset_key=analytics_database.key, check_name=FRESHNESS_CHECK, passed=state == FRESH,
        severity=dg.AssetCheckSeverity.WARN, metadata=_freshness_metadata(freshness),
    )  # fmt: skip
    return dg.SensorResult(asset_events=[evaluation], cursor=state)


@dg.run_status_sensor(
    name="morning_summary",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[nightly_load],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="With DIPROM_MORNING_SUMMARY=1: after each successful scheduled night, one message to the data team.",
)
def morning_summary_sensor(context: dg.RunStatusSensorContext, warehouse: WarehouseResource):
    from reporting.feedback.deadlines import latest_deadlines

    run = context.dagster_run
    if not morning_summary_wanted():
        return dg.SkipReason("DIPROM_MORNING_SUMMARY is not set")
    if "dagster/schedule_name" not in run.tags:
        return dg.SkipReason("the summary follows the scheduled night only")
    event = context.instance.get_latest_materialization_event(dg.AssetKey("run_summary"))
    if event is None or event.run_id != run.run_id:
        return dg.SkipReason("this run left no run summary")
    counts = {key: int(value.value) for key, value in event.asset_materialization.metadata.items() if isinstance(value.value, int)}
    layout = warehouse.layout
    deadlines = latest_deadlines(layout.analytics_db)
    alert = morning_summary(
        run.run_id, _started_at(context.instance, run.run_id), counts,
        {k.removeprefix(NEW_FINDINGS): n for k, n in counts.items() if k.startswith(NEW_FINDINGS)},
        deadlines.period, deadlines.late, deadlines.missing, layout.reports_dir,
    )  # fmt: skip
    send_alert(alert, context.log)
