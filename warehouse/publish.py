"""Publish the analysts' copy: `analytics.duckdb`, replaced whole and at once.

The new copy is made beside the old one and renamed over it. A reader that has
the old file open keeps reading the old inode; a new reader opens the new file;
nobody ever sees half of each, and no reader holds a lock the writer needs.

The new copy is not written from nothing each night: the copy replaced the
night before is kept as a spare (`.analytics.duckdb.spare`), and the next
publish brings that spare up to date and swaps it in. Small tables are copied
whole; a large table that grows with the years (published_state.IN_PARTS)
has only
the parts that the files taken in since the spare's build changed
(warehouse/published_state.py), so publishing follows what arrived, not the
years behind it. A spare that a reader still has open (DuckDB refuses to open
it for writing), or whose build is unknown or of another project, is not
touched: a new copy is written whole instead.

The exports (warehouse/exports.py) are written from the new copy before either
is swapped in, then swapped one after the other: a failed export leaves both
the old copy and the old exports in place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from warehouse import duckdb_settings, published_state
from warehouse.crashpoints import PUBLISH_BEFORE_SWAP, crash_point
from warehouse.exports import EXPORTS_COPY, swap_export_set, write_export_set
from warehouse.private_files import OWNER_FILE, share_readable
from warehouse.sql_quoting import identifier, literal

PUBLISHED_SCHEMAS = ("marts", "quality", "reference")
# What the check before sending reads of earlier nights (checking/), in a file of its
# own beside the analysts' copy, published the same way: names, hashes, outcomes and
# figures, nothing personal (dbt_project/models/checking/).
CHECK_HISTORY_SCHEMAS = ("checking",)
# The analysts' copy is written in a storage format DuckDB 1.4 and later read,
# so that the SQL tools analysts install themselves (the DuckDB CLI, DBeaver's
# driver, harlequin) open it even when they bundle an older DuckDB than ours.
STORAGE_COMPATIBILITY = "v1.4.0"


def publish_analytics(
    warehouse_db: Path, analytics_db: Path, schemas: tuple[str, ...] = PUBLISHED_SCHEMAS, exports_link: Path | None = None
) -> dict[str, int]:
    """Bring the spare copy (or a new one) up to date with the published schemas and their
    descriptions, and swap it in, with its exports under `exports_link` if given. Returns
    the rows per published table."""
    spare, fresh = analytics_db.with_name(f".{analytics_db.name}.spare"), analytics_db.with_name(f".{analytics_db.name}.next")
    _finish_an_interrupted_swap(analytics_db, spare)
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a crashed earlier publish
    copy = analytics_db.name
    updated = _update_spare(warehouse_db, spare, copy, schemas) if spare.exists() else None
    new_copy = spare if updated is not None else fresh
    if updated is None:
        updated = _write_whole(warehouse_db, fresh, schemas)
    rows_by_table, build = updated
    with new_copy.open("rb") as handle:
        os.fsync(handle.fileno())
    identity = published_state.file_identity(new_copy)
    share_readable(new_copy)  # the analysts' copy, whatever the umask the night runs under
    new_exports = write_export_set(new_copy, exports_link, warehouse_db, build) if exports_link else None
    if new_exports:
        share_readable(new_exports)  # the analysts' exports, likewise
    crash_point(PUBLISH_BEFORE_SWAP)
    if new_exports:
        swap_export_set(exports_link, new_exports)
    _swap(new_copy, analytics_db, spare)
    published_state.record(warehouse_db, copy, identity, build)
    if not spare.exists():  # the first copy: its twin is the spare, so that the next night need not write all again
        _copy_as_spare(analytics_db, spare)
        published_state.record(warehouse_db, copy, published_state.file_identity(spare), build)
    if new_exports:
        published_state.record(warehouse_db, EXPORTS_COPY, new_exports.name, build)
    return rows_by_table


def _swap(new_copy: Path, analytics_db: Path, spare: Path) -> None:
    """Rename the new copy over the analysts' one; the one it replaces becomes the spare."""
    keeping = spare.with_name(spare.name + ".kept")
    keeping.unlink(missing_ok=True)
    if analytics_db.exists():
        os.link(analytics_db, keeping)
    os.replace(new_copy, analytics_db)
    if keeping.exists():
        keeping.chmod(OWNER_FILE)  # no longer the analysts' copy: the warehouse's own again
        os.replace(keeping, spare)


