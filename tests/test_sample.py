"""The bundled sample's generator: exact splits, calibrated totals, every format,
deterministic, and left alone once written. (Loaded, it is tested in
tests/test_sample_figures.py.)"""

from __future__ import annotations

import contextlib
import json
from collections import Counter

import pytest

from sample.factories import MONTHS, factories
from sample.figures import LAMPHUN_JANUARY_2566, YEARS
from sample.generate import generate
from sample.regional import build_years, national_totals, units
from sample.split import split_exact
from sources.landing import sha256_of
from sources.thai import thai_id_check_digit_holds

# Hundreds of generated inputs or a generated sample: kept out of the fast set.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("total, weights", [(0, [1, 2]), (7, [1, 1, 1]), (15342_75, [0.3, 2.5, 1e-9, 7]), (1, [5, 5])])
def test_a_split_is_whole_non_negative_and_exact(total, weights):
    parts = split_exact(total, weights)
    assert sum(parts) == total and all(isinstance(p, int) and p >= 0 for p in parts)
    scale = sum(weights)
    assert all(abs(p - total * w / scale) < 1 for p, w in zip(parts, weights, strict=True))
    assert parts == split_exact(total, weights)


def test_a_tie_goes_to_the_earlier_part_and_bad_weights_are_refused():
    assert split_exact(1, [1, 1]) == [1, 0]
    for weights in ([], [0, 0], [1, -1]):
        with pytest.raises(ValueError):
            split_exact(3, weights)
    with pytest.raises(ValueError):
        split_exact(-1, [1])


def test_generated_rows_add_up_to_each_years_published_totals():
    totals = national_totals(build_years())
    for fiscal_year, figures in YEARS.items():
        for indicator, (target, actual) in figures.indicators.items():
            assert totals[fiscal_year, indicator] == (units(target, indicator), units(actual, indicator)), (fiscal_year, indicator)
        assert totals[fiscal_year, "budget_allocated_mb"][0] == units(figures.budget_allocated_mb, "budget_allocated_mb")
        assert totals[fiscal_year, "budget_disbursed_mb"][1] == units(figures.budget_disbursed_mb, "budget_disbursed_mb")


def test_rec90_runs_only_in_fy2563_and_only_for_three_months():
    years = build_years()
    assert [y for y, year in years.items() if any(c.programme == "REC90" for c in year.cells)] == [2563]
    months = {m for m, rows in years[2563].results.items() if any(c.programme == "REC90" for c in rows)}
    assert months <= {"2563-07", "2563-08", "2563-09"}


def test_lamphuns_factories_are_the_published_counts_in_january():
    in_january = Counter(
        f.location.get("estate_code", f.location["type"]) for f in factories() if f.province_code == "51" and f.first_period <= "2566-01"
    )
    assert in_january == LAMPHUN_JANUARY_2566
    assert len({f.factory_id for f in factories()}) == len(factories())


def contents(root):
    return {p.relative_to(root).as_posix(): sha256_of(p) for p in root.rglob("*") if p.is_file()}


def test_the_sample_has_every_format_and_a_second_run_changes_nothing(sample_landing):
    tmp_path, (files, records) = sample_landing
    first = contents(tmp_path)
    assert files > 800 and records > 3000
    reports = [p for p in first if p.startswith("regional_reports/")]
    assert {p.rsplit(".", 1)[-1] for p in reports} == {"xlsx", "csv"}
    for year in YEARS:
        assert any(p.startswith(f"regional_reports/FY{year}/") and f"_plan_{year}." in p for p in reports)
    raw = {p: (tmp_path / p).read_bytes() for p in reports if p.endswith(".csv")}
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw.values())  # UTF-8 with a BOM
    assert any(not b.startswith(b"\xef\xbb\xbf") and b.decode("utf-8", "replace").count("\ufffd") == 0 for b in raw.values())
    assert any(_is_cp874(b) for b in raw.values())  # Thai Windows
    factory_files = {p.rsplit(".", 1)[-1] for p in first if p.startswith("isingleform/")}
    assert factory_files == {"jsonl", "json", "csv"}
    generate(tmp_path)
    assert contents(tmp_path) == first


def _is_cp874(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return "ลำพูน" in data.decode("cp874") or "จังหวัด" in data.decode("cp874")


def test_factory_lines_are_mostly_valid_with_duplicates(sample_landing):
    tmp_path, _ = sample_landing
    lines = [line for period in MONTHS for line in (tmp_path / "isingleform" / f"{period}.jsonl").read_text(encoding="utf-8").splitlines()]
    records = []
    for line in lines:
        with contextlib.suppress(json.JSONDecodeError):  # IS02: a line cut short
            records.append(json.loads(line))
    assert len(records) < len(lines)
    valid_owner = sum(thai_id_check_digit_holds(r["owner_id"]) for r in records)
    assert 0.97 * len(records) < valid_owner < len(records)  # a few break IS03
    assert len(set(lines)) < len(lines)  # some re-sent duplicates


def test_the_sample_types_thai_as_people_do(sample_landing):
    """Spellings the contract reads as the same province or column (the figures
    that hold on the marts, tests/test_sample_figures.py, show they are read so)."""
    from sources.regional_reports.table import csv_grid, xlsx_grid

    tmp_path, _ = sample_landing
    folder = tmp_path / "regional_reports" / "FY2566"

    def cells(name: str) -> set[str]:
        path = folder / name
        grid = csv_grid(path.read_bytes()) if name.endswith(".csv") else xlsx_grid(path)
        return {cell for _, row in grid for cell in row}

    ipc02, ipc05, pio51, diprom = (
        cells(n) for n in ("IPC02_plan_2566.xlsx", "IPC05_plan_2566.csv", "PIO51_plan_2566.csv", "DIPROM_plan_2566.xlsx")
    )
    assert "ผ\u0e49\u0e39ประกอบการ (ราย)" in ipc02 | ipc05  # the tone mark typed before its vowel
    assert any(c.startswith("จ.") for c in ipc02) and any(c.startswith("จังหวัด") and c != "จังหวัด" for c in ipc05)
    assert "ล\u0e4d\u0e32พูน" in pio51  # ำ typed as ํ + า
    assert "Krung Thep" in diprom and any(c in diprom for c in ("SamutPrakan", "PathumThani", "Ayutthaya"))
