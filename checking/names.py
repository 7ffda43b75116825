"""Names a file may have in the landing folder, and who may send it.

A name comes from outside (a browser's upload, a command's argument): it is
one plain file name or nothing. It never names a folder, a hidden file, a
parent, or a path out of the landing folder, whatever its characters.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from sources.regional_reports.naming import named_submitter

SOURCES = ("regional_reports", "isingleform")
HEAD_OFFICE = "DIPROM"
MAX_NAME_LENGTH = 200  # characters; file systems allow 255 bytes, and Thai takes three each
ISF_SUFFIXES = (".jsonl", ".json")


class BadName(ValueError):
    """A name that cannot be a file of the landing folder; says why in Thai and English."""

    def __init__(self, detail_en: str, detail_th: str):
        super().__init__(f"{detail_th} / {detail_en}")
        self.detail_en, self.detail_th = detail_en, detail_th


def landing_name(name: str) -> str:
    """`name` as it would be written in the landing folder, or BadName."""
    if not isinstance(name, str) or not name:
        raise BadName("no file name", "ไม่มีชื่อไฟล์")
    if len(name) > MAX_NAME_LENGTH:
        raise BadName(f"the name is longer than {MAX_NAME_LENGTH} characters", f"ชื่อไฟล์ยาวเกิน {MAX_NAME_LENGTH} ตัวอักษร")
    if "/" in name or "\\" in name:
        raise BadName("a file name, not a path: no / or \\", "ต้องเป็นชื่อไฟล์ ไม่ใช่เส้นทาง (ห้ามมี / หรือ \\)")
    if name.startswith(".") or name != name.strip():
        raise BadName("the name starts with a dot or a space", "ชื่อไฟล์ขึ้นต้นด้วยจุดหรือช่องว่าง")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for ch in name):
        raise BadName("the name holds an invisible or control character", "ชื่อไฟล์มีอักขระที่มองไม่เห็นหรืออักขระควบคุม")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise BadName("the name is not valid text", "ชื่อไฟล์ไม่ใช่ข้อความที่ถูกต้อง") from None
    return name


def landing_source(source: str) -> str:
    if source not in SOURCES:
        raise BadName(
            f"unknown kind of file {source!r} (regional_reports, isingleform)", "ไม่รู้จักประเภทไฟล์ (regional_reports หรือ isingleform)"
        )
    return source


def landing_target(landing_dir: Path, source: str, name: str) -> Path:
    """Where a file named `name` of `source` lands: always directly inside `landing_dir/source`."""
    if (landing_dir / landing_source(source)).is_symlink():
        # the intake reads no linked source folder (sources/landing.py discover); nothing is sent into one
        raise BadName("the landing folder's source folder is a link", "โฟลเดอร์รับไฟล์เป็นลิงก์")
    folder = (landing_dir / source).resolve()
    target = folder / landing_name(name)
    if target.parent != folder or not target.resolve().is_relative_to(folder):
        raise BadName("the name leads out of the landing folder", "ชื่อไฟล์ชี้ออกนอกโฟลเดอร์รับไฟล์")
    return target


def guess_source(name: str, first_bytes: bytes = b"", folder: str | None = None) -> str:
    """The source a file belongs to: its folder's, else by its suffix; a CSV is an
    i-Single Form flat export when its header names submission_id."""
    if folder in SOURCES:
        return folder
    lower = name.lower()
    if lower.endswith(ISF_SUFFIXES):
        return "isingleform"
    if lower.endswith(".csv") and b"submission_id" in first_bytes.split(b"\n", 1)[0]:
        return "isingleform"
    return "regional_reports"


def may_send(account: str, source: str, name: str) -> bool:
    """The head office sends anything; an office sends only reports named for
    itself; i-Single Form exports, which name no submitter, come from the head
    office and the provincial offices."""
    if account == HEAD_OFFICE:
        return True
    if source == "isingleform":
        return account.startswith("PIO")
    return named_submitter(name) == account
