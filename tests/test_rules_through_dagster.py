"""Each rule alone, versions, corrections and warnings, through two real Dagster runs and dbt builds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import json

import pytest

from tests.conftest import materialize_nightly_load, query

pytestmark = pytest.mark.e2e

HEADER = "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย),สถานประกอบการ (แห่ง),มูลค่าทางเศรษฐกิจ (ล้านบาท),งบประมาณเบิกจ่าย (ล้านบาท)\n"
ONE_ROW_PER_RULE = HEADER + "\n".join(
    [
        "ลำพูน,OTOP,ok,5,,1.5,0.1",  # 2 accepted
        ",OTOP,no province,1,,,",  # 3 RR01 province
        "ลำพูน,,no programme,1,,,",  # 4 RR01 program_code
        "ลำพูน,CE,text,สิบ,,,",  # 5 RR02
        "ลำพูน,CE,fraction,2.5,,,",  # 6 RR02
        "ลำพูน,CE,negative,,-1,,",  # 7 RR03
        "Atlantis,CE,unknown province,1,,,",  # 8 RR04
        "Chiang Mai,CE,outside the area,1,,,",  # 9 RR05
        "lamphun ,zzz,unknown programme,1,,,",  # 10 RR06
        "๕๑,otop, OK ,9,,,",  # 11 RR07: the key of line 2 after normalisation
        "ลำพูน,CE,à¸šà¸£,1,,,",  # 12 RR10
        'ลำพูน,HERO,money,1,,"1,234.5",-',  # 13 accepted
        "รวม,,,7,,1236,0.1",  # 14 total: entrepreneurs 7 against 6 accepted
    ]
) + "\n"


def submission(submission_id: str, period: str, submitted_at: str, **changes) -> dict:
    record = {
        "submission_id": submission_id, "submitted_at": submitted_at, "period": period,
        "factory_id": "10510000125401", "owner_id": "0105536112014", "factory_name": "บริษัท ลำไยทอง จำกัด",
        "tsic_code": "10309", "province_code": "51", "location": {"type": "outside"},
        "workers": {"thai_male": 10, "thai_female": 10, "foreign_male": 0, "foreign_female": 0},
        "production_value_baht": "1,000,000", "electricity_kwh": 20000,
    }
    record.update(changes)
    return record


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# IS12: three ordinary months, then a month of 30 times the electricity per worker.
FACTORY_MONTHS = jsonl(
    submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00"),
    submission("M-11", "2565-11", "2022-12-05T09:00:00+07:00"),
    submission("M-12", "2565-12", "2023-01-05T09:00:00+07:00"),
    submission("M-01", "2566-01", "2023-02-05T09:00:00+07:00", electricity_kwh="๖๐๐,๐๐๐"),
)
# A correction of January, arriving in the next run with more workers.
CORRECTION = jsonl(
    submission("M-01-fix", "2566-01", "2023-02-20T09:00:00+07:00",
               workers={"thai_male": 15, "thai_female": 10, "foreign_male": 0, "foreign_female": 0}),
    submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00", factory_name="changed"),  # IS09
)


def month_report(entrepreneurs: int) -> str:
    return HEADER + f"Chiang Mai,OTOP,training,{entrepreneurs},,,\n"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    reports = root / "landing" / "regional_reports"
    reports.mkdir(parents=True)
    (reports / "PIO51_result_2566-01.csv").write_text(ONE_ROW_PER_RULE, encoding="utf-8")
    # RR08: IPC01's OTOP entrepreneurs per month; February is far above the usual month.
    for month, value in [("2565-10", 10), ("2565-11", 12), ("2565-12", 8), ("2566-01", 11), ("2566-02", 200)]:
        (reports / f"IPC01_result_{month}.csv").write_text(month_report(value), encoding="utf-8")
    # Versions: v2 supersedes v1; a rejected v3 supersedes nothing.
    (reports / "PIO51_result_2565-12.csv").write_text(HEADER + "ลำพูน,CE,a,1,,,\n", encoding="utf-8")
    (reports / "PIO51_result_2565-12_v2.csv").write_text(HEADER + "ลำพูน,CE,a,2,,,\n", encoding="cp874")
    (reports / "PIO51_result_2565-12_v3.csv").write_text("จังหวัด,กิจกรรม,ผู้ประกอบการ\nลำพูน,a,3\n", encoding="utf-8")
    # Re-sent under the same name with new content: the content seen last is current.
    (reports / "PIO51_result_2565-11.csv").write_text(HEADER + "ลำพูน,CE,a,30,,,\n", encoding="utf-8")
    factories = root / "landing" / "isingleform"
    factories.mkdir()
    (factories / "months.jsonl").write_text(FACTORY_MONTHS, encoding="utf-8")
    result = materialize_nightly_load(root / "landing", root / "warehouse", with_gx_checks=False)
    assert result.success
    (reports / "PIO51_result_2565-11.csv").write_text(HEADER + "ลำพูน,CE,a,31,,,\n", encoding="utf-8")
    (factories / "correction.jsonl").write_text(CORRECTION, encoding="utf-8")
    result = materialize_nightly_load(root / "landing", root / "warehouse", with_gx_checks=False)
    assert result.success
    return root / "warehouse" / "analytics.duckdb"


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
    [(rule, thai, english)] = rows
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
