"""The raw schema is written once, in sources/raw_schema.sql; dbt's sources and
the intake's assets describe the same tables."""

from __future__ import annotations

import duckdb

from orchestration.assets.intake import RAW_TABLES
from sources.intake import RAW_SCHEMA_SQL


def test_dbt_sources_and_the_intake_assets_name_exactly_the_tables_the_intake_creates():
    with duckdb.connect() as con:
        con.execute(RAW_SCHEMA_SQL)
        created = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()}
    assert created == set(RAW_TABLES)
    assert all(RAW_TABLES.values()), "every raw table has a description in models/staging/_sources.yml"
