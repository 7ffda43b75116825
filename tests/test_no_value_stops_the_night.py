"""No value in any file stops the night: landing folders generated with
hypothesis, every field and cell a value a submitter might send, through a
whole nightly load (dbt, the GX checks, publishing, every report).

Each example is one real night, so CI runs one, derandomised. For a long
search by hand:

    DIPROM_NIGHT_EXAMPLES=200 .venv/bin/python -m pytest -n 0 tests/test_no_value_stops_the_night.py

(random, not derandomised, when more than one example is asked for).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from conftest import materialize_nightly_load, query
from hostile_values import EXCEL_ERRORS, cell_text, excel_cell, json_value, nasty_text, numbers_as_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sources.isingleform.reader import REQUIRED_CSV_COLUMNS
from sources.regional_reports.table import COLUMNS
from tests.two_nights import submission

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("DIPROM_NIGHT_EXAMPLES", "1"))

# Where a submission's values live: a field, or a whole nested object.
SUBMISSION_PATHS = [
    "submission_id", "submitted_at", "period", "factory_id", "legacy_registration_no", "owner_id", "factory_name",
    "factory_class", "tsic_code", "province_code", "location", "location.type", "location.estate_code", "workers",
    "workers.thai_male", "workers.thai_female", "workers.foreign_male", "workers.foreign_female", "capital_baht",
    "horsepower", "production_value_baht", "electricity_kwh", "water_m3", "production", "contact", "contact.name",
    "contact.phone", "contact.email",
]  # fmt: skip
# Lone surrogates can only travel escaped, in JSON.
escaped_text = st.text(st.characters(categories=["Cs", "Cc", "Cf", "Lo"]), max_size=8)
any_json = st.one_of(json_value, numbers_as_text, escaped_text, st.lists(st.fixed_dictionaries({}, optional={
    "product": json_value, "quantity": json_value, "unit": nasty_text, "value_baht": json_value,
}), max_size=3))  # fmt: skip
# Codes a reader would accept, so that generated rows also reach the marts.
province = st.sampled_from(["ลำพูน", "51", "Chiang Mai", "เชียงใหม่", "กรุงเทพมหานคร", "10"])
programme = st.sampled_from(["OTOP", "CE", "HERO", "otop"])


def _set(record: dict, path: str, value) -> None:
    *parents, leaf = path.split(".")
    target = record
    for parent in parents:
        if not isinstance(target.get(parent), dict):
            target[parent] = {}
        target = target[parent]
    target[leaf] = value


@st.composite
def submissions(draw, number: int) -> str:
    """A valid submission of its own factory, with a few values replaced by anything."""
    record = submission(f"GEN-{number}", "2566-01", "2023-02-05T09:00:00+07:00", factory_id=f"105100{number:03d}25401")
    for path in draw(st.lists(st.sampled_from(SUBMISSION_PATHS), max_size=3, unique=True)):
        _set(record, path, draw(any_json))
    if draw(st.integers(0, 9)) == 0:
        return draw(nasty_text.filter(lambda t: t.strip() and "\n" not in t and "\r" not in t))  # not JSON at all
    line = json.dumps(record, ensure_ascii=draw(st.booleans()), allow_nan=True)
    if any("\ud800" <= c <= "\udfff" for c in line):
        line = json.dumps(record, allow_nan=True)  # half a character can only be sent escaped
    return line


@st.composite
def report_rows(draw, header: list[str], typed_cells: bool) -> list[list]:
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        row = []
        for column in header:
            if column == "จังหวัด" and draw(st.booleans()):
                row.append(draw(province))
            elif column == "รหัสโครงการ" and draw(st.booleans()):
                row.append(draw(programme))
            elif typed_cells:
                row.append(
                    draw(st.one_of(excel_cell, cell_text.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)), st.sampled_from(EXCEL_ERRORS)))
                )
            else:
                row.append(draw(cell_text))
        rows.append(row)
    return rows


@st.composite
def landing_folders(draw) -> dict[str, object]:
    """relative path -> text (str) or a workbook's rows (list of lists)."""
    thai_header = [COLUMNS[c][0] for c in COLUMNS if c != "budget_allocated_mb"]
    lines = [draw(submissions(number)) for number in range(draw(st.integers(5, 40)))]
    flat = io.StringIO()
    writer = csv.writer(flat)
    writer.writerow([*REQUIRED_CSV_COLUMNS, "capital_baht"])
    # (a NUL byte would make the whole export binary, RF01: tested on its own in test_readers_fuzz.py)
    flat_cell = cell_text.map(lambda t: t.replace("\x00", ""))
    writer.writerows(
        draw(st.lists(st.lists(flat_cell, min_size=len(REQUIRED_CSV_COLUMNS) + 1, max_size=len(REQUIRED_CSV_COLUMNS) + 1), max_size=5))
    )
    csv_report = io.StringIO()
    csv.writer(csv_report).writerows(
        [thai_header, *[[c.replace("\x00", "") for c in row] for row in draw(report_rows(thai_header, typed_cells=False))]]
    )
    return {
        "isingleform/generated.jsonl": "\n".join(lines) + "\n",
        "isingleform/flat.csv": flat.getvalue(),
        "regional_reports/DIPROM_result_2566-01.csv": csv_report.getvalue(),
        "regional_reports/DIPROM_result_2566-02.xlsx": [thai_header, *draw(report_rows(thai_header, typed_cells=True))],
    }


def _write(landing: Path, files: dict[str, object]) -> None:
    for relative, content in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8", errors="surrogatepass"))
            continue
        book = openpyxl.Workbook()
        sheet = book.active
        for row in content:
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.value in EXCEL_ERRORS:
                    cell.data_type = "e"
        book.save(path)


@given(files=landing_folders())
@settings(
    max_examples=EXAMPLES, derandomize=EXAMPLES == 1, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)  # fmt: skip
def test_a_night_of_hostile_values_succeeds_publishes_and_loses_nothing(files):
    with tempfile.TemporaryDirectory() as folder:
        landing, warehouse = Path(folder) / "landing", Path(folder) / "warehouse"
        _write(landing, files)
        result = materialize_nightly_load(landing, warehouse)
        failures = [e.event_specific_data.error.to_string() for e in result.all_events if e.is_step_failure]
        checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
        assert result.success, failures or [c.metadata for c in checks if not c.passed]
        analytics = warehouse / "analytics.duckdb"
        assert analytics.exists() and (warehouse / "reports" / "quality" / "index.html").exists()
        assert (warehouse / "reports" / "kpi" / "index.html").exists()
        statuses = query(analytics, "SELECT path, status, rows_read, rows_accepted, rows_quarantined FROM quality.files ORDER BY path")
        assert sorted(path for path, *_ in statuses) == sorted(files)
        for path, _status, read, accepted, quarantined in statuses:
            assert read == accepted + quarantined, path
        jsonl = next(read for path, _, read, _, _ in statuses if path.endswith(".jsonl"))
        assert jsonl == files["isingleform/generated.jsonl"].count("\n")
        internal = warehouse / "warehouse.duckdb"
        assert query(internal, "SELECT count(*) FROM quarantine.quarantined_rows WHERE coalesce(len(rule_ids), 0) = 0") == [(0,)]
        [(quarantined_rows,)] = query(internal, "SELECT count(*) FROM quarantine.quarantined_rows")
        assert quarantined_rows == sum(q for *_, q in statuses)
