"""SIGKILL during intake, during dbt and during publishing, then a normal run:
the published tables equal those of an uninterrupted run (the CLI runs of
conftest.examples_runs on the same files), nothing lost, nothing counted twice.

The killed runs are separate processes; the GX checks are left out of these
runs (they only read). The three crashes hit one warehouse in turn, so that a
single normal run proves recovery from all of them (one recovery run instead
of three: minutes of CI). They run under a 2 GB DuckDB memory limit and one
thread, the uninterrupted run under the defaults: the published tables do not
depend on the limits (warehouse/duckdb_settings.py)."""

import os
import shutil
import signal
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import REPO, materialize_nightly_load
from warehouse.crashpoints import INTAKE_BEFORE_COMMIT, PUBLISH_BEFORE_SWAP
from warehouse.duckdb_settings import MEMORY_LIMIT_VARIABLE, THREADS_VARIABLE

pytestmark = pytest.mark.e2e

DRIVER = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.conftest import materialize_nightly_load
result = materialize_nightly_load(Path({landing!r}), Path({warehouse!r}), with_gx_checks=False)
print("RUN FINISHED", result.success, flush=True)
"""
# Compared without the times of this particular run.
COMPARED = {
    "marts": "*",
    "quality.files": "* EXCLUDE (first_seen_at)",
    "quality.findings": "*",
    "quality.submission_quality": "*",
}


def _published(analytics) -> dict[str, list]:
    with duckdb.connect(str(analytics), read_only=True) as con:
        tables = [f"marts.{t}" for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
        tables += [t for t in COMPARED if t.startswith("quality.")]
        return {t: con.execute(f"select {COMPARED.get(t, '*')} from {t} order by all").fetchall() for t in sorted(tables)}


def _start_killable_run(landing, warehouse, crash_at=None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DIPROM_CRASH_AT", None)
    if crash_at:
        env["DIPROM_CRASH_AT"] = crash_at
    code = DRIVER.format(repo=str(REPO), landing=str(landing), warehouse=str(warehouse))
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip


def test_three_crashes_then_a_normal_run_give_the_uninterrupted_result(tmp_path, examples_dir, examples_runs, monkeypatch):
    """One warehouse through three SIGKILLs in a row, as a bad night might bring
    them, each run resuming what the last left: in the intake (a file's rows
    written, not committed), while dbt builds the models, and between writing the
    new analytics copy and renaming it. Then one normal run. All four under
    tighter DuckDB limits than the uninterrupted run's."""
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "2GB")
    monkeypatch.setenv(THREADS_VARIABLE, "1")
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    shutil.copytree(examples_dir, landing)
    # the uninterrupted run's personal-data key, so that owner keys compare equal
    warehouse.mkdir()
    shutil.copy2(examples_runs[0].parent / "pii.key", warehouse / "pii.key")

    run = _start_killable_run(landing, warehouse, crash_at=f"{INTAKE_BEFORE_COMMIT}:3")
    output, _ = run.communicate(timeout=900)
    assert run.returncode == -signal.SIGKILL, output[-2000:]
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.landed_files").fetchall() == [(2,)]  # the third never committed

    run = _start_killable_run(landing, warehouse)
    for line in run.stdout:
        if "START sql table model intermediate." in line:  # dbt is half-way: staging built, rules building
            os.killpg(run.pid, signal.SIGKILL)  # dagster and its dbt child, together
            break
    run.wait(timeout=300)
    assert run.returncode == -signal.SIGKILL
    assert not (warehouse / "analytics.duckdb").exists()

    run = _start_killable_run(landing, warehouse, crash_at=PUBLISH_BEFORE_SWAP)
    output, _ = run.communicate(timeout=900)
    assert run.returncode == -signal.SIGKILL, output[-2000:]
    assert not (warehouse / "analytics.duckdb").exists()  # never half a copy under the published name
    assert (warehouse / ".analytics.duckdb.next").exists()
    assert not (warehouse / "exports").exists()  # the exports, written from the new copy, are not swapped in either

    result = materialize_nightly_load(landing, warehouse, with_gx_checks=False)
    assert result.success
    assert _published(warehouse / "analytics.duckdb") == _published(examples_runs[0])
    assert not (warehouse / ".analytics.duckdb.next").exists()
    assert [p.name for p in warehouse.glob(".exports-*")] == [(warehouse / "exports").readlink().name]  # the crashed set cleared
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        # every file once: the killed runs' sightings were either committed once or not at all
        assert con.execute("select count(*), count(distinct (path, file_sha256)) from raw.landed_files").fetchall() == [(7, 7)]
