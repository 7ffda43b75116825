"""Any text the warehouse holds, as a page or a workbook can show it.

Submitters' text may hold control characters (a NUL, a bell, an escape): a
workbook cannot store them at all (openpyxl refuses the whole file) and a
browser shows nothing where they stand. Each is shown instead as its Unicode
control picture (U+0001 as ␁), so the person reading sees that something odd
was sent, and where. Tabs and line ends stay as they are.
"""

_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n\r"} | {0x7F: 0x2421}

# A workbook cell holds at most this many characters (Excel's limit); a longer
# text is cut, and says so.
XLSX_CELL_CHARS = 32_767
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
