"""Analysts read analytics.duckdb while a run writes and publishes: eight reader
processes in a loop, zero errors, and every query sees one whole copy."""

import json
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import materialize_nightly_load

pytestmark = pytest.mark.e2e

READER = """
import json, sys, time
from pathlib import Path
import duckdb
analytics, stop = Path(sys.argv[1]), Path(sys.argv[2])
queries, errors, seen = 0, [], set()
while not stop.exists():
    try:
        with duckdb.connect(str(analytics), read_only=True) as con:
            # one copy, whole: the national figures are the sums of the regional ones
            [(files, national, regional)] = con.execute(
                "select (select count(*) from quality.files),"
                " (select sum(actual) from marts.kpi_national),"
                " (select sum(actual) from marts.kpi_fiscal_year)").fetchall()
        if national != regional:
            errors.append(f"half a copy: {national} != {regional}")
        seen.add(files)
        queries += 1
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    time.sleep(1)  # eight readers on two cores: leave the run some CPU
print("READER", json.dumps({"queries": queries, "errors": errors[:5], "error_count": len(errors), "files_seen": sorted(seen)}), flush=True)
"""

NEW_RESULT = (
    "province,program code,activity,entrepreneurs,enterprises,community enterprises,products,people,networks,"
    "economic value,budget disbursed\n"
    "51,OTOP,อบรมผู้ประกอบการ,5,1,0,2,12,0,1.5,0.2\n"
)


def test_eight_readers_during_a_whole_run(examples_runs, tmp_path):
    original = examples_runs[0].parent
    warehouse, landing = tmp_path / "warehouse", tmp_path / "landing"
    shutil.copytree(original, warehouse, ignore=shutil.ignore_patterns("reports", "gx"))
    shutil.copytree(original.parent / "landing", landing)
    # something new, so that the run publishes a different copy
    (landing / "regional_reports" / "PIO51_result_2566-02.csv").write_text(NEW_RESULT, encoding="utf-8")

    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(warehouse / "analytics.duckdb"), str(stop)], stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    time.sleep(2)
    try:
        result = materialize_nightly_load(landing, warehouse, with_gx_checks=False)
        time.sleep(2)
    finally:
        stop.touch()
    outputs = [reader.communicate(timeout=120)[0] for reader in readers]
    reports = [json.loads(line.removeprefix("READER ")) for out in outputs for line in out.splitlines() if line.startswith("READER ")]
    assert len(reports) == 8, outputs

    assert result.success
    assert all(r["error_count"] == 0 for r in reports), [r["errors"] for r in reports]
    assert all(r["queries"] > 5 for r in reports)  # each kept reading through the run
    files_before = len(examples_runs[2]["quality.files"])
    assert {files_before, files_before + 1} == set().union(*(r["files_seen"] for r in reports))
