"""Feedback workbooks, ready to mail back: one per regional submitter, one per
province for the factories its provincial office follows up.

Every text is written as a string cell (openpyxl would otherwise store a value
starting with `=` as a formula and `#N/A` as an error): a submitted value such
as `=HYPERLINK(...)` or `@SUM(...)` comes back as the text it was, never as
something Excel evaluates.
"""

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

from sources.feedback.data import QualityData

EXCEL_MAX_ROWS = 1_048_575  # below the header
UNKNOWN_PROVINCE = "unassigned"

FILE_COLUMNS = {
    "path": "ไฟล์ (File)",
    "period": "งวด (Period)",
    "version": "ฉบับ (Version)",
    "status": "สถานะ (Status)",
    "rule_id": "กฎที่ไม่ผ่าน (Rule)",
    "rows_read": "แถวที่อ่าน (Rows read)",
    "rows_accepted": "แถวที่รับ (Rows accepted)",
    "rows_quarantined": "แถวที่กักกัน (Rows quarantined)",
    "warnings": "คำเตือน (Warnings)",
}
FINDING_COLUMNS = {
    "path": "ไฟล์ (File)",
    "row_number": "แถว (Row)",
    "submitter": "ผู้ส่ง (Submitter)",
    "rule_id": "กฎ (Rule)",
    "severity": "ระดับ (Severity)",
    "message_th": "ข้อความ",
    "message_en": "Message",
    "column_name": "คอลัมน์ (Column)",
    "value": "ค่าที่ส่งมา (Value)",
}


def is_submitter_code(submitter) -> bool:
    return isinstance(submitter, str) and re.fullmatch(r"[A-Z]+\d*", submitter) is not None


def submitter_workbook_name(submitter: str) -> str:
    return f"{_safe(submitter)}.xlsx"


def factory_workbook_name(province_code: str | None) -> str:
    return f"factories-{_safe(province_code) if province_code else UNKNOWN_PROVINCE}.xlsx"


def _safe(name: str) -> str:
    """A file name from warehouse text: submitters are validated codes, but never trust a path piece."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def write_feedback_workbooks(data: QualityData, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    files, findings = data.files, data.findings
    regional = files[(files["source"] == "regional_reports") & files["submitter"].map(is_submitter_code)]
    for submitter, own_files in regional.groupby("submitter"):
        own_findings = findings[findings["file_sha256"].isin(own_files["file_sha256"]) & (findings["source"] == "regional_reports")]
        written.append(_write(out_dir / submitter_workbook_name(submitter), own_files, own_findings))
    factory_findings = findings[findings["source"] == "isingleform"]
    factory_files = files[files["source"] == "isingleform"]
    for province, own_findings in factory_findings.groupby(factory_findings["factory_province"].fillna(""), sort=True):
        name = factory_workbook_name(province or None)
        written.append(_write(out_dir / name, factory_files[factory_files["file_sha256"].isin(own_findings["file_sha256"])], own_findings))
    return written


def _write(target: Path, files: pd.DataFrame, findings: pd.DataFrame) -> Path:
    book = Workbook(write_only=True)
    _sheet(book, "ไฟล์ที่ส่ง", files, FILE_COLUMNS)
    _sheet(book, "ข้อผิดพลาด", findings, FINDING_COLUMNS)
    partial = target.with_name(f".{target.name}.next")
    book.save(partial)
    partial.replace(target)
    return target


def _sheet(book: Workbook, title: str, frame: pd.DataFrame, columns: dict[str, str]) -> None:
    sheet = book.create_sheet(title)
    header_font = Font(bold=True)
    header = []
    for label in columns.values():
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = header_font
        header.append(cell)
    sheet.append(header)
    for values in frame[list(columns)].head(EXCEL_MAX_ROWS).itertuples(index=False):
        sheet.append([_cell(sheet, v) for v in values])


def _cell(sheet, value):
    if isinstance(value, str):
        if value.startswith("=") or value in ERROR_CODES:
            # openpyxl would store these as a formula or an error: a text cell instead
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value  # a plain string is a text cell already, and far cheaper at 30,000 rows
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)
