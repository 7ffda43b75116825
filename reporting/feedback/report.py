"""The quality report: self-contained HTML pages officials can read offline.

index.html is the report of the latest run: the summary per submitter, the
results overdue and the acceptance charts (aggregates of every file received),
and the files the latest run took in, each with its findings. Every file stays
shown, with its findings, on the page of the month it was received:
received/<BE year-month>.html (the Bangkok month of its first sighting, named as
the warehouse names periods), linked from index.html newest first. A month page
is written again only when what it shows changed (reporting/workbook_fingerprints.py,
as the feedback workbooks are), and removed when its month has no file any more:
a night's cost follows what it received, not the years behind it.

Drawn by reporting/templates/ (quality_report.html and quality_received.html share
quality_files.html; every warehouse text escaped, charts as inline SVG, the one
stylesheet inline, nothing fetched from anywhere); this module only says what the
pages show.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from reporting.charts import Bar, acceptance_colour
from reporting.feedback import data as data_module
from reporting.feedback.data import QualityData, ShownFiles, load_quality_data, month_fingerprints, shown_files
from reporting.feedback.workbooks import factory_workbook_name, is_submitter_code, submitter_workbook_name
from reporting.pages import write_page
from reporting.render import render
from reporting.workbook_fingerprints import read_fingerprints, write_fingerprints, writer_fingerprint

RECEIVED = "received"  # the folder of the month pages, beside index.html
PAGE_FINGERPRINTS = ".page-fingerprints.json"
PAGE_BATCH_FILES = 2_000  # at most FINDINGS_SHOWN_PER_FILE findings each held at once
_MONTH_PAGE = re.compile(r"[0-9]{4}-[0-9]{2}\.html")
_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_WRITER = writer_fingerprint(
    __file__,
    data_module.__file__,
    str(_TEMPLATES.parent / "render.py"),  # how every text is escaped and shown
    *(str(_TEMPLATES / t) for t in ("page.html", "style.css", "quality_files.html", "quality_received.html")),
)

_STATUS_TH = {"loaded": "โหลดแล้ว", "rejected": "ถูกปฏิเสธ", "superseded": "ถูกแทนที่", "duplicate": "ซ้ำ"}


@dataclass(frozen=True)
class QualityReport:
    index: Path
    data: QualityData
    months_written: list[Path]  # the month pages written this time (the others were current)


def month_page_name(month: str) -> str:
    return f"{month}.html"


def render_quality_report(data: QualityData, generated_at: datetime, docs_link: str = "../gx/index.html") -> str:
    return render(
        "quality_report.html",
        generated=_generated(generated_at),
        docs_link=docs_link,
        summary=_summary(data),
        overdue=_overdue(data),
        by_submitter=_acceptance_bars(data.submission_quality, "submitter"),
        by_month=_acceptance_bars(data.submission_quality, "period"),
        files=_files(data.latest.files, _findings_by_file(data.latest)),
        months=[
            {"month": m.month, "files": int(m.files), "href": f"{RECEIVED}/{month_page_name(m.month)}"} for m in data.months.itertuples()
        ],
    )


def render_month_page(month: str, files: pd.DataFrame, findings_by_file: dict, generated_at: datetime) -> str:
    return render("quality_received.html", month=month, generated=_generated(generated_at), files=_files(files, findings_by_file))


def write_quality_report(con: duckdb.DuckDBPyConnection, out_dir: Path, generated_at: datetime) -> QualityReport:
    """index.html and the month pages whose files or findings changed, from a `quality_connection`."""
    written = write_month_pages(con, out_dir / RECEIVED, generated_at)
    data = load_quality_data(con)
    return QualityReport(write_page(out_dir, render_quality_report(data, generated_at)), data, written)


def write_month_pages(con: duckdb.DuckDBPyConnection, folder: Path, generated_at: datetime) -> list[Path]:
    """The page of every month of receipt whose fingerprint changed (or whose page is missing);
    a page of a month without files is removed. Returns the pages written."""
    folder.mkdir(parents=True, exist_ok=True)
    months = month_fingerprints(con)
    after = {month_page_name(month): hashlib.sha256(f"{_WRITER}\n{rows}".encode()).hexdigest() for month, (rows, _) in months.items()}
    before = read_fingerprints(folder / PAGE_FINGERPRINTS)
    stale = sorted(
        month
        for month in months
        if before.get(month_page_name(month)) != after[month_page_name(month)] or not (folder / month_page_name(month)).exists()
    )
    written = []
    for batch in _batches(stale, {month: files for month, (_, files) in months.items()}):
        shown = shown_files(con, batch)
        findings_by_file = _findings_by_file(shown)
        for month, files in shown.files.groupby("month", sort=True):
            written.append(write_page(folder, render_month_page(month, files, findings_by_file, generated_at), month_page_name(month)))
    for page in folder.iterdir():
        # the folder holds only our pages; a month's page is removed whatever the record says
        if _MONTH_PAGE.fullmatch(page.name) and page.name not in after:
            page.unlink()
    write_fingerprints(folder / PAGE_FINGERPRINTS, after)
    return written


def _batches(months: list[str], files: dict[str, int]) -> Iterator[list[str]]:
    """The months in batches of about PAGE_BATCH_FILES files: the first night of a new writer
    writes every month's page, and the first findings of every file at once would not fit in memory."""
    batch, size = [], 0
    for month in months:
        if batch and size + files[month] > PAGE_BATCH_FILES:
            yield batch
            batch, size = [], 0
        batch.append(month)
        size += files[month]
    if batch:
        yield batch


