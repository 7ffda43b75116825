"""What each published copy holds: the build it was published from.

Publishing brings a copy up to date with what changed since that build
(warehouse/publish.py), so it must know, for a file or an export set it finds
on disk, which build it holds. The record is kept in the warehouse file
(`build_state.published_copies`), keyed by the copy's identity on disk (inode,
size and modification time for a file, the folder's name for an export set): a
copy changed or replaced since, or a warehouse rebuilt from the archive, has no
record that matches, and is then written whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import duckdb_settings
from warehouse.sql_quoting import identifier

RECORDS_KEPT = 4  # per copy: the copy in use, the spare, and a night's slack


@dataclass(frozen=True)
class Build:
    """A successful dbt build: files taken in up to `through_file_seq`, by the project `fingerprint`."""

    through_file_seq: int
    fingerprint: str


def last_build(con) -> Build | None:
    """The warehouse's last successful build (warehouse/build_state.py), from a connection that sees it as `warehouse`."""
    if not _has_table(con, "warehouse", "build_state", "dbt_builds"):
        return None
    rows = con.execute(
        """SELECT built_through_file_seq, project_fingerprint FROM warehouse.build_state.dbt_builds
           ORDER BY built_through_file_seq DESC, built_at DESC LIMIT 1"""
    ).fetchall()
    return Build(*rows[0]) if rows else None


def file_identity(path: Path) -> str:
    status = path.stat()
    return f"inode {status.st_ino}, {status.st_size} bytes, modified {status.st_mtime_ns}"


def held_build(con, copy: str, identity: str) -> Build | None:
    """The build the copy `copy` with this identity was published from; None when unknown."""
    if not _has_table(con, "warehouse", "build_state", "published_copies"):
        return None
    rows = con.execute(
        """SELECT through_file_seq, project_fingerprint FROM warehouse.build_state.published_copies
           WHERE copy = ? AND identity = ? ORDER BY published_at DESC LIMIT 1""",
        [copy, identity],
    ).fetchall()
    return Build(*rows[0]) if rows else None


def changes_since_held(con, copy: str, identity: str, build: Build | None) -> Changes:
    """What changed since the build the copy holds, to reach `build`: everything when that
    build is unknown, of another project, or later than `build` (a warehouse rebuilt)."""
    held = held_build(con, copy, identity) if build else None
    if held is None or held.fingerprint != build.fingerprint or held.through_file_seq > build.through_file_seq:
        return Changes(None)
    return Changes(held)


def record(warehouse_db: Path, copy: str, identity: str, build: Build | None) -> None:
    """After a copy was published from `build`: remember it (older records of the copy are forgotten)."""
    if build is None:
        return
    with duckdb_settings.connect(warehouse_db) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS build_state")
        con.execute(
            """CREATE TABLE IF NOT EXISTS build_state.published_copies (
                    copy VARCHAR NOT NULL,
                    identity VARCHAR NOT NULL,
                    through_file_seq BIGINT NOT NULL,
                    project_fingerprint VARCHAR NOT NULL,
                    published_at TIMESTAMPTZ NOT NULL)"""
        )
        con.execute(
            "INSERT INTO build_state.published_copies VALUES (?, ?, ?, ?, ?)",
            [copy, identity, build.through_file_seq, build.fingerprint, datetime.now(UTC)],
        )
        con.execute(
            """DELETE FROM build_state.published_copies WHERE copy = ? AND published_at NOT IN (
                   SELECT published_at FROM build_state.published_copies WHERE copy = ? ORDER BY published_at DESC LIMIT ?)""",
            [copy, copy, RECORDS_KEPT],
        )


def _has_table(con, database: str, schema: str, table: str) -> bool:
    [(count,)] = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ?", [database, schema, table]
    ).fetchall()
    return count > 0


@dataclass(frozen=True)
class Parts:
    """A table that grows with the years, kept up to date part by part: `column` is
    the part a row belongs to, and `changes` a warehouse relation with `file_seq` and
    `column`: the parts of the table that each file taken in changed. A part no file
    changed since a build holds the same rows as then (a new seed, owner key or
    project is a new project fingerprint: every part is new again)."""

    column: str
    changes: str
    # In the exports: SQL of the part column naming the file each part is written to
    # (warehouse/exports.py), so that a night writes only the files of the parts it
    # changed; None: the whole table in one file.
    export_file: str | None = None

    def changed(self, con: duckdb.DuckDBPyConnection, since: int, database: str | None = None) -> list:
        """The parts that files after `since` changed; `database`: the name `con` attached the warehouse under."""
        relation = f"{database}.{self.changes}" if database else self.changes
        rows = con.execute(f"SELECT DISTINCT {identifier(self.column)} FROM {relation} WHERE file_seq > ? ORDER BY ALL", [since])
        return [part for (part,) in rows.fetchall()]

    def rows_in(self, parts: list) -> str:
        """SQL: true for this table's rows in `parts`, the values written out, so that a query
        read again and again (GX reads a batch once per metric) need not find them each time.
        A text is written as its UTF-8 bytes in hex: a part may be a submitter's file name, and
        the query's text passes through readers that take `:name` for a parameter (SQLAlchemy)
        and `${NAME}` for a variable (GX's configuration)."""
        if not parts:
            return "false"
        values = ", ".join(str(int(part)) if isinstance(part, int) else f"decode(from_hex('{str(part).encode().hex()}'))" for part in parts)
        return f"{identifier(self.column)} IN ({values})"


# The one list of the tables that grow with history, and how each changes: publishing
# (warehouse/publish.py, exports.py) copies, and Great Expectations (expectations/validate.py)
# validates, only their parts changed since the copy's or the last validation's build.
IN_PARTS = {
    # A submission's row is only ever added, with its file.
    "staging.stg_isf_submissions": Parts("file_seq", "staging.stg_isf_submissions"),
    "checking.isf_submissions": Parts("file_seq", "checking.isf_submissions"),
    # A factory-month's row changes only when its current submission does, and a
    # new current submission is one of a file taken in since. A file a month.
    "marts.factory_month": Parts("period", "intermediate.int_isf_current", export_file="period"),
    # A month's cells follow from that month's factory-months alone.
    "marts.industry_by_province": Parts("period", "intermediate.int_isf_current"),
    # A file's findings, made again by a build only where it found them different
    # (dbt_project/models/intermediate/int_findings_parts.sql). A file per
    # i-Single Form export (a path is the landing folder's, its source first), and
    # one for the regional reports, which are few.
    "quality.findings": Parts(
        "path",
        "intermediate.int_findings_parts",
        export_file="CASE WHEN starts_with(path, 'isingleform/') THEN path ELSE 'regional_reports' END",
    ),
}


@dataclass(frozen=True)
class Changes:
    """What changed in the warehouse since the build a copy holds; `since` None: everything."""

    since: Build | None

    def parts(self, con: duckdb.DuckDBPyConnection, table: str) -> list | None:
        """The parts of `table` to publish again, or None for the whole table. `con` sees the warehouse as `warehouse`."""
        parts = IN_PARTS.get(table)
        if self.since is None or parts is None:
            return None
        return parts.changed(con, self.since.through_file_seq, "warehouse")
