"""Property-based tests of every reader through the intake: whatever bytes
arrive, under whatever name, the intake finishes, records one outcome with
known findings, and keeps exactly the rows it says it read.

Examples are bounded and derandomised for CI (profile `ci`, the default);
`HYPOTHESIS_PROFILE=deep` searches much longer on a developer's machine.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import SEEN_AT
from hostile_values import cell_text, json_value, nasty_text, non_standard_number
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sources.intake import take_in
from sources.isingleform.reader import ISingleFormReader
from sources.landing import Archive
from sources.limits import IntakeLimits
from sources.reference import Reference
from sources.regional_reports.reader import RegionalReportReader
from sources.regional_reports.table import COLUMNS

# Hundreds of generated inputs or a generated sample: kept out of the fast set.
pytestmark = pytest.mark.slow

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FILE_RULES = {"RF01", "RF02", "RF03", "RF04", "RF05", "RF06", "RF07"}
FILE_WARNINGS = {"RF07"}  # a file that loads may carry these
REGIONAL = RegionalReportReader(Reference.from_seeds())
FACTORIES = ISingleFormReader()
ROW_TABLE = {REGIONAL.source: "raw.regional_rows", FACTORIES.source: "raw.isingleform_records"}
REGIONAL_NAME = "PIO51_result_2566-02"


def take_in_one(source: str, name: str, content: bytes) -> tuple[str, list[str], int, int]:
    """(outcome, finding rules, rows the reader said, rows written) for one file."""
    reader = REGIONAL if source == REGIONAL.source else FACTORIES
    with tempfile.TemporaryDirectory() as folder:
        landing = Path(folder) / "landing"
        (landing / source).mkdir(parents=True)
        (landing / source / name).write_bytes(content)
        with duckdb.connect() as con:
            summary = take_in(
                con,
                landing,
                Archive(Path(folder) / "archive"),
                reader,
                "fuzz",
                SEEN_AT,
                lambda _: None,
                IntakeLimits(landing_settle_seconds=0),
            )
            assert sum(summary.outcomes.values()) == 1, summary
            [(outcome, rows_read)] = con.execute("SELECT outcome, rows_read FROM raw.landed_files").fetchall()
            rules = [rule for (rule,) in con.execute("SELECT rule_id FROM raw.file_findings").fetchall()]
            [(written,)] = con.execute(f"SELECT count(*) FROM {ROW_TABLE[source]}").fetchall()
    return outcome, rules, rows_read, written


def assert_one_clean_outcome(outcome: str, rules: list[str], rows_read: int, written: int) -> None:
    assert set(rules) <= FILE_RULES
    if outcome == "rejected":
        assert rules and written == 0
    else:
        assert outcome == "parsed" and set(rules) <= FILE_WARNINGS and rows_read > 0


@given(content=st.binary(max_size=4000), extension=st.sampled_from(["csv", "xlsx", "CSV", "txt", ""]))
def test_random_bytes_as_a_regional_report(content, extension):
    outcome, rules, rows_read, written = take_in_one("regional_reports", f"{REGIONAL_NAME}.{extension}".rstrip("."), content)
    assert_one_clean_outcome(outcome, rules, rows_read, written)
    assert written >= rows_read  # total rows are kept beside data rows


@given(content=st.binary(max_size=4000), extension=st.sampled_from(["jsonl", "json", "csv", "xlsx"]))
def test_random_bytes_as_a_factory_export(content, extension):
    outcome, rules, rows_read, written = take_in_one("isingleform", f"export.{extension}", content)
    assert_one_clean_outcome(outcome, rules, rows_read, written)
    assert written == rows_read


@st.composite
def jsonl_line(draw) -> str:
    record = draw(
        st.dictionaries(
            st.sampled_from(["submission_id", "factory_id", "workers", "capital_baht", "period", "x"]) | nasty_text, json_value, max_size=6
        )
    )
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        line = line.replace("{", '{"capital_baht": ' + draw(non_standard_number) + ", ", 1) if line != "{}" else '{"workers": NaN}'
    if draw(st.integers(0, 9)) == 0:
        depth = draw(st.integers(100, 20000))
        line = '{"deep": ' + "[" * depth + "]" * depth + "}"
    return line


@given(lines=st.lists(jsonl_line(), min_size=1, max_size=8), blank_lines=st.integers(0, 3), line_end=st.sampled_from(["\n", "\r\n"]))
def test_jsonl_keeps_every_non_blank_line_as_received(lines, blank_lines, line_end):
    content = (line_end.join(lines) + line_end * (blank_lines + 1)).encode()
    outcome, rules, rows_read, written = take_in_one("isingleform", "export.jsonl", content)
    assert (outcome, rules, rows_read, written) == ("parsed", [], len(lines), len(lines))


@given(records=st.lists(st.dictionaries(nasty_text, json_value, max_size=5), min_size=1, max_size=6))
def test_a_json_array_gives_one_record_per_element(records):
    outcome, rules, rows_read, written = take_in_one("isingleform", "export.json", json.dumps(records).encode())
    assert (outcome, rules, rows_read, written) == ("parsed", [], len(records), len(records))


def test_an_escaped_lone_surrogate_is_judged_where_it_stands():
    """DuckDB cannot hold "\\ud800" (half a character): in a .jsonl it spoils one
    line (judged by the rules as not a JSON object), in a .json the whole file (RF01)."""
    line = '{"factory_name": "\\ud800"}'
    assert take_in_one("isingleform", "export.jsonl", (line + "\n").encode()) == ("parsed", [], 1, 1)
    assert take_in_one("isingleform", "export.json", f"[{line}]".encode())[:2] == ("rejected", ["RF01"])


@st.composite
def regional_table(draw) -> tuple[list[str], list[list[str]], bool]:
    """(header, rows, whether a column is named twice): known names shuffled,
    some repeated under another spelling, some unknown."""
    chosen = draw(st.lists(st.sampled_from(list(COLUMNS)), min_size=3, max_size=len(COLUMNS), unique=True))
    header = [draw(st.sampled_from([c, *COLUMNS[c]])) for c in chosen]
    named_twice = draw(st.booleans())
    if named_twice:
        header.append(COLUMNS[chosen[0]][1])
    header += draw(st.lists(st.text(alphabet="xyz", min_size=1, max_size=5).map(lambda s: "extra " + s), max_size=2))
    header = draw(st.permutations(header))
    rows = draw(st.lists(st.lists(cell_text, min_size=len(header), max_size=len(header)), min_size=1, max_size=6))
    return list(header), rows, named_twice


def expected_outcome(header: list[str], rows: list[list[str]], named_twice: bool) -> str:
    canonical = {name: c for c, names in COLUMNS.items() for name in (c, *names)}
    present = {canonical[name] for name in header if name in canonical}
    if named_twice:
        return "RF04"
    if not {"province", "program_code"} <= present:
        return "RF04"
    return "read"


def write_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@given(table=regional_table(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp874", "utf-16"]))
def test_a_regional_csv_with_shuffled_repeated_headers_and_hostile_cells(table, encoding):
    header, rows, named_twice = table
    text = write_csv(header, rows)
    content = text.encode(encoding, errors="replace" if encoding == "cp874" else "surrogatepass")
    outcome, rules, rows_read, written = take_in_one("regional_reports", f"{REGIONAL_NAME}.csv", content)
    assert_one_clean_outcome(outcome, rules, rows_read, written)
    expected = expected_outcome(header, rows, named_twice)
    if encoding == "utf-16" or "\x00" in text:
        assert rules == ["RF01"]  # UTF-16 and NUL bytes are binary to a Thai CSV reader
    elif expected == "RF04":
        assert rules == ["RF04"]
    elif outcome == "rejected":
        # every row blank, a one-cell note, or a header again: nothing to load
        assert rules in (["RF05"], ["RF01"]), rules


@given(table=regional_table())
@settings(max_examples=10)
def test_a_regional_workbook_with_hostile_cells(table):
    header, rows, named_twice = table
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        # a workbook cell cannot hold most control characters; numbers go in as numbers
        sheet.append([_as_number_if_possible(ILLEGAL_CHARACTERS_RE.sub("", cell)) for cell in row])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book.save(handle.name)
        content = Path(handle.name).read_bytes()
    outcome, rules, rows_read, written = take_in_one("regional_reports", f"{REGIONAL_NAME}.xlsx", content)
    assert_one_clean_outcome(outcome, rules, rows_read, written)
    if expected_outcome(header, rows, named_twice) == "RF04":
        assert rules == ["RF04"]


def _as_number_if_possible(cell: str):
    try:
        number = float(cell)
    except ValueError:
        return cell
    return number if number == number and abs(number) != float("inf") else cell
