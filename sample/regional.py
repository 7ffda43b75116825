"""Five fiscal years (FY2562-FY2566) of plans and monthly results from every
regional centre, the head office and a few provincial offices, calibrated to
sample/figures.py.

Each year's national totals are split exactly (largest remainder) over the
year's rows: a row is one submitter, province and programme ("cell"); its
targets go into the plan, its actuals are split again over the twelve months.
The contract's errors are added only as extra rows, superseded versions and
rejected files, so every published total holds on the marts.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sample.figures import INDICATORS, PROGRAMME_INDICATORS, YEARS, YearFigures
from sample.split import split_exact
from sample.tables import BUDGET_HEADER, FIGURES, HEADER, provinces_by_region, read_seed, write_csv, write_xlsx
from sources.regional_reports.table import COLUMNS

AMOUNTS = {"economic_value_mb", "budget_allocated_mb", "budget_disbursed_mb"}
# Provincial offices that send their own reports from FY2565 on: (submitter, province, programmes).
PROVINCIAL_OFFICES = [("PIO51", "51", ("OTOP", "DCOM")), ("PIO57", "57", ("OTOP",)), ("PIO84", "84", ("CE",))]
# Activity over the fiscal year, October first: slow in the first quarter, most in the third.
MONTH_PROFILE = [0.5, 0.6, 0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 1.2, 1.0]
# A programme that ran for a few months only: its results fall in these months.
SHORT_PROGRAMMES = {"REC90": ("07", "08", "09")}
# (submitter, period) sent twice: first with mistakes, then corrected as _v2.
SUPERSEDED = {("IPC03", "2562-03"), ("IPC08", "2563-11"), ("DIPROM", "2564-05"), ("IPC04", "2565"),
              ("IPC11", "2565-08"), ("PIO51", "2566-01"), ("IPC01", "2566-06")}  # fmt: skip
BAD_ROW_RULES = ["RR02", "RR03", "RR06", "RR07", "RR04", "RR05", "RR10", "RR01"]
WRONG_TOTAL = ("IPC09", "2566-02")


@dataclass(frozen=True)
class Cell:
    """One row of a submitter's plan and monthly results: a province and a programme."""

    submitter: str
    region_no: int
    province_code: str
    province_name: str
    programme: str


@dataclass
class Year:
    figures: YearFigures
    cells: list[Cell]
    targets: dict[Cell, dict[str, int]]  # indicator or budget -> units (counts, or 0.01 MB)
    results: dict[str, dict[Cell, dict[str, int]]]  # period -> cell -> units


def months_of(fiscal_year: int) -> list[str]:
    return [f"{fiscal_year - 1}-{m}" for m in ("10", "11", "12")] + [f"{fiscal_year}-{m:02d}" for m in range(1, 10)]


def units(value: Decimal, indicator: str) -> int:
    return int(value * 100) if indicator in AMOUNTS else int(value)


def _cells(figures: YearFigures, rng: random.Random, regions: dict[int, list[tuple[str, str]]]) -> list[Cell]:
    cells = []
    for programme in figures.programmes:
        if programme in figures.fixed_programmes:  # a small programme: a handful of centres
            for region in sorted(rng.sample(range(1, 12), 5)):
                cells.append(Cell(f"IPC{region:02d}", region, *rng.choice(regions[region]), programme))
            continue
        for region in range(1, 12):
            for code, name in rng.sample(regions[region], min(len(regions[region]), rng.randint(1, 3))):
                cells.append(Cell(f"IPC{region:02d}", region, code, name, programme))
        for code, name in rng.sample(regions[0], 2):  # the head office serves Bangkok and the central provinces
            cells.append(Cell("DIPROM", 0, code, name, programme))
    if figures.fiscal_year >= 2565:
        region_of = {code: (region, name) for region, provinces in regions.items() for code, name in provinces}
        for submitter, code, programmes in PROVINCIAL_OFFICES:
            region, name = region_of[code]
            cells += [Cell(submitter, region, code, name, p) for p in programmes if p in figures.programmes]
    return cells


