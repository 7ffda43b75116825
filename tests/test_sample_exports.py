"""The bundled sample's night: its exports hold every published table's rows, the
Data Package validates, and the README's three ways to answer "achievement by
region in FY2565 against FY2564" (the workbook, pandas on the CSV, the DuckDB
CLI) give the same answer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import REPO, query
from tests.test_exports import WORKBOOK_CHECKS, count_and_hash, exported_files, tables_of
from warehouse.exports import DICTIONARY_SHEET, WORKBOOK_NAME

pytestmark = pytest.mark.e2e

QUESTION = REPO / "dbt_project" / "analyses" / "13_achievement_by_region_two_years.sql"


@pytest.fixture(scope="module")
def night(sample_run):
    analytics = sample_run[0]
    return analytics, analytics.parent / "exports"


def test_every_published_table_is_exported_with_its_rows(night):
    analytics, exports = night
    tables = tables_of(analytics)
    assert {"marts.kpi_fiscal_year", "marts.factory_month", "quality.findings", "reference.provinces"} <= set(tables)
    with duckdb.connect(str(analytics), read_only=True) as con:
        for name, types in tables.items():
            expected = count_and_hash(con, name)
            assert count_and_hash(con, f"read_parquet('{exported_files(exports, 'parquet', name)}')") == expected, name
            columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
            csv = f"read_csv('{exported_files(exports, 'csv', name)}', header = true, quote = '\"', columns = {columns})"
            assert count_and_hash(con, csv) == expected, name


def test_the_nights_data_package_validates_and_its_dictionary_describes_every_column(night):
    from frictionless import Checklist, Package, Resource, validate

    analytics, exports = night
    Package(str(exports / "datapackage.json"))  # raises on a descriptor that is not a Data Package
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["format"] != "parquet":
            report = validate(
                Resource(resource, basepath=str(exports)), checklist=Checklist(**WORKBOOK_CHECKS) if resource["format"] == "xlsx" else None
            )
            assert report.valid, (resource["name"], report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])
    book = load_workbook(exports / WORKBOOK_NAME, read_only=True)
    dictionary = list(book[DICTIONARY_SHEET].iter_rows(values_only=True))[1:]
    described = {(table, column): (thai, english) for table, column, _, thai, english, *_ in dictionary}
    for table, columns in tables_of(analytics).items():
        for column in columns:
            thai, english = described[(table, column)]
            if table.startswith("marts."):  # every mart column has a dbt description in Thai and English
                assert thai and english and thai != english, (table, column)
    assert "factory_month" not in book.sheetnames
    [(rows,)] = query(analytics, "SELECT count(*) FROM marts.kpi_fiscal_year")
    assert sum(1 for _ in book["kpi_fiscal_year"].iter_rows()) == rows + 1
    # the marts of months, a workbook per fiscal year
    for year, rows in query(analytics, "SELECT fiscal_year, count(*) FROM marts.kpi_monthly GROUP BY ALL"):
        in_book = exports / f"kpi-{year}.xlsx"
        assert sum(1 for _ in load_workbook(in_book, read_only=True)["kpi_monthly"].iter_rows()) == rows + 1


def test_the_readmes_three_ways_to_the_same_answer(night):
    """README, "Achievement by region in FY2565 against FY2564": Excel, pandas, SQL."""
    analytics, exports = night
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    shown = subprocess.run([cli, "-readonly", "-csv", str(analytics), "-f", str(QUESTION)], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("region_no,region,target_2564,actual_2564,achievement_pct_2564")
    by_sql = {int(line.split(",")[0]): [float(v) for v in line.split(",")[2:]] for line in lines[1:]}
    assert len(by_sql) == 12

    # pandas, as the README shows it (on the CSV, so that it needs nothing beyond pandas)
    k = pd.read_csv(exports / "csv" / "marts.kpi_fiscal_year.csv", encoding="utf-8-sig")
    k = k[k.indicator.eq("entrepreneurs") & k.fiscal_year.isin([2564, 2565])]
    by_region = k.groupby(["region_no", "fiscal_year"])[["target", "actual"]].sum().unstack("fiscal_year")
    achievement = (100 * by_region["actual"] / by_region["target"]).round(1)
    by_pandas = {
        region: [by_region.loc[region, (f, year)] for year in (2564, 2565) for f in ("target", "actual")]
        + [achievement.loc[region, 2564], achievement.loc[region, 2565]]
        for region in by_region.index
    }
    assert {r: [v[0], v[1], v[4], v[2], v[3], v[5]] for r, v in by_pandas.items()} == by_sql

    # Excel: a PivotTable of the sheet kpi_fiscal_year (filter indicator, rows region_no, columns fiscal_year,
    # values the sums of target and actual), achievement as 100 × actual ÷ target
    sheet = load_workbook(exports / WORKBOOK_NAME, read_only=True)["kpi_fiscal_year"]
    header, *body = sheet.iter_rows(values_only=True)
    frame = pd.DataFrame([list(row) + [None] * (len(header) - len(row)) for row in body], columns=header)
    frame = frame[frame.indicator.eq("entrepreneurs")]
    by_excel = {}
    for region, group in frame.groupby("region_no"):
        sums = [group[group.fiscal_year == y][f].sum() for y in (2564, 2565) for f in ("target", "actual")]
        by_excel[region] = [sums[0], sums[1], round(100 * sums[1] / sums[0], 1), sums[2], sums[3], round(100 * sums[3] / sums[2], 1)]
    assert by_excel == by_sql
