"""When the nightly load runs: at 02:00 Bangkok time, and when new file contents land.

One run at a time: DuckDB allows one writer per file and dbt will not start
while anything else holds it. The job carries the tag `diprom/warehouse:
writer`, and the instance's run queue (dagster.yaml, `concurrency.runs`)
admits one run with that tag at a time; a run the schedule or the sensor
requests while another is writing waits in the queue instead of failing on
the file lock. This is Dagster's own queue, so it also holds for runs started
from the UI; a run started with `dagster job execute` bypasses the queue, so
operators use `dagster job launch` (docs/operations.md).
"""

import hashlib

import dagster as dg

from orchestration.jobs import nightly_load
from orchestration.resources import WarehouseResource
from sources.landing import new_contents

LANDING_SOURCES = ["regional_reports", "isingleform"]

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_load_at_two",
    job=nightly_load,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Bangkok",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The nightly load at 02:00 Asia/Bangkok.",
)


def run_key_for(contents: dict[str, str]) -> str:
    """The same set of new contents always gives the same key: Dagster starts one run per key."""
    return hashlib.sha256("\n".join(sorted(contents)).encode()).hexdigest()


@dg.sensor(
    name="new_landing_files",
    job=nightly_load,
    minimum_interval_seconds=120,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the nightly load when file contents the archive has not seen appear in LANDING_DIR.",
)
def new_landing_files(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    layout = warehouse.layout
    contents = new_contents(layout.landing_dir, layout.archive_dir, LANDING_SOURCES, layout.sensor_landing_hashes)
    if not contents:
        return dg.SkipReason("no new file contents in LANDING_DIR")
    key = run_key_for(contents)
    context.update_cursor(key)
    examples = ", ".join(sorted(contents.values())[:5])
    context.log.info(f"{len(contents)} new file contents, e.g. {examples}")
    return dg.RunRequest(run_key=key, tags={"diprom/new_contents": str(len(contents))})
