"""Limits on one file: size, rows, and a workbook's unpacked size (decompression bombs)."""

from __future__ import annotations

import functools
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import REPO

from sources.isingleform.reader import ISingleFormReader
from sources.limits import MAX_WORKBOOK_ENTRIES, IntakeLimits

NO_WAIT = {"landing_settle_seconds": 0}
REPORT = "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย)\nลำพูน,OTOP01,อบรม,5\n"


@functools.cache
def _deflated_zeros(unpacked_bytes: int) -> tuple[bytes, int]:
    packer, crc, pieces, chunk = zlib.compressobj(1, zlib.DEFLATED, -15), 0, [], bytes(1 << 20)
    left = unpacked_bytes
    while left:
        piece = chunk[: min(left, len(chunk))]
        crc = zlib.crc32(piece, crc)
        pieces.append(packer.compress(piece))
        left -= len(piece)
    pieces.append(packer.flush())
    return b"".join(pieces), crc


def zip_of_zeros(path: Path, unpacked_bytes: int, declared_bytes: int | None = None, name: str = "xl/worksheets/sheet1.xml") -> Path:
    """A one-part zip whose part inflates to `unpacked_bytes` zeros, written by
    hand so that its directory can lie about the size (`declared_bytes`)."""
    data, crc = _deflated_zeros(unpacked_bytes)
    encoded = name.encode()
    size = unpacked_bytes if declared_bytes is None else declared_bytes
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0) + encoded
    central = (
        struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, 0)
        + encoded
    )
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


def test_limits_come_from_the_environment_in_megabytes():
    limits = IntakeLimits.from_environment(
        {"DIPROM_MAX_FILE_MB": "1.5", "DIPROM_MAX_ROWS_PER_FILE": "10", "DIPROM_MAX_WORKBOOK_MB": "2", "DIPROM_LANDING_SETTLE_SECONDS": "0"}
    )
    assert limits == IntakeLimits(max_file_bytes=1572864, max_rows_per_file=10, max_workbook_bytes=2097152, landing_settle_seconds=0)
    assert IntakeLimits.from_environment({}) == IntakeLimits()


@pytest.mark.parametrize("text", ["ten", "-1", "nan", "inf"])
def test_a_bad_limit_stops_the_run_naming_the_variable(text):
    with pytest.raises(ValueError, match="DIPROM_MAX_ROWS_PER_FILE"):
        IntakeLimits.from_environment({"DIPROM_MAX_ROWS_PER_FILE": text})


def test_an_oversized_file_is_rejected_unread_but_archived(place):
    path = place.write("PIO51_result_2566-02.csv", REPORT + "ลำพูน,OTOP01,อบรม,5\n" * 100)
    size = path.stat().st_size
    summary = place.run(limits=IntakeLimits(max_file_bytes=size - 1, **NO_WAIT))
    assert summary.outcomes == {"rejected": 1}
    [(rule, value, detail_en, detail_th)] = place.query("SELECT rule_id, value, detail_en, detail_th FROM raw.file_findings")
    assert (rule, value) == ("RF01", str(size))
    assert "DIPROM_MAX_FILE_MB" in detail_en and "เกินขนาดสูงสุด" in detail_th
    assert place.query("SELECT submitter, period, rows_read FROM raw.landed_files") == [("PIO51", "2566-02", 0)]
    assert place.query("SELECT count(*) FROM raw.regional_rows") == [(0,)]
    assert place.archive.path_for(place.query("SELECT file_sha256 FROM raw.landed_files")[0][0]).exists()


def test_a_file_over_the_row_limit_leaves_no_rows(place):
    folder = place.landing / "isingleform"
    folder.mkdir(parents=True)
    (folder / "export.jsonl").write_text('{"submission_id": "x"}\n' * 4, encoding="utf-8")
    summary = place.run(ISingleFormReader(), limits=IntakeLimits(max_rows_per_file=3, **NO_WAIT))
    assert summary.outcomes == {"rejected": 1}
    assert place.query("SELECT rule_id, value FROM raw.file_findings") == [("RF01", "4")]
    assert place.query("SELECT count(*) FROM raw.isingleform_records") == [(0,)]


def test_a_workbook_that_unpacks_past_the_limit_is_a_bomb(place):
    place.reports.mkdir(parents=True)
    zip_of_zeros(place.reports / "PIO51_result_2566-02.xlsx", 9 << 20)
    summary = place.run(limits=IntakeLimits(max_workbook_bytes=8 << 20, **NO_WAIT))
    assert summary.outcomes == {"rejected": 1}
    [(rule, detail_en)] = place.query("SELECT rule_id, detail_en FROM raw.file_findings")
    assert rule == "RF01" and "unpack to 9.0 MB" in detail_en and "DIPROM_MAX_WORKBOOK_MB" in detail_en


def test_a_workbook_whose_directory_lies_about_its_size_is_caught(tmp_path):
    bomb = zip_of_zeros(tmp_path / "liar.xlsx", 4 << 20, declared_bytes=1000)
    finding = IntakeLimits(max_workbook_bytes=8 << 20).workbook_finding(bomb)
    assert finding is not None and finding.rule_id == "RF01" and "damaged" in finding.detail_en


def test_a_workbook_of_too_many_parts_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for number in range(MAX_WORKBOOK_ENTRIES + 1):
            package.writestr(f"p{number}", b"")
    finding = IntakeLimits().workbook_finding(path)
    assert finding is not None and f"{MAX_WORKBOOK_ENTRIES + 1:,} parts" in finding.detail_en


def test_a_file_that_is_not_a_zip_is_left_to_the_workbook_reader(tmp_path):
    path = tmp_path / "plain.xlsx"
    path.write_text("not a zip")
    assert IntakeLimits().workbook_finding(path) is None


BOMB_IN_A_SMALL_PROCESS = """
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from test_limits import zip_of_zeros
from sources.limits import IntakeLimits
folder = Path(sys.argv[2])
honest = zip_of_zeros(folder / "honest.xlsx", 300 << 20)
liar = zip_of_zeros(folder / "liar.xlsx", 300 << 20, declared_bytes=64 << 20)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
findings = [IntakeLimits().workbook_finding(p) for p in (honest, liar)]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print([f.rule_id if f else None for f in findings], (after - before) // 1024)
"""


@pytest.mark.slow
def test_finding_a_bomb_with_the_default_limits_costs_no_memory(tmp_path):
    """300 MB of zeros behind the default 256 MB limit, honest and lying: both
    rejected while the process grows by less than 50 MB."""
    result = subprocess.run(
        [sys.executable, "-c", BOMB_IN_A_SMALL_PROCESS, str(Path(__file__).parent), str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    rules, grown_mb = result.stdout.rsplit(" ", 1)
    assert rules == "['RF01', 'RF01']"
    assert int(grown_mb) < 50, f"grew by {grown_mb} MB"