def _share(total: int, cells: list[Cell], weight: dict[Cell, float], into: dict[Cell, dict[str, int]], key: str) -> None:
    for cell, part in zip(cells, split_exact(total, [weight[c] for c in cells]), strict=True):
        into[cell][key] = part


def _split_year(figures: YearFigures, rng: random.Random, regions) -> Year:
    cells = _cells(figures, rng, regions)
    programme_weight = {p: rng.uniform(0.5, 2.0) for p in figures.programmes}
    weight = {c: programme_weight[c.programme] * rng.uniform(0.6, 1.4) for c in cells}
    targets: dict[Cell, dict[str, int]] = {c: {} for c in cells}
    actuals: dict[Cell, dict[str, int]] = {c: {} for c in cells}
    groups = [(figures, [c for c in cells if c.programme not in figures.fixed_programmes])]
    groups += [(fixed, [c for c in cells if c.programme == p]) for p, fixed in figures.fixed_programmes.items()]
    for group, group_cells in groups:
        # the year's totals include the fixed programmes' own: the rest is shared here
        others = list(figures.fixed_programmes.values()) if group is figures else []
        for indicator, (target, actual) in group.indicators.items():
            target -= sum((o.indicators.get(indicator, (0, 0))[0] for o in others), Decimal(0))
            actual -= sum((o.indicators.get(indicator, (0, 0))[1] for o in others), Decimal(0))
            reporting = [c for c in group_cells if indicator in PROGRAMME_INDICATORS[c.programme]]
            noisy = {c: weight[c] * rng.uniform(0.85, 1.15) for c in reporting}
            _share(units(target, indicator), reporting, weight, targets, indicator)
            _share(units(actual, indicator), reporting, noisy, actuals, indicator)
        allocated = group.budget_allocated_mb - sum((o.budget_allocated_mb for o in others), Decimal(0))
        disbursed = group.budget_disbursed_mb - sum((o.budget_disbursed_mb for o in others), Decimal(0))
        _share(units(allocated, "budget_allocated_mb"), group_cells, weight, targets, "budget_allocated_mb")
        _share(
            units(disbursed, "budget_disbursed_mb"),
            group_cells,
            {c: weight[c] * rng.uniform(0.9, 1.1) for c in group_cells},
            actuals,
            "budget_disbursed_mb",
        )

    months = months_of(figures.fiscal_year)
    results: dict[str, dict[Cell, dict[str, int]]] = {month: {} for month in months}
    for cell in cells:
        short = SHORT_PROGRAMMES.get(cell.programme)
        profile = [
            0.0 if (short and month[5:] not in short) or rng.random() < 0.08 else base * rng.uniform(0.6, 1.4)
            for month, base in zip(months, MONTH_PROFILE, strict=True)
        ]
        if not any(profile):
            profile[-1] = 1.0
        for key, total in actuals[cell].items():
            for month, part in zip(months, split_exact(total, [p * rng.uniform(0.8, 1.2) for p in profile]), strict=True):
                results[month].setdefault(cell, {})[key] = part
    for month in months:  # nobody sends a row of zeros
        results[month] = {c: v for c, v in results[month].items() if any(v.values())}
    return Year(figures, cells, targets, results)


def build_years(seed: int = 2566) -> dict[int, Year]:
    rng = random.Random(seed)
    regions = provinces_by_region()
    return {fiscal_year: _split_year(figures, rng, regions) for fiscal_year, figures in YEARS.items()}


# --- writing the files -------------------------------------------------------

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass(frozen=True)
class Style:
    """How one submitter writes its files in one year."""

    extension: str  # xlsx or csv
    encoding: str | None = None  # for csv
    english: bool = False  # English column names
    thai_digits: bool = False
    total_row: bool = False
    # Thai as people type it, which the contract reads as the same text or province:
    province_prefix: str = ""  # `จ.` or `จังหวัด` before a province's name
    sara_am_in_two: bool = False  # ำ typed as ํ + า
    tone_before_vowel: bool = False  # headers typed with a tone mark before its vowel (ผ ้ ู)
    province_as_people_write: bool = False  # English names run together, or the names of province_aliases.csv