def _copy_as_spare(analytics_db: Path, spare: Path) -> None:
    partial = spare.with_name(spare.name + ".partial")
    shutil.copyfile(analytics_db, partial)
    partial.chmod(OWNER_FILE)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, spare)


def _finish_an_interrupted_swap(analytics_db: Path, spare: Path) -> None:
    keeping = spare.with_name(spare.name + ".kept")
    if keeping.exists():
        if spare.exists() or not analytics_db.exists():
            keeping.unlink()
        else:
            os.replace(keeping, spare)


def _update_spare(warehouse_db: Path, spare: Path, copy: str, schemas: tuple[str, ...]):
    """The spare brought up to date in place, in one transaction; None when it cannot be
    (a reader holds it, or its build is unknown or of another project)."""
    identity = published_state.file_identity(spare)
    try:
        con = duckdb_settings.connect(spare)
    except duckdb.Error:
        return None  # a reader still has it open: DuckDB's lock, never waited on
    try:
        con.execute(f"ATTACH {literal(str(warehouse_db))} AS warehouse (READ_ONLY)")
        build = published_state.last_build(con)
        changes = published_state.changes_since_held(con, copy, identity, build)
        if changes.since is None:
            return None
        con.execute("BEGIN TRANSACTION")
        rows_by_table = _copy_tables(con, schemas, changes, replace=True)
        con.execute("COMMIT")
        con.execute("DETACH warehouse")
        con.execute("CHECKPOINT")
        return rows_by_table, build
    except duckdb.Error:
        return None  # rolled back, or the spare is damaged: a whole copy is always right
    finally:
        con.close()


def _write_whole(warehouse_db: Path, target: Path, schemas: tuple[str, ...]):
    con = duckdb_settings.connect(target, config={"storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        con.execute(f"ATTACH {literal(str(warehouse_db))} AS warehouse (READ_ONLY)")
        build = published_state.last_build(con)
        rows_by_table = _copy_tables(con, schemas, published_state.Changes(None), replace=False)
        con.execute("DETACH warehouse")
        con.execute("CHECKPOINT")
        return rows_by_table, build
    finally:
        con.close()


def _copy_tables(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...], changes: published_state.Changes, replace: bool
) -> dict[str, int]:
    """The published schemas' tables from the attached warehouse into the copy `con` writes,
    whole or by the parts `changes` names, with their descriptions."""
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
    held = set(con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall())
    for schema, table in held - {(schema, table) for schema, table, _ in tables}:
        con.execute(f"DROP TABLE {identifier(schema)}.{identifier(table)}")
    for schema in schemas:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {identifier(schema)}")
    rows_by_table: dict[str, int] = {}
    for schema, table, comment in tables:
        target = f"{identifier(schema)}.{identifier(table)}"
        parts = changes.parts(con, f"{schema}.{table}") if (schema, table) in held else None
        if parts is None:
            # Rows in a fixed order, so that the same data gives the same table.
            con.execute(f"CREATE {'OR REPLACE ' if replace else ''}TABLE {target} AS SELECT * FROM warehouse.{target} ORDER BY ALL")
        elif parts:
            column = identifier(published_state.IN_PARTS[f"{schema}.{table}"].column)
            con.execute(f"DELETE FROM {target} WHERE list_contains(?, {column})", [parts])
            con.execute(f"INSERT INTO {target} SELECT * FROM warehouse.{target} WHERE list_contains(?, {column}) ORDER BY ALL", [parts])
        if comment:
            con.execute(f"COMMENT ON TABLE {target} IS {literal(comment)}")
        rows_by_table[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
    for schema, table, column, comment in columns:
        con.execute(f"COMMENT ON COLUMN {identifier(schema)}.{identifier(table)}.{identifier(column)} IS {literal(comment)}")
    return rows_by_table
