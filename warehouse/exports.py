"""The analysts' copy in the formats their tools open, beside `analytics.duckdb`.

    $WAREHOUSE_DIR/exports/                      a link to the newest complete set
        datapackage.json                         Frictionless Data Package: every file, its schema, descriptions
        parquet/<schema>.<table>.parquet         zstd; for Power BI, pandas, R, DuckDB
        csv/<schema>.<table>.csv                 UTF-8 with a byte-order mark, so Excel reads Thai by double-click
        kpi.xlsx                                 the KPI marts of fiscal years, and a data dictionary of every exported column
        kpi-<fiscal year>.xlsx                   the KPI marts of months, a workbook per fiscal year, with the dictionary

Every table of the published copy (the `marts`, `quality` and `reference`
schemas, nothing personal: the copy holds nothing else) is exported from that
copy, so the exports and `analytics.duckdb` hold the same rows.

A large table that grows with the years (warehouse/published_state.py
IN_PARTS: `marts.factory_month`, `quality.findings`) is a folder of files, each
holding some of its parts: a month of factory-months
(`parquet/marts.factory_month/2566-10.parquet`), the findings of an i-Single
Form export, and its CSV likewise. A file none of whose parts a file taken in
since the previous set changed is that set's file, hard-linked, not written
again: a night writes what arrived, not the years.

The KPI marts of months grow with every month kept: a workbook per fiscal
year holds them, and a workbook whose rows and writer are those of the previous
set (its fingerprint, in the Data Package) is that set's file, linked.

A set is made complete in a folder of its own (`.exports-<time>`), then the
link `exports` is swapped to it in one rename: a reader that resolves the link
sees the old set or the new one, never a mix. The set it replaced is kept until
the next publish, so a reader part-way through it can finish; older ones go.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reporting.readable import EXCEL_MAX_ROWS, workbook_value
from reporting.workbook_fingerprints import rows_fingerprint, writer_fingerprint
from warehouse import duckdb_settings, published_state
from warehouse.private_files import EXPORT_SET_PREFIX
from warehouse.sql_quoting import identifier, literal

SET_PREFIX = EXPORT_SET_PREFIX
EXPORTS_COPY = "exports"  # the name the sets' builds are recorded under (warehouse/published_state.py)
WORKBOOK_NAME = "kpi.xlsx"
# A mart of months (it has `period` and `fiscal_year`) is in a workbook per fiscal year.
YEAR_WORKBOOK_NAME = "kpi-{}.xlsx"
DICTIONARY_SHEET = "พจนานุกรมข้อมูล dictionary"
# The workbooks hold the marts an analyst reads as KPIs. factory_month has a row
# per factory and month (a million a year nationally): no one reads it in a
# sheet, and writing it there would cost the night minutes; it is in Parquet and CSV.
WORKBOOK_SCHEMA = "marts"
NOT_IN_WORKBOOK = {"marts.factory_month"}
_WRITER = writer_fingerprint(__file__)
ROWS_PER_FETCH = 10_000

# DuckDB's types as a Table Schema's (https://specs.frictionlessdata.io/table-schema/#types-and-formats)
_FIELD_TYPES = [
    (r"(TINY|SMALL|BIG|HUGE|U?)INT(EGER)?|U(TINY|SMALL|BIG|HUGE)INT", "integer"),
    (r"DECIMAL.*|DOUBLE|FLOAT|REAL", "number"),
    (r"BOOLEAN", "boolean"),
    (r"DATE", "date"),
    (r"TIMESTAMP.*", "datetime"),
    (r"TIME", "time"),
    (r"VARCHAR", "string"),
]
# Written in the CSV files so that every tool reads the moment it was (ISO 8601, with its offset).
_CSV_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"
_UTF8_BOM = b"\xef\xbb\xbf"
_THAI = re.compile(r"[\u0e00-\u0e7f]")


@dataclass
class _Table:
    schema: str
    name: str
    description: str
    columns: list[tuple[str, str, str]]  # name, DuckDB type, description
    rows: int
    workbook_note: str = ""  # where the table is in the workbooks, for the dictionary
    parts: list[tuple[str, int]] | None = None  # (file stem, rows) of a table published in parts; None: one file

    def files(self, kind: str) -> list[str]:
        """The set's files of this table in `kind` (parquet or csv), relative to the set."""
        if self.parts is None:
            return [f"{kind}/{self.qualified}.{kind}"]
        return [f"{kind}/{self.qualified}/{stem}.{kind}" for stem, _ in self.parts]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def sql(self) -> str:
        return f"{identifier(self.schema)}.{identifier(self.name)}"


