"""Find the table in a regional report and turn it into rows of text cells.

Cells stay text here: turning text into numbers, and judging it, happens in
SQL over all rows at once (dbt staging), so that every rule has one home.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from sources.file_outcome import FileFinding
from sources.regional_reports.excel_errors import error_cells
from sources.thai import comparable_text, decode_thai_text, visible_text
from sources.typing_slips import closest_known

# canonical column -> (Thai header, English header); the canonical name itself also matches.
COLUMNS: dict[str, tuple[str, str]] = {
    "province": ("จังหวัด", "province"),
    "program_code": ("รหัสโครงการ", "program code"),
    "activity": ("กิจกรรม", "activity"),
    "entrepreneurs": ("ผู้ประกอบการ (ราย)", "entrepreneurs"),
    "enterprises": ("สถานประกอบการ (แห่ง)", "enterprises"),
    "community_enterprises": ("วิสาหกิจชุมชน (กลุ่ม)", "community enterprises"),
    "products": ("ผลิตภัณฑ์ (รายการ)", "products"),
    "people": ("บุคลากร (คน)", "people"),
    "networks": ("เครือข่าย (เครือข่าย)", "networks"),
    "economic_value_mb": ("มูลค่าทางเศรษฐกิจ (ล้านบาท)", "economic value"),
    "budget_allocated_mb": ("งบประมาณที่ได้รับจัดสรร (ล้านบาท)", "budget allocated"),
    "budget_disbursed_mb": ("งบประมาณเบิกจ่าย (ล้านบาท)", "budget disbursed"),
}
REQUIRED_COLUMNS = ("province", "program_code")
# Free text may fill up to 15 lines above the header row.
MAX_LINES_ABOVE_HEADER = 15
MIN_KNOWN_HEADER_CELLS = 3
PREFERRED_SHEETS = ("ผลการดำเนินงาน", "แผน", "result", "plan")
# The csv module refuses fields over 128 KiB; a long cell is the submitter's
# text, not a parse error. What bounds memory is the limit on a file's size.
MAX_CELL_CHARS = 64 * 1024 * 1024
csv.field_size_limit(MAX_CELL_CHARS)
_TOTAL_ROW = re.compile(r"^(รวม|total)", re.IGNORECASE)


def normalise_header(text: str) -> str:
    """A header as the contract compares it: Thai normalisation, white space
    (and `_`) folded, case folded, a trailing unit in parentheses dropped."""
    folded = comparable_text(text.replace("_", " "))
    return re.sub(r"\s*\([^()]*\)$", "", folded).strip()


_HEADER_LOOKUP: dict[str, str] = {}
_HEADER_NAMES: dict[str, str] = {}  # normalised -> the name as the contract writes it
for _canonical, _names in COLUMNS.items():
    for _name in (_canonical, *_names):
        _HEADER_LOOKUP[normalise_header(_name)] = _canonical
        _HEADER_NAMES.setdefault(normalise_header(_name), _name)


class TableProblem(Exception):
    """The file as a whole cannot be loaded; carries the finding to report."""

    def __init__(self, rule_id: str, detail_en: str, detail_th: str, column_name: str | None = None, value: str | None = None):
        super().__init__(f"{rule_id}: {detail_en}")
        self.finding = FileFinding(rule_id, value, column_name, detail_en, detail_th)


@dataclass
class TableRow:
    row_number: int  # the line or row number a person sees in the file
    row_kind: str  # 'data' | 'total'
    cells: dict[str, str | None]  # canonical column -> trimmed text, None when empty
    raw_record: dict[str, str]  # every non-empty cell under its header as written


@dataclass
class Table:
    columns: list[str]  # canonical columns present
    rows: list[TableRow] = field(default_factory=list)
    findings: list[FileFinding] = field(default_factory=list)  # warnings on the file as a whole (RF07)

    @property
    def data_rows(self) -> int:
        return sum(1 for row in self.rows if row.row_kind == "data")


def cell_text(value: object) -> str:
    """An Excel or CSV cell as the text a person reads in it (invisible characters gone)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # The number itself, never in exponent form (1e-07 is 0.0000001): the
        # rules read digits. inf and nan stay words, which no rule takes for a number.
        if not math.isfinite(value):
            return repr(value)
        return format(decimal.Decimal(repr(value)).normalize(), "f")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return visible_text(str(value)).strip()


