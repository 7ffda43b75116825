"""The landing folder is the submitters': links lead nowhere, odd names work,
and a file still being written is left for the next run."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pytest
from conftest import SEEN_AT

from sources.intake import Sighting, take_in_sightings
from sources.isingleform.reader import ISingleFormReader
from sources.landing import discover, readable_path, settled, sha256_of
from sources.limits import IntakeLimits

RECORD = '{"submission_id": "S1", "factory_name": "โรงงาน"}\n'
ODD_NAMES = [
    "with space.jsonl",
    "โรงงานลำพูน มกราคม.jsonl",
    "-leading-dash.jsonl",
    "--help.jsonl",
    "x" * 249 + ".jsonl",  # 255 bytes, the longest name the file system takes
    "ก" * 83 + ".jsonl",  # 255 bytes of Thai
    'quote\' and "double"; DROP TABLE raw.landed_files; --.jsonl',
    "<img src=x onerror=alert(1)>.jsonl",
    "tab\tand\nnewline.jsonl",
    "ไฟล์\u200bซ่อน\u202e.jsonl",
]


@pytest.fixture
def factories(place) -> Path:
    folder = place.landing / "isingleform"
    folder.mkdir(parents=True)
    return folder


def test_odd_file_names_are_taken_in_under_their_own_names(place, factories):
    for number, name in enumerate(ODD_NAMES):
        (factories / name).write_text(RECORD.replace("S1", f"S{number}"), encoding="utf-8")
    summary = place.run(ISingleFormReader())
    assert summary.outcomes == {"parsed": len(ODD_NAMES)}
    stored = [path for (path,) in place.query("SELECT path FROM raw.landed_files ORDER BY path")]
    assert stored == sorted(f"isingleform/{name}" for name in ODD_NAMES)
    assert place.query("SELECT count(*) FROM raw.isingleform_records") == [(len(ODD_NAMES),)]
    assert place.run(ISingleFormReader()).unchanged == len(ODD_NAMES)


def test_a_name_that_is_not_utf8_is_read_as_thai_windows_text(place, factories):
    name = "โรงงาน.jsonl".encode("cp874")
    with open(os.path.join(os.fsencode(factories), name), "wb") as handle:
        handle.write(RECORD.encode())
    with open(os.path.join(os.fsencode(factories), b"bad\xff\xfename.jsonl"), "wb") as handle:
        handle.write(RECORD.replace("S1", "S2").encode())
    summary = place.run(ISingleFormReader())
    assert summary.outcomes == {"parsed": 2}
    assert sorted(p for (p,) in place.query("SELECT path FROM raw.landed_files")) == [
        "isingleform/bad\ufffd\ufffdname.jsonl",
        "isingleform/โรงงาน.jsonl",
    ]


def test_readable_path_keeps_utf8_and_never_fails():
    assert readable_path("isingleform/ก.jsonl") == "isingleform/ก.jsonl"
    assert readable_path(os.fsdecode(b"\x80\x81")) == "\ufffd\ufffd"


def test_links_out_of_the_landing_folder_are_not_followed(place, factories, tmp_path):
    secret = tmp_path / "outside" / "secret.jsonl"
    secret.parent.mkdir()
    secret.write_text('{"owner_id": "1101700230705"}\n', encoding="utf-8")
    os.symlink(secret, factories / "link-to-a-file.jsonl")
    os.symlink(secret.parent, factories / "link-to-a-folder")
    (factories / "real.jsonl").write_text(RECORD, encoding="utf-8")
    place.run(ISingleFormReader())
    assert place.query("SELECT path FROM raw.landed_files") == [("isingleform/real.jsonl",)]
    assert "1101700230705" not in str(place.query("SELECT * FROM raw.isingleform_records"))


def test_a_source_folder_that_is_a_link_is_not_read(place, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "export.jsonl").write_text(RECORD, encoding="utf-8")
    place.landing.mkdir(parents=True)
    os.symlink(elsewhere, place.landing / "isingleform")
    assert discover(place.landing, "isingleform") == []


def test_a_named_pipe_does_not_hang_the_run(place, factories):
    os.mkfifo(factories / "pipe.jsonl")
    (factories / "real.jsonl").write_text(RECORD, encoding="utf-8")
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (place.run(ISingleFormReader()), finished.set()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert finished.is_set(), "the intake blocked on a named pipe"
    assert place.query("SELECT path FROM raw.landed_files") == [("isingleform/real.jsonl",)]


def test_a_file_growing_between_two_looks_is_left_for_the_next_run(factories):
    growing = factories / "growing.jsonl"
    growing.write_text(RECORD, encoding="utf-8")
    (factories / "done.jsonl").write_text(RECORD, encoding="utf-8")
    os.utime(factories / "done.jsonl", (1, 1))
    files = discover(factories.parent, "isingleform")
    waits = []

    def writer_keeps_writing(seconds):
        waits.append(seconds)
        with growing.open("a", encoding="utf-8") as handle:
            handle.write(RECORD)

    ready, arriving = settled(files, settle_seconds=5, sleep=writer_keeps_writing)
    assert [f.path for f in ready] == ["isingleform/done.jsonl"]
    assert [f.path for f in arriving] == ["isingleform/growing.jsonl"]
    assert len(waits) == 1 and 0 < waits[0] <= 5


def test_no_wait_when_nothing_changed_lately(factories):
    (factories / "old.jsonl").write_text(RECORD, encoding="utf-8")
    os.utime(factories / "old.jsonl", (1, 1))
    ready, arriving = settled(discover(factories.parent, "isingleform"), settle_seconds=5, sleep=pytest.fail)
    assert len(ready) == 1 and arriving == []


def test_a_file_changed_after_hashing_is_left_then_taken_next_run(place, factories):
    path = factories / "export.jsonl"
    path.write_text(RECORD, encoding="utf-8")
    [landed] = discover(place.landing, "isingleform")
    stale = Sighting(landed, sha256_of(path), SEEN_AT)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(RECORD.replace("S1", "S2"))
    place.db.parent.mkdir(parents=True)
    with duckdb.connect(str(place.db)) as con:
        summary = take_in_sightings(con, [stale], place.archive, ISingleFormReader(), "test", lambda _: None)
    assert summary.still_arriving == 1 and not summary.outcomes
    assert place.query("SELECT count(*) FROM raw.landed_files") == [(0,)]
    assert not place.archive.manifest.exists() or place.archive.manifest.read_text() == ""
    summary = place.run(ISingleFormReader(), seen_at=SEEN_AT)
    assert summary.outcomes == {"parsed": 1} and summary.rows_read == 2


def test_a_file_replaced_by_a_link_after_listing_is_not_read(place, factories, tmp_path):
    secret = tmp_path / "secret.jsonl"
    secret.write_text(RECORD, encoding="utf-8")
    path = factories / "export.jsonl"
    path.write_text(RECORD, encoding="utf-8")
    [landed] = discover(place.landing, "isingleform")
    path.unlink()
    os.symlink(secret, path)
    with pytest.raises(OSError):
        sha256_of(landed.absolute_path)
    ready, arriving = settled([landed], settle_seconds=0)
    assert ready == [] and arriving == [landed]


def test_the_intake_waits_for_a_file_that_just_changed(place, factories):
    (factories / "fresh.jsonl").write_text(RECORD, encoding="utf-8")
    summary = place.run(ISingleFormReader(), limits=IntakeLimits(landing_settle_seconds=0.5))
    assert summary.outcomes == {"parsed": 1} and summary.still_arriving == 0