def field_type(duckdb_type: str) -> str:
    for pattern, table_schema_type in _FIELD_TYPES:
        if re.fullmatch(pattern, duckdb_type):
            return table_schema_type
    return "any"


def split_description(text: str) -> tuple[str, str]:
    """dbt's descriptions are "ไทย / English": the two halves, at the first ` / `
    that has Thai before it and none after; the whole as both where there is none."""
    text = " ".join(text.split())
    for match in re.finditer(r" / ", text):
        thai, english = text[: match.start()], text[match.end() :]
        if _THAI.search(thai) and not _THAI.search(english):
            return thai, english
    return text, text


def write_exports(analytics_db: Path, exports_link: Path, excel_max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """A new complete set from `analytics_db`, swapped in under `exports_link`. Returns the set's folder."""
    new_set = write_export_set(analytics_db, exports_link, excel_max_rows=excel_max_rows)
    swap_export_set(exports_link, new_set)
    return new_set


def write_export_set(
    analytics_db: Path,
    exports_link: Path,
    warehouse_db: Path | None = None,
    build: published_state.Build | None = None,
    excel_max_rows: int = EXCEL_MAX_ROWS,
) -> Path:
    """Every table of `analytics_db` into a new `.exports-<time>` folder beside `exports_link`,
    complete when this returns. With the warehouse and the build the copy holds, the parts
    of a large table that nothing changed since the set `exports_link` names are linked from it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = exports_link.parent / f"{SET_PREFIX}{stamp}"
    target.mkdir(parents=True)
    (target / "parquet").mkdir()
    (target / "csv").mkdir()
    previous = exports_link.resolve() if exports_link.is_symlink() and exports_link.exists() else None
    known_facts = _previous_file_facts(previous)
    with duckdb_settings.connect(analytics_db, read_only=True) as con:
        con.execute("SET TimeZone = 'Asia/Bangkok'")  # the CSV files show moments as Bangkok clocks read them
        con.execute("SET enable_progress_bar = false")  # no bar in the night's log
        changes = _changes_since(con, previous, warehouse_db, build)
        tables = _tables(con)
        for table in tables:
            if (parts := published_state.IN_PARTS.get(table.qualified)) and parts.export_file:
                _write_parts(con, table, target, previous if known_facts else None, changes)
            else:
                _write_parquet(con, table.sql, target / table.files("parquet")[0])
                _write_csv(con, table.sql, target / table.files("csv")[0])
        workbooks = _plan_workbooks(con, tables, excel_max_rows)
        _write_workbooks(con, tables, workbooks, target, previous, known_facts)
    descriptor = data_package(tables, workbooks, target, datetime.now(UTC), known_facts)
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_tree(target)
    return target


def _changes_since(con, previous: Path | None, warehouse_db: Path | None, build: published_state.Build | None) -> published_state.Changes:
    """What changed since the build the previous set was written from (everything when it is unknown)."""
    if previous is None or warehouse_db is None or build is None:
        return published_state.Changes(None)
    con.execute(f"ATTACH {literal(str(warehouse_db))} AS warehouse (READ_ONLY)")
    return published_state.changes_since_held(con, EXPORTS_COPY, previous.name, build)


def _write_parts(con, table: _Table, target: Path, previous: Path | None, changes: published_state.Changes) -> None:
    """A file per group of parts (published_state.Parts.export_file); a file none of whose
    parts changed since the previous set is that set's file, linked."""
    parts = published_state.IN_PARTS[table.qualified]
    counted = con.execute(f"SELECT {parts.export_file}, count(*) FROM {table.sql} GROUP BY ALL ORDER BY ALL").fetchall()
    changed = _changed_files(con, parts, changes.parts(con, table.qualified)) if previous else None
    table.parts = []
    for kind in ("parquet", "csv"):
        (target / kind / table.qualified).mkdir()
    for file, rows in counted:
        stem = _file_stem(file)
        table.parts.append((stem, rows))
        for kind, write in (("parquet", _write_parquet), ("csv", _write_csv)):
            relative = f"{kind}/{table.qualified}/{stem}.{kind}"
            if changed is not None and file not in changed and (previous / relative).is_file():
                os.link(previous / relative, target / relative)
            else:
                write(con, f"(SELECT * FROM {table.sql} WHERE {parts.export_file} = ?)", target / relative, [file])


def _changed_files(con, parts: published_state.Parts, changed_parts: list | None) -> set | None:
    """The files holding the parts `changed_parts` (None: every file changed)."""
    if changed_parts is None:
        return None
    if not changed_parts:
        return set()
    rows = con.execute(f"SELECT DISTINCT {parts.export_file} FROM (SELECT unnest(?) AS {identifier(parts.column)})", [changed_parts])
    return {file for (file,) in rows.fetchall()}


def _file_stem(file) -> str:
    """A file name for a part's value: the value where it is a plain name, else the value's
    plain letters and a short hash of the whole, so that two values never share a file."""
    text = str(file)
    stem = re.sub(r"[^0-9A-Za-z._-]", "_", text)
    return stem if stem == text else f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def swap_export_set(exports_link: Path, new_set: Path) -> None:
    """Point `exports_link` at `new_set` in one rename; keep the set it pointed at, remove older ones."""
    if exports_link.exists() and not exports_link.is_symlink():
        raise RuntimeError(f"{exports_link} ไม่ใช่ลิงก์ของชุดไฟล์ส่งออก ย้ายออกก่อน / is not the exports link: move it away first")
    previous = exports_link.resolve() if exports_link.is_symlink() else None
    partial = exports_link.with_name(f".{exports_link.name}.next")
    partial.unlink(missing_ok=True)
    os.symlink(new_set.name, partial)  # relative: the warehouse folder can move
    os.replace(partial, exports_link)
    for old in exports_link.parent.glob(f"{SET_PREFIX}*"):
        if old.resolve() not in (new_set.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)


def _tables(con: duckdb.DuckDBPyConnection) -> list[_Table]:
    listed = con.execute(
        """SELECT schema_name, table_name, coalesce(comment, '') FROM duckdb_tables()
           WHERE database_name = current_database() ORDER BY schema_name, table_name"""
    ).fetchall()
    tables = []
    for schema, name, comment in listed:
        columns = con.execute(
            """SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
               WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index""",
            [schema, name],
        ).fetchall()
        table = _Table(schema, name, comment, columns, 0)
        [(table.rows,)] = con.execute(f"SELECT count(*) FROM {table.sql}").fetchall()
        tables.append(table)
    return tables


def _write_parquet(con, relation: str, path: Path, parameters: list | None = None) -> None:
    con.execute(f"COPY (SELECT * FROM {relation}) TO {literal(str(path))} (FORMAT parquet, COMPRESSION zstd)", parameters or [])


def _write_csv(con, relation: str, path: Path, parameters: list | None = None) -> None:
    plain = path.with_name(f".{path.name}.plain")
    con.execute(
        f"COPY (SELECT * FROM {relation}) TO {literal(str(plain))} (FORMAT csv, HEADER, TIMESTAMPFORMAT {literal(_CSV_TIMESTAMP_FORMAT)})",
        parameters or [],
    )
    with path.open("wb") as out, plain.open("rb") as source:
        out.write(_UTF8_BOM)
        shutil.copyfileobj(source, out, 1 << 20)
    plain.unlink()


@dataclass
class _Sheet:
    table: _Table
    fiscal_year: int | None = None  # of a mart of months; None: a sheet of every row

    @property
    def rows(self) -> tuple[str, list]:
        """The query of the sheet's rows, and its parameters."""
        if not _of_months(self.table):
            return f"SELECT * FROM {self.table.sql}", []
        return f"SELECT * FROM {self.table.sql} WHERE fiscal_year IS NOT DISTINCT FROM ?", [self.fiscal_year]


@dataclass
class _Workbook:
    name: str
    sheets: list[_Sheet]
    fingerprint: str = ""  # of its rows and its writer (warehouse/exports.py, reporting/workbook_fingerprints.py)


def _of_months(table: _Table) -> bool:
    return {"period", "fiscal_year"} <= {name for name, _, _ in table.columns}


def _plan_workbooks(con, tables: list[_Table], excel_max_rows: int) -> list[_Workbook]:
    """Which workbook and sheet each KPI mart goes to: a mart of months, a workbook per fiscal
    year, so that a night's new months rewrite their year's workbook alone; the others, kpi.xlsx."""
    whole = _Workbook(WORKBOOK_NAME, [])
    by_year: dict[int | None, _Workbook] = {}
    too_large = f"เกิน {excel_max_rows:,} แถว มีเฉพาะ Parquet และ CSV / beyond {excel_max_rows:,} rows (Excel's limit): Parquet and CSV only"
    for table in tables:
        if table.schema != WORKBOOK_SCHEMA or table.qualified in NOT_IN_WORKBOOK:
            table.workbook_note = "Parquet และ CSV / Parquet and CSV"
        elif not _of_months(table):
            fits = table.rows <= excel_max_rows
            whole.sheets += [_Sheet(table)] if fits else []
            table.workbook_note = f"ชีต {table.name} ใน / sheet {table.name} in {WORKBOOK_NAME}" if fits else too_large
        else:
            years = con.execute(f"SELECT fiscal_year, count(*) FROM {table.sql} GROUP BY ALL ORDER BY ALL").fetchall()
            beyond = [year for year, rows in years if rows > excel_max_rows]
            for year, rows in years:
                if rows <= excel_max_rows:
                    name = YEAR_WORKBOOK_NAME.format("unknown" if year is None else year)
                    by_year.setdefault(year, _Workbook(name, [])).sheets.append(_Sheet(table, year))
            table.workbook_note = f"ชีต {table.name} ใน / sheet {table.name} in {YEAR_WORKBOOK_NAME.format('<ปีงบประมาณ fiscal year>')}"
            if beyond:
                table.workbook_note += f"; {', '.join(map(str, beyond))}: {too_large}"
    return [whole, *(by_year[year] for year in sorted(by_year, key=lambda year: (year is None, year)))]


def _header(sheet, labels: list[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def _dictionary(tables: list[_Table]) -> list[list[str]]:
    """A row per table and per column: what it means, and where it is."""
    rows = []
    for table in tables:
        files = [f"{kind}/{table.qualified}" + (f".{kind}" if table.parts is None else f"/*.{kind}") for kind in ("parquet", "csv")]
        thai, english = split_description(table.description)
        rows.append([table.qualified, "", "", thai, english, table.workbook_note, *files])
        for name, duckdb_type, comment in table.columns:
            thai, english = split_description(comment)
            rows.append([table.qualified, name, duckdb_type, thai, english, table.workbook_note, *files])
    return rows


def _write_workbooks(con, tables: list[_Table], workbooks: list[_Workbook], target: Path, previous: Path | None, known_facts: dict) -> None:
    """Each workbook, with the dictionary; one whose fingerprint is the previous set's is that set's file, linked."""
    dictionary = _dictionary(tables)
    for workbook in workbooks:
        digest = hashlib.sha256(f"{_WRITER}\n{json.dumps(dictionary, ensure_ascii=False)}".encode())
        for sheet in workbook.sheets:
            query, parameters = sheet.rows
            [(rows,)] = con.execute(f"SELECT {rows_fingerprint('hash(*COLUMNS(*))')} FROM ({query})", parameters).fetchall()
            digest.update(f"\n{sheet.table.qualified} {sheet.table.columns} {rows}".encode())
        workbook.fingerprint = f"sha256:{digest.hexdigest()}"
        unchanged = known_facts.get(workbook.name, {}).get("fingerprint") == workbook.fingerprint
        if previous is not None and unchanged and (previous / workbook.name).is_file():
            os.link(previous / workbook.name, target / workbook.name)
        else:
            _write_workbook(con, dictionary, workbook, target / workbook.name)


def _write_workbook(con, dictionary: list[list[str]], workbook: _Workbook, path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(DICTIONARY_SHEET)
    _header(sheet, ["ตาราง / table", "คอลัมน์ / column", "ชนิด / type", "คำอธิบาย", "description",
                    "อยู่ที่ / where in the workbooks", "Parquet", "CSV"])  # fmt: skip
    for row in dictionary:
        sheet.append(row)
    for part in workbook.sheets:
        sheet = book.create_sheet(part.table.name)
        _header(sheet, [name for name, _, _ in part.table.columns])
        query, parameters = part.rows
        result = con.execute(query, parameters)
        while rows := result.fetchmany(ROWS_PER_FETCH):
            for row in rows:
                sheet.append([workbook_value(sheet, value) for value in row])
    book.save(path)


def _resource_name(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")


def _schema(table: _Table) -> dict:
    return {
        "fields": [
            {"name": name, "type": field_type(duckdb_type), "description": comment, "duckdbType": duckdb_type}
            for name, duckdb_type, comment in table.columns
        ]
    }


def _file_facts(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest.hexdigest()}"}


def _previous_file_facts(previous: Path | None) -> dict[str, dict]:
    """The bytes and hash of each file of the previous set, and a workbook's fingerprint, by path, from its
    descriptor (a linked file is the same file)."""
    try:
        descriptor = json.loads((previous / "datapackage.json").read_text(encoding="utf-8")) if previous else {}
    except (OSError, ValueError):
        return {}
    facts = ("bytes", "hash", "fingerprint")
    return {r["path"]: {fact: r[fact] for fact in facts if fact in r} for r in descriptor.get("resources", []) if "hash" in r}


def data_package(
    tables: list[_Table], workbooks: list[_Workbook], folder: Path, created: datetime, known_facts: dict[str, dict] | None = None
) -> dict:
    """The Frictionless Data Package descriptor of one set: a resource per file and per workbook sheet
    (with the workbook's fingerprint). `known_facts`: the previous set's file facts, used for a file linked from it."""
    known_facts = known_facts or {}

    def facts(path: str) -> dict:
        linked = path in known_facts and (folder / path).stat().st_nlink > 1
        return known_facts[path] if linked else _file_facts(folder / path)

    resources = []
    for table in tables:
        common = {"title": table.qualified, "description": table.description, "schema": _schema(table)}
        pieces = [("", table.rows)] if table.parts is None else table.parts
        for (stem, rows), parquet, csv in zip(pieces, table.files("parquet"), table.files("csv"), strict=True):
            named = f"{table.qualified}-{stem}" if stem else table.qualified
            titled = {"title": f"{table.qualified} ({stem})"} if stem else {}
            resources.append({
                "name": _resource_name(f"{named}-parquet"), "path": parquet, "type": "table",
                "format": "parquet", "mediatype": "application/vnd.apache.parquet", **common, **titled,
                **facts(parquet), "rows": rows,
            })  # fmt: skip
            resources.append({
                "name": _resource_name(f"{named}-csv"), "path": csv, "type": "table", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8-sig", **common, **titled, **facts(csv), "rows": rows,
            })  # fmt: skip
    for workbook in workbooks:
        workbook_facts = facts(workbook.name) | {"fingerprint": workbook.fingerprint}
        for sheet in workbook.sheets:
            table = sheet.table
            resources.append({
                "name": _resource_name(f"{workbook.name}-{table.name}"), "path": workbook.name, "type": "table",
                "format": "xlsx", "dialect": {"excel": {"sheet": table.name}}, "title": f"{table.qualified} ({workbook.name})",
                "description": table.description, "schema": _schema(table), **workbook_facts,
            })  # fmt: skip
    return {
        "name": "diprom-analytics",
        "title": "ข้อมูลสำหรับนักวิเคราะห์ กรมส่งเสริมอุตสาหกรรม / DIPROM analytics exports",
        "description": (
            "ตาราง marts, quality และ reference ของ analytics.duckdb ฉบับเดียวกัน ในรูป Parquet, CSV และ Excel / "
            "The marts, quality and reference tables of the same analytics.duckdb, as Parquet, CSV and Excel. "
            f"The workbook {WORKBOOK_NAME} holds the KPI marts of fiscal years, {YEAR_WORKBOOK_NAME.format('<fiscal year>')} "
            f"those of months, one per fiscal year; each has a data dictionary (sheet {DICTIONARY_SHEET})."
        ),
        "created": created.isoformat(timespec="seconds"),
        "resources": resources,
    }


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        with open(path, "rb") if path.is_file() else _directory(path) as handle:
            os.fsync(handle.fileno())
    with _directory(folder) as handle:
        os.fsync(handle.fileno())


class _directory:
    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY)

    def fileno(self) -> int:
        return self.fd

    def __enter__(self):
        return self

    def __exit__(self, *_):
        os.close(self.fd)