def csv_grid(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each CSV record; the line is where the record starts."""
    text = decode_thai_text(data)
    if text is None:
        raise TableProblem(
            "RF01", "the text is neither UTF-8 nor Thai Windows (cp874)", "ข้อความไม่ได้เข้ารหัสแบบ UTF-8 หรือ Thai Windows (cp874)"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        for record in reader:
            yield line, [visible_text(cell).strip() for cell in record]
            line = reader.line_num + 1
    except csv.Error as error:
        raise TableProblem("RF01", f"CSV line {line}: {error}", f"CSV บรรทัดที่ {line}: {error}") from None


def choose_sheet(sheet_names: list[str]) -> str:
    by_comparable = {comparable_text(name): name for name in reversed(sheet_names)}
    for preferred in PREFERRED_SHEETS:
        if comparable_text(preferred) in by_comparable:
            return by_comparable[comparable_text(preferred)]
    return sheet_names[0]


def xlsx_grid(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for each worksheet row; formulas give their cached value."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error for every bad package
        raise TableProblem("RF01", f"not a readable .xlsx workbook: {error}", f"ไม่ใช่ไฟล์ .xlsx ที่อ่านได้: {error}") from None
    with workbook:
        if not workbook.sheet_names:
            raise TableProblem("RF01", "the workbook has no worksheet", "ไม่มีแผ่นงานในไฟล์")
        try:
            sheet_name = choose_sheet(workbook.sheet_names)
            errors = error_cells(path, sheet_name)
            sheet = workbook.get_sheet_by_name(sheet_name)
            # iter_rows starts at the sheet's first row, even when it is empty, but
            # at its first column that holds anything.
            first_column = sheet.start[1] if sheet.start else 0
            for index, cells in enumerate(sheet.iter_rows()):
                texts = [cell_text(cell) for cell in cells]
                for column, error in errors.get(index + 1, {}).items():
                    texts.extend([""] * (column - first_column + 1 - len(texts)))
                    texts[column - first_column] = error
                yield index + 1, texts
        except TableProblem:
            raise
        except Exception as error:
            raise TableProblem("RF01", f"the worksheet cannot be read: {error}", f"อ่านแผ่นงานไม่ได้: {error}") from None


def _header_columns(cells: list[str]) -> dict[int, str]:
    return {i: _HEADER_LOOKUP[key] for i, cell in enumerate(cells) if (key := normalise_header(cell)) in _HEADER_LOOKUP}


def _look_alike_headers(header: list[str], known: dict[int, str]) -> list[FileFinding]:
    """RF07 for each header cell that is no known column but a typing slip away
    from one: its figures would otherwise count nowhere without a word."""
    found = []
    for i, cell in enumerate(header):
        if i in known or not cell or (meant := closest_known(normalise_header(cell), _HEADER_NAMES)) is None:
            continue
        canonical, name = _HEADER_LOOKUP[meant], _HEADER_NAMES[meant]
        found.append(FileFinding(
            "RF07", cell, canonical,
            f'"{cell}" is probably "{name}"',
            f'"{cell}" น่าจะหมายถึง "{name}"',
        ))  # fmt: skip
    return found


def _raw_record_names(header: list[str]) -> list[str]:
    """Header cells as keys of the raw record: unique, and named by position where blank."""
    names: list[str] = []
    for i, cell in enumerate(header):
        name = cell or f"column_{i + 1}"
        names.append(name if name not in names else f"{name} (column_{i + 1})")
    return names


def parse_table(grid: Iterable[tuple[int, list[str]]]) -> Table:
    """Find the header, then sort each row below it into data, total or not-a-row."""
    rows = iter(grid)
    header: list[str] | None = None
    by_index: dict[int, str] = {}
    lines_seen = 0
    for _, cells in rows:
        if not any(cells):
            continue
        known = _header_columns(cells)
        if len(known) >= MIN_KNOWN_HEADER_CELLS:
            header, by_index = cells, known
            break
        lines_seen += 1
        if lines_seen > MAX_LINES_ABOVE_HEADER:
            break
    if header is None:
        raise TableProblem(
            "RF04",
            "no header row with at least three known column names in the first 16 lines",
            "ไม่พบแถวหัวตารางที่มีชื่อคอลัมน์ที่รู้จักอย่างน้อยสามคอลัมน์ใน 16 บรรทัดแรก",
        )
    present = list(by_index.values())
    for canonical in present:
        if present.count(canonical) > 1:
            raise TableProblem("RF04", f"the column {canonical} appears more than once", f"คอลัมน์ {COLUMNS[canonical][0]} ซ้ำกัน", canonical)
    for canonical in REQUIRED_COLUMNS:
        if canonical not in present:
            raise TableProblem(
                "RF04", f"the required column {canonical} is missing", f"ไม่มีคอลัมน์ {COLUMNS[canonical][0]} ซึ่งจำเป็น", canonical
            )

    table = Table(columns=present, findings=_look_alike_headers(header, by_index))
    raw_names = _raw_record_names(header)
    for row_number, cells in rows:
        filled = [cell for cell in cells if cell]
        if len(filled) <= 1:
            continue  # blank rows and one-cell notes are not data
        if len(_header_columns(cells)) >= MIN_KNOWN_HEADER_CELLS:
            continue  # the header repeated (a printed report's page break) is not data
        values = {canonical: (cells[i] or None) if i < len(cells) else None for i, canonical in by_index.items()}
        raw_record = {(raw_names[i] if i < len(raw_names) else f"column_{i + 1}"): cell for i, cell in enumerate(cells) if cell}
        kind = "total" if _TOTAL_ROW.match(filled[0]) else "data"
        table.rows.append(TableRow(row_number, kind, values, raw_record))
    return table
