"""Feedback workbooks, ready to mail back: one per regional submitter, one per
province for the factories its provincial office follows up.

Every text is written as a string cell (openpyxl would otherwise store a value
starting with `=` as a formula and `#N/A` as an error): a submitted value such
as `=HYPERLINK(...)` or `@SUM(...)` comes back as the text it was, never as
something Excel evaluates.

A workbook is rewritten only when what it holds changed (a fingerprint of its
rows and of this module, kept beside the workbooks): most nights bring files
from a few submitters, and an official can tell a workbook with something new
by its date. A workbook nobody has findings for any more is removed.
"""

import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reporting import readable
from reporting.feedback.data import QualityData
from reporting.readable import EXCEL_MAX_ROWS, workbook_value

UNKNOWN_PROVINCE = "unassigned"
FINGERPRINTS = ".workbook-fingerprints.json"

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
    """Every submitter's and every province's workbook, current; returns them all,
    whether rewritten this time or already current."""
    out_dir.mkdir(parents=True, exist_ok=True)
    workbooks = {path.name: (path, files, findings) for path, files, findings in _workbook_contents(data, out_dir)}
    # One 64-bit hash per row, computed once for all workbooks
    file_hashes = pd.util.hash_pandas_object(data.files[list(FILE_COLUMNS)], index=False)
    finding_hashes = pd.util.hash_pandas_object(data.findings[list(FINDING_COLUMNS)], index=False)
    before = _read_fingerprints(out_dir / FINGERPRINTS)
    after = {}
    for name, (path, files, findings) in workbooks.items():
        after[name] = _fingerprint(file_hashes.loc[files.index], finding_hashes.loc[findings.index])
        if before.get(name) != after[name] or not path.exists():
            write_workbook(path, files, findings)
    for gone in before.keys() - after.keys():
        if gone.endswith(".xlsx"):  # only ever a workbook of ours, whatever the file says
            (out_dir / gone).unlink(missing_ok=True)
    _write_fingerprints(out_dir / FINGERPRINTS, after)
    return [path for path, _, _ in workbooks.values()]


def _workbook_contents(data: QualityData, out_dir: Path):
    """(path, files, findings) of each workbook."""
    files, findings = data.files, data.findings
    regional = files[(files["source"] == "regional_reports") & files["submitter"].map(is_submitter_code)]
    for submitter, own_files in regional.groupby("submitter"):
        own_findings = findings[findings["file_sha256"].isin(own_files["file_sha256"]) & (findings["source"] == "regional_reports")]
        yield out_dir / submitter_workbook_name(submitter), own_files, own_findings
    factory_findings = findings[findings["source"] == "isingleform"]
    factory_files = files[files["source"] == "isingleform"]
    for province, own_findings in factory_findings.groupby(factory_findings["factory_province"].fillna(""), sort=True):
        own_files = factory_files[factory_files["file_sha256"].isin(own_findings["file_sha256"])]
        yield out_dir / factory_workbook_name(province or None), own_files, own_findings


# What a workbook looks like besides its rows: this module, how cells are written and the library that writes them.
_WRITER = hashlib.sha256(Path(__file__).read_bytes() + Path(readable.__file__).read_bytes() + version("openpyxl").encode()).hexdigest()


def _fingerprint(file_row_hashes: pd.Series, finding_row_hashes: pd.Series) -> str:
    """Of a workbook's rows, in order, and of the code that writes them."""
    digest = hashlib.sha256(_WRITER.encode())
    for hashes in (file_row_hashes, finding_row_hashes):
        digest.update(f"{len(hashes)}\n".encode())
        digest.update(hashes.to_numpy().tobytes())
    return digest.hexdigest()


def _read_fingerprints(path: Path) -> dict[str, str]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: every workbook is written again
    if not isinstance(stored, dict):
        return {}
    return {name: value for name, value in stored.items() if isinstance(value, str) and name == Path(name).name}


def _write_fingerprints(path: Path, fingerprints: dict[str, str]) -> None:
    partial = path.with_name(f"{path.name}.next")
    partial.write_text(json.dumps(fingerprints, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def write_workbook(target: Path, files: pd.DataFrame, findings: pd.DataFrame) -> Path:
    """One workbook of files and their findings (also the check before sending's download)."""
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
        sheet.append([workbook_value(sheet, v) for v in values])
