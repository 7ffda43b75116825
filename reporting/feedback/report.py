"""The quality report: one self-contained HTML page officials can read offline.

Every text from the warehouse (paths, values, messages) is HTML-escaped; the
charts are inline SVG, the styles inline, nothing is fetched from anywhere.
"""

from datetime import datetime
from html import escape as _escape
from pathlib import Path

import pandas as pd

from reporting.feedback.data import QualityData
from reporting.feedback.workbooks import factory_workbook_name, is_submitter_code, submitter_workbook_name
from reporting.pages import write_page
from reporting.readable import readable

FINDINGS_SHOWN_PER_FILE = 100


def escape(text: str) -> str:
    """Warehouse text as HTML: escaped, control characters shown (reporting/readable.py)."""
    return _escape(readable(text))


_STATUS_TH = {"loaded": "โหลดแล้ว", "rejected": "ถูกปฏิเสธ", "superseded": "ถูกแทนที่", "duplicate": "ซ้ำ"}

_STYLE = """
body { font-family: "Noto Sans Thai", "TH Sarabun New", Tahoma, "Loma", sans-serif; margin: 2rem; color: #1f2933; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #d9e2ec; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid #d9e2ec; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.en { color: #52606d; font-size: .85em; } .bad { color: #b42318; } .warn { color: #b54708; } .ok { color: #067647; }
details { margin: .4rem 0; } summary { cursor: pointer; } code { word-break: break-all; }
"""


def render_quality_report(data: QualityData, generated_at: datetime, docs_link: str = "../gx/index.html") -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="th"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>รายงานคุณภาพข้อมูลที่ส่ง · Submission quality report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>รายงานคุณภาพข้อมูลที่ส่ง กรมส่งเสริมอุตสาหกรรม</h1>",
        '<div class="en">DIPROM submission quality report</div>',
        f"<p>จัดทำเมื่อ / generated {escape(generated_at.strftime('%Y-%m-%d %H:%M %Z'))} · "
        f'<a href="{escape(docs_link)}">ผลการตรวจทั้งตาราง (Great Expectations Data Docs)</a></p>',
        _summary(data),
        _overdue(data),
        _charts(data),
        _files_and_findings(data),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_quality_report(data: QualityData, out_dir: Path, generated_at: datetime) -> Path:
    return write_page(out_dir, render_quality_report(data, generated_at))


def _pct(accepted: float, read: float) -> str:
    return f"{100 * accepted / read:.1f}%" if read else "–"


def _summary(data: QualityData) -> str:
    head = (
        "<tr><th>ภาค<div class=en>Region</div></th><th>ผู้ส่ง<div class=en>Submitter</div></th>"
        "<th>ไฟล์ที่ได้รับ<div class=en>Files received</div></th><th>โหลดแล้ว<div class=en>Loaded</div></th>"
        "<th>ถูกปฏิเสธ<div class=en>Rejected</div></th><th>ถูกแทนที่<div class=en>Superseded</div></th>"
        "<th>แถวที่รับ<div class=en>Rows accepted</div></th><th>แถวที่กักกัน<div class=en>Rows quarantined</div></th>"
        "<th>อัตราการรับ<div class=en>Acceptance rate</div></th><th>ไฟล์แจ้งผล<div class=en>Feedback file</div></th></tr>"
    )
    rows = []
    regional = data.files[data.files["source"] == "regional_reports"]
    for (region, submitter), group in regional.groupby(["region_name", "submitter"], sort=False):
        counts = group["status"].value_counts()
        accepted, quarantined = int(group["rows_accepted"].sum()), int(group["rows_quarantined"].sum())
        # a file whose name names no known submitter has nobody to mail a workbook to
        workbook = submitter_workbook_name(submitter) if is_submitter_code(submitter) else None
        rows.append(_summary_row(region, submitter, len(group), counts, accepted, quarantined, workbook))
    factories = data.submission_quality[data.submission_quality["source"] == "isingleform"]
    for (region, office), group in factories.groupby(["region_name", "submitter"], sort=True, dropna=False):
        label = f"โรงงานในความดูแลของ {office}" if isinstance(office, str) else "โรงงาน (ไม่ทราบจังหวัด)"
        province = office[3:] if isinstance(office, str) else None
        accepted, quarantined = int(group["rows_accepted"].sum()), int(group["rows_quarantined"].sum())
        rows.append(_summary_row(region, label, None, None, accepted, quarantined, factory_workbook_name(province)))
    return (
        "<h2>สรุปตามภาคและผู้ส่ง <span class=en>Summary by region and submitter</span></h2>"
        f"<table>{head}{''.join(rows)}</table>"
        "<p class=en>Factories send bulk i-Single Form exports; their figures are per submission (row), "
        "grouped by the provincial office that follows each factory up.</p>"
    )


def _summary_row(region, submitter, files, counts, accepted, quarantined, workbook) -> str:
    def count(status):
        return "–" if counts is None else str(int(counts.get(status, 0)))

    rate = _pct(accepted, accepted + quarantined)
    css = "ok" if accepted + quarantined and quarantined == 0 else ("bad" if quarantined else "")
    return (
        f"<tr><td>{escape(str(region))}</td><td>{escape(str(submitter))}</td>"
        f"<td class=n>{'–' if files is None else files}</td><td class=n>{count('loaded')}</td>"
        f"<td class=n>{count('rejected')}</td><td class=n>{count('superseded')}</td>"
        f"<td class=n>{accepted:,}</td><td class=n>{quarantined:,}</td><td class='n {css}'>{rate}</td>"
        + (f'<td><a href="{escape(workbook)}">{escape(workbook)}</a></td></tr>' if workbook else "<td>–</td></tr>")
    )


