"""Names from outside (an upload's file name) never lead out of the landing folder,
and who may send what (checking/names.py, checking/sending.py)."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checking.names import BadName, guess_source, landing_name, landing_target, may_send
from checking.sending import AlreadySent, send, sends

SOURCES = st.sampled_from(["regional_reports", "isingleform"])
# Names as an attacker or a careless tool writes them: path pieces, dots, separators,
# control and invisible characters, Thai, and anything else.
PIECES = st.sampled_from(["..", ".", "/", "\\", "\x00", "\u200b", "\n", "~", "IPC01_result_2566-01.csv", "รายงาน", " ", "%2e%2e%2f"])
NAMES = st.one_of(
    st.text(min_size=0, max_size=60),
    st.lists(PIECES, min_size=1, max_size=8).map("".join),
    st.text(alphabet=string.ascii_letters + string.digits + "._-/\\", max_size=40),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=SOURCES, name=NAMES)
def test_a_name_lands_directly_in_its_source_folder_or_is_refused(tmp_path, source, name):
    landing = tmp_path / "landing"
    try:
        target = landing_target(landing, source, name)
    except BadName as problem:
        assert problem.detail_th and problem.detail_en
        return
    assert target.parent == (landing / source).resolve()
    assert target.name == name and not name.startswith(".")
    assert os.path.normpath(target) == str(target)


@pytest.mark.parametrize(
    "name",
    [
        "../x.csv",
        "..",
        ".",
        "a/b.csv",
        "a\\b.csv",
        "/etc/passwd",
        ".hidden.csv",
        "",
        "x\x00.csv",
        "IPC01_result_2566-01.csv\u200b",
        " IPC01_plan_2566.csv",
        "x" * 201,
    ],
)
def test_names_that_are_refused(name):
    with pytest.raises(BadName):
        landing_name(name)


def test_an_unknown_source_is_refused(tmp_path):
    with pytest.raises(BadName):
        landing_target(tmp_path, "../regional_reports", "IPC01_plan_2566.csv")


@given(
    account=st.sampled_from(["IPC01", "IPC11", "PIO51", "PIO84", "DIPROM"]),
    other=st.sampled_from(["IPC01", "IPC02", "PIO51", "PIO57", "DIPROM"]),
    kind=st.sampled_from(["plan_2566", "result_2566-01", "result_2566-01_v2"]),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_an_office_sends_only_reports_named_for_itself(account, other, kind, suffix):
    name = f"{other}_{kind}{suffix}"
    assert may_send(account, "regional_reports", name) == (account in ("DIPROM", other))
    assert may_send(account, "regional_reports", name.lower()) == (account in ("DIPROM", other))


def test_who_may_send_what_a_name_does_not_say():
    assert may_send("DIPROM", "regional_reports", "ipc02-results-march.csv")
    assert not may_send("IPC02", "regional_reports", "ipc02-results-march.csv")
    assert may_send("PIO84", "isingleform", "2566-01_flat.csv") and may_send("DIPROM", "isingleform", "2566-01.jsonl")
    assert not may_send("IPC01", "isingleform", "2566-01.jsonl")


def test_the_kind_of_file_is_guessed_from_its_folder_suffix_or_header():
    assert guess_source("2566-01.csv", b"a,b", folder="isingleform") == "isingleform"
    assert guess_source("2566-01.jsonl") == "isingleform"
    assert guess_source("flat.csv", b"submission_id,submitted_at\r\n1,2") == "isingleform"
    assert guess_source("IPC01_plan_2566.csv", "จังหวัด,รหัสโครงการ".encode()) == "regional_reports"


def test_a_send_is_whole_never_overwrites_and_is_recorded(tmp_path):
    landing, log = tmp_path / "landing", tmp_path / "warehouse" / "archive" / "sends.jsonl"
    content = tmp_path / "upload"
    content.write_bytes("จังหวัด,รหัสโครงการ\n".encode("cp874"))
    sent = send(landing, log, "IPC01", "regional_reports", "IPC01_plan_2566.csv", content)
    target = landing / "regional_reports" / "IPC01_plan_2566.csv"
    assert target.read_bytes() == content.read_bytes()
    assert sent.path == "regional_reports/IPC01_plan_2566.csv"
    content.write_bytes(b"other")
    with pytest.raises(AlreadySent):
        send(landing, log, "IPC01", "regional_reports", "IPC01_plan_2566.csv", content)
    assert target.read_bytes() != b"other"
    assert [entry["sha256"] for entry in sends(log)] == [sent.sha256]
    assert list((landing / ".incoming").iterdir()) == []
    assert sorted(p.name for p in landing.iterdir()) == [".incoming", "regional_reports"]


def test_nothing_is_sent_into_a_linked_source_folder(tmp_path):
    elsewhere, landing = tmp_path / "elsewhere", tmp_path / "landing"
    elsewhere.mkdir()
    landing.mkdir()
    (landing / "regional_reports").symlink_to(elsewhere)
    with pytest.raises(BadName):
        landing_target(landing, "regional_reports", "IPC01_plan_2566.csv")


def test_nothing_is_written_outside_for_a_refused_name(tmp_path):
    content = tmp_path / "upload"
    content.write_bytes(b"x")
    with pytest.raises(BadName):
        send(tmp_path / "landing", tmp_path / "sends.jsonl", "DIPROM", "regional_reports", "../../escaped.csv", content)
    assert not any(p.name == "escaped.csv" for p in Path(tmp_path).rglob("*"))
