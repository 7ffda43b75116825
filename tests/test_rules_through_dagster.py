"""Each rule alone, versions, corrections and warnings, through two real Dagster runs and dbt builds
(tests/two_nights.py); the second night is watched by eight analysts reading analytics.duckdb."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import query

pytestmark = pytest.mark.e2e


@pytest.fixture
def warehouse(two_nights) -> Path:
    return two_nights.analytics


def test_eight_readers_during_a_run_see_one_whole_copy_and_never_fail(two_nights):
    readers = two_nights.readers
    assert len(readers) == 8 and all("missing" not in r for r in readers), readers
    assert all(r["error_count"] == 0 for r in readers), [r["errors"] for r in readers]
    assert all(r["queries"] > 5 for r in readers)  # each kept reading through the run
    # the old copy, then the new one (two more files: the re-sent report and the correction)
    before, after = two_nights.files_after_first, query(two_nights.analytics, "SELECT count(*) FROM quality.files")[0][0]
    assert after == before + 2
    assert set().union(*(r["files_seen"] for r in readers)) == {before, after}


def test_the_second_nights_copy_brought_up_to_date_by_parts_holds_the_warehouse(two_nights):
    """The second night updates the first copy's twin part by part (warehouse/publish.py):
    it and its exports hold every published row of the warehouse, findings included."""
    analytics = two_nights.analytics
    warehouse = analytics.with_name("warehouse.duckdb")
    tables = query(analytics, "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1")
    assert ("quality.findings",) in tables
    for (table,) in tables:
        assert query(analytics, f"SELECT * FROM {table} ORDER BY ALL") == query(warehouse, f"SELECT * FROM {table} ORDER BY ALL"), table
    exported = analytics.with_name("exports") / "parquet" / "quality.findings"
    assert len(list(exported.iterdir())) > 1  # a file per i-Single Form export, and the regional reports'
    assert query(analytics, f"SELECT * FROM read_parquet('{exported}/*.parquet') ORDER BY ALL") == query(
        analytics, "SELECT * FROM quality.findings ORDER BY ALL"
    )


def findings(db: Path, path: str) -> list[tuple]:
    return query(
        db,
        "SELECT row_number, rule_id, severity, column_name, value FROM quality.findings WHERE path = ? ORDER BY row_number, rule_id",
        [f"regional_reports/{path}"],
    )


def test_each_row_rule_alone(warehouse):
    assert findings(warehouse, "PIO51_result_2566-01.csv") == [
        (3, "RR01", "error", "province", None),
        (4, "RR01", "error", "program_code", None),
        (5, "RR02", "error", "entrepreneurs", "สิบ"),
        (6, "RR02", "error", "entrepreneurs", "2.5"),
        (7, "RR03", "error", "enterprises", "-1"),
        (8, "RR04", "error", "province", "Atlantis"),
        (9, "RR05", "error", "province", "Chiang Mai"),
        (10, "RR06", "error", "program_code", "zzz"),
        (11, "RR07", "error", "activity", "OK"),
        (12, "RR10", "error", "activity", "à¸šà¸£"),
        (14, "RR09", "warning", "entrepreneurs", "7"),
    ]


def test_rows_are_conserved_and_counted(warehouse):
    assert query(
        warehouse,
        "SELECT status, rows_read, rows_accepted, rows_quarantined, warnings FROM quality.files WHERE path = ?",
        ["regional_reports/PIO51_result_2566-01.csv"],
    ) == [("loaded", 12, 2, 10, 1)]
    assert query(warehouse, "SELECT count(*) FROM quality.files WHERE rows_read <> rows_accepted + rows_quarantined") == [(0,)]


def test_findings_carry_both_messages(warehouse):
    rows = query(warehouse, "SELECT rule_id, message_th, message_en FROM quality.findings WHERE rule_id = 'RR09'")
    [(_rule, thai, english)] = rows
    assert "ยอดรวม 7" in thai and "ผลรวมของแถวที่ผ่านการตรวจสอบ 6.0" in thai
    assert "total 7" in english and "sum of accepted rows 6.0" in english


def test_accepted_figures_reach_the_marts_with_thai_digits_and_dash(warehouse):
    rows = query(
        warehouse,
        """SELECT program_code, indicator, value FROM marts.kpi_monthly
           WHERE period = '2566-01' AND province_code = '51' ORDER BY program_code, indicator""",
    )
    assert rows == [
        ("HERO", "budget_disbursed_mb", 0),
        ("HERO", "economic_value_mb", Decimal("1234.5")),
        ("HERO", "entrepreneurs", 1),
        ("OTOP", "budget_disbursed_mb", Decimal("0.1")),
        ("OTOP", "economic_value_mb", Decimal("1.5")),
        ("OTOP", "entrepreneurs", 5),
    ]


def test_outlier_month_warns_rr08_only_after_three_months(warehouse):
    rr08 = query(warehouse, "SELECT path, row_number, column_name, value FROM quality.findings WHERE rule_id = 'RR08'")
    assert rr08 == [("regional_reports/IPC01_result_2566-02.csv", 2, "entrepreneurs", "200")]


def test_highest_version_is_current_and_rf06_names_the_superseded(warehouse):
    statuses = query(
        warehouse,
        "SELECT path, status, rule_id FROM quality.files WHERE path LIKE '%PIO51_result_2565-12%' ORDER BY path",
    )
    assert statuses == [
        ("regional_reports/PIO51_result_2565-12.csv", "superseded", None),
        ("regional_reports/PIO51_result_2565-12_v2.csv", "loaded", None),
        ("regional_reports/PIO51_result_2565-12_v3.csv", "rejected", "RF04"),
    ]
    assert findings(warehouse, "PIO51_result_2565-12_v2.csv") == [
        (None, "RF06", "warning", None, "regional_reports/PIO51_result_2565-12.csv")
    ]
    assert query(warehouse, "SELECT value FROM marts.kpi_monthly WHERE period = '2565-12' AND province_code = '51'") == [(2,)]


def test_same_name_re_sent_with_new_content_replaces_the_old(warehouse):
    assert query(warehouse, "SELECT status FROM quality.files WHERE path LIKE '%PIO51_result_2565-11.csv' ORDER BY first_seen_at") == [
        ("superseded",),
        ("loaded",),
    ]
    assert query(warehouse, "SELECT value FROM marts.kpi_monthly WHERE period = '2565-11' AND province_code = '51'") == [(31,)]


def test_factory_outlier_month_warns_is12(warehouse):
    rows = query(warehouse, "SELECT row_number, column_name, value, severity FROM quality.findings WHERE rule_id = 'IS12'")
    assert rows == [(4, "electricity_kwh", "๖๐๐,๐๐๐", "warning")]


def test_a_correction_in_a_later_run_replaces_the_factory_month(warehouse):
    rows = query(
        warehouse,
        "SELECT period, submission_id, workers_total FROM marts.factory_month WHERE factory_id = '10510000125401' ORDER BY period",
    )
    assert rows == [("2565-10", "M-10", 20), ("2565-11", "M-11", 20), ("2565-12", "M-12", 20), ("2566-01", "M-01-fix", 25)]


def test_same_id_with_other_content_breaks_is09_and_the_first_copy_stands(warehouse):
    rows = query(warehouse, "SELECT path, row_number, value FROM quality.findings WHERE rule_id = 'IS09'")
    assert rows == [("isingleform/correction.jsonl", 2, "M-10")]
    assert query(warehouse, "SELECT factory_name FROM marts.factory_month WHERE period = '2565-10'") == [("บริษัท ลำไยทอง จำกัด",)]


def test_production_lines_are_checked(warehouse):
    rows = query(
        warehouse, "SELECT row_number, rule_id, column_name FROM quality.findings WHERE path = 'isingleform/production.jsonl' ORDER BY ALL"
    )
    assert rows == [(1, "IS07", "production"), (2, "IS02", "production"), (3, "IS10", "production.product")]


def test_provinces_and_headers_as_people_type_them_load_where_they_belong(warehouse):
    assert query(
        warehouse,
        "SELECT status, rows_read, rows_accepted, rows_quarantined, warnings FROM quality.files WHERE path = ?",
        ["regional_reports/DIPROM_result_2566-03.csv"],
    ) == [("loaded", 13, 10, 3, 0)]
    # the entrepreneurs column, its header typed with the tone mark before the vowel, counts
    rows = query(
        warehouse,
        "SELECT province_code, program_code, value FROM marts.kpi_monthly WHERE period = '2566-03' AND indicator = 'entrepreneurs' ORDER BY ALL",
    )
    assert rows == [
        ("10", "CE", 4), ("10", "OTOP", 3),  # กทม., กรุงเทพฯ
        ("14", "OTOP", 5),  # อยุธยา
        ("20", "CE", 8), ("20", "HERO", 9), ("20", "OTOP", 7),  # จังหวัดชลบุรี, Chonburi, จ.ชลบุรี
        ("30", "CE", 10), ("30", "OTOP", 6),  # Korat, โคราช
        ("52", "OTOP", 1),  # ลำปาง with ํ + า
        ("62", "OTOP", 2),  # กำแพงเพชร with ํ + า
    ]  # fmt: skip


def test_unknown_names_are_answered_with_the_closest_known_one(warehouse):
    rows = query(
        warehouse,
        "SELECT row_number, rule_id, value, message_th, message_en FROM quality.findings WHERE path = ? ORDER BY row_number",
        ["regional_reports/DIPROM_result_2566-03.csv"],
    )
    assert rows == [
        (12, "RR04", "เชียงใหม", "ไม่รู้จักจังหวัดนี้ (หมายถึง เชียงใหม่ หรือไม่)", "Unknown province (did you mean เชียงใหม่?)"),
        (13, "RR06", "otp", "ไม่รู้จักรหัสโครงการนี้ (หมายถึง OTOP หรือไม่)", "Unknown programme code (did you mean OTOP?)"),
        (
            14,
            "RR07",
            "อบรมการท\u0e4d\u0e32บัญชี",
            *query(warehouse, "SELECT message_th, message_en FROM reference.quality_rules WHERE rule_id = 'RR07'")[0],
        ),
    ]
    # nothing close to Atlantis: no guess
    [(message,)] = query(warehouse, "SELECT message_en FROM quality.findings WHERE rule_id = 'RR04' AND value = 'Atlantis'")
    assert message == "Unknown province"


def test_a_look_alike_header_warns_rf07_and_the_file_loads(warehouse):
    assert findings(warehouse, "PIO51_result_2566-02.csv") == [(None, "RF07", "warning", "entrepreneurs", "ผู้ประกอบกร (ราย)")]
    [(message_th, message_en)] = query(warehouse, "SELECT message_th, message_en FROM quality.findings WHERE rule_id = 'RF07'")
    assert message_th.endswith('("ผู้ประกอบกร (ราย)" น่าจะหมายถึง "ผู้ประกอบการ (ราย)")')
    assert message_en.endswith('("ผู้ประกอบกร (ราย)" is probably "ผู้ประกอบการ (ราย)")')
    assert query(
        warehouse, "SELECT status, rows_accepted, warnings FROM quality.files WHERE path = 'regional_reports/PIO51_result_2566-02.csv'"
    ) == [("loaded", 1, 1)]
    assert query(warehouse, "SELECT indicator, value FROM marts.kpi_monthly WHERE period = '2566-02' AND province_code = '51'") == [
        ("economic_value_mb", Decimal("1.5"))
    ]


def test_location_types_and_estate_codes_typed_another_way_reach_the_marts_as_the_reference_spells_them(warehouse):
    rows = query(
        warehouse,
        "SELECT submission_id, location_type, estate_code FROM marts.factory_month WHERE submission_id LIKE 'L-%' ORDER BY ALL",
    )
    assert rows == [("L-1", "industrial_estate", "NRIE"), ("L-2", "outside", None)]
    assert query(warehouse, "SELECT count(*) FROM quality.findings WHERE path = 'isingleform/locations.jsonl'") == [(0,)]
