"""Publish the analysts' copy: `analytics.duckdb`, replaced whole and at once.

The copy is written beside the old one and renamed over it. A reader that has
the old file open keeps reading the old inode; a new reader opens the new file;
nobody ever sees half of each, and no reader holds a lock the writer needs.

The exports (warehouse/exports.py) are written from the new copy before either
is swapped in, then swapped one after the other: a failed export leaves both
the old copy and the old exports in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from warehouse import duckdb_settings
from warehouse.crashpoints import PUBLISH_BEFORE_SWAP, crash_point
from warehouse.exports import swap_export_set, write_export_set
from warehouse.private_files import share_readable

PUBLISHED_SCHEMAS = ("marts", "quality", "reference")
# What the check before sending reads of earlier nights (checking/), in a file of its
# own beside the analysts' copy, published the same way: names, hashes, outcomes and
# figures, nothing personal (dbt_project/models/checking/).
CHECK_HISTORY_SCHEMAS = ("checking",)
# The analysts' copy is written in a storage format DuckDB 1.4 and later read,
# so that the SQL tools analysts install themselves (the DuckDB CLI, DBeaver's
# driver, harlequin) open it even when they bundle an older DuckDB than ours.
STORAGE_COMPATIBILITY = "v1.4.0"


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish_analytics(
    warehouse_db: Path, analytics_db: Path, schemas: tuple[str, ...] = PUBLISHED_SCHEMAS, exports_link: Path | None = None
) -> dict[str, int]:
    """Copy the published schemas, with their descriptions, into a fresh file and
    swap it in, with its exports under `exports_link` if given. Returns the rows per published table."""
    staging = analytics_db.with_name(f".{analytics_db.name}.next")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a crashed earlier publish
    rows_by_table: dict[str, int] = {}
    con = duckdb_settings.connect(staging, config={"storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        con.execute(f"ATTACH {_quote_literal(str(warehouse_db))} AS warehouse (READ_ONLY)")
        tables = con.execute(
            """SELECT schema_name, table_name, comment FROM duckdb_tables()
               WHERE database_name = 'warehouse' AND list_contains(?, schema_name)
               ORDER BY schema_name, table_name""",
            [list(schemas)],
        ).fetchall()
        columns = con.execute(
            """SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()
               WHERE database_name = 'warehouse' AND list_contains(?, schema_name) AND comment IS NOT NULL""",
            [list(schemas)],
        ).fetchall()
        for schema in schemas:
            con.execute(f"CREATE SCHEMA {_quote_identifier(schema)}")
        for schema, table, comment in tables:
            target = f"{_quote_identifier(schema)}.{_quote_identifier(table)}"
            # Rows in a fixed order, so that the same data gives the same file.
            con.execute(f"CREATE TABLE {target} AS SELECT * FROM warehouse.{target} ORDER BY ALL")
            if comment:
                con.execute(f"COMMENT ON TABLE {target} IS {_quote_literal(comment)}")
            rows_by_table[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
        for schema, table, column, comment in columns:
            con.execute(
                f"COMMENT ON COLUMN {_quote_identifier(schema)}.{_quote_identifier(table)}.{_quote_identifier(column)}"
                f" IS {_quote_literal(comment)}"
            )
        con.execute("DETACH warehouse")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    share_readable(staging)  # the analysts' copy, whatever the umask the night runs under
    new_exports = write_export_set(staging, exports_link.parent) if exports_link else None
    if new_exports:
        share_readable(new_exports)  # the analysts' exports, likewise
    crash_point(PUBLISH_BEFORE_SWAP)
    if new_exports:
        swap_export_set(exports_link, new_exports)
    os.replace(staging, analytics_db)
    return rows_by_table
