"""The check before sending, on the contract's examples (the "examples" scenario's night):
every file gets exactly the night's findings; the command prints them and says by its
exit status whether a file would load whole."""

from __future__ import annotations

import pytest

from checking.check import Checker, ToCheck
from checking.cli import main as check_command
from tests.check_helpers import FINDING_COLUMNS, check_as_that_night, checked_findings, compiled_rules, night_findings, received
from tests.conftest import query
from warehouse.layout import WarehouseLayout

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return compiled_rules(tmp_path_factory)


@pytest.fixture(scope="module")
def night(examples_runs, rules):
    analytics, _, _ = examples_runs
    warehouse, landing = analytics.parent, analytics.parent.parent / "landing"
    return analytics, landing, Checker(WarehouseLayout(landing, warehouse), rules)


def test_every_example_gets_the_nights_findings(night):
    analytics, landing, checker = night
    files = received(analytics.parent)
    assert len(files) == 7
    for file_seq, path, sha, seen_at in files:
        result = check_as_that_night(checker, landing, file_seq, path, seen_at)
        assert (result.path, result.sha256) == (path, sha)
        assert checked_findings(result) == night_findings(analytics, path, sha), path
        [(status, quarantined)] = query(
            analytics, "SELECT status, rows_quarantined FROM quality.files WHERE path = ? AND file_sha256 = ?", [path, sha]
        )
        # superseded is what a later file did to it: before that file came, it loaded
        assert (result.status, result.rows_quarantined) == (status.replace("superseded", "loaded"), quarantined), path


def test_a_later_version_is_told_it_supersedes_the_one_published(night, tmp_path):
    """Against everything the night published: v1 is already received, a v3 supersedes v2 (RF06)."""
    analytics, landing, checker = night
    v1 = landing / "regional_reports" / "IPC07_result_2565-12.xlsx"
    v3 = tmp_path / "IPC07_result_2565-12_v3.xlsx"
    v3.write_bytes((landing / "regional_reports" / "IPC07_result_2565-12_v2.xlsx").read_bytes())
    [v1_again, v3_checked] = checker.check([ToCheck(v1, "regional_reports", v1.name), ToCheck(v3, "regional_reports", v3.name)])
    assert v1_again.status == "already received"
    assert checked_findings(v1_again) == night_findings(analytics, v1_again.path, v1_again.sha256)
    assert v3_checked.status == "loaded"
    assert [(f["rule_id"], f["value"]) for f in v3_checked.findings if f["rule_id"] == "RF06"] == [
        ("RF06", "regional_reports/IPC07_result_2565-12_v2.xlsx")
    ]


def test_the_command_prints_both_messages_and_exits_non_zero_on_quarantine(night, rules, capsys, monkeypatch, tmp_path):
    _, landing, _ = night
    monkeypatch.setenv("DIPROM_CHECK_CACHE", str(rules.seeds_db.parent.parent))
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
    assert check_command([str(tmp_path / "missing.csv")]) == 2
    assert not empty.exists(), "the check wrote a warehouse"


def test_published_history_holds_nothing_personal(night):
    """No owner id, contact name, phone or e-mail of the examples anywhere in check_history.duckdb."""
    analytics, _, _ = night
    history = analytics.parent / "check_history.duckdb"
    assert {s for (s,) in query(history, "SELECT DISTINCT schema_name FROM duckdb_tables()")} == {"checking"}
    personal = {
        value
        for row in query(
            analytics.parent / "warehouse.duckdb",
            "SELECT owner_id, contact_name, contact_phone, contact_email FROM staging.stg_isf_submissions",
        )
        for value in row
        if value and len(value) >= 5
    }
    assert len(personal) >= 5
    texts = [
        value
        for table, column in query(
            history, "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'checking' AND data_type = 'VARCHAR'"
        )
        for (value,) in query(history, f'SELECT DISTINCT "{column}" FROM checking."{table}" WHERE "{column}" IS NOT NULL')
    ]
    assert not [(p, t) for p in personal for t in texts if p in t]
    assert len(FINDING_COLUMNS) == 10
