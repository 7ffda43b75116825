"""The contract's examples through the real CLI, as EXPECTED.md says, no personal data
outside, and no network used by any process of the CLI run."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.assets.dbt import DBT_EXECUTABLE
from tests.conftest import REPO, query
from tests.network_audit import audit_events

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def runs(examples_runs):
    return examples_runs


@pytest.fixture(scope="module")
def analytics(runs) -> Path:
    return runs[0]


def test_a_second_run_with_nothing_new_changes_no_table(runs):
    _, first, second = runs
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table


def test_no_process_of_the_cli_run_uses_the_network(analytics):
    events = audit_events(analytics.parent.parent)
    started = [e for e in events if e["event"] == "started"]
    assert any("dagster" in " ".join(e["detail"]) for e in started)
    assert any("dbt" in " ".join(e["detail"]) for e in started), "the dbt child was not audited"
    network = [e for e in events if e["event"] not in ("started", "subprocess.Popen")]
    assert network == []
    # Every program the run starts is audited (one of the venv's Python entry
    # points, or the script that starts dbt in the warehouse's folder) or a local
    # tool that has no network use: Python's `platform` asks `uname` and `file`;
    # Dagster follows a step's output with `tail`.
    spawned = {e["detail"] for e in events if e["event"] == "subprocess.Popen"}
    allowed = {"uname", "file", "tail", DBT_EXECUTABLE}
    assert all(program.startswith(str(REPO / ".venv" / "bin")) or program in allowed for program in spawned), spawned


def test_analytics_holds_only_the_published_schemas(analytics):
    schemas = {s for (s,) in query(analytics, "SELECT DISTINCT schema_name FROM duckdb_tables()")}
    assert schemas == {"marts", "quality", "reference"}


def file_outcome(analytics: Path, name: str) -> tuple:
    [row] = query(
        analytics,
        "SELECT status, rule_id, rows_read, rows_accepted, rows_quarantined, warnings FROM quality.files WHERE path = ?",
        [f"regional_reports/{name}"],
    )
    return row


def test_each_regional_file_outcome(analytics):
    assert file_outcome(analytics, "IPC01_plan_2566.csv") == ("loaded", None, 3, 3, 0, 0)
    assert file_outcome(analytics, "PIO51_result_2566-01.csv") == ("loaded", None, 10, 3, 7, 1)
    assert file_outcome(analytics, "IPC07_result_2565-12.xlsx")[0] == "superseded"
    assert file_outcome(analytics, "IPC07_result_2565-12_v2.xlsx") == ("loaded", None, 3, 3, 0, 1)
    assert file_outcome(analytics, "ipc02-results-march.csv")[:2] == ("rejected", "RF02")


def test_the_plan_total_row_matches(analytics):
    assert query(analytics, "SELECT count(*) FROM quality.findings WHERE path LIKE '%IPC01_plan_2566.csv'") == [(0,)]


def test_superseded_version_warns_on_v2(analytics):
    assert query(
        analytics,
        "SELECT rule_id, severity, value FROM quality.findings WHERE path = 'regional_reports/IPC07_result_2565-12_v2.xlsx'",
    ) == [("RF06", "warning", "regional_reports/IPC07_result_2565-12.xlsx")]


def test_pio51_rows_by_line(analytics):
    rows = query(
        analytics,
        """SELECT row_number, rule_id, severity, column_name FROM quality.findings
           WHERE path = 'regional_reports/PIO51_result_2566-01.csv' ORDER BY row_number""",
    )
    assert rows == [
        (7, "RR03", "error", "entrepreneurs"),
        (8, "RR02", "error", "entrepreneurs"),
        (9, "RR05", "error", "province"),
        (10, "RR06", "error", "program_code"),
        (11, "RR07", "error", "activity"),
        (12, "RR02", "error", "entrepreneurs"),
        (13, "RR01", "error", "province"),
        (14, "RR09", "warning", "entrepreneurs"),
    ]
    messages = query(analytics, "SELECT message_th, message_en FROM quality.findings WHERE rule_id = 'RR05'")
    assert messages == [("จังหวัดอยู่นอกพื้นที่รับผิดชอบของหน่วยงานผู้ส่ง", "The province lies outside the submitter's area")]


def kpi(analytics: Path, period: str, where: str) -> dict[tuple, Decimal]:
    rows = query(
        analytics,
        f"SELECT province_code, program_code, indicator, value FROM marts.kpi_monthly WHERE period = ? AND {where}",
        [period],
    )
    return {(p, prog, ind): v for p, prog, ind, v in rows}


def test_kpi_monthly_lamphun_january(analytics):
    figures = kpi(analytics, "2566-01", "province_code = '51'")
    assert figures[("51", "OTOP", "entrepreneurs")] == 12
    assert figures[("51", "CE", "entrepreneurs")] == 8
    assert figures[("51", "HERO", "entrepreneurs")] == 5
    assert figures[("51", "OTOP", "economic_value_mb")] == Decimal("1234.5")
    assert figures[("51", "CE", "economic_value_mb")] == Decimal("3.1")
    assert figures[("51", "HERO", "economic_value_mb")] == 12
    assert figures[("51", "OTOP", "enterprises")] == 0  # '-' is zero


def test_kpi_monthly_region_7_december(analytics):
    rows = query(
        analytics,
        """SELECT fiscal_year, fiscal_quarter, province_code, program_code, value FROM marts.kpi_monthly
           WHERE period = '2565-12' AND region_no = 7 AND indicator = 'entrepreneurs' ORDER BY program_code""",
    )
    assert rows == [(2566, 1, "33", "CE", 10), (2566, 1, "35", "CIV", 5), (2566, 1, "34", "OTOP", 22)]


def test_kpi_fiscal_year_region_1(analytics):
    rows = query(
        analytics,
        """SELECT program_code, target, actual, achievement_pct FROM marts.kpi_fiscal_year
           WHERE fiscal_year = 2566 AND region_no = 1 AND indicator = 'entrepreneurs' AND program_code IN ('OTOP', 'CIV')
           ORDER BY program_code""",
    )
    assert rows == [("CIV", 40, 0, 0.0), ("OTOP", 60, 12, 20.0)]


def test_budget_efficiency_region_1_otop(analytics):
    rows = query(
        analytics,
        """SELECT budget_allocated_mb, budget_disbursed_mb, disbursement_pct, economic_value_mb, value_per_baht
           FROM marts.budget_efficiency WHERE fiscal_year = 2566 AND region_no = 1 AND program_code = 'OTOP'""",
    )
    assert rows == [(Decimal("2.5"), Decimal("0.45"), 18.0, Decimal("1234.5"), 2743.33)]


def test_every_published_table_and_column_is_described(analytics):
    undescribed = query(
        analytics,
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = ''",
    )
    assert undescribed == []
    undescribed = query(
        analytics,
        """SELECT table_name || '.' || column_name FROM duckdb_columns()
           WHERE schema_name IN ('marts', 'quality') AND (comment IS NULL OR comment = '')""",
    )
    assert undescribed == []


def test_isingleform_file_outcomes(analytics):
    rows = query(
        analytics,
        "SELECT path, status, rows_read, rows_accepted, rows_quarantined FROM quality.files WHERE source = 'isingleform' ORDER BY path",
    )
    # line 11 of the .jsonl is a duplicate of line 1: not an error, counted with the accepted
    assert rows == [("isingleform/2566-01.jsonl", "loaded", 12, 5, 7), ("isingleform/2566-01_flat.csv", "loaded", 2, 1, 1)]


def test_isingleform_findings_by_line(analytics):
    rows = query(
        analytics,
        """SELECT path, row_number, rule_id, severity FROM quality.findings
           WHERE path LIKE 'isingleform/%' ORDER BY path, row_number""",
    )
    assert rows == [
        ("isingleform/2566-01.jsonl", 4, "IS03", "error"),
        ("isingleform/2566-01.jsonl", 5, "IS05", "error"),
        ("isingleform/2566-01.jsonl", 6, "IS06", "error"),
        ("isingleform/2566-01.jsonl", 7, "IS07", "error"),
        ("isingleform/2566-01.jsonl", 8, "IS10", "error"),
        ("isingleform/2566-01.jsonl", 10, "IS11", "error"),
        ("isingleform/2566-01.jsonl", 12, "IS02", "error"),
        ("isingleform/2566-01_flat.csv", 3, "IS08", "error"),
    ]


def test_factory_month_january(analytics):
    rows = query(
        analytics,
        "SELECT factory_id, workers_total, submission_id, owner_key FROM marts.factory_month WHERE period = '2566-01' ORDER BY factory_id",
    )
    assert [r[0] for r in rows] == ["10510000125401", "10520000925501", "20510000325601", "72510001225552"]
    by_factory = {r[0]: r for r in rows}
    assert by_factory["10510000125401"][1:3] == (26, "ISF-6601-0009")
    assert by_factory["72510001225552"][1] == 435
    assert by_factory["10510000125401"][3] == "0105536112014"  # a juristic person's id as is
    natural = by_factory["20510000325601"][3]
    assert len(natural) == 64 and natural != "3100600445635"  # a natural person's as a keyed hash


def test_industry_by_province_lamphun_january(analytics):
    rows = query(
        analytics,
        """SELECT location_type, tsic_section, factories FROM marts.industry_by_province
           WHERE period = '2566-01' AND province_code = '51' ORDER BY location_type""",
    )
    assert rows == [("industrial_estate", "C", 1), ("outside", "C", 2)]


PERSONAL_VALUES = ["3100600445635", "สมชาย ใจดี", "081-234-5678", "somchai@example.co.th"]


def test_no_personal_value_in_any_published_table(analytics):
    import duckdb

    # one connection, every cell of every table as text (the examples are small)
    with duckdb.connect(str(analytics), read_only=True) as con:
        for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
            rows = con.execute(f'SELECT CAST(COLUMNS(*) AS VARCHAR) FROM "{schema}"."{table}"').fetchall()
            cells = "\n".join(str(cell) for row in rows for cell in row)
            for value in PERSONAL_VALUES:
                assert value not in cells, (schema, table, value)


def test_no_personal_value_in_the_exports(analytics):
    """The same scan over every exported file: Parquet and CSV as DuckDB reads them, the workbook's cells."""
    import duckdb
    from openpyxl import load_workbook

    exports = analytics.parent / "exports"
    files = sorted(exports.rglob("*.parquet")) + sorted(exports.rglob("*.csv"))
    assert files
    with duckdb.connect() as con:
        for path in files:
            reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
            rows = con.execute(f"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM {reader}('{path}')").fetchall()
            cells = "\n".join(str(cell) for row in rows for cell in row)
            for value in PERSONAL_VALUES:
                assert value not in cells, (path, value)
    workbooks = sorted(exports.glob("*.xlsx"))
    assert workbooks
    for workbook in workbooks:
        book = load_workbook(workbook, read_only=True)
        cells = "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
        for value in PERSONAL_VALUES:
            assert value not in cells, (workbook.name, value)


