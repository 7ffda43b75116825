"""Publishing analytics.duckdb: whole, at once, with descriptions, readers never blocked."""

from __future__ import annotations

from pathlib import Path

import duckdb

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
    assert not list(tmp_path.glob(".analytics*"))


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
