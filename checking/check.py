"""Check files before they are sent: the findings the night would give them.

A check reads the files with the night's readers and intake
(sources/intake.py) into the raw tables of a scratch database, then runs the
night's rules on it (checking/rules.py). Rules that look at earlier files
(duplicates, versions and RF06, RR08, IS09, IS12) see what the last night
published for them in `check_history.duckdb` (dbt_project/models/checking/): the
check never opens the warehouse file a run may hold, never writes the
warehouse, and never waits for a run. With nothing published yet, those rules
see no earlier files; everything else is judged as the night would.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from checking.rules import CompiledRules
from sources.intake import Sighting, ensure_raw_schema, take_in_sightings
from sources.landing import Archive, LandedFile, sha256_of
from sources.limits import IntakeLimits
from sources.readers import all_readers
from warehouse.layout import WarehouseLayout

# What a person is told of each finding, in the order of quality.findings' columns.
FINDING_COLUMNS = (
    "file_sha256",
    "path",
    "row_number",
    "submitter",
    "rule_id",
    "severity",
    "message_th",
    "message_en",
    "column_name",
    "value",
)
# The rules whose findings may change with files that arrive after this one the same night.
RULES_OF_LATER_FILES = ("RR08", "IS12")
# A record that broke a rule on an earlier night, as int_isf_submissions reads it (no such rule id exists).
EARLIER_RECORD_ERROR = "(earlier night)"
_NO_LIMIT = 1 << 62


@dataclass
class FileCheck:
    """What the night would make of one file."""

    path: str  # as named in the landing folder: '<source>/<name>'
    sha256: str
    status: str  # loaded | rejected | superseded | duplicate | already received
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    findings: list[dict] = field(default_factory=list)
    submitter: str | None = None  # as the name says (regional reports)
    period: str | None = None
    version: int | None = None

    @property
    def errors(self) -> list[dict]:
        return [f for f in self.findings if f["severity"] == "error"]

    @property
    def warnings(self) -> list[dict]:
        return [f for f in self.findings if f["severity"] == "warning"]

    @property
    def loads_clean(self) -> bool:
        """True when the whole file would load: not rejected, no row quarantined (warnings allowed)."""
        return self.status in ("loaded", "superseded", "duplicate", "already received") and self.rows_quarantined == 0


@dataclass(frozen=True)
class ToCheck:
    """A file to check, and the name it would have in the landing folder."""

    content: Path
    source: str  # regional_reports | isingleform
    name: str


class Checker:
    """Checks files against the night's rules; one per process, reused (the rules compile once)."""

    def __init__(self, layout: WarehouseLayout, rules: CompiledRules | None = None, limits: IntakeLimits | None = None):
        self.layout = layout
        self.rules = rules or CompiledRules.prepare()
        self.limits = limits or IntakeLimits.from_environment()
        self.readers = {reader.source: reader for reader in all_readers()}

    def check(self, files: list[ToCheck], seen_at: datetime | None = None, history_before: int | None = None) -> list[FileCheck]:
        """The findings of `files` as if they arrived together tonight, after
        everything published. `seen_at` and `history_before` (only earlier
        nights' files numbered below it) replay a night for the tests."""
        seen_at = seen_at or datetime.now(UTC)
        with tempfile.TemporaryDirectory(prefix="diprom-check-") as scratch_dir:
            con = self.rules.scratch(self.layout.warehouse_dir)
            try:
                return self._check(con, files, seen_at, history_before, Path(scratch_dir))
            finally:
                con.close()

    def _check(self, con, files: list[ToCheck], seen_at: datetime, history_before: int | None, scratch_dir: Path) -> list[FileCheck]:
        ensure_raw_schema(con)
        history = _History.attach(con, self.layout.check_history_db, history_before)
        history.load_files()
        archive = Archive(scratch_dir / "archive")
        sightings: dict[str, list[Sighting]] = {}
        for item in sorted(files, key=lambda f: (f.source, f.name)):
            landed = LandedFile(item.content, f"{item.source}/{item.name}", item.content.stat().st_size)
            sightings.setdefault(item.source, []).append(Sighting(landed, sha256_of(item.content), seen_at))
        first_new = con.execute("SELECT coalesce(max(file_seq), 0) + 1 FROM raw.landed_files").fetchall()[0][0]
        for source, reader in self.readers.items():  # in the night's order of sources
            if source in sightings:
                take_in_sightings(con, sightings[source], archive, reader, "check", lambda _: None, self.limits)
        history.load_rows(first_new)
        self.rules.run(con, before={"int_isf_submissions": lambda c: history.load_submissions(first_new, self.rules)})
        results = []
        for source_sightings in sightings.values():
            for sighting in source_sightings:
                results.append(self._outcome(con, history, sighting))
        history.detach()
        return sorted(results, key=lambda r: r.path)

    def _outcome(self, con, history: _History, sighting: Sighting) -> FileCheck:
        path, sha = sighting.landed.path, sighting.sha256
        row = con.execute(
            """SELECT status, rows_read, rows_accepted, rows_quarantined, submitter, period, version FROM quality.files
               WHERE path = ? AND file_sha256 = ?""",
            [path, sha],
        ).fetchall()
        if history.received_before(path, sha) or not row:
            # The same name and content came on an earlier night: the night takes nothing in
            # again, and its findings are those that night published.
            return FileCheck(path, sha, "already received", findings=self._published_findings(path, sha))
        status, rows_read, accepted, quarantined, submitter, period, version = row[0]
        findings = _findings(con, "quality.findings", path, sha)
        return FileCheck(path, sha, status, rows_read, accepted, quarantined, findings, submitter, period, version)

    def _published_findings(self, path: str, sha: str) -> list[dict]:
        try:
            with duckdb.connect(str(self.layout.analytics_db), read_only=True) as con:
                return _findings(con, "quality.findings", path, sha)
        except duckdb.Error:
            return []