def style_of(submitter: str, fiscal_year: int) -> Style:
    if submitter == "DIPROM":
        return Style("xlsx", english=True, total_row=True, province_as_people_write=fiscal_year >= 2565)
    if submitter.startswith("PIO"):
        return Style("csv", "cp874", thai_digits=True, sara_am_in_two=fiscal_year >= 2566)
    region = int(submitter[3:])
    typed_anew = {}
    if region in (2, 5) and fiscal_year >= 2565:  # two centres changed their template, typed anew by hand
        typed_anew = {"tone_before_vowel": True, "province_prefix": "จ." if region == 2 else "จังหวัด"}
        region += 1
    if region % 2:
        return Style("xlsx", total_row=True, **typed_anew)
    return Style("csv", "utf-8-sig" if region % 4 == 0 else "utf-8", **typed_anew)


def _number(value: int, key: str, style: Style) -> object:
    """A figure as the office writes it: Excel numbers, or text with thousands
    separators, `-` for zero and, in some offices, Thai digits."""
    amount = Decimal(value) / 100 if key in AMOUNTS else value
    if style.extension == "xlsx":
        return float(amount) if key in AMOUNTS else int(amount)
    if value == 0:
        return "-"
    text = f"{amount:,.2f}" if key in AMOUNTS else f"{amount:,}"
    return text.translate(THAI_DIGITS) if style.thai_digits else text


def _header(kind: str, style: Style) -> list[str]:
    if style.english:
        return [
            "province",
            "program code",
            "activity",
            *(COLUMNS[f][1] for f in FIGURES),
            COLUMNS[f"budget_{'allocated' if kind == 'plan' else 'disbursed'}_mb"][1],
        ]
    header = [*HEADER, BUDGET_HEADER[kind]]
    return [_TONE_AFTER_VOWEL.sub(r"\2\1", name) for name in header] if style.tone_before_vowel else header


# a vowel above or below its consonant, then a tone mark: the order Unicode stores
_TONE_AFTER_VOWEL = re.compile("([\u0e31\u0e34-\u0e39])([\u0e48-\u0e4b])")
# Latin names people write for a province: the aliases', else the English name run together (Chonburi)
_LATIN_NAMES = {row["province_code"]: row["name_en"].replace(" ", "") for row in read_seed("provinces.csv")}
_LATIN_NAMES |= {row["province_code"]: row["alias"] for row in reversed(read_seed("province_aliases.csv")) if row["alias"].isascii()}


def _province_text(cell: Cell, rng: random.Random, style: Style) -> str:
    if style.english:
        return _LATIN_NAMES[cell.province_code] if style.province_as_people_write else cell.province_code
    written = rng.choice([cell.province_name, cell.province_name, cell.province_code])
    if written == cell.province_name:
        written = style.province_prefix + written
        if style.sara_am_in_two:
            written = written.replace("\u0e33", "\u0e4d\u0e32")
    return written


def _activity(cell: Cell) -> str:
    return f"{PROGRAMME_ACTIVITY[cell.programme]} {cell.province_name}"


PROGRAMME_ACTIVITY = {
    "OTOP": "ยกระดับผลิตภัณฑ์ OTOP", "CE": "พัฒนาวิสาหกิจชุมชน", "CEROYAL": "พัฒนาวิสาหกิจชุมชนตามแนวพระราชดำริ",
    "CIV": "พัฒนาหมู่บ้าน CIV", "HYJ": "สร้างผู้ประกอบการชุมชนรายใหม่", "DCOM": "อบรมอาชีพเสริมชุมชนดีพร้อม",
    "HERO": "เชื่อมโยงโรงงานกับชุมชน", "ITC": "ให้บริการเครื่องจักรและที่ปรึกษา ITC 4.0", "KPO": "อบรมหลักสูตร คพอ.",
    "SME": "ยกระดับขีดความสามารถ SME", "AGRI": "ส่งเสริมเกษตรอุตสาหกรรม", "REC90": "ฟื้นฟูวิสาหกิจชุมชนใน 90 วัน",
}  # fmt: skip


