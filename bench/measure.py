"""Wall time and peak memory of a process and all its children (Dagster and dbt)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    """Children of every thread of `pid` (dagster-dbt starts dbt from a worker thread)."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.extend(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass  # the process ended while we looked
    return found


def tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and its descendants now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue  # the process ended between the two looks
        todo.extend(_children(current))
    return total


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss: int  # bytes, of the whole process tree at its largest
    returncode: int
    output: str


def run_measured(command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None, every: float = 0.2) -> Measured:
    """Run `command`, its output to `log`, sampling the process tree's memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                done.wait(every)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return Measured(seconds, peak, returncode, log.read_text(encoding="utf-8", errors="replace"))
