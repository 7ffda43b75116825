"""Personal data at rest is the warehouse account's alone (warehouse/private_files.py):
after the contract's examples' nights, started with the umask 000 (tests/conftest.py
examples_runs), every path under WAREHOUSE_DIR and DAGSTER_HOME has its mode, and
another local account cannot open the internal warehouse or an archived copy but
can query analytics.duckdb read-only."""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import stat
import subprocess
from pathlib import Path

import pytest

from warehouse.private_files import tighten

pytestmark = pytest.mark.e2e

# What others read, said here independently of warehouse/private_files.py.
SHARED_FILES = {"analytics.duckdb", "check_history.duckdb"}  # nothing personal in either
SHARED_FOLDERS = {"reports/quality", "reports/kpi", "reports/dbt-docs"}
OTHER_ACCOUNT = "diprom-other"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def expected_mode(warehouse: Path, path: Path) -> int:
    relative = path.relative_to(warehouse).as_posix()
    if relative == ".":
        return 0o711
    if relative == "reports":
        return 0o755
    # each set of exports (issue 22) is published for analysts
    shared = (
        relative.startswith(".exports-")
        or relative in SHARED_FILES
        or any(relative == f or relative.startswith(f + "/") for f in SHARED_FOLDERS)
    )
    if path.is_dir():
        return 0o755 if shared else 0o700
    return 0o644 if shared else 0o600


def test_every_path_has_its_mode_after_nights_started_with_umask_000(examples_runs):
    analytics, _, _ = examples_runs
    warehouse, dagster_home = analytics.parent, analytics.parent.parent / "dagster_home"
    paths = [warehouse, *warehouse.rglob("*")]
    relative = {p.relative_to(warehouse).as_posix() for p in paths}
    # the places the issue names, so that the check covers them
    for expected in ("warehouse.duckdb", "pii.key", "archive/manifest.jsonl", "dbt/run_results.json", "gx", "reports/gx/index.html",
                     "reports/quality/index.html", "reports/kpi/index.html", "reports/dbt-docs/index.html", "tmp/duckdb"):  # fmt: skip
        assert expected in relative, expected
    wrong = {
        p.relative_to(warehouse).as_posix(): oct(mode(p)) for p in paths if not p.is_symlink() and mode(p) != expected_mode(warehouse, p)
    }
    assert wrong == {}
    home_paths = [dagster_home, *dagster_home.rglob("*")]
    assert any(p.suffix == ".db" for p in home_paths) and any("compute_logs" in p.parts for p in home_paths)
    wrong = {str(p.relative_to(dagster_home)): oct(mode(p)) for p in home_paths if mode(p) != (0o700 if p.is_dir() else 0o600)}
    assert wrong == {}
    # What the umask 000 left open before the run could set its own (Dagster's storage, the folders) is said once.
    said = (analytics.parent.parent / "cli_output.txt").read_text(encoding="utf-8")
    assert re.search(r"run summary \| .*tightened [1-9]\d* paths to owner-only", said)
    assert "run summary | " in said and "warehouse.duckdb is not encrypted" in said and "archive not encrypted" in said


def test_an_open_warehouse_is_tightened_once(tmp_path):
    warehouse, home = tmp_path / "warehouse", tmp_path / "dagster_home"
    for folder in (warehouse / "archive" / "ab", warehouse / "reports" / "kpi", home / "history"):
        folder.mkdir(parents=True)
    for file in (warehouse / "warehouse.duckdb", warehouse / "archive" / "ab" / "ab12", warehouse / "analytics.duckdb",
                 warehouse / "reports" / "kpi" / "index.html", home / "history" / "runs.db"):  # fmt: skip
        file.write_text("x")
    for path in (warehouse, *warehouse.rglob("*"), home, *home.rglob("*")):
        path.chmod(0o777 if path.is_dir() else 0o666)
    assert len(tighten(warehouse, home)) == 12
    assert tighten(warehouse, home) == []
    assert mode(warehouse / "archive" / "ab" / "ab12") == 0o600 and mode(warehouse / "archive") == 0o700
    assert mode(warehouse / "analytics.duckdb") == 0o644 and mode(warehouse / "reports" / "kpi") == 0o755
    assert mode(warehouse) == 0o711 and mode(home / "history" / "runs.db") == 0o600


def as_other_account(uid: int, gid: int, work) -> dict:
    """`work()` in a child process that has become the other account (fork, then setuid:
    the account cannot run this environment's Python, which lives under /root)."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            signal.alarm(60)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            result = work()
        except BaseException as error:
            result = {"error": repr(error)}
        os.write(write_end, json.dumps(result).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    os.waitpid(child, 0)
    return json.loads(text)


def can_open(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except PermissionError:
        return "refused"
    return "opened"


@pytest.fixture
def other_account():
    if os.geteuid() != 0:
        pytest.skip("creating a second local account needs root (CI runs as root)")
    created = False
    try:
        pwd.getpwnam(OTHER_ACCOUNT)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_ACCOUNT], check=True)
        created = True
    account = pwd.getpwnam(OTHER_ACCOUNT)
    yield account.pw_uid, account.pw_gid
    if created:
        subprocess.run(["userdel", OTHER_ACCOUNT], check=True)


def test_another_account_reads_only_the_analysts_copy(examples_runs, other_account):
    analytics, _, _ = examples_runs
    warehouse = analytics.parent
    archived = next(p for p in (warehouse / "archive").rglob("*") if p.is_file() and p.name != "manifest.jsonl")
    # pytest's own temporary folders are owner-only: let the account walk (not list) down to the warehouse,
    # as a deployment's parent folders would.
    ancestors = [a for a in warehouse.parents if a != Path("/") and a.stat().st_uid == os.geteuid()]
    before = {a: mode(a) for a in ancestors}
    for ancestor in ancestors:
        ancestor.chmod(before[ancestor] | 0o001)

    def attempts() -> dict:
        import duckdb

        with duckdb.connect(str(analytics), read_only=True) as con:
            [(rows,)] = con.execute("SELECT count(*) FROM quality.files").fetchall()
        return {
            "warehouse": can_open(warehouse / "warehouse.duckdb"),
            "archived": can_open(archived),
            "pii.key": can_open(warehouse / "pii.key"),
            "report": can_open(warehouse / "reports" / "quality" / "index.html"),
            "analytics rows": rows,
        }

    try:
        seen = as_other_account(*other_account, attempts)
    finally:
        for ancestor, old in before.items():
            ancestor.chmod(old)
    assert seen.get("error") is None, seen
    assert seen["warehouse"] == seen["archived"] == seen["pii.key"] == "refused"
    assert seen["report"] == "opened" and seen["analytics rows"] > 0
