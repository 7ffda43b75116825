"""A whole nightly load on hostile files (in process, without the GX checks,
which only read).

One run covers what only a real run can show: SQL-looking names, headers and
values stay data; limits reject a bomb and an oversized file with RF01; a link
out of the landing folder leads nowhere; JSON's NaN, Infinity and 1e400 and
invisible characters become the right findings; reports show scripts and
formulas as text. (That no process of a run uses the network is shown on the
examples' CLI run: tests/test_examples_cli.py.)
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from conftest import materialize_nightly_load, query
from openpyxl import load_workbook
from test_limits import zip_of_zeros

from sources.pii import load_or_create_key, owner_key

pytestmark = pytest.mark.e2e

INJECTION_HEADER = 'x"; DROP TABLE marts.kpi_monthly; --'
INJECTION_VALUE = "'); DROP TABLE quality.findings; --"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","x")'
SECRET = "secret-outside-the-landing-folder"
INJECTION_NAME = "IPC01_result_2566-02'); DROP TABLE raw.landed_files; --.csv"
FACTORY_EXPORT = "-- โรงงาน 'export' ลำพูน.jsonl"
CONTROL_NAME = "โรงงาน\x00\x01\ufffd"
NATURAL_PERSON = "1101700203450"


def _regional_report() -> str:
    lines = [
        f'จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย),"{INJECTION_HEADER.replace(chr(34), chr(34) * 2)}"',
        f'ลำ\u200bพูน\u200e,OTOP,{INJECTION_VALUE},3,"\'); --"',
        f"{SCRIPT},OTOP,อบรม,2,",
        f'ลำพูน,CE,"{FORMULA.replace(chr(34), chr(34) * 2)}",1,',
        f'ลำพูน,ITC,อบรม,"{FORMULA.replace(chr(34), chr(34) * 2)}",',
    ]
    return "\n".join(lines) + "\n"


def _factory_lines(examples_dir: Path) -> list[str]:
    """Line n of the export is expected to give the rules EXPECTED_FACTORY_RULES[n]."""
    template = json.loads((examples_dir / "isingleform" / "2566-01.jsonl").read_text(encoding="utf-8").splitlines()[0])

    def record(submission_id: str, **changes) -> str:
        changed = json.loads(json.dumps(template))
        changed["submission_id"] = submission_id
        for path, value in changes.items():
            *parents, leaf = path.split("__")
            target = changed
            for parent in parents:
                target = target[parent]
            target[leaf] = value
        return json.dumps(changed, ensure_ascii=False)

    return [
        record("HOSTILE-1", factory_name=SCRIPT, province_code="5\u200b1"),
        record("HOSTILE-2").replace('"thai_male": 10', '"thai_male": NaN'),
        record("HOSTILE-3").replace('"capital_baht": 5000000', '"capital_baht": Infinity'),
        record("HOSTILE-4").replace('"electricity_kwh": 42000', '"electricity_kwh": 1e400'),
        record("HOSTILE-5", factory_name="ก" * 100_000).replace("{", '{"notes": ' + "[" * 5000 + "]" * 5000 + ", ", 1),
        record(INJECTION_VALUE),
        record("HOSTILE-7", factory_name="raw \x01 control").replace("\\u0001", "\x01"),
        record("HOSTILE-8", workers__thai_male=10**30),
        record("HOSTILE-9", factory_name=CONTROL_NAME),
        record("HOSTILE-10", factory_id="10510009925401", owner_id=f"{NATURAL_PERSON}\u200b"),
        record("HOSTILE-11", factory_name={"th": "โรงงาน"}),
    ]


EXPECTED_FACTORY_RULES = {
    1: set(),
    2: {("IS02", "workers.thai_male", "NaN")},
    3: {("IS02", "capital_baht", "Infinity")},
    4: {("IS02", "electricity_kwh", "1e400")},
    5: set(),
    6: set(),
    7: {("IS02", None, None)},  # a raw control character: not a JSON object
    8: {("IS02", "workers.thai_male", "1000000000000000000000000000000")},  # beyond any count: a finding, not a cast error
    9: {("IS10", "factory_name", CONTROL_NAME)},  # control characters reach the workbooks
    10: set(),  # an id with an invisible character: hashed as the id a person sees
    11: {("IS02", "factory_name", None)},  # an object where a text belongs
}
# Figures no column can hold, and a control character in a province, in a report of their own.
NUMBERS_REPORT = (
    "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย),มูลค่าทางเศรษฐกิจ (ล้านบาท)\n"
    "ลำพูน,OTOP,a,1e400,1\nลำพูน,CE,b,NaN,1\nลำพูน,HERO,c,inf,1\nลำพูน,CIV,d,12345678901234567890123456789012345678,1\n"
    "ลำพูน,ITC,e,1,1000000000000001\nลำพูน\x01,KPO,f,1,1\nลำพูน,OTOP,g,7,0.5\n"
)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, examples_dir):
    root = tmp_path_factory.mktemp("hostile")
    landing, warehouse = root / "landing", root / "warehouse"
    reports, factories = landing / "regional_reports", landing / "isingleform"
    reports.mkdir(parents=True)
    factories.mkdir(parents=True)
    (reports / "PIO51_result_2566-02.csv").write_text(_regional_report(), encoding="utf-8")
    (reports / INJECTION_NAME).write_text(_regional_report(), encoding="utf-8")
    (reports / "PIO52_result_2566-02.csv").write_text(_regional_report() + "ลำพูน,CE,อบรม,1,\n" * 40_000, encoding="utf-8")
    zip_of_zeros(reports / "PIO50_result_2566-02.xlsx", 9 << 20)
    outside = root / "outside.csv"
    outside.write_text(_regional_report().replace("อบรม", SECRET), encoding="utf-8")
    os.symlink(outside, reports / "PIO53_result_2566-02.csv")
    (factories / FACTORY_EXPORT).write_text("\n".join(_factory_lines(examples_dir)) + "\n", encoding="utf-8")
    (reports / "PIO51_result_2566-01.csv").write_text(NUMBERS_REPORT, encoding="utf-8")

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DIPROM_MAX_FILE_MB", "1")
        env.setenv("DIPROM_MAX_WORKBOOK_MB", "8")
        env.delenv("WAREHOUSE_PII_KEY", raising=False)
        # The GX checks too: a value a check could trip would leave analysts without their copy.
        result = materialize_nightly_load(landing, warehouse)
    assert result.success, [e.event_specific_data.error.to_string() for e in result.all_events if e.is_step_failure]
    return warehouse


def test_sql_looking_names_headers_and_values_stay_data(hostile_run):
    warehouse = hostile_run
    analytics = warehouse / "analytics.duckdb"
    assert query(analytics, "SELECT count(*) > 0 FROM marts.kpi_monthly") == [(True,)]
    assert query(analytics, "SELECT status, rule_id FROM quality.files WHERE path = ?", [f"regional_reports/{INJECTION_NAME}"]) == [
        ("rejected", "RF02")
    ]
    raw = query(
        warehouse / "warehouse.duckdb",
        "SELECT raw_record FROM raw.regional_rows r JOIN raw.landed_files f USING (file_seq) WHERE f.path = 'regional_reports/PIO51_result_2566-02.csv' ORDER BY row_number",
    )
    first_row = json.loads(raw[0][0])
    assert first_row[INJECTION_HEADER] == "'); --" and first_row["กิจกรรม"] == INJECTION_VALUE
    assert query(analytics, "SELECT count(*) FROM quality.files") == [(6,)]


def test_limits_reject_the_bomb_and_the_oversized_file(hostile_run):
    warehouse = hostile_run
    rows = query(
        warehouse / "analytics.duckdb",
        "SELECT f.path, f.status, n.rule_id, n.message_en FROM quality.files f JOIN quality.findings n USING (file_sha256, path) "
        "WHERE f.path IN ('regional_reports/PIO50_result_2566-02.xlsx', 'regional_reports/PIO52_result_2566-02.csv') ORDER BY 1",
    )
    assert [(path.split("/")[1], status, rule) for path, status, rule, _ in rows] == [
        ("PIO50_result_2566-02.xlsx", "rejected", "RF01"),
        ("PIO52_result_2566-02.csv", "rejected", "RF01"),
    ]
    assert "DIPROM_MAX_WORKBOOK_MB" in rows[0][3] and "DIPROM_MAX_FILE_MB" in rows[1][3]


def test_a_link_out_of_the_landing_folder_leads_nowhere(hostile_run):
    warehouse = hostile_run
    assert query(warehouse / "analytics.duckdb", "SELECT count(*) FROM quality.files WHERE path LIKE '%PIO53%'") == [(0,)]
    for db in (warehouse / "warehouse.duckdb", warehouse / "analytics.duckdb"):
        for schema, table in query(db, "SELECT schema_name, table_name FROM duckdb_tables()"):
            text = str(query(db, f'SELECT * FROM "{schema}"."{table}"'))
            assert SECRET not in text, f"{db.name}: {schema}.{table}"
    assert not any(SECRET.encode() in p.read_bytes() for p in (warehouse / "archive").rglob("*") if p.is_file())


def test_hostile_rows_get_the_right_findings(hostile_run):
    warehouse = hostile_run
    analytics = warehouse / "analytics.duckdb"
    assert query(
        analytics,
        "SELECT status, rows_read, rows_accepted, rows_quarantined FROM quality.files WHERE path = 'regional_reports/PIO51_result_2566-02.csv'",
    ) == [("loaded", 4, 2, 2)]
    errors = query(
        analytics,
        "SELECT row_number, value FROM quality.findings WHERE path = 'regional_reports/PIO51_result_2566-02.csv' AND severity = 'error' ORDER BY 1",
    )
    assert errors == [(3, SCRIPT), (5, FORMULA)]
    found = query(
        analytics,
        "SELECT row_number, rule_id, column_name, value FROM quality.findings WHERE path = ? AND severity = 'error'",
        [f"isingleform/{FACTORY_EXPORT}"],
    )
    by_line = {line: {(rule, column, value) for row, rule, column, value in found if row == line} for line in EXPECTED_FACTORY_RULES}
    assert by_line == EXPECTED_FACTORY_RULES
    assert query(
        analytics, "SELECT status, rows_read, rows_accepted FROM quality.files WHERE path = ?", [f"isingleform/{FACTORY_EXPORT}"]
    ) == [("loaded", 11, 4)]


def test_reports_show_scripts_and_formulas_as_text(hostile_run):
    warehouse = hostile_run
    quality = warehouse / "reports" / "quality"
    # one night: index.html lists its files, and the page of the month they were received too
    pages = [quality / "index.html", *(quality / "received").glob("*.html")]
    assert len(pages) == 2
    for html in (page.read_text(encoding="utf-8") for page in pages):
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "DROP TABLE raw.landed_files" in html  # the file's name, shown as text
    for workbook in quality.glob("*.xlsx"):
        with zipfile.ZipFile(workbook) as book:
            assert not any(b"<f>" in book.read(n) or b"<f " in book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))
    values = [cell.value for row in load_workbook(quality / "PIO51.xlsx")["ข้อผิดพลาด"].iter_rows() for cell in row]
    assert SCRIPT in values and FORMULA in values


def test_figures_no_column_can_hold_are_findings_that_say_why(hostile_run):
    findings = query(
        hostile_run / "analytics.duckdb",
        "SELECT row_number, rule_id, column_name, value, message_en FROM quality.findings WHERE path = 'regional_reports/PIO51_result_2566-01.csv' ORDER BY 1",
    )
    assert [(row, rule, column, value) for row, rule, column, value, _ in findings] == [
        (2, "RR02", "entrepreneurs", "1e400"),
        (3, "RR02", "entrepreneurs", "NaN"),
        (4, "RR02", "entrepreneurs", "inf"),
        (5, "RR02", "entrepreneurs", "12345678901234567890123456789012345678"),
        (6, "RR02", "economic_value_mb", "1000000000000001"),
        (7, "RR04", "province", "ลำพูน\x01"),
    ]
    assert "not a number" in findings[0][4]
    assert "larger than any count this warehouse holds, at most 1,000,000,000" in findings[3][4]
    assert "larger than any amount this warehouse holds, at most 1,000,000,000,000,000" in findings[4][4]
    factory = query(
        hostile_run / "analytics.duckdb",
        "SELECT message_en FROM quality.findings WHERE path = ? AND row_number = 8",
        [f"isingleform/{FACTORY_EXPORT}"],
    )
    assert factory == [
        ("The value has the wrong type or cannot be parsed (larger than any count this warehouse holds, at most 1,000,000,000)",)
    ]


def test_control_characters_reach_the_workbooks_as_pictures(hostile_run):
    quality = hostile_run / "reports" / "quality"
    regional = [c.value for row in load_workbook(quality / "PIO51.xlsx")["ข้อผิดพลาด"].iter_rows() for c in row]
    assert "ลำพูน␁" in regional
    factories = [c.value for row in load_workbook(quality / "factories-51.xlsx")["ข้อผิดพลาด"].iter_rows() for c in row]
    assert "โรงงาน␀␁\ufffd" in factories


def test_an_id_with_an_invisible_character_is_hashed_as_the_id_a_person_sees(hostile_run):
    key = load_or_create_key(hostile_run)
    assert query(hostile_run / "analytics.duckdb", "SELECT owner_key FROM marts.factory_month WHERE factory_id = '10510009925401'") == [
        (owner_key(key, NATURAL_PERSON),)
    ]
