"""Analysts reading analytics.duckdb in a loop while a run writes and publishes:
reader processes that report every error and every copy they saw."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

READER = """
import json, sys, time
from pathlib import Path
import duckdb
analytics, stop = Path(sys.argv[1]), Path(sys.argv[2])
queries, errors, seen = 0, [], set()
while not stop.exists():
    try:
        with duckdb.connect(str(analytics), read_only=True) as con:
            con.execute("SET enable_progress_bar = false")  # else drawn on stdout when a query takes >2 s
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
    # eight readers on two cores: each look (connect and three queries) costs CPU the run needs
    time.sleep(3)
print("READER", json.dumps({"queries": queries, "errors": errors[:5], "error_count": len(errors), "files_seen": sorted(seen)}), flush=True)
"""


@contextmanager
def readers_watching(analytics: Path, stop: Path, count: int = 8):
    """Yields a list that holds each reader's report once the block has ended."""
    processes = [
        subprocess.Popen([sys.executable, "-c", READER, str(analytics), str(stop)], stdout=subprocess.PIPE, text=True) for _ in range(count)
    ]
    reports: list[dict] = []
    try:
        yield reports
    finally:
        stop.touch()
        for process in processes:
            out = process.communicate(timeout=120)[0]
            lines = [line for line in out.splitlines() if line.startswith("READER ")]
            reports.append(json.loads(lines[-1].removeprefix("READER ")) if lines else {"missing": out[-2000:]})