def _row(cell: Cell, figures: dict[str, int], fiscal_year_indicators, kind: str, style: Style, rng: random.Random) -> list[object]:
    budget = f"budget_{'allocated' if kind == 'plan' else 'disbursed'}_mb"
    values = []
    for indicator in FIGURES:
        reported = indicator in PROGRAMME_INDICATORS[cell.programme] and indicator in fiscal_year_indicators
        values.append(_number(figures.get(indicator, 0), indicator, style) if reported else None)
    return [_province_text(cell, rng, style), cell.programme, _activity(cell), *values, _number(figures.get(budget, 0), budget, style)]


def _bad_row(rule: str, good: list[list[object]], cell: Cell, style: Style, turn: int) -> list[object]:
    """An extra row breaking `rule`; its key is new (or, for RR07, an earlier row's)."""
    row = list(good[0])
    row[2] = f"กิจกรรมเพิ่มเติม {turn}"
    count = 3 if style.extension == "xlsx" else "3"
    row[3:10] = [count, None, None, None, None, None, None]
    if rule == "RR01":
        row[0] = ""
    elif rule == "RR02":
        row[3] = "12 ราย"
    elif rule == "RR03":
        row[3] = -4 if style.extension == "xlsx" else "-4"
    elif rule == "RR04":
        row[0] = "เมืองสมมุติ"
    elif rule == "RR05":  # a province of another region
        row[0] = "สงขลา" if cell.region_no != 11 else "เชียงใหม่"
    elif rule == "RR06":
        row[1] = f"{cell.programme}-X"
    elif rule == "RR07":
        row[2] = good[0][2]
    elif rule == "RR10":
        row[2] = "à¸­à¸šà¸£à¸¡ à¸œà¸¹à¹‰à¸›à¸£à¸°à¸à¸­à¸šà¸à¸²à¸£"  # อบรม ผู้ประกอบการ as UTF-8 read as Latin-1
    return row


def _total_row(rows: list[list[object]]) -> list[object]:
    sums: list[object] = []
    for column in range(3, 3 + len(FIGURES) + 1):
        values = [r[column] for r in rows if isinstance(r[column], int | float)]
        sums.append(round(sum(values), 2) if values else None)
    return ["รวม", None, None, *sums]


def _write(folder: Path, name: str, kind: str, period: str, submitter: str, rows: list[list[object]], style: Style) -> None:
    path = folder / name
    if path.exists():
        return
    what = "แผนปฏิบัติงานประจำปีงบประมาณ" if kind == "plan" else "รายงานผลการดำเนินงาน ประจำเดือน"
    table = [[f"{what} {period}"], [f"หน่วยงาน {submitter}"], [], _header(kind, style), *rows]
    if style.extension == "xlsx":
        write_xlsx(path, table, "แผน" if kind == "plan" else "ผลการดำเนินงาน")
    else:
        write_csv(path, table, style.encoding or "utf-8")


def _first_version(rows: list[list[object]]) -> list[list[object]]:
    """What an office sent before correcting it: a figure mistyped, a row missing."""
    wrong = [list(r) for r in rows[:-1] or rows]
    wrong[0][2] = f"{wrong[0][2]} (ร่าง)"
    for column in range(3, 10):
        if isinstance(wrong[0][column], int):
            wrong[0][column] += 7
            break
    return wrong


