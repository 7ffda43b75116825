"""Read one regional report (plan or monthly result) into `raw.regional_rows`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path, PurePosixPath

import duckdb

from sources.file_outcome import FileFinding, FileLoad
from sources.intake import insert_rows
from sources.landing import LandedFile
from sources.reference import Reference
from sources.regional_reports.naming import NameProblem, parse_report_name
from sources.regional_reports.table import COLUMNS, TableProblem, csv_grid, parse_table, xlsx_grid
from sources.thai import BEMonth

SOURCE = "regional_reports"
_ROW_COLUMNS = ["file_seq", "row_number", "row_kind", *COLUMNS, "raw_record"]


class RegionalReportReader:
    source = SOURCE

    def __init__(self, reference: Reference):
        self.submitters = reference.submitters

    def _name(self, landed: LandedFile, seen_at: datetime):
        return parse_report_name(PurePosixPath(landed.path).name, self.submitters, BEMonth.of(seen_at))

    def identity(self, landed: LandedFile, seen_at: datetime) -> tuple | None:
        name = self._name(landed, seen_at)
        if isinstance(name, NameProblem):
            return None
        return (name.submitter, name.kind, name.period, name.version)

    def load(self, con: duckdb.DuckDBPyConnection, content: Path, landed: LandedFile, file_seq: int, seen_at: datetime) -> FileLoad:
        name = self._name(landed, seen_at)
        if isinstance(name, NameProblem):
            return FileLoad.rejected(name.finding)
        identity = {"submitter": name.submitter, "kind": name.kind, "period": name.period, "version": name.version}
        try:
            table = parse_table(csv_grid(content.read_bytes())) if landed.path.lower().endswith(".csv") else parse_table(xlsx_grid(content))
        except TableProblem as problem:
            return FileLoad.rejected(problem.finding, **identity)
        if table.data_rows == 0:
            return FileLoad.rejected(
                FileFinding("RF05", None, None, "header found but no data rows below it", "พบหัวตารางแต่ไม่มีแถวข้อมูล"), **identity
            )
        rows = [
            [file_seq, row.row_number, row.row_kind, *(row.cells.get(c) for c in COLUMNS), json.dumps(row.raw_record, ensure_ascii=False)]
            for row in table.rows
        ]
        insert_rows(con, "raw.regional_rows", _ROW_COLUMNS, rows)
        return FileLoad("parsed", rows_read=table.data_rows, findings=table.findings, **identity)
