"""The exports beside analytics.duckdb (warehouse/exports.py): the same rows as the
published tables in every format, a Data Package that frictionless validates,
Excel's row limit, the byte-order mark, one complete set for any reader during a
publish; and the DuckDB CLI an analyst installs opening the copy read-only."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from warehouse.exports import DICTIONARY_SHEET, WORKBOOK_NAME, split_description, write_exports
from warehouse.publish import publish_analytics
from warehouse.published_state import IN_PARTS

FISCAL_YEARS = (2564, 2565)
# A sheet stores no cell for a blank at the end of a row, and frictionless reads
# the row as one cell short ("missing-cell"); Excel and Power Query read a blank.
WORKBOOK_CHECKS = {"skip_errors": ["missing-cell"]}


def make_warehouse(path: Path, generation: int) -> None:
    """A warehouse whose published tables hold what the exports must carry: Thai text,
    decimals, moments with a time zone, nulls, a text that looks like a formula."""
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "marts", "quality", "reference"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute("CREATE OR REPLACE TABLE raw.contacts AS SELECT 'สมชาย ใจดี' AS contact")
        con.execute(f"""CREATE OR REPLACE TABLE marts.kpi_fiscal_year AS
            SELECT fiscal_year, region_no, 'entrepreneurs' AS indicator, (region_no * 10 + {generation})::DECIMAL(38, 6) AS actual,
                   CASE WHEN region_no = 2 THEN NULL ELSE 12.5 END AS achievement_pct, {generation} AS generation
            FROM (VALUES {", ".join(f"({y})" for y in FISCAL_YEARS)}) y(fiscal_year), range(1, 4) r(region_no)""")
        con.execute("COMMENT ON TABLE marts.kpi_fiscal_year IS 'เป้าหมายเทียบผล / Targets against results'")
        con.execute("COMMENT ON COLUMN marts.kpi_fiscal_year.fiscal_year IS 'ปีงบประมาณ (พ.ศ.) / Fiscal year (BE)'")
        con.execute("COMMENT ON COLUMN marts.kpi_fiscal_year.actual IS 'ผลรวม (ล้านบาท / ราย) / The sum (million baht / count)'")
        con.execute(f"CREATE OR REPLACE TABLE marts.kpi_national AS SELECT 2565 AS fiscal_year, {generation} AS generation")
        # two months of FY2565 and three of FY2566
        con.execute(f"""CREATE OR REPLACE TABLE marts.kpi_monthly AS
            SELECT '2565-' || lpad(m::VARCHAR, 2, '0') AS period, CASE WHEN m >= 10 THEN 2566 ELSE 2565 END AS fiscal_year,
                   m AS value, {generation} AS generation FROM range(8, 13) t(m)""")
        # findings is exported a file per i-Single Form export, and one for the regional reports
        con.execute(f"""CREATE OR REPLACE TABLE quality.findings AS SELECT * FROM (VALUES
            ('isingleform/ข้อมูล 2566-01.jsonl', '=HYPERLINK(\"x\")', 'ข้อความภาษาไทย', TIMESTAMPTZ '2023-03-15 02:00:00+00', DATE '2023-03-15', {generation}),
            ('regional_reports/PIO51_result_2566-01.csv', '#N/A', NULL, NULL, NULL, {generation}))
            t(path, value, message_th, first_seen_at, due_date, generation)""")
        con.execute(
            f"CREATE OR REPLACE TABLE reference.provinces AS SELECT '51' AS province_code, 'ลำพูน' AS name_th, {generation} AS generation"
        )


@pytest.fixture
def published(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    make_warehouse(warehouse, 1)
    publish_analytics(warehouse, analytics, exports_link=tmp_path / "exports")
    return tmp_path


def tables_of(analytics: Path) -> dict[str, dict[str, str]]:
    with duckdb.connect(str(analytics), read_only=True) as con:
        rows = con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal ORDER BY schema_name, table_name, column_index"
        ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for schema, table, column, data_type in rows:
        tables.setdefault(f"{schema}.{table}", {})[column] = data_type
    return tables


def exported_files(exports: Path, kind: str, table: str) -> str:
    """The files of `table` in the exports (a folder of them for a table in parts), as a glob."""
    several = (parts := IN_PARTS.get(table)) is not None and parts.export_file is not None
    return f"{exports}/{kind}/{table}/*.{kind}" if several else f"{exports}/{kind}/{table}.{kind}"


def count_and_hash(con, relation: str) -> tuple[int, int]:
    return con.execute(f"SELECT count(*), bit_xor(hash(*COLUMNS(*))) FROM {relation}").fetchall()[0]


def test_every_table_in_parquet_and_csv_holds_the_tables_rows(published):
    analytics, exports = published / "analytics.duckdb", published / "exports"
    tables = tables_of(analytics)
    assert set(tables) == {"marts.kpi_fiscal_year", "marts.kpi_national", "marts.kpi_monthly", "quality.findings", "reference.provinces"}
    with duckdb.connect(str(analytics), read_only=True) as con:
        for name, types in tables.items():
            expected = count_and_hash(con, name)
            assert expected[0] > 0
            assert count_and_hash(con, f"read_parquet('{exported_files(exports, 'parquet', name)}')") == expected, name
            columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
            csv = f"read_csv('{exported_files(exports, 'csv', name)}', header = true, quote = '\"', columns = {columns})"
            assert count_and_hash(con, csv) == expected, name


def test_csv_files_start_with_a_byte_order_mark_and_hold_thai_as_utf8(published):
    files = sorted((published / "exports" / "csv").rglob("*.csv"))
    assert len(files) == 6  # four tables, and findings in two files
    for path in files:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    findings = sorted((published / "exports" / "csv" / "quality.findings").iterdir())
    # a path is no file name: its plain letters, and a hash of it so that no two share a file
    assert re.fullmatch(r"isingleform_+2566-01\.jsonl-[0-9a-f]{8}\.csv", findings[0].name)
    assert findings[1].name == "regional_reports.csv"
    assert "ข้อความภาษาไทย" in findings[0].read_text(encoding="utf-8-sig")


def workbook_sheets(exports: Path) -> dict[tuple[str, str], list[tuple]]:
    """Every sheet of every workbook the set's descriptor lists, by (workbook, sheet): its rows, the header first."""
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    sheets = {}
    for resource in descriptor["resources"]:
        if resource["format"] == "xlsx":
            sheet = resource["dialect"]["excel"]["sheet"]
            book = load_workbook(exports / resource["path"], read_only=True)
            sheets[(resource["path"], sheet)] = list(book[sheet].iter_rows(values_only=True))
    return sheets


