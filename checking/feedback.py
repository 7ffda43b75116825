"""A check's findings as the night's feedback workbooks (sources/feedback/workbooks.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from checking.check import FINDING_COLUMNS, FileCheck
from reporting.feedback.data import QualityData
from reporting.feedback.workbooks import write_feedback_workbooks, write_workbook

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
        for finding in result.findings:
            submitter = finding["submitter"]
            findings.append(
                {
                    **finding,
                    "source": source,
                    # a factory's provincial office: digits 3-4 of its registration number, as the night groups them
                    "factory_province": submitter[2:4]
                    if source == "isingleform" and submitter and re.fullmatch(r"\d{14}", submitter)
                    else None,
                }
            )
    return (
        pd.DataFrame(files, columns=list(_FILE_COLUMNS)),
        pd.DataFrame(findings, columns=[*FINDING_COLUMNS, "source", "factory_province"]),
    )


def write_night_workbooks(results: list[FileCheck], out_dir: Path) -> list[Path]:
    """The workbooks the night would mail back for these files: one per submitter, one per province's factories."""
    files, findings = _frames(results)
    data = QualityData(files=files, findings=findings, submission_quality=pd.DataFrame(), provinces={}, overdue=pd.DataFrame())
    return write_feedback_workbooks(data, out_dir)


def write_check_workbook(results: list[FileCheck], target: Path) -> Path:
    """One workbook of these files and their findings, in the night's layout."""
    files, findings = _frames(results)
    return write_workbook(target, files, findings)
