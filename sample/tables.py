"""Writing regional report tables as the offices do: CSV in UTF-8 or Thai
Windows, or an Excel workbook with a merged title; and the reference data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from sources.reference import SEEDS_DIR
from sources.regional_reports.table import COLUMNS

FIGURES = ["entrepreneurs", "enterprises", "community_enterprises", "products", "people", "networks", "economic_value_mb"]
HEADER = ["จังหวัด", "รหัสโครงการ", "กิจกรรม", *(COLUMNS[name][0] for name in FIGURES)]
BUDGET_HEADER = {"plan": COLUMNS["budget_allocated_mb"][0], "result": COLUMNS["budget_disbursed_mb"][0]}


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def provinces_by_region() -> dict[int, list[tuple[str, str]]]:
    """region_no -> [(province_code, Thai name)]; region 0 is the head office's."""
    names = {row["province_code"]: row["name_th"] for row in read_seed("provinces.csv")}
    regions: dict[int, list[tuple[str, str]]] = {}
    for row in read_seed("province_region.csv"):
        regions.setdefault(int(row["region_no"]), []).append((row["province_code"], names[row["province_code"]]))
    return regions


def write_csv(path: Path, table: list[list[object]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, table: list[list[object]], sheet: str, title_width: int = len(HEADER) + 1) -> None:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in table:
        worksheet.append(row)
    worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=title_width)
    workbook.save(path)
