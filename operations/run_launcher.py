"""Dagster's default run launcher, able to tell when a run's worker has died.

Dagster's run monitoring (dagster.yaml) marks a started run failed when the
launcher says its worker is gone, but the default launcher cannot say. Its
code server notices a worker killed under it; nobody notices a run whose
worker and code server died together (a reboot, the OOM killer taking both),
and such a run holds the one-writer queue for ever. Workers of this launcher
run on this machine, so the check is local: the process that started the run
(the pid of its RUN_START event) is alive and is the same process, not a later
one that reuses its pid.
"""

from __future__ import annotations

import psutil
from dagster import DagsterEventType, DefaultRunLauncher
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus

# A process created later than the run started is a stranger with a reused pid;
# the slack covers clock granularity between the event and the process table.
_CREATED_SLACK_SECONDS = 2.0


class LocalRunLauncher(DefaultRunLauncher):
    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run) -> CheckRunHealthResult:
        records = self._instance.get_records_for_run(run.run_id, of_type=DagsterEventType.RUN_START, limit=1).records
        if not records:
            # a status Dagster would fail the run for: only a dead worker should do that
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no start event yet")
        entry = records[0].event_log_entry
        pid = entry.dagster_event.pid if entry.dagster_event else None
        if pid is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "the run's start event has no pid")
        try:
            process = psutil.Process(pid)
            alive = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
            same = process.create_time() <= entry.timestamp + _CREATED_SLACK_SECONDS
        except psutil.NoSuchProcess:
            alive = same = False
        if alive and same:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(WorkerStatus.FAILED, f"the run worker (pid {pid}) is no longer running")
