"""Take new file contents from the landing folder into the warehouse.

Shared by every source: a source module only says how to read one file. This
module decides which files are new, archives them, and records an outcome for
every one (cal-itp style), each file in its own transaction.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np

from sources.file_outcome import FileFinding, FileLoad
from sources.landing import Archive, ContentChanged, LandedFile, discover, settled, sha256_of_listed
from sources.limits import IntakeLimits
from warehouse.crashpoints import INTAKE_BEFORE_COMMIT, crash_point

log = logging.getLogger(__name__)
RAW_SCHEMA_SQL = (Path(__file__).parent / "raw_schema.sql").read_text(encoding="utf-8")


class SourceReader(Protocol):
    source: str

    def identity(self, landed: LandedFile, seen_at: datetime) -> tuple | None:
        """What the file's name says it is: (submitter, kind, period, version),
        Nones where the name says nothing; None when the name itself is rejected.

        The same bytes count as a duplicate only under the same identity: a
        report renamed to fix its name is a new report, not a copy. A file
        rejected for its name was never read, so it is judged again, by its
        own name, whatever arrived before."""

    def load(self, con: duckdb.DuckDBPyConnection, content: Path, landed: LandedFile, file_seq: int, seen_at: datetime) -> FileLoad:
        """Read one archived content, writing its rows inside the caller's transaction."""


@dataclass
class IntakeSummary:
    source: str
    unchanged: int = 0
    hashed: int = 0  # files read whole to learn their content: those new or changed since they were last hashed
    still_arriving: int = 0  # being written while the run looked: left for the next run
    outcomes: Counter = field(default_factory=Counter)
    rows_read: int = 0

    def as_metadata(self) -> dict[str, int]:
        return {
            "files_unchanged": self.unchanged,
            "files_hashed": self.hashed,
            "files_still_arriving": self.still_arriving,
            **{f"files_{k}": v for k, v in self.outcomes.items()},
            "rows_read": self.rows_read,
        }


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list]) -> None:
    """Append rows to a table, in one statement. A few hundred rows go as one
    parameterised VALUES list (a third of the cost of registering a frame, and
    most reports are a few dozen rows); more as NumPy column arrays.
    `table` and `columns` are always the project's own names, never a submitter's text."""
    if not rows:
        return
    if len(rows) * len(columns) <= 20_000:
        column_list = ", ".join(columns)
        placeholders = ", ".join(["(" + ", ".join("?" * len(columns)) + ")"] * len(rows))
        con.execute(f"INSERT INTO {table} ({column_list}) VALUES {placeholders}", [value for row in rows for value in row])
    else:
        insert_frame(con, table, {name: np.array([row[i] for row in rows], dtype=object) for i, name in enumerate(columns)})


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame) -> None:
    """Append a pandas DataFrame (or a dict of NumPy arrays) to a table by column name, in one statement.
    `table` is always one of the project's own names, never a submitter's text."""
    con.register("frame_to_insert", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame_to_insert")
    finally:
        con.unregister("frame_to_insert")


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_SCHEMA_SQL)


@dataclass(frozen=True)
class Sighting:
    """A file content seen under a path at a time: what the intake takes in."""

    landed: LandedFile
    sha256: str
    seen_at: datetime


def take_in(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    archive: Archive,
    reader: SourceReader,
    run_id: str,
    seen_at: datetime,
    progress: Callable[[str], None] = log.info,
    limits: IntakeLimits = IntakeLimits(),
    clock: Callable[[], int] = time.time_ns,
) -> IntakeSummary:
    """Every (path, content) of the source's landing folder not taken in before.

    A file whose signature (size, times, inode) is the one it had when its content
    was last hashed is not read again: an ordinary night reads what arrived, not
    the years the landing folder still holds."""
    looked_at_ns = clock()
    listed = discover(landing_dir, reader.source)
    ready, arriving = settled(listed, limits.landing_settle_seconds)
    ensure_raw_schema(con)
    remembered = _remembered_hashes(con, reader.source)
    sightings, hashed, steady_hashes = [], 0, {}
    for landed in ready:
        sha = remembered.get((landed.path, landed.signature))
        if sha is None:
            try:
                sha, steady = sha256_of_listed(landed, looked_at_ns)
            except OSError:
                arriving.append(landed)  # gone or replaced since it was listed
                continue
            hashed += 1
            if steady:
                steady_hashes[(landed.path, landed.signature)] = sha
        sightings.append(Sighting(landed, sha, seen_at))
    _remember_hashes(con, reader.source, remembered, steady_hashes, {(landed.path, landed.signature) for landed in listed})
    progress(f"{reader.source}: {hashed} of {len(ready)} files read to learn their content, the rest unchanged since they were")
    for landed in arriving:
        progress(f"{reader.source}: {landed.path} is still being written; left for the next run")
    summary = take_in_sightings(con, sightings, archive, reader, run_id, progress, limits)
    summary.still_arriving += len(arriving)
    summary.hashed = hashed
    return summary


