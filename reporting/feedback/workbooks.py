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

The findings stay in DuckDB (they grow with every year kept): the fingerprints
are aggregates computed there, and only the rows of the workbooks that changed
are fetched, streamed. Which workbook a row belongs to is said once, in SQL
(`_WORKBOOK_ROWS`), for both.
"""

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reporting.feedback.data import FINDING_ORDER
from reporting.readable import EXCEL_MAX_ROWS, workbook_value
from reporting.workbook_fingerprints import read_fingerprints, row_hash, rows_fingerprint, write_fingerprints, writer_fingerprint

UNKNOWN_PROVINCE = "unassigned"
FINGERPRINTS = ".workbook-fingerprints.json"
# A regional submitter's code, as a file name gives it (ASCII only: the same in Python and DuckDB's RE2)
SUBMITTER_CODE = "[A-Z]+[0-9]*"

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
    return isinstance(submitter, str) and re.fullmatch(SUBMITTER_CODE, submitter) is not None


def submitter_workbook_name(submitter: str) -> str:
    return f"{_safe(submitter)}.xlsx"


def factory_workbook_name(province_code: str | None) -> str:
    return f"factories-{_safe(province_code) if province_code else UNKNOWN_PROVINCE}.xlsx"


def _safe(name: str) -> str:
    """A file name from warehouse text: submitters are validated codes, but never trust a path piece."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def _workbook_name(kind: str, key: str) -> str:
    return submitter_workbook_name(key) if kind == "submitter" else factory_workbook_name(key or None)


# Which workbook each file and each finding of quality.files and quality.findings
# belongs to, as (kind, key): a regional submitter's own files and their findings;
# a province's factories' findings (the provincial office of digits 3-4 of the
# registration number, '' when there is none) and the files they came in.
_WORKBOOK_ROWS = f"""
    create or replace temp view workbook_findings as
    with findings as (
        select findings.*, files.source,
            case when files.source = 'isingleform' and regexp_full_match(findings.submitter, '[0-9]{{14}}')
                 then substr(findings.submitter, 3, 2) end as factory_province
        from quality.findings
        join quality.files using (file_sha256, path)
    ),
    submitter_files as (
        select distinct submitter, file_sha256 from quality.files
        where source = 'regional_reports' and regexp_full_match(submitter, '{SUBMITTER_CODE}')
    )
    select 'submitter' as kind, submitter_files.submitter as key, findings.* exclude (source, factory_province)
    from findings join submitter_files using (file_sha256)
    where findings.source = 'regional_reports'
    union all
    select 'factories' as kind, coalesce(factory_province, '') as key, findings.* exclude (source, factory_province)
    from findings where source = 'isingleform';

    create or replace temp view workbook_files as
    select 'submitter' as kind, submitter as key, files.*
    from quality.files as files
    where source = 'regional_reports' and regexp_full_match(submitter, '{SUBMITTER_CODE}')
    union all
    select 'factories' as kind, provinces.key, files.*
    from quality.files as files
    join (select distinct key, file_sha256 from workbook_findings where kind = 'factories') as provinces using (file_sha256)
    where files.source = 'isingleform';
"""
FILE_ORDER = "submitter, period, path, file_sha256, version, status, rule_id, rows_read, rows_accepted, rows_quarantined, warnings"


# Per workbook, its files' and its findings' fingerprints (a workbook's rows are
# sorted by all their columns, so their order needs no part in it).
_FINGERPRINTS = f"""
    with file_rows as (
        select kind, key, {rows_fingerprint(row_hash(FILE_ORDER))} as fingerprint from workbook_files group by all
    ),
    finding_rows as (
        select kind, key, {rows_fingerprint(row_hash(FINDING_ORDER))} as fingerprint from workbook_findings group by all
    )
    select kind, key, coalesce(file_rows.fingerprint, '') || '|' || coalesce(finding_rows.fingerprint, '') as rows
    from file_rows full join finding_rows using (kind, key)
"""