def _files_of_year(
    year: Year, rng: random.Random, bad_turn: Iterator[int]
) -> Iterator[tuple[str, str, str, str, list[list[object]], Style]]:
    """(name, kind, period, submitter, rows, style) of every file of the year, in order."""
    fiscal_year = year.figures.fiscal_year
    indicators = set(year.figures.indicators)
    submitters = sorted({c.submitter for c in year.cells})
    for submitter in submitters:
        style = style_of(submitter, fiscal_year)
        cells = [c for c in year.cells if c.submitter == submitter]
        plan = [_row(c, year.targets[c], indicators, "plan", style, rng) for c in cells]
        yield from _versions(submitter, "plan", str(fiscal_year), plan, style)
        for month in months_of(fiscal_year):
            month_cells = [c for c in cells if c in year.results[month]]
            if not month_cells:
                continue
            rows = [_row(c, year.results[month][c], indicators, "result", style, rng) for c in month_cells]
            turn = next(bad_turn)
            if turn % 6 == 0:  # about one result file in six has a row the rules quarantine
                rule = BAD_ROW_RULES[(turn // 6) % len(BAD_ROW_RULES)]
                if rule == "RR05" and submitter == "DIPROM":
                    rule = "RR06"  # the head office may report any province
                if rule == "RR10" and style.encoding == "cp874":
                    rule = "RR03"  # Latin-1 mojibake cannot be written in Thai Windows
                bad = _bad_row(rule, rows, month_cells[0], style, turn)
            else:
                bad = None
            if style.total_row:
                total = _total_row(rows)
                if (submitter, month) == WRONG_TOTAL:
                    total[3] = (total[3] or 0) + 10  # RR09: the total does not add up
                rows = [*rows, *([bad] if bad else []), total]
            elif bad:
                rows = [*rows, bad]
            yield from _versions(submitter, "result", month, rows, style)


def _versions(submitter: str, kind: str, period: str, rows, style: Style):
    name = f"{submitter}_{kind}_{period}"
    if (submitter, period) in SUPERSEDED:
        yield f"{name}.{style.extension}", kind, period, submitter, _first_version(rows), style
        yield f"{name}_v2.{style.extension}", kind, period, submitter, rows, style
    else:
        yield f"{name}.{style.extension}", kind, period, submitter, rows, style


def write_regional(landing: Path, seed: int = 2566) -> int:
    """Every year's files under regional_reports/FY<year>/; returns how many."""
    rng = random.Random(seed + 1)
    bad_turn = iter(range(1_000_000))
    written = 0
    for fiscal_year, year in build_years(seed).items():
        folder = landing / "regional_reports" / f"FY{fiscal_year}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, kind, period, submitter, rows, style in _files_of_year(year, rng, bad_turn):
            _write(folder, name, kind, period, submitter, rows, style)
            written += 1
    written += _write_rejected_files(landing / "regional_reports")
    return written


def _write_rejected_files(folder: Path) -> int:
    """Files the intake rejects whole, each for another reason."""
    header = [*HEADER, BUDGET_HEADER["result"]]
    row = ["ลำพูน", "OTOP", "อบรม", "5", "", "", "2", "", "", "1.50", "0.20"]
    title = [["รายงานผลการดำเนินงาน"], []]
    files = {
        "รายงานผล มีนาคม.csv": [header, row],  # RF02: not the naming pattern
        "IPC12_result_2566-01.csv": [header, row],  # RF02: no such submitter
        "IPC03_result_2566-13.csv": [header, row],  # RF03: month 13
        "PIO51_result_2564-06.csv": [*title, ["5", "2", "1.50"]],  # RF04: no header row
        "DIPROM_result_2561-05.csv": [*title, header],  # RF05: no data rows
    }
    (folder / "misc").mkdir(parents=True, exist_ok=True)
    for number, (name, table) in enumerate(files.items()):
        if not (folder / "misc" / name).exists():
            write_csv(folder / "misc" / name, [*table, [f"หมายเหตุ: ส่งครั้งที่ {number + 1}"]], "utf-8")
    broken = folder / "misc" / "IPC10_plan_2561.xlsx"  # RF01: not a workbook
    if not broken.exists():
        broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    return len(files) + 1


def national_totals(years: dict[int, Year]) -> dict[tuple[int, str], tuple[int, int]]:
    """(fiscal_year, indicator) -> (target units, actual units), from the generated rows."""
    totals: dict[tuple[int, str], tuple[int, int]] = {}
    for fiscal_year, year in years.items():
        for indicator in [*INDICATORS, "budget_allocated_mb", "budget_disbursed_mb"]:
            target = sum(t.get(indicator, 0) for t in year.targets.values())
            actual = sum(r.get(indicator, 0) for month in year.results.values() for r in month.values())
            totals[fiscal_year, indicator] = (target, actual)
    return totals
