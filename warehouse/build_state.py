"""What the last successful dbt build of a warehouse built: which project, and
files up to which `file_seq`. Plain functions, no Dagster.

The incremental i-Single Form models (dbt_project/macros/incremental.sql) take
the records of files after the last build's `built_through_file_seq`. That is
sound because raw is append-only and file_seq only grows, and only while the
models are what built the tables: a project whose models, macros, seeds or
settings changed, or another dbt or DuckDB, is built with `--full-refresh`;
so is a warehouse whose owner-id key was rotated (every owner key in
`marts.factory_month` changes with it).
The state lives in the warehouse file itself (`build_state.dbt_builds`, one row
per successful build), so a restored or rebuilt warehouse carries its own.

The Great Expectations suites follow the same watermark: after a validation
that passed, `build_state.gx_validations` records the build it validated, and
the next night validates the rows of the tables that grow with history only
for the files after it (expectations/new_rows.py). A validation that failed or
never finished records nothing, so its rows are validated again; a full build
rewrites every row, so the first validation after it validates everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from sources.pii import key_fingerprint, load_or_create_key
from warehouse import duckdb_settings
from warehouse.layout import WarehouseLayout

# What decides the tables dbt builds (tests and analyses only read them).
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds")
BUILDING_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


def project_fingerprint(project_dir: Path) -> str:
    """SHA-256 of every file that decides what dbt builds, with its path, and of the
    versions of the packages that build it."""
    digest = hashlib.sha256()
    for package in BUILDING_PACKAGES:
        digest.update(f"{package}=={version(package)}\n".encode())
    files = []
    for part in PROJECT_PARTS:
        path = project_dir / part
        files.extend([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()))
    for path in files:
        digest.update(path.relative_to(project_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_fingerprint(project_dir: Path, owner_key_fingerprint: str) -> str:
    """The project's fingerprint and that of the key the warehouse hashes owner ids
    with (sources/pii.py key_fingerprint; never the key itself)."""
    return hashlib.sha256(f"{project_fingerprint(project_dir)}\n{owner_key_fingerprint}".encode()).hexdigest()


def last_built_project(warehouse_db: Path) -> str | None:
    """The fingerprint of the project of the last successful build; None before the first."""
    return _first_value(
        warehouse_db, "build_state", "dbt_builds",
        "SELECT project_fingerprint FROM build_state.dbt_builds ORDER BY built_through_file_seq DESC, built_at DESC LIMIT 1",
    )  # fmt: skip


def _first_value(warehouse_db: Path, schema: str, table: str, sql: str):
    """The first value `sql` returns, None if the warehouse or the table it reads is not there yet."""
    if not warehouse_db.exists():
        return None
    # Read-only, and closed before dbt starts: dbt refuses a file another process holds.
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        [(exists,)] = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, table]
        ).fetchall()
        rows = con.execute(sql).fetchall() if exists else []
    return rows[0][0] if rows else None


def needs_full_refresh(warehouse_db: Path, fingerprint: str) -> bool:
    return last_built_project(warehouse_db) != fingerprint


@dataclass(frozen=True)
class BuildPlan:
    """What tonight's dbt build rebuilds: the whole warehouse, or the i-Single Form
    models for the files taken in since the last build."""

    fingerprint: str
    full_refresh: bool

    @property
    def dbt_args(self) -> list[str]:
        # One invocation per run: dbt's start-up is paid once. The rules' unit tests
        # judge the SQL, not the night's data: tests/test_dbt_unit_tests.py runs them.
        build = ["build", "--exclude", "test_type:unit"]
        return [*build, "--full-refresh"] if self.full_refresh else build

    @property
    def reason(self) -> str:
        if self.full_refresh:
            return "dbt build: the whole warehouse (first build, or the project, dbt or the owner-id key changed)"
        return "dbt build: i-Single Form models for the files taken in since the last build"


def plan_build(layout: WarehouseLayout, project_dir: Path) -> BuildPlan:
    fingerprint = build_fingerprint(project_dir, key_fingerprint(load_or_create_key(layout.warehouse_dir)))
    return BuildPlan(fingerprint, needs_full_refresh(layout.warehouse_db, fingerprint))


def record_build(warehouse_db: Path, fingerprint: str, full_refresh: bool) -> int:
    """After dbt succeeded: every file taken in so far is built. Returns that watermark.
    (Nothing writes raw while dbt builds: the nightly run is the warehouse's one writer.)"""
    with duckdb_settings.connect(warehouse_db) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS build_state")
        con.execute(
            """CREATE TABLE IF NOT EXISTS build_state.dbt_builds (
                    built_at TIMESTAMPTZ NOT NULL,
                    project_fingerprint VARCHAR NOT NULL,
                    full_refresh BOOLEAN NOT NULL,
                    built_through_file_seq BIGINT NOT NULL)"""
        )
        [(watermark,)] = con.execute("SELECT coalesce(max(file_seq), 0) FROM raw.landed_files").fetchall()
        con.execute("INSERT INTO build_state.dbt_builds VALUES (?, ?, ?, ?)", [datetime.now(UTC), fingerprint, full_refresh, watermark])
    return watermark


@dataclass(frozen=True)
class ValidationScope:
    """What tonight's validation must cover: the rows of files after `since`
    (0: every row), in the warehouse the last build (`build_at`, through file
    `through`) left."""

    since: int
    through: int
    build_at: datetime | None  # None: never built

    @property
    def everything(self) -> bool:
        return self.since == 0


def validation_scope(warehouse_db: Path) -> ValidationScope:
    """The files after the last validation that passed, unless a full build came after it."""
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'build_state'").fetchall()}
        if "dbt_builds" not in tables:
            return ValidationScope(since=0, through=0, build_at=None)
        [(through, build_at, last_full_build_at)] = con.execute(
            """SELECT coalesce(max(built_through_file_seq), 0), max(built_at), max(built_at) FILTER (WHERE full_refresh)
               FROM build_state.dbt_builds"""
        ).fetchall()
        since = 0
        if "gx_validations" in tables:
            [(since,)] = con.execute(
                """SELECT coalesce(max(validated_through_file_seq), 0) FROM build_state.gx_validations
                   WHERE build_at >= coalesce(?, build_at)""",
                [last_full_build_at],
            ).fetchall()
    return ValidationScope(since=min(since, through), through=through, build_at=build_at)


def record_validation(warehouse_db: Path, scope: ValidationScope) -> None:
    """After a validation that passed: every row of the files through `scope.through` is validated."""
    if scope.build_at is None:
        return  # nothing built, nothing to carry to the next night
    with duckdb_settings.connect(warehouse_db) as con:
        con.execute(
            """CREATE TABLE IF NOT EXISTS build_state.gx_validations (
                    validated_at TIMESTAMPTZ NOT NULL,
                    build_at TIMESTAMPTZ NOT NULL,
                    validated_from_file_seq BIGINT NOT NULL,
                    validated_through_file_seq BIGINT NOT NULL)"""
        )
        con.execute(
            "INSERT INTO build_state.gx_validations VALUES (?, ?, ?, ?)", [datetime.now(UTC), scope.build_at, scope.since, scope.through]
        )
