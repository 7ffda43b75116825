"""A small, deterministic sample landing folder for the README's run command.

Usage: python -m sample.generate LANDING_DIR

FY2566 plans of every IPC and monthly results October 2565 - March 2566, in
every format the contract allows (UTF-8 and cp874 CSV, XLSX), with a few of the
contract's errors and one corrected version; and a bulk export of factory
submissions. A file that already exists is left alone, so running the
generator again changes nothing in the landing folder.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

import openpyxl

from sample.factories import write_jsonl
from sources.reference import SEEDS_DIR

FISCAL_YEAR = 2566
FACTORY_SUBMISSIONS = 3000
MONTHS = ["2565-10", "2565-11", "2565-12", "2566-01", "2566-02", "2566-03"]
PROGRAMS = ["OTOP", "CE", "CIV", "HERO", "ITC", "KPO", "SME"]
HEADER = [
    "จังหวัด", "รหัสโครงการ", "กิจกรรม", "ผู้ประกอบการ (ราย)", "สถานประกอบการ (แห่ง)", "วิสาหกิจชุมชน (กลุ่ม)",
    "ผลิตภัณฑ์ (รายการ)", "บุคลากร (คน)", "เครือข่าย (เครือข่าย)", "มูลค่าทางเศรษฐกิจ (ล้านบาท)",
]


def _read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _provinces_by_region() -> dict[int, list[tuple[str, str]]]:
    names = {row["province_code"]: row["name_th"] for row in _read_seed("provinces.csv")}
    regions: dict[int, list[tuple[str, str]]] = {}
    for row in _read_seed("province_region.csv"):
        regions.setdefault(int(row["region_no"]), []).append((row["province_code"], names[row["province_code"]]))
    return regions


def _figures(rng: random.Random, scale: int) -> list[object]:
    return [
        rng.randint(2, 12) * scale, rng.randint(0, 3) * scale, rng.randint(0, 2) * scale, rng.randint(1, 5) * scale,
        rng.randint(5, 30) * scale, rng.randint(0, 1), round(rng.uniform(0.5, 9.0) * scale, 2),
    ]


def _rows(rng: random.Random, provinces: list[tuple[str, str]], kind: str) -> list[list[object]]:
    rows = []
    for code, name in provinces[:3]:
        for program in rng.sample(PROGRAMS, 3):
            scale = 12 if kind == "plan" else 1
            budget = round(rng.uniform(0.5, 3.0), 2) if kind == "plan" else round(rng.uniform(0.05, 0.3), 2)
            rows.append([rng.choice([name, code]), program, f"กิจกรรม {program} {name}", *_figures(rng, scale), budget])
    return rows


def _title(kind: str, submitter: str, period: str) -> list[list[object]]:
    what = "แผนปฏิบัติงานประจำปีงบประมาณ" if kind == "plan" else "รายงานผลการดำเนินงาน ประจำเดือน"
    return [[f"{what} {period}"], [f"หน่วยงาน {submitter}"], []]


def write_csv(path: Path, table: list[list[object]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, table: list[list[object]], sheet: str) -> None:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in table:
        worksheet.append(row)
    worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER) + 1)
    workbook.save(path)


def write_report(folder: Path, name: str, table: list[list[object]], kind: str) -> None:
    path = folder / name
    if path.exists():
        return
    if name.endswith(".xlsx"):
        write_xlsx(path, table, "แผน" if kind == "plan" else "ผลการดำเนินงาน")
    else:
        write_csv(path, table, "cp874" if name.startswith("PIO") else "utf-8-sig")


def generate(landing_dir: Path, seed: int = 2566) -> None:
    rng = random.Random(seed)
    folder = landing_dir / "regional_reports" / f"FY{FISCAL_YEAR}"
    folder.mkdir(parents=True, exist_ok=True)
    regions = _provinces_by_region()
    for region in range(1, 12):
        submitter = f"IPC{region:02d}"
        provinces = regions[region]
        extension = "xlsx" if region % 2 == 0 else "csv"
        plan = _rows(rng, provinces, "plan")
        header = [*HEADER, "งบประมาณที่ได้รับจัดสรร (ล้านบาท)"]
        write_report(folder, f"{submitter}_plan_{FISCAL_YEAR}.{extension}", [*_title("plan", submitter, str(FISCAL_YEAR)), header, *plan], "plan")
        for month in MONTHS:
            rows = _rows(rng, provinces, "result")
            if region == 3 and month == "2566-01":
                rows[1][3] = -4  # RR03
            if region == 5 and month == "2565-11":
                rows[0][1] = "XYZ"  # RR06
            table = [*_title("result", submitter, month), [*HEADER, "งบประมาณเบิกจ่าย (ล้านบาท)"], *rows]
            write_report(folder, f"{submitter}_result_{month}.{extension}", table, "result")
    # A provincial office's cp874 report, and its corrected second version.
    lamphun = [("51", "ลำพูน")]
    result_header = [*HEADER, "งบประมาณเบิกจ่าย (ล้านบาท)"]
    first = _rows(rng, lamphun, "result")
    write_report(folder, "PIO51_result_2566-02.csv", [*_title("result", "PIO51", "2566-02"), result_header, *first], "result")
    corrected = [row[:] for row in first]
    corrected[0][3] = int(corrected[0][3]) + 1
    write_report(folder, "PIO51_result_2566-02_v2.csv", [*_title("result", "PIO51", "2566-02"), result_header, *corrected], "result")
    # A file whose name breaks the pattern (RF02).
    write_report(folder, "รายงานผล มีนาคม.csv", [result_header, *first], "result")
    # The factories' bulk export.
    export = landing_dir / "isingleform" / f"FY{FISCAL_YEAR}.jsonl"
    if not export.exists():
        write_jsonl(export, FACTORY_SUBMISSIONS)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    generate(Path(sys.argv[1]))
    print(f"sample landing folder ready: {sys.argv[1]}")
