"""The alerts, received by real servers on localhost: a night made to fail
through Dagster, its alert by e-mail (aiosmtpd) and webhook (http.server); a
channel that is down; no channel at all; the freshness of the analysts' copy."""

from __future__ import annotations

import os
import shutil
import time

import dagster as dg
import pytest

from operations.alerts import NO_CHANNEL
from operations.redaction import REMOVED, redact_personal
from orchestration.alerting import nightly_load_failed, published_copy_fresh, published_copy_freshness
from orchestration.definitions import defs
from orchestration.resources import WarehouseResource
from tests.alert_servers import free_port, smtp_server, webhook_server

PERSON_ID, EMAIL, PHONE = "3100600445635", "somchai@example.co.th", "081-234-5678"
HOUR = 3600


def test_personal_values_are_removed_and_other_numbers_kept():
    text = f"owner {PERSON_ID}, factory 20510000325601, juristic 0105536000001, {EMAIL}, tel {PHONE}, 1234567 baht"
    cleaned = redact_personal(text)
    for value in (PERSON_ID, EMAIL, PHONE):
        assert value not in cleaned
    assert cleaned.count(REMOVED) == 3
    assert "20510000325601" in cleaned and "0105536000001" in cleaned and "1234567 baht" in cleaned


@pytest.fixture(scope="module")
def failed_night(tmp_path_factory, examples_dir):
    """The nightly load through Dagster, made to fail in its first step: the
    warehouse's archive is a file. The warehouse's folder carries personal
    values, so the error quoting its path does too. The analysts' copy is 30
    hours old."""
    root = tmp_path_factory.mktemp("failed_night")
    landing = root / "landing"
    shutil.copytree(examples_dir, landing)
    warehouse = root / f"{PERSON_ID}-{EMAIL}" / "warehouse"
    warehouse.mkdir(parents=True)
    (warehouse / "archive").write_text("not a folder")
    analytics = warehouse / "analytics.duckdb"
    analytics.write_bytes(b"the previous copy")
    os.utime(analytics, (time.time() - 30 * HOUR - 60,) * 2)
    (root / "dagster_home").mkdir()
    instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LANDING_DIR", str(landing))
        env.setenv("WAREHOUSE_DIR", str(warehouse))
        result = defs.resolve_job_def("nightly_load").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    [failure] = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return instance, run, failure.dagster_event, warehouse


def _alert_channels(monkeypatch, mailbox=None, webhook_url=None):
    for name in [n for n in os.environ if n.startswith("DIPROM_ALERT_")]:
        monkeypatch.delenv(name)
    for name, value in (mailbox.env() if mailbox else {}).items():
        monkeypatch.setenv(name, value)
    if webhook_url:
        monkeypatch.setenv("DIPROM_ALERT_WEBHOOK_URL", webhook_url)


def _run_the_failure_sensor(failed_night) -> list[str]:
    """The sensor on the failed run; the run log's new lines about the alert."""
    instance, run, failure, warehouse = failed_night
    before = len(instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT))
    # the warehouse resource opens a context (the owner-only umask): the sensor's context holds it
    with dg.build_run_status_sensor_context(
        sensor_name="nightly_load_failed", dagster_event=failure, dagster_instance=instance, dagster_run=run,
        resources={"warehouse": WarehouseResource(warehouse_dir=str(warehouse))},
    ) as context:  # fmt: skip
        nightly_load_failed(context.for_run_failure())
    return [e.message for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)[before:]]


@pytest.mark.e2e
def test_a_failed_night_is_mailed_and_posted_in_thai_and_english_without_personal_values(failed_night, monkeypatch):
    run = failed_night[1]
    monkeypatch.setenv("DAGSTER_WEBSERVER_URL", "http://dagster.diprom.test:3000/")
    with smtp_server() as mailbox, webhook_server() as hook:
        _alert_channels(monkeypatch, mailbox, hook.url)
        run_log = _run_the_failure_sensor(failed_night)

    [message] = mailbox.messages
    assert "ล้มเหลว" in message["Subject"] and "nightly load of" in message["Subject"] and "failed" in message["Subject"]
    body = message.get_content()
    [(content_type, payload)] = hook.payloads
    assert content_type.startswith("application/json")
    for text in (body, payload["text"]):
        assert "การโหลดข้อมูลประจำคืน" in text and "The nightly load of" in text
        assert "landing_intake" in text  # the step that failed
        assert "archive" in text  # its first error lines
        assert "30 ชั่วโมง" in text and "30 hours old" in text  # the analysts' previous copy
        assert f"http://dagster.diprom.test:3000/runs/{run.run_id}" in text
        assert "Traceback" not in text
        assert PERSON_ID not in text and EMAIL not in text and REMOVED in text
        assert text.index("การโหลดข้อมูลประจำคืน") < text.index("The nightly load of")  # Thai first
    assert run_log == ["ส่งแจ้งเตือนแล้วทาง · alert sent by e-mail, webhook"]


@pytest.mark.e2e
def test_a_channel_that_is_down_is_logged_and_the_others_still_get_the_alert(failed_night, monkeypatch):
    with smtp_server() as mailbox:
        _alert_channels(monkeypatch, mailbox, f"http://127.0.0.1:{free_port()}/nobody-listens")
        run_log = _run_the_failure_sensor(failed_night)
    assert len(mailbox.messages) == 1
    [line] = run_log
    assert line.startswith("ส่งแจ้งเตือนแล้วทาง · alert sent by e-mail") and "the webhook channel is down: URLError" in line


@pytest.mark.e2e
def test_with_no_channel_the_run_log_says_so_once(failed_night, monkeypatch):
    _alert_channels(monkeypatch)
    assert _run_the_failure_sensor(failed_night) == [NO_CHANNEL]


def test_the_copy_overdue_is_told_once_and_fresh_again_once(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    analytics = warehouse / "analytics.duckdb"
    analytics.write_bytes(b"a copy")
    os.utime(analytics, (time.time() - 27 * HOUR,) * 2)
    resources = {"warehouse": WarehouseResource(warehouse_dir=str(warehouse))}

    def tick(cursor):
        with dg.build_sensor_context(cursor=cursor, resources=resources) as context:
            return published_copy_freshness(context)

    with smtp_server() as mailbox:
        _alert_channels(monkeypatch, mailbox)
        overdue = tick(None)
        assert overdue.cursor == "overdue"
        [evaluation] = overdue.asset_events
        assert evaluation.check_name == "published_copy_fresh" and not evaluation.passed
        assert isinstance(tick("overdue"), dg.SkipReason)  # told once
        [message] = mailbox.messages
        assert "เก่าเกินกำหนด" in message["Subject"] and "overdue" in message["Subject"]
        assert "26 ชั่วโมง" in message.get_content() and "27 hours old" in message.get_content()

        monkeypatch.setenv("DIPROM_FRESHNESS_HOURS", "28")  # the expectation is a setting
        assert published_copy_fresh(warehouse=resources["warehouse"]).passed
        monkeypatch.delenv("DIPROM_FRESHNESS_HOURS")
        assert not published_copy_fresh(warehouse=resources["warehouse"]).passed

        analytics.touch()  # a night published again
        fresh = tick("overdue")
        assert fresh.cursor == "fresh" and fresh.asset_events[0].passed
        assert isinstance(tick("fresh"), dg.SkipReason)
        assert len(mailbox.messages) == 2
        assert "เป็นปัจจุบันแล้ว" in mailbox.messages[1]["Subject"] and "fresh again" in mailbox.messages[1]["Subject"]