def _overdue(data: QualityData) -> str:
    overdue = data.overdue
    if overdue.empty:
        return ""
    period, due = overdue["period"].iloc[0], overdue["due_date"].iloc[0]
    missing = [escape(s) for s in overdue.loc[overdue["status"] == "missing", "submitter"]]
    late = [f"{escape(r.submitter)} ({int(r.days_late)} วัน)" for r in overdue[overdue["status"] == "late"].itertuples()]
    return (
        f"<h2>ผลการดำเนินงานเดือน {escape(str(period))} ที่ยังไม่ส่งหรือส่งช้า "
        f"<span class=en>Results for {escape(str(period))} missing or late (due {escape(str(due)[:10])})</span></h2>"
        f"<p><b>ยังไม่ส่ง / missing ({len(missing)}):</b> {', '.join(missing) or '–'}</p>"
        f"<p><b>ส่งช้า / late ({len(late)}):</b> {', '.join(late) or '–'}</p>"
    )


def _charts(data: QualityData) -> str:
    q = data.submission_quality
    by_submitter = q.groupby(q["submitter"].fillna("ไม่ทราบ"))[["rows_accepted", "rows_read"]].sum()
    by_month = q.dropna(subset=["period"]).groupby("period")[["rows_accepted", "rows_read"]].sum().sort_index()
    return (
        "<h2>อัตราการรับข้อมูล <span class=en>Acceptance rate</span></h2>"
        "<h3>ตามผู้ส่ง <span class=en>by submitter</span></h3>"
        + _bar_chart(by_submitter, "acceptance rate by submitter")
        + "<h3>ตามเดือน <span class=en>by month (BE)</span></h3>"
        + _bar_chart(by_month, "acceptance rate by month")
    )


def _bar_chart(frame: pd.DataFrame, title: str) -> str:
    """Horizontal bars, one per row of `frame` (index = label), width = accepted / read."""
    bar_height, label_width, bar_width = 18, 110, 420
    rows = [(str(label), int(r.rows_accepted), int(r.rows_read)) for label, r in frame.iterrows() if r.rows_read > 0]
    height = bar_height * len(rows) + 24
    svg = [
        f'<svg role="img" aria-label="{escape(title)}" '
        f'width="{label_width + bar_width + 80}" height="{height}" font-size="12">'
    ]
    for i, (label, accepted, read) in enumerate(rows):
        y = i * bar_height
        share = accepted / read
        colour = "#2e7d32" if share >= 0.95 else ("#f9a825" if share >= 0.8 else "#c62828")
        svg.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        svg.append(f'<rect x="{label_width}" y="{y + 2}" width="{bar_width}" height="{bar_height - 4}" fill="#eef2f6"/>')
        svg.append(f'<rect x="{label_width}" y="{y + 2}" width="{bar_width * share:.1f}" height="{bar_height - 4}" fill="{colour}"/>')
        svg.append(f'<text x="{label_width + bar_width + 6}" y="{y + 13}">{100 * share:.1f}%</text>')
    svg.append("</svg>")
    return "".join(svg)


def _files_and_findings(data: QualityData) -> str:
    findings_by_file = {key: group for key, group in data.findings.groupby(["file_sha256", "path"], sort=False)}
    parts = ["<h2>ไฟล์และข้อผิดพลาด <span class=en>Files and their findings</span></h2>"]
    for f in data.files.itertuples():
        findings = findings_by_file.get((f.file_sha256, f.path))
        count = 0 if findings is None else len(findings)
        status = f"{_STATUS_TH.get(f.status, f.status)} ({f.status})" + (f" {f.rule_id}" if isinstance(f.rule_id, str) else "")
        css = "bad" if f.status == "rejected" or f.rows_quarantined else ("warn" if count else "ok")
        parts.append(
            f"<details{' open' if css == 'bad' else ''}><summary><code>{escape(f.path)}</code> · "
            f"<span class={css}>{escape(status)}</span> · {escape(str(f.submitter))} · "
            f"แถวที่อ่าน {int(f.rows_read):,} รับ {int(f.rows_accepted):,} กักกัน {int(f.rows_quarantined):,} · "
            f"ข้อผิดพลาด {count:,} <span class=en>findings</span></summary>"
        )
        if findings is not None:
            parts.append(_findings_table(findings))
        parts.append("</details>")
    return "\n".join(parts)


def _findings_table(findings: pd.DataFrame) -> str:
    rows = [
        "<table><tr><th>กฎ<div class=en>Rule</div></th><th>ข้อความ<div class=en>Message</div></th>"
        "<th>แถว<div class=en>Row</div></th><th>คอลัมน์<div class=en>Column</div></th><th>ค่า<div class=en>Value</div></th></tr>"
    ]
    for x in findings.head(FINDINGS_SHOWN_PER_FILE).itertuples():
        css = "bad" if x.severity == "error" else "warn"
        rows.append(
            f"<tr><td class={css}>{escape(x.rule_id)}</td><td>{escape(str(x.message_th))}"
            f"<div class=en>{escape(str(x.message_en))}</div></td>"
            f"<td class=n>{'' if pd.isna(x.row_number) else int(x.row_number)}</td>"
            f"<td>{'' if pd.isna(x.column_name) else escape(str(x.column_name))}</td>"
            f"<td><code>{'' if pd.isna(x.value) else escape(str(x.value))}</code></td></tr>"
        )
    rows.append("</table>")
    if len(findings) > FINDINGS_SHOWN_PER_FILE:
        rows.append(
            f"<p>… และอีก {len(findings) - FINDINGS_SHOWN_PER_FILE:,} รายการในไฟล์แจ้งผล "
            f"<span class=en>and {len(findings) - FINDINGS_SHOWN_PER_FILE:,} more in the feedback workbook</span></p>"
        )
    return "".join(rows)
