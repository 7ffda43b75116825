"""The check before sending gives every file exactly the findings the night gave it.

Each file of a night is checked as it would have been just before that night:
against what the night published of the files before it (`history_before`),
at the night's time. The contract's examples share the "examples" scenario's
warehouse; the bundled sample shares the "sample" scenario's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checking.check import Checker, ToCheck
from checking.cli import main as check_command
from checking.rules import CompiledRules
from sources.layout import WarehouseLayout
from tests.conftest import query

FINDING_COLUMNS = "file_sha256, path, row_number, submitter, rule_id, severity, message_th, message_en, column_name, value"
HISTORY_RULES = ("RF06", "RR08", "IS09", "IS12")


@pytest.fixture(scope="session")
def compiled_rules(tmp_path_factory) -> CompiledRules:
    return CompiledRules.prepare(tmp_path_factory.mktemp("check-cache"))


def _sort_key(row):
    return tuple((value is None, "" if value is None else str(value)) for value in row)


def night_findings(analytics: Path, path: str, sha: str) -> list[tuple]:
    rows = query(analytics, f"SELECT {FINDING_COLUMNS} FROM quality.findings WHERE path = ? AND file_sha256 = ?", [path, sha])
    return sorted(rows, key=_sort_key)


def checked_findings(result) -> list[tuple]:
    return sorted((tuple(f[c.strip()] for c in FINDING_COLUMNS.split(",")) for f in result.findings), key=_sort_key)


def received(warehouse: Path) -> list[tuple]:
    """(file_seq, path, sha256, first_seen_at) of every file the night took in."""
    return query(warehouse / "check_history.duckdb",
                 "SELECT file_seq, path, file_sha256, first_seen_at FROM checking.received_files ORDER BY file_seq")


def check_as_that_night(checker: Checker, landing: Path, file_seq: int, path: str, seen_at):
    source, name = path.split("/", 1)
    [result] = checker.check([ToCheck(landing / path, source, name)], seen_at=seen_at, history_before=file_seq)
    return result


def test_every_example_gets_the_nights_findings(examples_runs, compiled_rules):
    analytics, _, _ = examples_runs
    warehouse, landing = analytics.parent, analytics.parent.parent / "landing"
    checker = Checker(WarehouseLayout(landing, warehouse), compiled_rules)
    files = received(warehouse)
    assert len(files) == 7
    for file_seq, path, sha, seen_at in files:
        result = check_as_that_night(checker, landing, file_seq, path, seen_at)
        assert (result.path, result.sha256) == (path, sha)
        assert checked_findings(result) == night_findings(analytics, path, sha), path
        [(status, quarantined)] = query(analytics, "SELECT status, rows_quarantined FROM quality.files WHERE path = ? AND file_sha256 = ?", [path, sha])
        # superseded is what a later file did to it: before that file came, it loaded
        assert (result.status, result.rows_quarantined) == (status.replace("superseded", "loaded"), quarantined), path


def test_a_later_version_is_told_it_supersedes_the_one_published(examples_runs, compiled_rules):
    """Against everything the night published: v1 is already received, v2 supersedes it (RF06)."""
    analytics, _, _ = examples_runs
    warehouse, landing = analytics.parent, analytics.parent.parent / "landing"
    checker = Checker(WarehouseLayout(landing, warehouse), compiled_rules)
    v2 = landing / "regional_reports" / "IPC07_result_2565-12_v2.xlsx"
    renamed = v2.parent.parent / "IPC07_result_2565-12_v3.xlsx"
    renamed.write_bytes(v2.read_bytes())
    [v1_again, v3] = checker.check([
        ToCheck(landing / "regional_reports" / "IPC07_result_2565-12.xlsx", "regional_reports", "IPC07_result_2565-12.xlsx"),
        ToCheck(renamed, "regional_reports", renamed.name),
    ])
    assert v1_again.status == "already received"
    assert v1_again.findings == [dict(zip([c.strip() for c in FINDING_COLUMNS.split(",")], row))
                                 for row in night_findings(analytics, v1_again.path, v1_again.sha256)]
    assert v3.status == "loaded"
    assert [(f["rule_id"], f["value"]) for f in v3.findings if f["rule_id"] == "RF06"] == [
        ("RF06", "regional_reports/IPC07_result_2565-12_v2.xlsx")
    ]


def test_the_command_prints_both_messages_and_exits_non_zero_on_quarantine(examples_runs, compiled_rules, capsys, monkeypatch, tmp_path):
    analytics, _, _ = examples_runs
    landing = analytics.parent.parent / "landing"
    monkeypatch.setenv("DIPROM_CHECK_CACHE", str(compiled_rules.seeds_db.parent.parent))
    empty = tmp_path / "no-warehouse-yet"
    quarantined = landing / "regional_reports" / "PIO51_result_2566-01.csv"
    assert check_command([str(quarantined), "--warehouse-dir", str(empty), "--workbook", str(tmp_path / "books")]) == 1
    out = capsys.readouterr().out
    assert "7 of 10 rows would be quarantined" in out and "7 จาก 10 แถวจะถูกกักกัน" in out
    assert "RR05 error row 9 column province value 'เชียงใหม่'" in out and "จังหวัดอยู่นอกพื้นที่รับผิดชอบ" in out
    assert (tmp_path / "books" / "PIO51.xlsx").is_file()
    clean = landing / "regional_reports" / "IPC01_plan_2566.csv"
    assert check_command([str(clean), "--warehouse-dir", str(empty)]) == 0
    assert "would load, all 3 rows" in capsys.readouterr().out
    assert check_command([str(landing / "regional_reports" / "ipc02-results-march.csv"), "--warehouse-dir", str(empty)]) == 1
    assert "RF02" in capsys.readouterr().out
    assert not empty.exists(), "the check wrote a warehouse"


def test_the_whole_sample_checked_as_one_night(sample_run, sample_landing, compiled_rules):
    """Every file of the bundled sample, checked together as the night took them in."""
    analytics, _ = sample_run
    landing, _ = sample_landing
    warehouse = analytics.parent
    files = received(warehouse)
    checker = Checker(WarehouseLayout(landing, warehouse), compiled_rules)
    seen_at = files[0][3]
    results = checker.check([ToCheck(landing / path, *path.split("/", 1)) for _, path, _, _ in files], seen_at=seen_at, history_before=1)
    assert len(results) == len(files)
    night = query(analytics, f"SELECT {FINDING_COLUMNS} FROM quality.findings")
    assert sorted((row for r in results for row in checked_findings(r)), key=_sort_key) == sorted(night, key=_sort_key)


def test_sample_files_judged_with_earlier_nights_get_the_nights_findings(sample_run, sample_landing, compiled_rules):
    """Files whose findings depend on earlier files (versions, RF06, RR08, IS09, IS12),
    each checked alone against what was published of the files before it."""
    analytics, _ = sample_run
    landing, _ = sample_landing
    warehouse = analytics.parent
    checker = Checker(WarehouseLayout(landing, warehouse), compiled_rules)
    depends_on_history = {
        path for (path,) in query(
            analytics,
            f"""SELECT DISTINCT path FROM quality.findings WHERE rule_id IN {HISTORY_RULES}
                UNION SELECT path FROM quality.files WHERE version > 1 OR status IN ('duplicate', 'superseded') OR source = 'isingleform'""",
        )
    }
    chosen = [f for f in received(warehouse) if f[1] in depends_on_history]
    assert {rule for (rule,) in query(analytics, "SELECT DISTINCT rule_id FROM quality.findings")} >= {"RF06", "IS09", "IS12"}
    for file_seq, path, sha, seen_at in chosen:
        result = check_as_that_night(checker, landing, file_seq, path, seen_at)
        assert checked_findings(result) == night_findings(analytics, path, sha), path
