"""The regional report reader on good, odd and hostile files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from sources.regional_reports.table import TableProblem, csv_grid, normalise_header, parse_table, xlsx_grid

HEADER = "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย),มูลค่าทางเศรษฐกิจ (ล้านบาท)"


def table_from_csv(text: str, encoding: str = "utf-8"):
    return parse_table(csv_grid(text.encode(encoding)))


def problem_of(call) -> tuple[str, str | None]:
    with pytest.raises(TableProblem) as caught:
        call()
    return caught.value.finding.rule_id, caught.value.finding.column_name


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("ผู้ประกอบการ (ราย)", "ผู้ประกอบการ"),
        (" ENTREPRENEURS ", "entrepreneurs"),
        ("Economic   value (million baht)", "economic value"),
        ("program_code", "program code"),
    ],
)
def test_header_names_are_normalised(written, canonical):
    assert normalise_header(written) == canonical


def test_csv_with_title_lines_total_and_note(examples_dir):
    table = parse_table(csv_grid((examples_dir / "regional_reports" / "PIO51_result_2566-01.csv").read_bytes()))
    data = [row for row in table.rows if row.row_kind == "data"]
    assert [row.row_number for row in data] == list(range(4, 14))
    assert data[0].cells["entrepreneurs"] == "๑๒"
    assert data[0].cells["enterprises"] == "-"
    assert data[0].cells["economic_value_mb"] == "1,234.5"
    assert data[0].cells["budget_disbursed_mb"] == "0.45"
    assert data[9].cells["province"] is None
    totals = [row for row in table.rows if row.row_kind == "total"]
    assert [(row.row_number, row.cells["entrepreneurs"]) for row in totals] == [(14, "38")]


def test_english_headers_and_a_utf8_bom(examples_dir):
    table = parse_table(csv_grid((examples_dir / "regional_reports" / "IPC01_plan_2566.csv").read_bytes()))
    assert table.data_rows == 3
    assert table.rows[0].row_number == 5
    assert table.rows[0].cells["province"] == "เชียงใหม่"  # the BOM is not part of the first cell


def test_columns_outside_the_contract_stay_in_the_raw_record():
    table = table_from_csv(f"{HEADER},หมายเหตุ,หมายเหตุ\nลำพูน,OTOP,a,1,2,note one,note two\n")
    row = table.rows[0]
    assert row.raw_record["หมายเหตุ"] == "note one"
    assert row.raw_record["หมายเหตุ (column_7)"] == "note two"
    assert set(row.cells) == {"province", "program_code", "activity", "entrepreneurs", "economic_value_mb"}


def test_blank_rows_one_cell_notes_and_total_rows_are_not_data():
    text = f"{HEADER}\n\nลำพูน,OTOP,a,1,2\n,,,,\nหมายเหตุ ข้อมูลเบื้องต้น,,,,\nTOTAL,,,1,2\nรวมทั้งสิ้น,,,1,2\n"
    table = table_from_csv(text)
    assert [(r.row_number, r.row_kind) for r in table.rows] == [(3, "data"), (6, "total"), (7, "total")]


def test_a_header_repeated_mid_table_is_not_data():
    text = f"{HEADER}\nลำพูน,OTOP,a,1,2\n{HEADER}\nลำพูน,CE,b,3,4\n"
    table = table_from_csv(text)
    assert [r.row_number for r in table.rows] == [2, 4]


def test_quoted_fields_spanning_lines_keep_the_line_a_person_sees():
    text = f'{HEADER}\nลำพูน,OTOP,"two\nlines",1,2\nลำพูน,CE,b,3,4\n'
    table = table_from_csv(text)
    assert [r.row_number for r in table.rows] == [2, 4]
    assert table.rows[0].cells["activity"] == "two\nlines"


@pytest.mark.slow
def test_a_10_mb_line_is_read_not_refused():
    text = f"{HEADER}\nลำพูน,OTOP,{'ก' * 10_000_000},1,2\n"
    table = table_from_csv(text)
    assert len(table.rows[0].cells["activity"]) == 10_000_000


def test_cp874_file(examples_dir):
    text = f"{HEADER}\nลำพูน,OTOP,ทดสอบ,๑๒,-\n"
    assert table_from_csv(text, "cp874").rows[0].cells["activity"] == "ทดสอบ"


@pytest.mark.parametrize(
    "content, rule",
    [
        (b"", "RF04"),  # empty file: no header
        ("ชื่อเรื่อง\nบรรทัดที่สอง\n".encode(), "RF04"),
        (HEADER.encode("utf-16"), "RF01"),  # neither UTF-8 nor cp874
        (b"\x00\x01\x02binary\xff\xfe", "RF01"),
    ],
)
def test_unreadable_or_headerless_csv(content, rule):
    assert problem_of(lambda: parse_table(csv_grid(content)))[0] == rule


def test_header_too_far_down_is_not_found():
    text = "title\n" * 16 + HEADER + "\nลำพูน,OTOP,a,1,2\n"
    assert problem_of(lambda: table_from_csv(text)) == ("RF04", None)
    text = "title\n" * 15 + HEADER + "\nลำพูน,OTOP,a,1,2\n"
    assert table_from_csv(text).data_rows == 1


def test_missing_required_column():
    assert problem_of(lambda: table_from_csv("จังหวัด,กิจกรรม,ผู้ประกอบการ\nลำพูน,a,1\n")) == ("RF04", "program_code")


def test_a_column_named_twice_is_refused():
    text = "จังหวัด,รหัสโครงการ,ผู้ประกอบการ,Entrepreneurs\nลำพูน,OTOP,1,2\n"
    assert problem_of(lambda: table_from_csv(text)) == ("RF04", "entrepreneurs")


def test_header_only_gives_no_data_rows():
    assert table_from_csv(HEADER + "\n").data_rows == 0


def _workbook(path: Path, rows: list[list[object]], sheet: str = "Sheet1", first_row: int = 1, extra_sheets=()) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            worksheet.cell(row=first_row + offset, column=column, value=value)
    for name, other_rows in extra_sheets:
        other = workbook.create_sheet(name, 0)
        for row in other_rows:
            other.append(row)
    workbook.save(path)
    return path


def test_xlsx_examples_read_with_numbers_as_numbers(examples_dir):
    table = parse_table(xlsx_grid(examples_dir / "regional_reports" / "IPC07_result_2565-12_v2.xlsx"))
    assert [(r.row_number, r.row_kind) for r in table.rows] == [(4, "data"), (5, "data"), (6, "data"), (7, "total")]
    assert table.rows[0].cells["entrepreneurs"] == "22"
    assert table.rows[0].cells["budget_disbursed_mb"] == "0.8"


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path):
    header = ["Province", "Program code", "Activity", "Entrepreneurs"]
    path = _workbook(tmp_path / "r.xlsx", [["Title"], [], header, ["Lamphun", "OTOP", "x", 12.0]], first_row=3)
    table = parse_table(xlsx_grid(path))
    assert table.rows[0].row_number == 6
    assert table.rows[0].cells["entrepreneurs"] == "12"


def test_xlsx_named_sheet_wins_over_the_first(tmp_path):
    header = ["จังหวัด", "รหัสโครงการ", "ผู้ประกอบการ"]
    path = _workbook(
        tmp_path / "r.xlsx",
        [header, ["ลำพูน", "OTOP", 5]],
        sheet="ผลการดำเนินงาน",
        extra_sheets=[("คำอธิบาย", [["อ่านก่อน"]])],
    )
    assert parse_table(xlsx_grid(path)).rows[0].cells["entrepreneurs"] == "5"


def test_xlsx_formulas_give_their_cached_value_or_nothing(tmp_path):
    header = ["จังหวัด", "รหัสโครงการ", "ผู้ประกอบการ", "บุคลากร"]
    path = _workbook(tmp_path / "f.xlsx", [header, ["ลำพูน", "OTOP", "=1+2", 4]])
    # openpyxl stores no cached result; the cell reads as empty, as Excel-less tools show it.
    assert parse_table(xlsx_grid(path)).rows[0].cells["entrepreneurs"] is None


def test_xlsx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("จังหวัด,รหัสโครงการ\n", encoding="utf-8")
    assert problem_of(lambda: parse_table(xlsx_grid(path)))[0] == "RF01"


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert problem_of(lambda: parse_table(xlsx_grid(path)))[0] == "RF01"


def test_truncated_workbook(tmp_path, examples_dir):
    data = (examples_dir / "regional_reports" / "IPC07_result_2565-12.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert problem_of(lambda: parse_table(xlsx_grid(path)))[0] == "RF01"


def test_invisible_characters_do_not_change_what_a_cell_says():
    text = "\ufeffจัง\u200bหวัด,รหัสโครงการ\u200e,กิจกรรม,ผู้ประกอบการ (ราย)\n\u202bลำ\u200bพูน\u202c,OTOP01,อบรม\u00ad,5\n"
    table = parse_table(csv_grid(text.encode()))
    assert table.columns == ["province", "program_code", "activity", "entrepreneurs"]
    assert table.rows[0].cells == {"province": "ลำพูน", "program_code": "OTOP01", "activity": "อบรม", "entrepreneurs": "5"}


def test_xlsx_error_cells_read_as_their_error_not_as_empty(tmp_path):
    header = ["จังหวัด", "รหัสโครงการ", "ผู้ประกอบการ", "บุคลากร"]
    path = _workbook(tmp_path / "e.xlsx", [[], header, ["ลำพูน", "OTOP", "#DIV/0!", 4], ["#N/A", "CE", 1, 2]], first_row=2)
    book = openpyxl.load_workbook(path)
    for cell in ("C4", "A5"):  # openpyxl writes error cells only when told their type
        book.active[cell].data_type = "e"
    book.save(path)
    rows = parse_table(xlsx_grid(path)).rows
    assert [r.row_number for r in rows] == [4, 5]
    assert rows[0].cells["entrepreneurs"] == "#DIV/0!" and rows[0].cells["people"] == "4"
    assert rows[1].cells["province"] == "#N/A"


@pytest.mark.parametrize(
    ("value", "text"),
    [(12.0, "12"), (1234.5, "1234.5"), (1e-07, "0.0000001"), (1e20, "100000000000000000000"), (True, "TRUE")],
)  # fmt: skip
def test_a_number_in_a_cell_reads_as_its_digits_never_as_an_exponent(tmp_path, value, text):
    header = ["จังหวัด", "รหัสโครงการ", "ผู้ประกอบการ"]
    path = _workbook(tmp_path / "n.xlsx", [header, ["ลำพูน", "OTOP", value]])
    assert parse_table(xlsx_grid(path)).rows[0].cells["entrepreneurs"] == text


def test_a_header_typed_with_the_tone_mark_before_its_vowel_is_the_column():
    table = table_from_csv("จังหวัด,รหัสโครงการ,ผ\u0e49\u0e39ประกอบการ (ราย)\nล\u0e4d\u0e32ปาง,OTOP,7\n")
    assert table.columns == ["province", "program_code", "entrepreneurs"] and not table.findings
    assert table.rows[0].cells == {"province": "ล\u0e4d\u0e32ปาง", "program_code": "OTOP", "entrepreneurs": "7"}  # stored as sent


def test_a_look_alike_header_gets_rf07_naming_the_column_it_probably_meant():
    table = table_from_csv(f"{HEADER},ผู้ประกอบกร,Enterprise (units),หมายเหตุ,ชื่อโครงการ\nลำพูน,OTOP,a,1,2,3,4,note,x\n")
    assert [(f.rule_id, f.column_name, f.value) for f in table.findings] == [
        ("RF07", "entrepreneurs", "ผู้ประกอบกร"),
        ("RF07", "enterprises", "Enterprise (units)"),
    ]
    assert table.findings[0].detail_th == '"ผู้ประกอบกร" น่าจะหมายถึง "ผู้ประกอบการ (ราย)"'
    assert table.findings[1].detail_en == '"Enterprise (units)" is probably "enterprises"'
    # the file loads, the look-alike's figures count nowhere but stay in the raw record
    assert table.rows[0].cells["entrepreneurs"] == "1" and "enterprises" not in table.rows[0].cells
    assert table.rows[0].raw_record["Enterprise (units)"] == "4"
