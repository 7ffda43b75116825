"""A national year for the benchmark: every factory's monthly i-Single Form
submission and every submitter's regional reports, deterministic per seed.

    python -m bench.national LANDING_DIR SUBMISSIONS [--seed N]

- `isingleform/FY2569/<period>.jsonl`: one bulk export per month, SUBMISSIONS
  lines in all: SUBMISSIONS/12 factories, each filing every month of FY2569,
  every one registered before the first fiscal year the warehouse holds.
  About 3 % of lines break one `IS` error rule (IS01 to IS11, in turn), 2 %
  are corrections (a later submission for the same factory and month, in the
  next month's export) and 1 % are duplicates (the same line re-sent).
- `regional_reports/FY2569/`: a plan and twelve monthly results for each of the
  89 submitters (IPC01-IPC11, DIPROM and 77 provincial offices): 1,157 files,
  in turn `.xlsx`, UTF-8 `.csv` and cp874 `.csv`, a few rows breaking a rule.

`incremental(LANDING_DIR, ...)` adds the next night's arrivals: 10,000 new
submissions (October 2569) and 30 new regional results.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import yaml

from sample.factories import Factory, thai_id
from sample.tables import HEADER, provinces_by_region, read_seed, write_csv, write_xlsx


def months_of(fiscal_year: int) -> list[str]:
    """The twelve periods of a Thai fiscal year (BE): October of the year before to September."""
    return [f"{fiscal_year - 1}-{month:02d}" for month in (10, 11, 12)] + [f"{fiscal_year}-{month:02d}" for month in range(1, 10)]


# What the generator writes for a size and seed changes with this: bump it
# with any change to the output, so that a corpus generated before is not reused
# (bench/run.py names the corpus folder with it).
VERSION = 2


def _first_held_year() -> int:
    """The first fiscal year the warehouse holds (dbt's `first_fiscal_year`): its
    months before are quarantined (IS02), so no history starts earlier."""
    project = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"
    return int(yaml.safe_load(project.read_text(encoding="utf-8"))["vars"]["first_fiscal_year"])


FIRST_HELD_YEAR = _first_held_year()
# The year of a one-year corpus, and the last of a longer history: the
# incremental night brings the first month of the next. Ten ordinary years,
# FY2560-FY2569, end here; every month of it and the next night's (October
# 2569, filed in November 2026) is before the month of a run today.
LAST_YEAR = 2569
MOST_YEARS = LAST_YEAR - FIRST_HELD_YEAR + 1
MONTHS = months_of(LAST_YEAR)
NEXT_MONTH = months_of(LAST_YEAR + 1)[0]
BAD_SHARE, CORRECTION_SHARE, DUPLICATE_SHARE = 0.03, 0.02, 0.01
ERROR_RULES = ["IS01", "IS02", "IS03", "IS04", "IS05", "IS06", "IS07", "IS08", "IS09", "IS10", "IS11"]


def _submitted_at(period: str, day: int = 10) -> str:
    """A filing in the month after `period`, as an ISO timestamp (CE year)."""
    year, month = int(period[:4]) - 543, int(period[5:])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year}-{month:02d}-{day:02d}T09:00:00+07:00"


def factories(count: int, rng: random.Random) -> list[Factory]:
    provinces = [row["province_code"] for row in read_seed("provinces.csv")]
    divisions = [row["division"] for row in read_seed("tsic_divisions.csv") if "10" <= row["division"] <= "33"]
    estates: dict[str, list[dict]] = {}
    for estate in read_seed("estates.csv"):
        estates.setdefault(estate["province_code"], []).append(estate)
    made = []
    for number in range(count):
        province = rng.choice(provinces)
        location: dict = {"type": "outside"}
        inside = province in estates and rng.random() < 0.2
        if inside:
            estate = rng.choice(estates[province])
            location = {"type": estate["type"], "estate_code": estate["estate_code"]}
        agency, zone = ("7", "2") if inside else ("1", "0")
        made.append(Factory(
            # registered before any month of any history, so that no year breaks IS08 by its registration
            factory_id=f"{agency}{zone}{province}{number % 100_000:05d}{rng.randint(2530, FIRST_HELD_YEAR - 1)}{rng.randint(0, 9)}",
            owner_id=thai_id(rng, rng.choice("0123")),
            name=f"บริษัท อุตสาหกรรม {number} จำกัด",
            tsic_code=rng.choice(divisions) + f"{rng.randint(100, 999)}",
            province_code=province,
            location=location,
            workers=rng.randint(5, 400),
        ))  # fmt: skip
    return made


def submission(factory: Factory, period: str, rng: random.Random, suffix: str = "", day: int = 10) -> dict:
    workers = factory.workers
    return {
        "submission_id": f"ISF-{period}-{factory.factory_id}{suffix}",
        "submitted_at": _submitted_at(period, day),
        "period": period,
        "factory_id": factory.factory_id,
        "owner_id": factory.owner_id,
        "factory_name": factory.name,
        "tsic_code": factory.tsic_code,
        "province_code": factory.province_code,
        "location": dict(factory.location),
        "workers": {"thai_male": workers // 2, "thai_female": workers - workers // 2, "foreign_male": 0, "foreign_female": 0},
        "production_value_baht": workers * rng.randint(20_000, 60_000),
        "electricity_kwh": workers * rng.randint(100, 300),
        "water_m3": workers * 3,
        "contact": {"name": "ผู้ติดต่อ", "phone": "080-000-0000", "email": "contact@example.co.th"},
    }


def break_rule(record: dict, rule: str, later: str = NEXT_MONTH) -> dict:
    """The record made to break `rule` (one rule each); `later`, a period after the one it is submitted in."""
    if rule == "IS01":
        record["factory_name"] = ""
    elif rule == "IS02":
        record["workers"]["thai_male"] = "12.5"
    elif rule == "IS03":
        owner = record["owner_id"]
        record["owner_id"] = owner[:-1] + str((int(owner[-1]) + 1) % 10)
    elif rule == "IS04":
        record["factory_id"] = record["factory_id"][:-3] + "X" + record["factory_id"][-2:]
    elif rule == "IS05":
        record["province_code"] = "10" if record["province_code"] != "10" else "11"
    elif rule == "IS06":
        record["tsic_code"] = "04100"
    elif rule == "IS07":
        record["electricity_kwh"] = -5
    elif rule == "IS08":
        record["period"] = later  # later than the month it was submitted
    elif rule == "IS09":
        record["submission_id"] = record["submission_id"].replace("ISF-", "ISF-DUP-")  # made twice, see monthly_lines
    elif rule == "IS10":
        record["factory_name"] = record["factory_name"].encode("utf-8").decode("cp1252", errors="replace")
    elif rule == "IS11":
        record["location"] = {"type": "industrial_estate", "estate_code": "NO-SUCH"}
    return record


def monthly_lines(plants: list[Factory], period_index: int, rng: random.Random, months: list[str] = MONTHS, later: str = NEXT_MONTH):
    """The lines of one month's export (of `months`, a fiscal year): this month's
    filings, last month's corrections, and re-sent duplicates."""
    period = months[period_index]
    rule_turn = period_index
    for factory in plants:
        record = submission(factory, period, rng)
        roll = rng.random()
        if roll < BAD_SHARE:
            rule = ERROR_RULES[rule_turn % len(ERROR_RULES)]
            rule_turn += 1
            record = break_rule(record, rule, later)
            if rule == "IS09":  # the same id first with good content, then with other content
                twin = dict(record, factory_name=record["factory_name"] + " (แก้ไข)")
                yield json.dumps(record, ensure_ascii=False)
                record = twin
        line = json.dumps(record, ensure_ascii=False)
        yield line
        if rng.random() < DUPLICATE_SHARE:
            yield line
    if period_index > 0:
        previous = months[period_index - 1]
        for factory in plants:
            if rng.random() < CORRECTION_SHARE:
                fix = submission(factory, previous, rng, suffix="-fix", day=25)
                fix["workers"]["thai_female"] += 1
                yield json.dumps(fix, ensure_ascii=False)


def write_isingleform(landing: Path, submissions_total: int, seed: int, years: int = 1) -> int:
    """`submissions_total` a year, for `years` fiscal years ending with LAST_YEAR:
    the same factories every year, each year its own rule breaks, corrections and
    duplicates. (The last year is the same whatever `years`.)"""
    if not 1 <= years <= MOST_YEARS:
        raise ValueError(
            f"{years} years: a history ending with FY{LAST_YEAR} has 1 to {MOST_YEARS} years, "
            f"the warehouse holds none before FY{FIRST_HELD_YEAR}"
        )
    rng = random.Random(seed)
    plants = factories(max(1, submissions_total // len(MONTHS)), rng)
    lines = 0
    for fiscal_year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        year_rng = rng if fiscal_year == LAST_YEAR else random.Random(seed * 10_000 + fiscal_year)
        months, later = months_of(fiscal_year), months_of(fiscal_year + 1)[0]
        folder = landing / "isingleform" / f"FY{fiscal_year}"
        folder.mkdir(parents=True, exist_ok=True)
        for index, period in enumerate(months):
            with (folder / f"{period}.jsonl").open("w", encoding="utf-8") as out:
                for line in monthly_lines(plants, index, year_rng, months, later):
                    out.write(line + "\n")
                    lines += 1
    return lines


def submitters() -> list[tuple[str, list[tuple[str, str]]]]:
    """(code, provinces it reports) for IPC01-IPC11, DIPROM and every provincial office."""
    regions = provinces_by_region()
    every = [p for r in sorted(regions) for p in regions[r]]
    return [
        *((f"IPC{r:02d}", regions[r]) for r in range(1, 12)),
        ("DIPROM", every[::8]),
        *((f"PIO{code}", [(code, name)]) for code, name in every),
    ]


PROGRAMS = [row["program_code"] for row in read_seed("programs.csv")]


def _report_rows(rng: random.Random, provinces: list[tuple[str, str]], kind: str) -> list[list[object]]:
    rows = []
    scale = 12 if kind == "plan" else 1
    for code, name in provinces:
        for program in rng.sample(PROGRAMS, 3):
            budget = round(rng.uniform(0.5, 3.0), 2) if kind == "plan" else round(rng.uniform(0.05, 0.3), 2)
            figures = [rng.randint(2, 12) * scale, rng.randint(0, 3) * scale, rng.randint(0, 2) * scale,
                       rng.randint(1, 5) * scale, rng.randint(5, 30) * scale, rng.randint(0, 1),
                       round(rng.uniform(0.5, 9.0) * scale, 2)]  # fmt: skip
            rows.append([rng.choice([name, code]), program, f"กิจกรรม {program} {name}", *figures, budget])
    if kind == "result" and rng.random() < 0.05:
        rows[0][3] = -rng.randint(1, 9)  # RR03
    return rows


FORMATS = [("xlsx", None), ("csv", "utf-8-sig"), ("csv", "cp874")]


def _report(path: Path, encoding: str | None, submitter: str, provinces, kind: str, period: str, rng: random.Random) -> None:
    last = "งบประมาณที่ได้รับจัดสรร (ล้านบาท)" if kind == "plan" else "งบประมาณเบิกจ่าย (ล้านบาท)"
    what = "แผนปฏิบัติงานประจำปีงบประมาณ" if kind == "plan" else "รายงานผลการดำเนินงาน ประจำเดือน"
    table = [[f"{what} {period}"], [f"หน่วยงาน {submitter}"], [], [*HEADER, last], *_report_rows(rng, provinces, kind)]
    if encoding:
        write_csv(path, table, encoding)
    else:
        write_xlsx(path, table, "แผน" if kind == "plan" else "ผลการดำเนินงาน")


def _reports(folder: Path, wanted: list[tuple[str, list, str, str]], rng: random.Random) -> int:
    """(submitter, provinces, kind, period) each as a file, the formats in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    for turn, (submitter, provinces, kind, period) in enumerate(wanted):
        extension, encoding = FORMATS[turn % len(FORMATS)]
        _report(folder / f"{submitter}_{kind}_{period}.{extension}", encoding, submitter, provinces, kind, period, rng)
    return len(wanted)


def write_regional(landing: Path, seed: int, submitters_count: int | None = None) -> int:
    """A plan and twelve results of each submitter (the first `submitters_count` of them)."""
    wanted = [
        (submitter, provinces, kind, period)
        for submitter, provinces in submitters()[:submitters_count]
        for kind, period in [("plan", str(LAST_YEAR)), *(("result", month) for month in MONTHS)]
    ]
    return _reports(landing / "regional_reports" / f"FY{LAST_YEAR}", wanted, random.Random(seed))


def incremental(
    landing: Path, corpus_submissions: int, seed: int = 2566, submissions_total: int = 10_000, regional_files: int = 30
) -> tuple[int, int]:
    """The next night's arrivals: the month after the corpus (NEXT_MONTH) from its
    first factories, and results for that month from the first submitters."""
    plants = factories(max(1, corpus_submissions // len(MONTHS)), random.Random(seed))[:submissions_total]
    rng = random.Random(seed + 1)
    out = landing / "isingleform" / f"FY{LAST_YEAR + 1}" / f"{NEXT_MONTH}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for factory in plants:
            handle.write(json.dumps(submission(factory, NEXT_MONTH, rng), ensure_ascii=False) + "\n")
    wanted = [(submitter, provinces, "result", NEXT_MONTH) for submitter, provinces in submitters()[:regional_files]]
    return len(plants), _reports(landing / "regional_reports" / f"FY{LAST_YEAR + 1}", wanted, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("landing_dir", type=Path)
    parser.add_argument("submissions", type=int)
    parser.add_argument("--seed", type=int, default=2566)
    args = parser.parse_args()
    lines = write_isingleform(args.landing_dir, args.submissions, args.seed)
    files = write_regional(args.landing_dir, args.seed)
    print(f"{lines} factory lines and {files} regional reports written to {args.landing_dir}")


if __name__ == "__main__":
    main()
