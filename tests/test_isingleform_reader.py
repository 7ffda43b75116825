"""Reading i-Single Form exports: .jsonl, .json and flat .csv, good and hostile."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pytest

from sources.intake import ensure_raw_schema
from sources.isingleform.reader import ISingleFormReader, flat_row_to_record
from sources.landing import LandedFile

SEEN_AT = datetime(2023, 3, 1, tzinfo=UTC)


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        ensure_raw_schema(connection)
        yield connection


def load(con, tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    outcome = ISingleFormReader().load(con, path, LandedFile(path, f"isingleform/{name}", len(data)), 1, SEEN_AT)
    records = con.execute("SELECT record_number, record_text FROM raw.isingleform_records ORDER BY record_number").fetchall()
    return outcome, records


def test_jsonl_lines_keep_their_numbers_and_blank_lines_are_skipped(con, tmp_path):
    data = '{"submission_id": "A"}\n\n{"submission_id": "ข"}\r\nnot json\n'.encode()
    outcome, records = load(con, tmp_path, "x.jsonl", data)
    assert (outcome.outcome, outcome.rows_read) == ("parsed", 3)
    assert records == [(1, '{"submission_id": "A"}'), (3, '{"submission_id": "ข"}'), (4, "not json")]


def test_examples_jsonl_reads_every_line(con, examples_dir, tmp_path):
    outcome, records = load(con, tmp_path, "e.jsonl", (examples_dir / "isingleform" / "2566-01.jsonl").read_bytes())
    assert outcome.rows_read == 12
    assert [n for n, _ in records] == list(range(1, 13))


def test_jsonl_that_is_not_utf8_is_rejected(con, tmp_path):
    outcome, _ = load(con, tmp_path, "x.jsonl", '{"factory_name": "โรงงาน"}\n'.encode("cp874"))
    assert outcome.findings[0].rule_id == "RF01"


def test_json_object_and_array(con, tmp_path):
    outcome, records = load(con, tmp_path, "one.json", b'{"submission_id": "A"}')
    assert (outcome.rows_read, records) == (1, [(1, '{"submission_id": "A"}')])
    con.execute("DELETE FROM raw.isingleform_records")
    outcome, records = load(con, tmp_path, "many.json", b'[{"submission_id": "A"}, 5, {"submission_id": "B"}]')
    assert outcome.rows_read == 3
    assert [(n, json.loads(t)) for n, t in records] == [(1, {"submission_id": "A"}), (2, 5), (3, {"submission_id": "B"})]


@pytest.mark.parametrize("data", [b'[{"submission_id": "A"}, {"sub', b"\x89PNG\r\n\x1a\n\x00\x00", b'"just a string"', b""])
def test_unreadable_json_is_rejected_whole(con, tmp_path, data):
    outcome, records = load(con, tmp_path, "bad.json", data)
    assert outcome.findings[0].rule_id == "RF01"
    assert records == []


def test_empty_jsonl_holds_no_submissions(con, tmp_path):
    outcome, _ = load(con, tmp_path, "empty.jsonl", b"\n\n")
    assert outcome.findings[0].rule_id == "RF05"


def test_flat_csv_in_cp874_becomes_nested_records(con, examples_dir, tmp_path):
    outcome, records = load(con, tmp_path, "flat.csv", (examples_dir / "isingleform" / "2566-01_flat.csv").read_bytes())
    assert outcome.rows_read == 2
    first = json.loads(records[0][1])
    assert records[0][0] == 2
    assert first["factory_name"] == "บริษัท เซรามิกลำปาง จำกัด"
    assert first["workers"] == {"thai_male": "40", "thai_female": "35", "foreign_male": "0", "foreign_female": "0"}
    assert first["location"] == {"type": "outside"}  # the empty estate code is an absent field
    assert first["production_value_baht"] == "2,300,000"


def test_flat_csv_missing_a_required_column_is_rejected(con, tmp_path):
    outcome, _ = load(con, tmp_path, "flat.csv", b"submission_id,period\nA,2566-01\n")
    assert outcome.findings[0].rule_id == "RF04"


def test_unknown_extension_is_rejected(con, tmp_path):
    outcome, _ = load(con, tmp_path, "export.xml", b"<x/>")
    assert outcome.findings[0].rule_id == "RF01"


def test_flat_names_map_to_nested_paths():
    assert flat_row_to_record({"contact_email": "a@b", "capital_baht": "5", "location_estate_code": "NRIE", "x": " "}) == {
        "contact": {"email": "a@b"},
        "capital_baht": "5",
        "location": {"estate_code": "NRIE"},
    }