def _generated(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


def _pct(accepted: float, read: float) -> str:
    return f"{100 * accepted / read:.1f}%" if read else "–"


def _summary(data: QualityData) -> list[dict]:
    rows = []
    for r in data.summary.itertuples():
        # a file whose name names no known submitter has nobody to mail a workbook to
        workbook = submitter_workbook_name(r.submitter) if is_submitter_code(r.submitter) else None
        counts = {"files": int(r.files), "loaded": str(r.loaded), "rejected": str(r.rejected), "superseded": str(r.superseded)}
        rows.append(_summary_row(r.region_name, r.submitter, int(r.rows_accepted), int(r.rows_quarantined), workbook, counts))
    factories = data.submission_quality[data.submission_quality["source"] == "isingleform"]
    for (region, office), group in factories.groupby(["region_name", "submitter"], sort=True, dropna=False):
        label = f"โรงงานในความดูแลของ {office}" if isinstance(office, str) else "โรงงาน (ไม่ทราบจังหวัด)"
        province = office[3:] if isinstance(office, str) else None
        accepted, quarantined = int(group["rows_accepted"].sum()), int(group["rows_quarantined"].sum())
        rows.append(_summary_row(region, label, accepted, quarantined, factory_workbook_name(province), None))
    return rows


def _summary_row(region, submitter, accepted: int, quarantined: int, workbook: str | None, counts: dict | None) -> dict:
    """A regional submitter's row counts its files; factories' rows are per submission."""
    counts = counts or {"files": "–", "loaded": "–", "rejected": "–", "superseded": "–"}
    return {
        "region": str(region), "submitter": str(submitter), **counts,
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


def _findings_by_file(shown: ShownFiles) -> dict:
    return {key: group for key, group in shown.findings.groupby(["file_sha256", "path"], sort=False)}


def _files(files: pd.DataFrame, findings_by_file: dict) -> list[dict]:
    rows = []
    for f in files.itertuples():
        shown = findings_by_file.get((f.file_sha256, f.path))
        shown = [] if shown is None else _findings(shown)
        status = f"{_STATUS_TH.get(f.status, f.status)} ({f.status})" + (f" {f.rule_id}" if isinstance(f.rule_id, str) else "")
        rows.append({
            "path": f.path, "status": status, "submitter": str(f.submitter),
            "css": "bad" if f.status == "rejected" or f.rows_quarantined else ("warn" if f.findings else "ok"),
            "rows_read": int(f.rows_read), "rows_accepted": int(f.rows_accepted), "rows_quarantined": int(f.rows_quarantined),
            "findings": shown, "more": int(f.findings) - len(shown),
        })  # fmt: skip
    return rows


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