def _remembered_hashes(con: duckdb.DuckDBPyConnection, source: str) -> dict[tuple[str, str], str]:
    rows = con.execute("SELECT path, signature, file_sha256 FROM intake.landing_hashes WHERE source = ?", [source]).fetchall()
    return {(path, signature): sha for path, signature, sha in rows}


def _remember_hashes(
    con: duckdb.DuckDBPyConnection,
    source: str,
    remembered: dict[tuple[str, str], str],
    hashed: dict[tuple[str, str], str],
    listed: set[tuple[str, str]],
) -> None:
    """Keep the hashes of what the folder holds now: forget files gone or changed, add those just hashed.
    Only ever a shortcut: a hash is remembered before anything is taken in, and a content
    is archived only if its bytes give that hash (Archive.keep)."""
    forgotten = [key for key in remembered if key not in listed]
    if not forgotten and not hashed:
        return
    con.begin()
    try:
        if forgotten:
            con.execute(
                """DELETE FROM intake.landing_hashes AS h
                   USING (SELECT unnest(?) AS path, unnest(?) AS signature) AS gone
                   WHERE h.source = ? AND h.path = gone.path AND h.signature = gone.signature""",
                [[path for path, _ in forgotten], [signature for _, signature in forgotten], source],
            )
        insert_rows(
            con,
            "intake.landing_hashes",
            ["source", "path", "signature", "file_sha256"],
            [[source, path, signature, sha] for (path, signature), sha in hashed.items()],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise


def take_in_sightings(
    con: duckdb.DuckDBPyConnection,
    sightings: list[Sighting],
    archive: Archive,
    reader: SourceReader,
    run_id: str,
    progress: Callable[[str], None] = log.info,
    limits: IntakeLimits = IntakeLimits(),
    source_archive: Archive | None = None,
) -> IntakeSummary:
    """Archive, read and record each sighting in order, each in one transaction.
    A (path, content) already recorded (unchanged in landing, or a replay after a
    crash) is skipped and counted as unchanged. `source_archive`: contents are
    read from that archive rather than from the sightings' paths (a rebuild)."""
    ensure_raw_schema(con)
    archive.forget_plaintext()
    summary = IntakeSummary(reader.source)
    known = set(con.execute("SELECT path, file_sha256 FROM raw.landed_files WHERE source = ?", [reader.source]).fetchall())
    new = [s for s in sightings if (s.landed.path, s.sha256) not in known]
    summary.unchanged = len(sightings) - len(new)
    progress(f"{reader.source}: {len(sightings)} files, {len(new)} new or changed")
    known_contents = set(
        con.execute(
            """SELECT file_sha256, submitter, kind, period, version FROM raw.landed_files
               WHERE source = ? AND outcome <> 'duplicate'""",
            [reader.source],
        ).fetchall()
    )
    # This connection is the warehouse's only writer: the next number is known without asking per file.
    file_seq = con.execute("SELECT coalesce(max(file_seq), 0) + 1 FROM raw.landed_files").fetchall()[0][0]
    for number, sighting in enumerate(new, start=1):
        landed, sha, seen_at = sighting.landed, sighting.sha256, sighting.seen_at
        try:
            archive.keep(landed.absolute_path, sha, source_archive)
        except ContentChanged as change:
            progress(f"{reader.source}: {landed.path} is still being written ({change}); left for the next run")
            summary.still_arriving += 1
            continue
        archive.record_sighting(sha, landed.path, reader.source, seen_at)
        con.begin()
        try:
            identity = reader.identity(landed, seen_at)
            content_key = None if identity is None else (sha, *identity)
            if content_key in known_contents:
                load = FileLoad("duplicate", *identity)
            else:
                with archive.plaintext(sha) as content:
                    load = _read_within_limits(con, reader, content, landed, file_seq, seen_at, limits, identity or (None,) * 4)
            if _transaction_aborted(con):
                # A failed statement aborts DuckDB's whole transaction (there are no
                # savepoints); what it wrote goes with it, and the outcome is recorded anew.
                con.rollback()
                con.begin()
            _record(con, file_seq, sha, landed, reader.source, seen_at, run_id, load)
            crash_point(INTAKE_BEFORE_COMMIT)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        file_seq += 1
        if content_key is not None:
            known_contents.add(content_key)
        summary.outcomes[load.outcome] += 1
        summary.rows_read += load.rows_read
        if number % 50 == 0 or number == len(new):
            progress(f"{reader.source}: {number}/{len(new)} files taken in, {summary.rows_read} rows read")
    return summary


def _read_within_limits(
    con,
    reader: SourceReader,
    content: Path,
    landed: LandedFile,
    file_seq: int,
    seen_at: datetime,
    limits: IntakeLimits,
    name_identity: tuple,
) -> FileLoad:
    """A file over a limit is rejected with RF01 before it is read (size, a
    workbook's unpacked size) or after (rows), keeping what its name says."""
    finding = limits.size_finding(content.stat().st_size)
    if finding is None and landed.path.lower().endswith(".xlsx"):
        finding = limits.workbook_finding(content)
    if finding is not None:
        return FileLoad("rejected", *name_identity, findings=[finding])
    load = _read_safely(con, reader, content, landed, file_seq, seen_at)
    if load.outcome == "parsed" and (finding := limits.rows_finding(load.rows_read)) is not None:
        _forget_rows(con, file_seq)
        return FileLoad("rejected", *name_identity, findings=[finding])
    return load


def _read_safely(con, reader: SourceReader, content: Path, landed: LandedFile, file_seq: int, seen_at: datetime) -> FileLoad:
    """A reader's unforeseen failure on one file rejects that file, not the run.

    The file gets RF01 with the error's text; engineers get the traceback in the
    log. DuckDB has no savepoints, so rows the reader had already written for
    this file are deleted by file_seq before the rejection is recorded.
    """
    try:
        return reader.load(con, content, landed, file_seq, seen_at)
    except Exception as error:
        log.warning("reader failed on %s:\n%s", landed.path, traceback.format_exc())
        _forget_rows(con, file_seq)
        text = f"{type(error).__name__}: {error}"[:500]
        return FileLoad.rejected(FileFinding("RF01", None, None, f"unexpected reader error: {text}", f"โปรแกรมอ่านไฟล์ขัดข้อง: {text}"))


def _transaction_aborted(con) -> bool:
    try:
        con.execute("SELECT 1")
    except duckdb.TransactionException:
        return True
    return False


def _forget_rows(con, file_seq: int) -> None:
    """Delete the rows a reader wrote for one file (DuckDB has no savepoints).
    In an aborted transaction the rollback forgets them."""
    if _transaction_aborted(con):
        return
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name NOT IN ('landed_files', 'file_findings')"
    ).fetchall()
    for (table,) in names:
        con.execute(f"DELETE FROM raw.{table} WHERE file_seq = ?", [file_seq])


def _record(con, file_seq: int, sha: str, landed: LandedFile, source: str, seen_at: datetime, run_id: str, load: FileLoad) -> None:
    con.execute(
        """INSERT INTO raw.landed_files
           (file_seq, file_sha256, path, source, size_bytes, first_seen_at, run_id, outcome,
            submitter, kind, period, version, rows_read)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            file_seq,
            sha,
            landed.path,
            source,
            landed.size_bytes,
            seen_at,
            run_id,
            load.outcome,
            load.submitter,
            load.kind,
            load.period,
            load.version,
            load.rows_read,
        ],
    )
    if load.findings:
        con.executemany(
            "INSERT INTO raw.file_findings (file_seq, rule_id, column_name, value, detail_en, detail_th) VALUES (?, ?, ?, ?, ?, ?)",
            [[file_seq, f.rule_id, f.column_name, f.value, f.detail_en, f.detail_th] for f in load.findings],
        )
