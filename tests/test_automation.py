"""The schedule, the sensor on new file contents, and one run at a time."""

import json
import shutil
import stat
import time
from datetime import UTC, datetime

import dagster as dg
import yaml

from orchestration.automation import new_landing_files, nightly_schedule, run_key_for
from orchestration.jobs import WAREHOUSE_WRITER_TAG, nightly_load
from orchestration.resources import WarehouseResource
from sources.landing import Archive, new_contents, sha256_of
from tests.conftest import REPO


def _evaluate(landing, warehouse):
    with dg.build_sensor_context(
        resources={"warehouse": WarehouseResource(landing_dir=str(landing), warehouse_dir=str(warehouse))}
    ) as context:
        return new_landing_files(context)


def _land(landing, name, content: bytes):
    path = landing / "regional_reports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _archive(warehouse, path, relative):
    archive = Archive(warehouse / "archive")
    sha = sha256_of(path)
    archive.keep(path, sha)
    archive.record_sighting(sha, relative, "regional_reports", datetime.now(UTC))


def test_the_schedule_runs_the_nightly_load_at_two_in_bangkok():
    assert nightly_schedule.cron_schedule == "0 2 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Bangkok"
    assert nightly_schedule.job_name == "nightly_load"
    assert nightly_schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_a_new_file_starts_exactly_one_run_and_an_identical_one_none(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    assert isinstance(_evaluate(landing, warehouse), dg.SkipReason)

    first = _land(landing, "IPC01_plan_2566.csv", b"a,b\n1,2\n")
    request = _evaluate(landing, warehouse)
    assert isinstance(request, dg.RunRequest)
    # evaluated again before the run took the file in: the same key, which Dagster starts once
    assert _evaluate(landing, warehouse).run_key == request.run_key

    _archive(warehouse, first, "regional_reports/IPC01_plan_2566.csv")  # the run took it in
    assert isinstance(_evaluate(landing, warehouse), dg.SkipReason)

    _land(landing, "copies/IPC01_plan_2566.csv", b"a,b\n1,2\n")  # dropped again, same bytes
    assert isinstance(_evaluate(landing, warehouse), dg.SkipReason)

    _land(landing, "IPC01_plan_2566.csv", b"a,b\n1,3\n")  # changed content under the old name
    changed = _evaluate(landing, warehouse)
    assert isinstance(changed, dg.RunRequest) and changed.run_key != request.run_key


def test_run_keys_depend_on_the_set_of_contents_only():
    assert run_key_for({"b": "x", "a": "y"}) == run_key_for({"a": "z", "b": "w"})
    assert run_key_for({"a": "x"}) != run_key_for({"a": "x", "b": "y"})


def _look(landing, tmp_path, clock=None) -> list[str]:
    """The sensor's look, as a code server started afresh makes it: all it remembers is in the file."""
    hashes = tmp_path / "warehouse" / "sensor" / "landing-hashes.json"
    return list(new_contents(landing, tmp_path / "archive", ["regional_reports"], hashes, **({"clock": clock} if clock else {})))


def _remembered(tmp_path) -> dict:
    return json.loads((tmp_path / "warehouse" / "sensor" / "landing-hashes.json").read_text(encoding="utf-8"))


def test_hashes_are_remembered_across_restarts_until_a_file_changes(tmp_path):
    landing = tmp_path / "landing"
    path = _land(landing, "IPC01_plan_2566.csv", b"one")
    settled = lambda: time.time_ns() + 10**10  # noqa: E731  a look well after the file's last change
    assert _look(landing, tmp_path, clock=settled) == [sha256_of(path)]
    [(relative, (signature, sha))] = _remembered(tmp_path).items()
    assert relative == "regional_reports/IPC01_plan_2566.csv" and sha == sha256_of(path)
    assert stat.S_IMODE((tmp_path / "warehouse" / "sensor").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "warehouse" / "sensor" / "landing-hashes.json").stat().st_mode) == 0o600

    # what the file remembers is what the next look believes, without reading the landing file
    (tmp_path / "warehouse" / "sensor" / "landing-hashes.json").write_text(json.dumps({relative: [signature, "f" * 64]}), encoding="utf-8")
    assert _look(landing, tmp_path) == ["f" * 64]

    path.write_bytes(b"two, longer")  # another signature: read again
    assert _look(landing, tmp_path, clock=settled) == [sha256_of(path)]
    assert _remembered(tmp_path)[relative][1] == sha256_of(path)

    path.unlink()  # gone: forgotten
    assert _look(landing, tmp_path) == [] and _remembered(tmp_path) == {}


def test_a_file_changed_just_before_the_look_is_read_again_at_the_next(tmp_path):
    landing = tmp_path / "landing"
    path = _land(landing, "IPC01_plan_2566.csv", b"one")
    assert _look(landing, tmp_path) == [sha256_of(path)]
    # written this very second: its signature may not yet tell a rewrite, so nothing is remembered
    assert not (tmp_path / "warehouse" / "sensor" / "landing-hashes.json").exists()


def test_a_damaged_memory_means_reading_the_folder_again(tmp_path):
    landing = tmp_path / "landing"
    path = _land(landing, "IPC01_plan_2566.csv", b"one")
    hashes = tmp_path / "warehouse" / "sensor" / "landing-hashes.json"
    hashes.parent.mkdir(parents=True)
    for damaged in ('{"regional_reports/IPC01_plan_2566.csv": ["x"', "[1, 2]", '{"regional_reports/IPC01_plan_2566.csv": [1, 2]}'):
        hashes.write_text(damaged, encoding="utf-8")
        assert _look(landing, tmp_path) == [sha256_of(path)]


def test_a_manifest_line_cut_short_by_a_crash_is_not_a_sighting(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    path = _land(landing, "IPC01_plan_2566.csv", b"a,b\n1,2\n")
    manifest = warehouse / "archive" / "manifest.jsonl"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"sha256": "' + sha256_of(path))  # no newline: the append never finished
    assert isinstance(_evaluate(landing, warehouse), dg.RunRequest)


def test_runs_writing_the_warehouse_queue_one_at_a_time(tmp_path):
    assert nightly_load.tags[WAREHOUSE_WRITER_TAG] == "writer"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert config["telemetry"]["enabled"] is False
    with dg.DagsterInstance.from_config(str(home)) as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": WAREHOUSE_WRITER_TAG, "limit": 1} in limits
