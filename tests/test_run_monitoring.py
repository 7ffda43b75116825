"""A dead run does not block later nights: under `dagster-daemon` with the
project's dagster.yaml, a run whose worker and code server are killed with
SIGKILL (as a reboot or the OOM killer would) is marked failed by Dagster's run
monitoring, the failure alert reaches a real SMTP server, and the next run
requested through the run queue succeeds; after it, the morning summary.

The first run is the one the sensor `new_landing_files` requests. It is held
in its intake by the landing folder's settle time (files changed just now, 900 s
to settle), so that it is killed in a known place; the files are then dated
back, and the next run takes them in at once."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import psutil
import pytest

from tests.alert_servers import smtp_server
from tests.conftest import REPO

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def _wait_for(what: str, seconds: float, probe):
    """probe() until it returns something true; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(2)
    pytest.fail(f"gave up waiting for {what} after {seconds:.0f} s")


def _kill_tree(pid: int) -> list[int]:
    """SIGKILL a process and all its descendants; their pids."""
    root = psutil.Process(pid)
    victims = [*root.children(recursive=True), root]
    for process in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGKILL)
    return [p.pid for p in victims]


def test_a_killed_run_is_marked_failed_alerted_and_the_next_run_succeeds(tmp_path, examples_dir, monkeypatch):
    home, landing, warehouse = tmp_path / "dagster_home", tmp_path / "landing", tmp_path / "warehouse"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    shutil.copytree(examples_dir, landing)
    for path in landing.rglob("*"):
        os.utime(path)  # changed just now: the intake waits for them to settle

    with smtp_server() as mailbox, open(tmp_path / "daemon.log", "w") as daemon_log:
        env = {
            **os.environ, **mailbox.env(), "DAGSTER_HOME": str(home), "LANDING_DIR": str(landing), "WAREHOUSE_DIR": str(warehouse),
            "DIPROM_LANDING_SETTLE_SECONDS": "900", "DIPROM_MORNING_SUMMARY": "1",
        }  # fmt: skip
        env.pop("DIPROM_ALERT_WEBHOOK_URL", None)
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        # The instance's storage made before the daemon starts: two processes creating a new
        # sqlite storage at once can both stamp its schema, and the code location then fails
        # to load ("more than one head", dagster-io/dagster#27390).
        with dg.DagsterInstance.get():
            pass
        daemon = subprocess.Popen(
            [BIN / "dagster-daemon", "run", "-w", "workspace.yaml"], cwd=REPO, env=env,
            stdout=subprocess.DEVNULL, stderr=daemon_log, start_new_session=True,
        )  # fmt: skip
        try:
            with dg.DagsterInstance.get() as instance:

                def intake_started():
                    runs = instance.get_runs()
                    if runs and runs[-1].status == dg.DagsterRunStatus.STARTED:
                        steps = instance.get_records_for_run(runs[-1].run_id, of_type=dg.DagsterEventType.STEP_START).records
                        if any(r.event_log_entry.step_key == "landing_intake" for r in steps):
                            return runs[-1]

                first = _wait_for("the sensor's run to be in its intake", 600, intake_started)
                assert first.tags["dagster/sensor_name"] == "new_landing_files"
                start = instance.get_records_for_run(first.run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records[0]
                worker = psutil.Process(start.event_log_entry.dagster_event.pid)
                killed = _kill_tree(worker.parent().pid)  # the code server and the run worker under it
                assert worker.pid in killed

                def failed():
                    run = instance.get_run_by_id(first.run_id)
                    return run if run.status == dg.DagsterRunStatus.FAILURE else None

                _wait_for("Dagster to mark the killed run failed", 600, failed)
                [failure] = instance.all_logs(first.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
                assert "is no longer running" in failure.message  # run monitoring's verdict (operations/run_launcher.py)

                [alert] = _wait_for("the failure alert", 300, lambda: mailbox.with_subject("failed"))
                body = alert.get_content()
                assert "ล้มเหลว" in alert["Subject"]
                assert "หยุดทำงานก่อนจบขั้นตอนใด" in body and "stopped outside any step" in body
                assert "Analysts have no copy yet" in body and first.run_id in body

                for path in landing.rglob("*"):
                    os.utime(path, (time.time() - 2 * 86400,) * 2)  # long settled now
                launched = subprocess.run(
                    [BIN / "dagster", "job", "launch", "-w", "workspace.yaml", "-j", "nightly_load",
                     "--tags", json.dumps({"dagster/schedule_name": "nightly_load_at_two"})],
                    cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
                )  # fmt: skip
                assert launched.returncode == 0, launched.stderr[-2000:]

                def finished():
                    runs = [r for r in instance.get_runs() if r.run_id != first.run_id]
                    return runs[0] if runs and runs[0].is_finished else None

                second = _wait_for("the next run to finish", 1200, finished)
                assert second.status == dg.DagsterRunStatus.SUCCESS, (tmp_path / "daemon.log").read_text()[-3000:]
                assert (warehouse / "analytics.duckdb").exists()

                [summary] = _wait_for("the morning summary", 300, lambda: mailbox.with_subject("summary of the night"))
                text = summary.get_content()
                assert text.index("สรุปการโหลดข้อมูลคืน") < text.index("Summary of the nightly load")
                assert "New files: 7 (loaded" in text and "Rows accepted:" in text and "New findings by rule: " in text
                assert f"{warehouse}/reports/quality/index.html" in text
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