def _findings(con, table: str, path: str, sha: str) -> list[dict]:
    cursor = con.execute(
        f"""SELECT {", ".join(FINDING_COLUMNS)} FROM {table} WHERE path = ? AND file_sha256 = ?
            ORDER BY row_number NULLS FIRST, rule_id, column_name, value""",
        [path, sha],
    )
    return [dict(zip(FINDING_COLUMNS, values, strict=False)) for values in cursor.fetchall()]


class _History:
    """What the last night published for the check, attached read-only (or nothing)."""

    def __init__(self, con, attached: bool, before: int | None):
        self.con, self.attached = con, attached
        self.before = _NO_LIMIT if before is None else int(before)  # earlier files are those numbered below

    @classmethod
    def attach(cls, con, path: Path, before: int | None) -> _History:
        if not path.exists():
            return cls(con, False, before)
        try:
            con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS published (READ_ONLY)")
        except duckdb.Error:
            return cls(con, False, before)  # replaced mid-open, or unreadable: judged without history
        return cls(con, True, before)

    def detach(self) -> None:
        if self.attached:
            self.con.execute("DETACH published")

    def load_files(self) -> None:
        """Every earlier file sighting: duplicates, versions and file numbers follow from them."""
        if self.attached:
            self.con.execute(
                "INSERT INTO raw.landed_files BY NAME SELECT * FROM published.checking.received_files WHERE file_seq < ?", [self.before]
            )

    def received_before(self, path: str, sha: str) -> bool:
        if not self.attached:
            return False
        return bool(
            self.con.execute(
                "SELECT count(*) FROM published.checking.received_files WHERE file_seq < ? AND path = ? AND file_sha256 = ?",
                [self.before, path, sha],
            ).fetchall()[0][0]
        )

    def load_rows(self, first_new: int) -> None:
        """The rows of the same submitters' earlier reports (RR08 compares a month with their earlier months)."""
        if not self.attached:
            return
        self.con.execute(
            """INSERT INTO raw.regional_rows BY NAME
                SELECT * FROM published.checking.regional_rows
                WHERE file_seq < ? AND file_seq IN (
                    SELECT file_seq FROM raw.landed_files
                    WHERE file_seq < ? AND submitter IN (SELECT submitter FROM raw.landed_files WHERE file_seq >= ?))""",
            [self.before, first_new, first_new],
        )

    def load_submissions(self, first_new: int, rules: CompiledRules) -> None:
        """Earlier submissions of the same ids (IS09) and the same factories (IS12),
        less their personal fields, as int_isf_submissions reads them: staged, and
        marked where they broke a record rule."""
        if not self.attached:
            return
        staged, record_errors = rules.relation("stg_isf_submissions"), rules.relation("int_isf_record_errors")
        self.con.execute(
            f"""CREATE TEMP TABLE earlier_submissions AS
                SELECT * FROM published.checking.isf_submissions
                WHERE file_seq < ? AND (
                    submission_id IN (SELECT submission_id FROM {staged} WHERE file_seq >= ?)
                    OR factory_id IN (SELECT factory_id FROM {staged} WHERE file_seq >= ?))""",
            [self.before, first_new, first_new],
        )
        staged_columns = [
            c
            for (c,) in self.con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = 'stg_isf_submissions'"
                " AND column_name IN (SELECT column_name FROM duckdb_columns() WHERE table_name = 'earlier_submissions')"
            ).fetchall()
        ]
        columns = ", ".join(f'"{c}"' for c in staged_columns)
        self.con.execute(f"INSERT INTO {staged} ({columns}) SELECT {columns} FROM earlier_submissions")
        self.con.execute(
            f"""INSERT INTO {record_errors} (file_seq, record_number, rule_id)
                SELECT file_seq, record_number, ? FROM earlier_submissions WHERE breaks_record_rules""",
            [EARLIER_RECORD_ERROR],
        )
