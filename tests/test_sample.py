"""The bundled sample: deterministic, both sources, and left alone once written."""

from __future__ import annotations

import json

from sample.factories import submissions
from sample.generate import FACTORY_SUBMISSIONS, generate
from sources.landing import sha256_of
from sources.thai import thai_id_check_digit_holds


def contents(root):
    return {p.relative_to(root).as_posix(): sha256_of(p) for p in root.rglob("*") if p.is_file()}


def test_sample_has_both_sources_and_a_second_run_changes_nothing(tmp_path):
    generate(tmp_path)
    first = contents(tmp_path)
    assert any(p.startswith("regional_reports/") and p.endswith(".xlsx") for p in first)
    assert any(p.startswith("regional_reports/") and p.endswith(".csv") for p in first)
    assert "isingleform/FY2566.jsonl" in first
    generate(tmp_path)
    assert contents(tmp_path) == first


def test_factory_submissions_are_deterministic_and_mostly_valid():
    lines = list(submissions(FACTORY_SUBMISSIONS))
    assert lines == list(submissions(FACTORY_SUBMISSIONS))
    assert len(lines) == FACTORY_SUBMISSIONS
    records = [json.loads(line) for line in lines]
    valid_owner = sum(thai_id_check_digit_holds(r["owner_id"]) for r in records)
    assert 0.95 * len(records) < valid_owner < len(records)  # about 1 % break IS03
    assert len({r["submission_id"] for r in records}) < len(records)  # some re-sent duplicates