def test_no_personal_value_in_reports_logs_or_dagster_events(analytics):
    root = analytics.parents[1]
    places = [root / "cli_output.txt", *(root / "dagster_home").rglob("*"), *(analytics.parent / "reports").rglob("*")]
    for place in places:
        if place.is_file():
            content = place.read_bytes()
            for value in PERSONAL_VALUES:
                assert value.encode("utf-8") not in content, (place, value)


def test_personal_key_is_kept_for_the_owner_only(analytics):
    key = analytics.parent / "pii.key"
    assert key.stat().st_mode & 0o077 == 0


def test_the_run_prints_its_summary(analytics):
    output = (analytics.parents[1] / "cli_output.txt").read_text(encoding="utf-8")
    files_lines = re.findall(r"run summary \| (files new: .*)", output)
    assert files_lines == ["files new: 7 (loaded 5, superseded 1, duplicate 0, rejected 1); versions from earlier runs replaced: 0"]
    assert re.search(r"run summary \| files still being written, left for the next run: 0", output)
    assert re.search(r"run summary \| mart kpi_monthly: \d+ rows", output)
    assert re.search(r"run summary \| step warehouse_dbt_models: [\d.]+ s", output)


def test_dbt_keeps_its_state_with_the_warehouse(analytics):
    dbt_state = analytics.parent / "dbt"
    assert (dbt_state / "partial_parse.msgpack").is_file() and (dbt_state / "run_results.json").is_file()
    # dbt runs in the warehouse's folder with one profile for every warehouse, so
    # even a new warehouse starts from the project's parse instead of parsing again
    log = (dbt_state / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log
    assert log.count("Partial parsing enabled: ") == 2  # both nights
