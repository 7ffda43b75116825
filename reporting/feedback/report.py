"""The quality report: one self-contained HTML page officials can read offline.

Drawn by reporting/templates/quality_report.html (every warehouse text escaped,
charts as inline SVG, the one stylesheet inline, nothing fetched from anywhere);
this module only says what the page shows.
"""

from datetime import datetime
from pathlib import Path

import pandas as pd

from reporting.charts import Bar, acceptance_colour
from reporting.feedback.data import QualityData
from reporting.feedback.workbooks import factory_workbook_name, is_submitter_code, submitter_workbook_name
from reporting.pages import write_page
from reporting.render import render

_STATUS_TH = {"loaded": "โหลดแล้ว", "rejected": "ถูกปฏิเสธ", "superseded": "ถูกแทนที่", "duplicate": "ซ้ำ"}


def render_quality_report(data: QualityData, generated_at: datetime, docs_link: str = "../gx/index.html") -> str:
    return render(
        "quality_report.html",
        generated=generated_at.strftime("%Y-%m-%d %H:%M %Z"),
        docs_link=docs_link,
        summary=_summary(data),
        overdue=_overdue(data),
        by_submitter=_acceptance_bars(data.submission_quality, "submitter"),
        by_month=_acceptance_bars(data.submission_quality, "period"),
        files=_files(data),
    )


def write_quality_report(data: QualityData, out_dir: Path, generated_at: datetime) -> Path:
    return write_page(out_dir, render_quality_report(data, generated_at))


def _pct(accepted: float, read: float) -> str:
    return f"{100 * accepted / read:.1f}%" if read else "–"


def _summary(data: QualityData) -> list[dict]:
    rows = []
    regional = data.files[data.files["source"] == "regional_reports"]
    for (region, submitter), group in regional.groupby(["region_name", "submitter"], sort=False):
        # a file whose name names no known submitter has nobody to mail a workbook to
        workbook = submitter_workbook_name(submitter) if is_submitter_code(submitter) else None
        rows.append(_summary_row(region, submitter, group, workbook, files=True))
    factories = data.submission_quality[data.submission_quality["source"] == "isingleform"]
    for (region, office), group in factories.groupby(["region_name", "submitter"], sort=True, dropna=False):
        label = f"โรงงานในความดูแลของ {office}" if isinstance(office, str) else "โรงงาน (ไม่ทราบจังหวัด)"
        province = office[3:] if isinstance(office, str) else None
        rows.append(_summary_row(region, label, group, factory_workbook_name(province), files=False))
    return rows


def _summary_row(region, submitter, group: pd.DataFrame, workbook: str | None, files: bool) -> dict:
    counts = group["status"].value_counts() if files else None
    accepted, quarantined = int(group["rows_accepted"].sum()), int(group["rows_quarantined"].sum())

    def count(status: str) -> str:
        return "–" if counts is None else str(int(counts.get(status, 0)))

    return {
        "region": str(region), "submitter": str(submitter), "files": len(group) if files else "–",
        "loaded": count("loaded"), "rejected": count("rejected"), "superseded": count("superseded"),
        "accepted": accepted, "quarantined": quarantined, "rate": _pct(accepted, accepted + quarantined),
        "css": "ok" if accepted + quarantined and quarantined == 0 else ("bad" if quarantined else ""),
        "workbook": workbook,
    }  # fmt: skip


def _overdue(data: QualityData) -> dict | None:
    overdue = data.overdue
    if overdue.empty:
        return None
    return {
        "period": str(overdue["period"].iloc[0]),
        "due": str(overdue["due_date"].iloc[0])[:10],
        "missing": list(overdue.loc[overdue["status"] == "missing", "submitter"]),
        "late": [f"{r.submitter} ({int(r.days_late)} วัน)" for r in overdue[overdue["status"] == "late"].itertuples()],
    }


def _acceptance_bars(quality: pd.DataFrame, by: str) -> list[Bar]:
    """One bar per submitter or per month (BE): rows accepted of rows read."""
    if by == "submitter":
        totals = quality.groupby(quality["submitter"].fillna("ไม่ทราบ"))[["rows_accepted", "rows_read"]].sum()
    else:
        totals = quality.dropna(subset=[by]).groupby(by)[["rows_accepted", "rows_read"]].sum().sort_index()
    bars = []
    for label, r in totals.iterrows():
        if r.rows_read > 0:
            share = int(r.rows_accepted) / int(r.rows_read)
            bars.append(Bar(str(label), share, f"{100 * share:.1f}%", acceptance_colour(share)))
    return bars


def _files(data: QualityData) -> list[dict]:
    shown_by_file = {key: group for key, group in data.shown_findings.groupby(["file_sha256", "path"], sort=False)}
    files = []
    for f in data.files.itertuples():
        shown = shown_by_file.get((f.file_sha256, f.path))
        shown = [] if shown is None else _findings(shown)
        status = f"{_STATUS_TH.get(f.status, f.status)} ({f.status})" + (f" {f.rule_id}" if isinstance(f.rule_id, str) else "")
        files.append({
            "path": f.path, "status": status, "submitter": str(f.submitter),
            "css": "bad" if f.status == "rejected" or f.rows_quarantined else ("warn" if f.findings else "ok"),
            "rows_read": int(f.rows_read), "rows_accepted": int(f.rows_accepted), "rows_quarantined": int(f.rows_quarantined),
            "findings": shown, "more": int(f.findings) - len(shown),
        })  # fmt: skip
    return files


def _findings(findings: pd.DataFrame) -> list[dict]:
    return [
        {
            "css": "bad" if x.severity == "error" else "warn",
            "rule_id": x.rule_id,
            "message_th": str(x.message_th),
            "message_en": str(x.message_en),
            "row": "" if pd.isna(x.row_number) else int(x.row_number),
            "column": "" if pd.isna(x.column_name) else str(x.column_name),
            "value": "" if pd.isna(x.value) else str(x.value),
        }
        for x in findings.itertuples()
    ]
