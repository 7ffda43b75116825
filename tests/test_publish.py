"""Publishing analytics.duckdb: whole, at once, with descriptions, readers never blocked."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warehouse.publish import publish_analytics


def make_warehouse(path: Path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "marts", "quality", "reference"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute("CREATE OR REPLACE TABLE raw.secret AS SELECT 'personal' AS contact")
        con.execute(f"CREATE OR REPLACE TABLE marts.kpi AS SELECT * FROM (VALUES (2, {value}), (1, {value})) t(id, v)")
        con.execute("COMMENT ON TABLE marts.kpi IS 'ตัวชี้วัด / it''s a KPI'")
        con.execute("COMMENT ON COLUMN marts.kpi.v IS 'ค่า / value'")
        con.execute("CREATE OR REPLACE TABLE quality.files AS SELECT 1 AS n")
        con.execute("CREATE OR REPLACE TABLE reference.provinces AS SELECT '51' AS province_code")


def test_only_published_schemas_with_their_descriptions(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    make_warehouse(warehouse, 1)
    rows = publish_analytics(warehouse, analytics)
    assert rows == {"marts.kpi": 2, "quality.files": 1, "reference.provinces": 1}
    with duckdb.connect(str(analytics), read_only=True) as con:
        assert con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall() == [
            ("marts", "kpi"),
            ("quality", "files"),
            ("reference", "provinces"),
        ]
        assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'kpi'").fetchall() == [("ตัวชี้วัด / it's a KPI",)]
        assert con.execute("SELECT comment FROM duckdb_columns() WHERE column_name = 'v'").fetchall() == [("ค่า / value",)]
        assert con.execute("SELECT id FROM marts.kpi").fetchall() == [(1,), (2,)]  # fixed order
    assert [p.name for p in tmp_path.glob(".analytics*")] == [".analytics.duckdb.spare"]  # the next night's copy, brought up to date


def test_a_reader_of_the_old_copy_is_neither_blocked_nor_disturbed(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    make_warehouse(warehouse, 1)
    publish_analytics(warehouse, analytics)
    reader = duckdb.connect(str(analytics), read_only=True)
    make_warehouse(warehouse, 2)
    publish_analytics(warehouse, analytics)
    assert reader.execute("SELECT max(v) FROM marts.kpi").fetchall() == [(1,)]
    reader.close()
    with duckdb.connect(str(analytics), read_only=True) as fresh:
        assert fresh.execute("SELECT max(v) FROM marts.kpi").fetchall() == [(2,)]


def test_leftovers_of_a_crashed_publish_are_cleared(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    make_warehouse(warehouse, 1)
    (tmp_path / ".analytics.duckdb.next").write_bytes(b"half a file")
    publish_analytics(warehouse, analytics)
    with duckdb.connect(str(analytics), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.kpi").fetchall() == [(2,)]


# A warehouse with a table published in parts (warehouse/published_state.py IN_PARTS):
# factory_month is the latest submission of each factory and month, among files taken in so far.
def build_night(path: Path, files: list[list[tuple[int, str, int]]], fingerprint: str = "project-1") -> None:
    """The warehouse after `files` (each a list of (factory, period, value)) were taken in and built."""
    rows = [(seq, factory, period, value) for seq, file in enumerate(files, 1) for factory, period, value in file]
    with duckdb.connect(str(path)) as con:
        for schema in ("marts", "quality", "reference", "intermediate", "build_state"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute("CREATE OR REPLACE TABLE intermediate.submissions (file_seq BIGINT, factory_id INTEGER, period VARCHAR, v INTEGER)")
        if rows:
            con.executemany("INSERT INTO intermediate.submissions VALUES (?, ?, ?, ?)", rows)
        con.execute(
            """CREATE OR REPLACE TABLE intermediate.int_isf_current AS SELECT * FROM intermediate.submissions
               QUALIFY row_number() OVER (PARTITION BY factory_id, period ORDER BY file_seq DESC) = 1"""
        )
        con.execute("CREATE OR REPLACE TABLE marts.factory_month AS SELECT period, factory_id, v FROM intermediate.int_isf_current")
        con.execute("CREATE OR REPLACE TABLE marts.kpi AS SELECT period, sum(v) AS v FROM marts.factory_month GROUP BY ALL")
        con.execute("CREATE OR REPLACE TABLE quality.files AS SELECT DISTINCT file_seq FROM intermediate.submissions")
        con.execute(
            """CREATE TABLE IF NOT EXISTS build_state.dbt_builds (built_at TIMESTAMPTZ, project_fingerprint VARCHAR,
               full_refresh BOOLEAN, built_through_file_seq BIGINT)"""
        )
        con.execute("INSERT INTO build_state.dbt_builds VALUES (now(), ?, false, ?)", [fingerprint, len(files)])


def published_rows(database: Path) -> dict[str, list]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            table: sorted(con.execute(f"SELECT * FROM {table}").fetchall())
            for table in ("marts.factory_month", "marts.kpi", "quality.files")
        }


def exported_factory_months(exports: Path) -> list:
    if not list((exports / "parquet" / "marts.factory_month").iterdir()):
        assert not list((exports / "csv" / "marts.factory_month").iterdir())
        return []  # no month yet: the table's folders are empty
    with duckdb.connect() as con:
        parquet = con.execute(f"SELECT * FROM read_parquet('{exports}/parquet/marts.factory_month/*.parquet')").fetchall()
        csv = con.execute(
            f"SELECT * FROM read_csv('{exports}/csv/marts.factory_month/*.csv', header = true, "
            "columns = {'period': 'VARCHAR', 'factory_id': 'INTEGER', 'v': 'INTEGER'})"
        ).fetchall()
    assert sorted(parquet) == sorted(csv)
    return sorted(parquet)


PERIODS = [f"2566-{month:02d}" for month in range(1, 7)]
submission = st.tuples(st.integers(1, 4), st.sampled_from(PERIODS), st.integers(0, 9))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nights=st.lists(st.tuples(st.lists(st.lists(submission, max_size=4), max_size=3), st.booleans()), min_size=1, max_size=5))
def test_each_night_the_copy_and_its_exports_hold_the_warehouse_however_they_were_brought_up_to_date(tmp_path_factory, nights):
    """Files touching any months, on any history, a project changed now and then: after each
    publish the analysts' copy and the exports hold exactly the warehouse's tables."""
    folder = tmp_path_factory.mktemp("nights")
    warehouse, analytics, exports = folder / "warehouse.duckdb", folder / "analytics.duckdb", folder / "exports"
    files, fingerprint = [], 1
    for new_files, project_changed in nights:
        files += new_files
        fingerprint += project_changed
        build_night(warehouse, files, f"project-{fingerprint}")
        publish_analytics(warehouse, analytics, exports_link=exports)
        assert published_rows(analytics) == published_rows(warehouse)
        assert exported_factory_months(exports) == published_rows(warehouse)["marts.factory_month"]


def test_the_spare_copy_is_brought_up_to_date_and_unchanged_months_are_linked_not_written(tmp_path):
    warehouse, analytics, exports = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb", tmp_path / "exports"
    files = [[(1, "2566-01", 1), (2, "2566-01", 2)], [(1, "2566-02", 3)]]
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics, exports_link=exports)
    first_copy = analytics.stat().st_ino
    files.append([(2, "2566-03", 4)])
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics, exports_link=exports)  # the first copy's twin, brought up to date
    assert (tmp_path / ".analytics.duckdb.spare").stat().st_ino == first_copy  # the copy replaced is kept as the spare
    january = exports.resolve() / "csv" / "marts.factory_month" / "2566-01.csv"
    assert january.stat().st_nlink == 2  # nothing changed January: the file of the set before, linked
    files.append([(1, "2566-01", 9)])  # a correction of January
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics, exports_link=exports)
    assert analytics.stat().st_ino == first_copy  # the spare, brought up to date in place, is the copy now
    assert published_rows(analytics) == published_rows(warehouse)
    assert (9,) in [(v,) for _, _, v in published_rows(analytics)["marts.factory_month"]]
    after = exports.resolve() / "csv" / "marts.factory_month"
    assert (after / "2566-01.csv").stat().st_nlink == 1 and (after / "2566-02.csv").stat().st_nlink > 1
    assert stat.S_IMODE((tmp_path / ".analytics.duckdb.spare").stat().st_mode) == 0o600
    assert stat.S_IMODE(analytics.stat().st_mode) == 0o644


def test_a_spare_a_reader_still_holds_is_left_alone_and_a_new_copy_is_written(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    files = [[(1, "2566-01", 1)]]
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics)
    files.append([(1, "2566-02", 2)])
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics)
    spare = tmp_path / ".analytics.duckdb.spare"
    reader = subprocess.Popen(  # another process, as an analyst's would be: DuckDB locks the file it reads
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(spare)!r}, read_only=True); print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout.readline().strip() == "open"
        held = spare.stat().st_ino
        files.append([(1, "2566-01", 5)])
        build_night(warehouse, files)
        publish_analytics(warehouse, analytics)
        assert analytics.stat().st_ino != held
        assert published_rows(analytics) == published_rows(warehouse)
    finally:
        reader.communicate("")


def test_a_damaged_or_unknown_spare_is_replaced_by_a_whole_copy(tmp_path):
    warehouse, analytics = tmp_path / "warehouse.duckdb", tmp_path / "analytics.duckdb"
    files = [[(1, "2566-01", 1)]]
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics)
    spare = tmp_path / ".analytics.duckdb.spare"
    spare.write_bytes(b"not a database")  # its record no longer matches, and DuckDB cannot open it
    files.append([(1, "2566-02", 2)])
    build_night(warehouse, files)
    publish_analytics(warehouse, analytics)
    assert published_rows(analytics) == published_rows(warehouse)
