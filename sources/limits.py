"""What one submitted file may cost the nightly load.

Submitters' files come from outside: a file may be huge by mistake or a
decompression bomb by design. Each limit turns such a file into an RF01
finding before its content is read into memory, so that one file can neither
exhaust the machine nor stop the run. Operators set the limits through the
environment; an invalid setting stops the run at once with the variable named.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sources.file_outcome import FileFinding

_MB = 1024 * 1024
_ZIP_CHUNK = 1 << 16
# A workbook is a zip of a few dozen XML parts; tens of thousands of entries is an attack.
MAX_WORKBOOK_ENTRIES = 10_000


@dataclass(frozen=True)
class IntakeLimits:
    max_file_bytes: int = 256 * _MB
    max_rows_per_file: int = 1_000_000
    max_workbook_bytes: int = 256 * _MB  # uncompressed, all parts together
    # A file whose size or time changed less than this long ago may still be
    # being written; the intake waits this long once, then looks again.
    landing_settle_seconds: float = 2.0

    ENVIRONMENT: ClassVar[dict[str, tuple[str, int | None]]] = {
        "DIPROM_MAX_FILE_MB": ("max_file_bytes", _MB),
        "DIPROM_MAX_ROWS_PER_FILE": ("max_rows_per_file", 1),
        "DIPROM_MAX_WORKBOOK_MB": ("max_workbook_bytes", _MB),
        "DIPROM_LANDING_SETTLE_SECONDS": ("landing_settle_seconds", None),
    }

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> IntakeLimits:
        values: dict[str, float | int] = {}
        for variable, (field_name, unit) in cls.ENVIRONMENT.items():
            text = environ.get(variable, "").strip()
            if not text:
                continue
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{variable}={text!r} is not a number") from None
            if not number >= 0 or number == float("inf"):
                raise ValueError(f"{variable}={text!r} must be a finite number of at least 0")
            values[field_name] = number if unit is None else int(number * unit)
        return cls(**values)

    def size_finding(self, size_bytes: int) -> FileFinding | None:
        if size_bytes <= self.max_file_bytes:
            return None
        size, limit = _mb(size_bytes), _mb(self.max_file_bytes)
        return FileFinding(
            "RF01",
            str(size_bytes),
            None,
            f"the file is {size} MB; files over {limit} MB are not read (DIPROM_MAX_FILE_MB)",
            f"ไฟล์มีขนาด {size} MB เกินขนาดสูงสุดที่รับได้ {limit} MB",
        )

    def rows_finding(self, rows: int) -> FileFinding | None:
        if rows <= self.max_rows_per_file:
            return None
        return FileFinding(
            "RF01",
            str(rows),
            None,
            f"the file holds {rows:,} rows; files over {self.max_rows_per_file:,} rows are not loaded (DIPROM_MAX_ROWS_PER_FILE)",
            f"ไฟล์มี {rows:,} แถว เกินจำนวนสูงสุดที่รับได้ {self.max_rows_per_file:,} แถว",
        )

    def workbook_finding(self, path: Path) -> FileFinding | None:
        """A zip package that would unpack to more than the limit, or whose parts
        are not what its directory says. Checked by streaming every part through
        a bounded buffer, so that finding out costs no memory: a part's declared
        size caps what is read of it, and its checksum exposes a lie.
        A file that is not a zip at all is left to the workbook reader to judge."""
        try:
            with zipfile.ZipFile(path) as package:
                parts = package.infolist()
                if len(parts) > MAX_WORKBOOK_ENTRIES:
                    return self._bomb(f"{len(parts):,} parts", f"{len(parts):,} ส่วน")
                declared = sum(part.file_size for part in parts)
                if declared > self.max_workbook_bytes:
                    return self._bomb(f"{_mb(declared)} MB unpacked", f"ขนาดเมื่อแตกไฟล์ {_mb(declared)} MB")
                for part in parts:
                    with package.open(part) as stream:
                        while stream.read(_ZIP_CHUNK):
                            pass
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
            if isinstance(error, zipfile.BadZipFile) and not zipfile.is_zipfile(path):
                return None
            return FileFinding("RF01", None, None, f"the workbook package is damaged: {error}", f"ไฟล์ workbook เสียหาย: {error}")
        return None

    def _bomb(self, what_en: str, what_th: str) -> FileFinding:
        limit = _mb(self.max_workbook_bytes)
        return FileFinding(
            "RF01",
            None,
            None,
            f"the workbook would unpack to {what_en}; workbooks over {limit} MB or {MAX_WORKBOOK_ENTRIES:,} parts "
            "are not opened (DIPROM_MAX_WORKBOOK_MB)",
            f"ไฟล์ workbook มี{what_th} เกินขีดจำกัด {limit} MB หรือ {MAX_WORKBOOK_ENTRIES:,} ส่วน จึงไม่เปิดอ่าน",
        )


def _mb(size_bytes: int) -> str:
    return f"{size_bytes / _MB:,.1f}"
