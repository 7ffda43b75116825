"""The error cells of a worksheet (`#DIV/0!`, `#N/A`, `#REF!`, ...).

python-calamine reads an error cell as an empty string, which the contract
would take for "not reported": a broken formula would vanish from a report
without a finding. The sheet's XML says which cells hold errors; they are
found here by streaming it, so that the reader can show the error text and
the rules judge it (RR02 for a figure, RR04 or RR06 for a code).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_CELL_MARK = b't="e"'
_CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)")
_CHUNK = 1 << 16


def error_cells(workbook: Path, sheet_name: str) -> dict[int, dict[int, str]]:
    """1-based row -> 0-based column -> the error text, for every error cell of the sheet.
    Empty when the sheet holds none, or when its part cannot be found (the
    workbook reader judges a damaged package)."""
    try:
        with zipfile.ZipFile(workbook) as package:
            part = _sheet_part(package, sheet_name)
            if part is None or not _mentions_errors(package, part):
                return {}
            with package.open(part) as stream:
                return _errors_in(stream)
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError):
        return {}


def _sheet_part(package: zipfile.ZipFile, sheet_name: str) -> str | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(package.read("xl/workbook.xml"), parser)
    relation = next(
        (sheet.get(_OFFICE_RELATIONSHIP_ID) for sheet in workbook.iter(f"{_MAIN}sheet") if sheet.get("name") == sheet_name), None
    )
    if relation is None:
        return None
    relations = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"), parser)
    target = next((r.get("Target") for r in relations.iter(f"{_RELATIONSHIPS}Relationship") if r.get("Id") == relation), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _mentions_errors(package: zipfile.ZipFile, part: str) -> bool:
    """Most sheets hold no error cell: a byte search decides without parsing."""
    tail = b""
    with package.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            if _ERROR_CELL_MARK in tail + chunk:
                return True
            tail = chunk[-len(_ERROR_CELL_MARK) :]
    return False


def _errors_in(stream) -> dict[int, dict[int, str]]:
    errors: dict[int, dict[int, str]] = {}
    for _, element in etree.iterparse(stream, tag=(f"{_MAIN}c", f"{_MAIN}row"), resolve_entities=False, no_network=True):
        if element.tag == f"{_MAIN}row":
            element.clear()  # a row read is dropped, with the rows before it: memory stays flat
            while element.getprevious() is not None:
                del element.getparent()[0]
        elif element.get("t") == "e" and (reference := _CELL_REFERENCE.fullmatch(element.get("r") or "")):
            errors.setdefault(int(reference[2]), {})[_column_index(reference[1])] = element.findtext(f"{_MAIN}v") or "#ERROR"
    return errors


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1
