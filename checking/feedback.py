"""A check's findings as the night's feedback workbooks (reporting/feedback/workbooks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from checking.check import FINDING_COLUMNS, FileCheck
from checking.rules import DBT_PROJECT_DIR
from reporting.feedback.data import FINDING_ORDER
from reporting.feedback.workbooks import FILE_COLUMNS as WORKBOOK_FILE_COLUMNS
from reporting.feedback.workbooks import FILE_ORDER, stream_rows, write_feedback_workbooks, write_workbook
from reporting.feedback.workbooks import FINDING_COLUMNS as WORKBOOK_FINDING_COLUMNS
from warehouse.sql_quoting import identifier

QUALITY_MODELS = DBT_PROJECT_DIR / "models" / "quality" / "_quality.yml"


def _quality_table_columns(model: str) -> str:
    """A quality model's columns and types as dbt declares them (its contract, enforced on every build)."""
    models = yaml.safe_load(QUALITY_MODELS.read_text(encoding="utf-8"))["models"]
    [columns] = [model_["columns"] for model_ in models if model_["name"] == model]
    return ", ".join(f"{identifier(column['name'])} {column['data_type']}" for column in columns)


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
    return pd.DataFrame.from_records(files), pd.DataFrame(findings, columns=list(FINDING_COLUMNS))


@contextmanager
def _as_quality_tables(results: list[FileCheck]) -> Iterator[duckdb.DuckDBPyConnection]:
    """These files and their findings as the warehouse's quality.files and quality.findings,
    in a DuckDB in memory, so that the workbooks read them as the night does."""
    files, findings = _frames(results)
    with duckdb.connect() as con:
        con.execute("create schema quality")
        for table, rows in (("files", files), ("findings", findings)):
            con.execute(f"create table quality.{table} ({_quality_table_columns(table)})")
            if not rows.empty:  # a check of no files has no columns to insert by
                con.register(f"checked_{table}", rows)
                con.execute(f"insert into quality.{table} by name select * from checked_{table}")
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
