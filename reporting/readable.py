"""Any text the warehouse holds, as a page or a workbook can show it.

Submitters' text may hold control characters (a NUL, a bell, an escape): a
workbook cannot store them at all (openpyxl refuses the whole file) and a
browser shows nothing where they stand. Each is shown instead as its Unicode
control picture (U+0001 as ␁), so the person reading sees that something odd
was sent, and where. Tabs and line ends stay as they are.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n\r"} | {0x7F: 0x2421}

# A workbook cell holds at most this many characters (Excel's limit); a longer
# text is cut, and says so.
XLSX_CELL_CHARS = 32_767
# A sheet holds at most this many rows below its header (Excel's limit).
EXCEL_MAX_ROWS = 1_048_575
# Excel has no time zones: a moment is shown as the department reads its clocks.
WORKBOOK_TIME_ZONE = ZoneInfo("Asia/Bangkok")
_CUT = "… [cut]"


def readable(text: str) -> str:
    """`text` with every control character but tab and line ends shown as its picture."""
    return text.translate(_CONTROL_PICTURES)


def readable_in_cell(text: str) -> str:
    """`readable`, cut to what one workbook cell holds."""
    shown = readable(text)
    if len(shown) > XLSX_CELL_CHARS:
        return shown[: XLSX_CELL_CHARS - len(_CUT)] + _CUT
    return shown


def workbook_value(sheet, value):
    """`value` as a write-only sheet's cell takes it. Every text stays a text cell
    (openpyxl would otherwise store one starting with `=` as a formula and `#N/A`
    as an error), so a submitted `=HYPERLINK(...)` is never evaluated by Excel."""
    if value is None:
        return None
    if isinstance(value, str):
        value = readable_in_cell(value)
        if value.startswith("=") or value in ERROR_CODES:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value  # a plain string is a text cell already, and far cheaper at 30,000 rows
    if isinstance(value, int):  # the commonest cell of the marts, first
        return value
    if isinstance(value, datetime):
        if value != value:  # NaT
            return None
        return value.astimezone(WORKBOOK_TIME_ZONE).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return value
    if pd.isna(value):  # NaN and pandas' NA
        return None
    return int(value) if float(value).is_integer() else float(value)
