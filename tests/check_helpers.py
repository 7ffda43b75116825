"""What the tests of the check before sending compare (tests/test_check_examples.py,
tests/test_check_sample.py): each file of a night checked as it would have been
just before that night, against what the night published of the files before
it (`history_before`), at the night's time, gives the night's findings."""

from __future__ import annotations

import os
from pathlib import Path

from checking.check import FINDING_COLUMNS, Checker, ToCheck
from checking.rules import CompiledRules
from tests.conftest import query


def check_cache(tmp_path_factory) -> Path:
    """DIPROM_CHECK_CACHE, else one folder for every worker of the session: the rules
    compile once (a minute: dbt seeds and compiles), under the cache's lock."""
    cache = os.environ.get("DIPROM_CHECK_CACHE")
    return Path(cache) if cache else tmp_path_factory.getbasetemp().parent / "check-cache"


def compiled_rules(tmp_path_factory) -> CompiledRules:
    return CompiledRules.prepare(check_cache(tmp_path_factory))


def _sort_key(row):
    return tuple((value is None, "" if value is None else str(value)) for value in row)


def sorted_rows(rows) -> list[tuple]:
    return sorted(rows, key=_sort_key)


def night_findings(analytics: Path, path: str, sha: str) -> list[tuple]:
    return sorted_rows(
        query(analytics, f"SELECT {', '.join(FINDING_COLUMNS)} FROM quality.findings WHERE path = ? AND file_sha256 = ?", [path, sha])
    )


def checked_findings(result) -> list[tuple]:
    return sorted_rows(tuple(f[c] for c in FINDING_COLUMNS) for f in result.findings)


def received(warehouse: Path) -> list[tuple]:
    """(file_seq, path, sha256, first_seen_at) of every file the night took in, from what it published."""
    return query(
        warehouse / "check_history.duckdb",
        "SELECT file_seq, path, file_sha256, first_seen_at FROM checking.received_files ORDER BY file_seq",
    )


def check_as_that_night(checker: Checker, landing: Path, file_seq: int, path: str, seen_at):
    source, name = path.split("/", 1)
    [result] = checker.check([ToCheck(landing / path, source, name)], seen_at=seen_at, history_before=file_seq)
    return result