def comparable(rows) -> list[tuple]:
    return [tuple(None if v is None else (float(v) if not isinstance(v, str) else v) for v in row) for row in rows]


def test_the_workbooks_hold_the_kpi_marts_a_year_of_months_each_and_a_dictionary_of_every_column(published):
    analytics, exports = published / "analytics.duckdb", published / "exports"
    assert sorted(p.name for p in exports.glob("*.xlsx")) == ["kpi-2565.xlsx", "kpi-2566.xlsx", WORKBOOK_NAME]
    sheets = workbook_sheets(exports)
    assert sorted(sheets) == [
        ("kpi-2565.xlsx", "kpi_monthly"), ("kpi-2566.xlsx", "kpi_monthly"), (WORKBOOK_NAME, "kpi_fiscal_year"), (WORKBOOK_NAME, "kpi_national")
    ]  # fmt: skip
    with duckdb.connect(str(analytics), read_only=True) as con:
        for (workbook, sheet), (header, *body) in sheets.items():
            year = re.fullmatch(r"kpi-(\d+)\.xlsx", workbook)
            where = f" WHERE fiscal_year = {year[1]}" if year else ""
            expected = con.execute(f"SELECT * FROM marts.{sheet}{where}").fetchall()
            assert expected
            assert list(header) == [d[0] for d in con.execute(f"SELECT * FROM marts.{sheet} LIMIT 0").description]
            assert comparable(expected) == comparable(body), (workbook, sheet)
    for workbook in exports.glob("*.xlsx"):
        book = load_workbook(workbook, read_only=True)
        assert book.sheetnames[0] == DICTIONARY_SHEET
        dictionary = list(book[DICTIONARY_SHEET].iter_rows(values_only=True))[1:]
        described = {(table, column) for table, column, *_ in dictionary}
        for table, types in tables_of(analytics).items():
            assert (table, "") in described or (table, None) in described
            assert {(table, column) for column in types} <= described, table
    by_column = {(r[0], r[1]): r for r in dictionary}
    assert by_column[("marts.kpi_fiscal_year", "actual")][3:5] == ("ผลรวม (ล้านบาท / ราย)", "The sum (million baht / count)")
    assert "Parquet and CSV" in by_column[("quality.findings", "value")][5]
    assert "kpi-<ปีงบประมาณ fiscal year>.xlsx" in by_column[("marts.kpi_monthly", "period")][5]