def write_feedback_workbooks(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """Every submitter's and every province's workbook, current, from the quality.files and
    quality.findings `con` sees; returns them all, whether rewritten this time or already current."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con.execute(_WORKBOOK_ROWS)
    after, workbooks = {}, {}
    for kind, key, rows in con.execute(_FINGERPRINTS).fetchall():
        name = _workbook_name(kind, key)
        workbooks[name] = (kind, key)
        after[name] = hashlib.sha256(f"{_WRITER}\n{rows}".encode()).hexdigest()
    before = read_fingerprints(out_dir / FINGERPRINTS)
    stale = sorted(workbooks[name] for name in workbooks if before.get(name) != after[name] or not (out_dir / name).exists())
    _write_workbooks(con, out_dir, stale)
    for gone in before.keys() - after.keys():
        if gone.endswith(".xlsx"):  # only ever a workbook of ours, whatever the file says
            (out_dir / gone).unlink(missing_ok=True)
    write_fingerprints(out_dir / FINGERPRINTS, after)
    return [out_dir / name for name in sorted(workbooks, key=lambda name: (workbooks[name][0] != "submitter", workbooks[name][1]))]


def _write_workbooks(con: duckdb.DuckDBPyConnection, out_dir: Path, stale: list[tuple[str, str]]) -> None:
    """The workbooks `stale` names, their files fetched whole (a few per workbook), their findings
    streamed in one pass for all of them."""
    if not stale:
        return
    con.execute("create or replace temp table stale_workbooks (kind varchar, key varchar)")
    con.executemany("insert into stale_workbooks values (?, ?)", stale)
    files: dict[tuple[str, str], list[tuple]] = {}
    for kind, key, *row in con.execute(
        f"select kind, key, {', '.join(FILE_COLUMNS)} from workbook_files semi join stale_workbooks using (kind, key)"
        f" order by kind, key, {FILE_ORDER}"
    ).fetchall():
        files.setdefault((kind, key), []).append(tuple(row))
    findings = stream_rows(
        con.execute(
            f"select kind, key, {', '.join(FINDING_COLUMNS)} from workbook_findings semi join stale_workbooks using (kind, key)"
            f" order by kind, key, {FINDING_ORDER}"
        )
    )
    groups = itertools.groupby(findings, key=lambda row: (row[0], row[1]))
    group = next(groups, None)
    for workbook in stale:  # sorted as the findings' stream is
        own = group is not None and group[0] == workbook
        write_workbook(out_dir / _workbook_name(*workbook), files.get(workbook, []), (row[2:] for row in group[1]) if own else ())
        if own:
            group = next(groups, None)


def stream_rows(cursor: duckdb.DuckDBPyConnection, chunk: int = 10_000) -> Iterator[tuple]:
    """A query's rows, fetched a chunk at a time: never the whole result in Python."""
    while rows := cursor.fetchmany(chunk):
        yield from rows


_WRITER = writer_fingerprint(__file__)


def write_workbook(target: Path, files: Iterable[tuple], findings: Iterable[tuple]) -> Path:
    """One workbook of files and their findings (also the check before sending's download):
    rows as tuples in FILE_COLUMNS' and FINDING_COLUMNS' order, at most EXCEL_MAX_ROWS of each kept."""
    book = Workbook(write_only=True)
    _sheet(book, "ไฟล์ที่ส่ง", files, FILE_COLUMNS)
    _sheet(book, "ข้อผิดพลาด", findings, FINDING_COLUMNS)
    partial = target.with_name(f".{target.name}.next")
    book.save(partial)
    partial.replace(target)
    return target


def _sheet(book: Workbook, title: str, rows: Iterable[tuple], columns: dict[str, str]) -> None:
    sheet = book.create_sheet(title)
    header_font = Font(bold=True)
    header = []
    for label in columns.values():
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = header_font
        header.append(cell)
    sheet.append(header)
    for values in itertools.islice(rows, EXCEL_MAX_ROWS):
        sheet.append([workbook_value(sheet, v) for v in values])
