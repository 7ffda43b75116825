"""A check's findings as the night's feedback workbooks (reporting/feedback/workbooks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from checking.check import FINDING_COLUMNS, FileCheck
from reporting.feedback.data import FINDING_ORDER
from reporting.feedback.workbooks import FILE_COLUMNS as WORKBOOK_FILE_COLUMNS
from reporting.feedback.workbooks import FILE_ORDER, stream_rows, write_feedback_workbooks, write_workbook
from reporting.feedback.workbooks import FINDING_COLUMNS as WORKBOOK_FINDING_COLUMNS

_FILE_COLUMNS = (
    "path",
    "file_sha256",
    "source",
    "submitter",
    "period",
    "version",
    "status",
    "rule_id",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "warnings",
)
# The warehouse's types (dbt_project/models/quality/files.sql, findings.sql), for the columns a check fills
_FILE_TYPES = """path varchar, file_sha256 varchar, source varchar, submitter varchar, period varchar, version integer,
    status varchar, rule_id varchar, rows_read bigint, rows_accepted bigint, rows_quarantined bigint, warnings bigint"""
_FINDING_TYPES = """file_sha256 varchar, path varchar, row_number bigint, submitter varchar, rule_id varchar, severity varchar,
    message_th varchar, message_en varchar, column_name varchar, value varchar"""


def _frames(results: list[FileCheck]) -> tuple[pd.DataFrame, pd.DataFrame]:
    files, findings = [], []
    for result in results:
        source = result.path.split("/", 1)[0]
        file_errors = [f["rule_id"] for f in result.errors if f["row_number"] is None]
        files.append(
            {
                "path": result.path,
                "file_sha256": result.sha256,
                "source": source,
                "submitter": result.submitter,
                "period": result.period,
                "version": result.version,
                "status": result.status,
                "rule_id": min(file_errors) if result.status == "rejected" and file_errors else None,
                "rows_read": result.rows_read,
                "rows_accepted": result.rows_accepted,
                "rows_quarantined": result.rows_quarantined,
                "warnings": len(result.warnings),
            }
        )
        findings.extend(result.findings)
    return pd.DataFrame(files, columns=list(_FILE_COLUMNS)), pd.DataFrame(findings, columns=list(FINDING_COLUMNS))


@contextmanager
def _as_quality_tables(results: list[FileCheck]) -> Iterator[duckdb.DuckDBPyConnection]:
    """These files and their findings as the warehouse's quality.files and quality.findings,
    in a DuckDB in memory, so that the workbooks read them as the night does."""
    files, findings = _frames(results)
    with duckdb.connect() as con:
        con.execute("create schema quality")
        con.execute(f"create table quality.files ({_FILE_TYPES})")
        con.execute(f"create table quality.findings ({_FINDING_TYPES})")
        con.register("checked_files", files)
        con.register("checked_findings", findings)
        con.execute("insert into quality.files by name select * from checked_files")
        con.execute("insert into quality.findings by name select * from checked_findings")
        yield con


def write_night_workbooks(results: list[FileCheck], out_dir: Path) -> list[Path]:
    """The workbooks the night would mail back for these files: one per submitter, one per province's factories."""
    with _as_quality_tables(results) as con:
        return write_feedback_workbooks(con, out_dir)


def write_check_workbook(results: list[FileCheck], target: Path) -> Path:
    """One workbook of these files and their findings, in the night's layout and order."""
    with _as_quality_tables(results) as con:
        files = con.execute(f"select {', '.join(WORKBOOK_FILE_COLUMNS)} from quality.files order by {FILE_ORDER}").fetchall()
        findings = con.execute(f"select {', '.join(WORKBOOK_FINDING_COLUMNS)} from quality.findings order by {FINDING_ORDER}")
        return write_workbook(target, files, stream_rows(findings))