def test_a_sheet_beyond_the_row_limit_is_left_to_parquet_and_csv(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    make_warehouse(warehouse, 1)
    publish_analytics(warehouse, analytics)
    # FY2565's two months fit a sheet of 2 rows; FY2566's three months and six regional rows do not
    write_exports(analytics, tmp_path / "exports", excel_max_rows=2)
    assert sorted(workbook_sheets(tmp_path / "exports")) == [("kpi-2565.xlsx", "kpi_monthly"), (WORKBOOK_NAME, "kpi_national")]
    assert not (tmp_path / "exports" / "kpi-2566.xlsx").exists()
    book = load_workbook(tmp_path / "exports" / WORKBOOK_NAME, read_only=True)
    notes = {r[0]: r[5] for r in list(book[DICTIONARY_SHEET].iter_rows(values_only=True))[1:]}
    assert "Parquet and CSV only" in notes["marts.kpi_fiscal_year"] and "เกิน 2 แถว" in notes["marts.kpi_fiscal_year"]
    assert "2566: เกิน 2 แถว" in notes["marts.kpi_monthly"] and "2565" not in notes["marts.kpi_monthly"]


def test_a_workbook_whose_rows_did_not_change_is_the_previous_sets_file(published):
    warehouse, analytics, exports = (published / name for name in ("warehouse.duckdb", "analytics.duckdb", "exports"))
    before = {path.name: path.stat().st_ino for path in exports.glob("*.xlsx")}
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE marts.kpi_monthly SET value = value + 100 WHERE fiscal_year = 2566")
    publish_analytics(warehouse, analytics, exports_link=exports)
    after = {path.name: path.stat().st_ino for path in exports.glob("*.xlsx")}
    assert after[WORKBOOK_NAME] == before[WORKBOOK_NAME] and after["kpi-2565.xlsx"] == before["kpi-2565.xlsx"]
    assert after["kpi-2566.xlsx"] != before["kpi-2566.xlsx"]
    [header, *body] = workbook_sheets(exports)[("kpi-2566.xlsx", "kpi_monthly")]
    assert [row[header.index("value")] for row in body] == [110, 111, 112]
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    facts = {r["path"]: (r["bytes"], r["hash"]) for r in descriptor["resources"] if r["format"] == "xlsx"}
    assert facts == {name: (path.stat().st_size, f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}") for name in after
                     for path in [exports / name]}  # fmt: skip


def test_the_data_package_validates_with_frictionless(published):
    from frictionless import Checklist, Package, Resource, validate

    descriptor_path = published / "exports" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    files = {r["path"] for r in descriptor["resources"]}
    assert files == {str(p.relative_to(published / "exports")) for p in (published / "exports").rglob("*") if p.is_file()} - {
        "datapackage.json"
    }
    package = Package(str(descriptor_path))
    assert [r.name for r in package.resources] == [r["name"] for r in descriptor["resources"]]
    # the CSV files and the workbook's sheets, row by row against their schemas, bytes and hashes;
    # Parquet is read by DuckDB above (frictionless reads it only with an extra plugin)
    for resource in descriptor["resources"]:
        if resource["format"] == "parquet":
            continue
        report = validate(
            Resource(resource, basepath=str(published / "exports")),
            checklist=Checklist(**WORKBOOK_CHECKS) if resource["format"] == "xlsx" else None,
        )
        assert report.valid, (resource["name"], report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_descriptions_split_into_thai_and_english():
    assert split_description("ปีงบประมาณ (พ.ศ.) / Fiscal year (BE)") == ("ปีงบประมาณ (พ.ศ.)", "Fiscal year (BE)")
    assert split_description("ผลรวม (ล้านบาท / ราย) / The sum") == ("ผลรวม (ล้านบาท / ราย)", "The sum")
    assert split_description("ผลรวม (ล้านบาท / ราย) / The sum (million baht / count)") == (
        "ผลรวม (ล้านบาท / ราย)",
        "The sum (million baht / count)",
    )
    assert split_description("no Thai here") == ("no Thai here", "no Thai here")


def read_one_set(exports: Path) -> set[int]:
    """What a reader does: resolve the link once, then read every file the set lists.
    Returns the generations the set's files hold (one, if the set is one publish)."""
    folder = exports.resolve(strict=True)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    generations: set[int] = set()
    with duckdb.connect() as con:
        for resource in descriptor["resources"]:
            path = folder / resource["path"]
            if resource["format"] == "parquet":
                generations |= {g for (g,) in con.execute(f"SELECT DISTINCT generation FROM read_parquet('{path}')").fetchall()}
            elif resource["format"] == "csv":
                generations |= {g for (g,) in con.execute(f"SELECT DISTINCT generation FROM read_csv('{path}', header = true)").fetchall()}
    return generations


def test_a_reader_during_publishes_sees_one_complete_set(tmp_path):
    warehouse, analytics, exports = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb", tmp_path / "exports"
    make_warehouse(warehouse, 0)
    publish_analytics(warehouse, analytics, exports_link=exports)
    seen: list[set[int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader():
        try:
            while not done.is_set():
                seen.append(read_one_set(exports))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for generation in range(1, 6):
            make_warehouse(warehouse, generation)
            publish_analytics(warehouse, analytics, exports_link=exports)
    finally:
        done.set()
        thread.join()
    assert not errors, errors
    assert len(seen) > 1 and all(len(generations) == 1 for generations in seen), seen
    assert read_one_set(exports) == {5}
    # the set in use and the one before it stay; the rest are gone
    assert len(list(tmp_path.glob(".exports-*"))) == 2


def test_a_half_written_set_never_appears_and_is_cleared_by_the_next_publish(tmp_path):
    warehouse, analytics, exports = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb", tmp_path / "exports"
    make_warehouse(warehouse, 1)
    crashed = tmp_path / ".exports-19990101T000000000000Z"
    (crashed / "csv").mkdir(parents=True)
    (crashed / "csv" / "marts.kpi_national.csv").write_bytes(b"half a file")
    publish_analytics(warehouse, analytics, exports_link=exports)
    assert exports.resolve() != crashed.resolve() and not crashed.exists()
    assert read_one_set(exports) == {1}


def test_the_duckdb_cli_opens_the_analysts_copy_read_only(published):
    """README: "the DuckDB CLI" — the `duckdb-cli` package an analyst installs, older than our DuckDB."""
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert cli, "duckdb-cli is a test dependency (pyproject.toml)"
    analytics = published / "analytics.duckdb"
    query = "SELECT fiscal_year, sum(actual) FROM marts.kpi_fiscal_year GROUP BY ALL ORDER BY ALL;"
    shown = subprocess.run([cli, "-readonly", "-csv", str(analytics), "-c", query], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["fiscal_year,sum(actual)", "2564,63.000000", "2565,63.000000"]
    refused = subprocess.run(
        [cli, "-readonly", str(analytics), "-c", "DELETE FROM marts.kpi_national;"], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0 and "read-only" in refused.stderr.lower()
