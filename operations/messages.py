"""What the alerts and the morning summary say: Thai first, English beside it.

Every text quoted from a run passes through redact_personal before it is
put in a message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from operations.alerts import Alert
from operations.freshness import Freshness
from operations.redaction import redact_personal

BANGKOK = ZoneInfo("Asia/Bangkok")
ERROR_LINES = 8  # enough to name the cause; the whole error is in the run's log
LINE_CHARACTERS = 300
SUBJECT_PREFIX = "[DIPROM warehouse]"


def run_link(run_id: str) -> str | None:
    """The run's page in the Dagster UI, when `DAGSTER_WEBSERVER_URL` says where the UI is."""
    base = os.environ.get("DAGSTER_WEBSERVER_URL", "").strip().rstrip("/")
    return f"{base}/runs/{run_id}" if base else None


def night_of(started_at: datetime | None) -> tuple[str, str]:
    """The night a run belongs to, by Bangkok's calendar: in the Buddhist era
    for the Thai text (as the warehouse's periods are), and as AD for the English."""
    day = (started_at or datetime.now(UTC)).astimezone(BANGKOK).date()
    return f"{day.year + 543}-{day:%m-%d}", day.isoformat()


def _when(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(BANGKOK)
    return f"{local.year + 543}-{local:%m-%d %H:%M} น.", f"{local:%Y-%m-%d %H:%M} Bangkok time"


def _age(age: timedelta) -> tuple[str, str]:
    hours = int(age.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} ชั่วโมง", f"{hours} hours"
    return f"{hours // 24} วัน {hours % 24} ชั่วโมง", f"{hours // 24} days {hours % 24} hours"


def _copy_age(freshness: Freshness) -> tuple[str, str]:
    if freshness.published_at is None or freshness.age is None:
        return (
            "นักวิเคราะห์ยังไม่มีสำเนาข้อมูล (analytics.duckdb ยังไม่เคยเผยแพร่)",
            "Analysts have no copy yet (analytics.duckdb was never published).",
        )
    th, en = _age(freshness.age)
    when_th, when_en = _when(freshness.published_at)
    return (
        f"นักวิเคราะห์ยังใช้สำเนาเดิม (analytics.duckdb) ซึ่งเผยแพร่เมื่อ {when_th} อายุ {th}",
        f"Analysts still have the previous copy (analytics.duckdb), published {when_en}, {en} old.",
    )


def error_excerpt(error_text: str) -> list[str]:
    lines = [line.rstrip()[:LINE_CHARACTERS] for line in redact_personal(error_text).splitlines() if line.strip()]
    return lines[:ERROR_LINES]


def failed_night(run_id: str, started_at: datetime | None, step: str | None, error_text: str, freshness: Freshness) -> Alert:
    night_th, night = night_of(started_at)
    copy_th, copy_en = _copy_age(freshness)
    step_th = f"ขั้นตอนที่ล้มเหลว: {step}" if step else "กระบวนการของรอบนี้หยุดทำงานก่อนจบขั้นตอนใด ๆ (เช่น ถูกปิด หน่วยความจำไม่พอ หรือเครื่องรีบูต)"
    step_en = f"Failed step: {step}" if step else "The run's process stopped outside any step (killed, out of memory, or a reboot)."
    excerpt = error_excerpt(error_text) or ["(ไม่มีข้อความ · no message)"]
    link = run_link(run_id)
    body = [
        f"การโหลดข้อมูลประจำคืน {night_th} ล้มเหลว",
        step_th,
        copy_th,
        *([f"ดูรายละเอียดของรอบ: {link}"] if link else []),
        "",
        f"The nightly load of {night} failed.",
        step_en,
        copy_en,
        *([f"The run: {link}"] if link else []),
        "",
        "ข้อผิดพลาด · Error (first lines):",
        *(f"    {line}" for line in excerpt),
        "",
        f"run id: {run_id}",
        "จะทำอย่างไร · What to do: docs/operations.md, 'When a run fails'.",
    ]
    return Alert(f"{SUBJECT_PREFIX} โหลดข้อมูลคืน {night_th} ล้มเหลว · nightly load of {night} failed", "\n".join(body))


def copy_overdue(freshness: Freshness) -> Alert:
    limit_th, limit_en = _age(freshness.limit)
    copy_th, copy_en = _copy_age(freshness)
    body = [
        f"สำเนาข้อมูลของนักวิเคราะห์ไม่ได้ปรับปรุงเกินกำหนด {limit_th}",
        copy_th,
        "ตรวจสอบว่า dagster-daemon ทำงานอยู่ และดูรอบล่าสุดใน Dagster",
        "",
        f"The analysts' copy is overdue: not refreshed within {limit_en}.",
        copy_en,
        "Check that dagster-daemon is running, and the latest runs in Dagster.",
        "",
        "จะทำอย่างไร · What to do: docs/operations.md, 'Alerts'.",
    ]
    return Alert(f"{SUBJECT_PREFIX} สำเนาข้อมูลเก่าเกินกำหนด · analysts' copy overdue", "\n".join(body))


def copy_fresh_again(freshness: Freshness) -> Alert:
    when_th, when_en = _when(freshness.published_at or datetime.now(UTC))
    body = [
        f"สำเนาข้อมูลของนักวิเคราะห์กลับมาเป็นปัจจุบันแล้ว (เผยแพร่เมื่อ {when_th})",
        "",
        f"The analysts' copy is fresh again (published {when_en}).",
    ]
    return Alert(f"{SUBJECT_PREFIX} สำเนาข้อมูลเป็นปัจจุบันแล้ว · analysts' copy fresh again", "\n".join(body))


def morning_summary(
    run_id: str,
    started_at: datetime | None,
    files: Mapping[str, int],
    findings_by_rule: Mapping[str, int],
    deadline_period: str | None,
    late: list[str],
    missing: list[str],
    reports_dir: Path,
) -> Alert:
    """`files`: the run summary's counts (warehouse/run_summary.py)."""
    night_th, night = night_of(started_at)
    outcome = (
        f"loaded {files.get('files_loaded', 0)}, superseded {files.get('files_superseded', 0)}, "
        f"duplicate {files.get('files_duplicate', 0)}, rejected {files.get('files_rejected', 0)}"
    )
    findings = ", ".join(f"{rule} {n}" for rule, n in sorted(findings_by_rule.items())) or "-"
    month = deadline_period or "-"
    link = run_link(run_id)
    body = [
        f"สรุปการโหลดข้อมูลคืน {night_th}: สำเร็จ",
        f"ไฟล์ใหม่ {files.get('files_new', 0)} ไฟล์ (รับ {files.get('files_loaded', 0)}, แทนด้วยฉบับใหม่ {files.get('files_superseded', 0)}, "
        f"ซ้ำ {files.get('files_duplicate', 0)}, ปฏิเสธ {files.get('files_rejected', 0)})",
        f"แถวที่รับ {files.get('rows_accepted', 0)} แถว กักไว้ {files.get('rows_quarantined', 0)} แถว",
        f"ข้อสังเกตใหม่ตามกฎ: {findings}",
        f"ผลเดือน {month}: ส่งช้า {', '.join(late) or '-'}; ยังไม่ส่ง {', '.join(missing) or '-'}",
        f"รายงาน: {reports_dir}",
        "",
        f"Summary of the nightly load of {night}: succeeded.",
        f"New files: {files.get('files_new', 0)} ({outcome}).",
        f"Rows accepted: {files.get('rows_accepted', 0)}, quarantined: {files.get('rows_quarantined', 0)}.",
        f"New findings by rule: {findings}.",
        f"Results for {month}: late {', '.join(late) or '-'}; missing {', '.join(missing) or '-'}.",
        f"Reports: {reports_dir}/quality/index.html (quality, feedback workbooks), {reports_dir}/kpi/index.html (KPI dashboard).",
        *([f"The run: {link}"] if link else []),
    ]
    return Alert(f"{SUBJECT_PREFIX} สรุปคืน {night_th} · summary of the night of {night}", "\n".join(body))
