"""Who may read what the warehouse writes: its own account, except what is published.

Everything under `$WAREHOUSE_DIR` and `DAGSTER_HOME` can hold personal data
(the internal warehouse and its WAL, the archive, dbt's compiled SQL and logs,
GX's results, Dagster's event logs and compute logs, DuckDB's spill files), so
it is created owner-only (files 0600, folders 0700) by running the night under
the umask 077, whatever the umask of whoever started it. What is meant for
others (`analytics.duckdb`, the reports for officials, exports) is made
readable explicitly, never by a loose umask.

`$WAREHOUSE_DIR` itself is 0711: others may open the published files by name
but not list the folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

OWNER_FILE, OWNER_DIR = 0o600, 0o700
SHARED_FILE, SHARED_DIR = 0o644, 0o755
TRAVERSE_ONLY_DIR = 0o711
OWNER_ONLY_UMASK = 0o077

# Relative to $WAREHOUSE_DIR: what analysts and officials read. Everything else is the warehouse's own.
# (reports/gx is not here: GX's Data Docs show examples of failing values, from staging tables too.)
# Each set of exports is a folder `.exports-<time>` that the link `exports` names (warehouse/exports.py).
EXPORT_SET_PREFIX = ".exports-"
PUBLISHED = ("analytics.duckdb", "check_history.duckdb", "reports/quality", "reports/kpi", "reports/dbt-docs", "exports")
# Folders others pass through to reach what is published.
PASSAGES = {"": TRAVERSE_ONLY_DIR, "reports": SHARED_DIR}


@contextmanager
def owner_only_umask() -> Iterator[None]:
    """Everything created meanwhile, by this process and the processes it starts, is owner-only."""
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_dir(path: Path) -> Path:
    """A folder (and its missing parents) readable by this account only, whatever the umask."""
    path.mkdir(parents=True, exist_ok=True, mode=OWNER_DIR)
    if stat.S_IMODE(path.stat().st_mode) != OWNER_DIR:
        path.chmod(OWNER_DIR)
    return path


def private_file(path: Path) -> int:
    """A new file readable by this account only, opened for writing (a descriptor); fails if it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_FILE)
    os.fchmod(descriptor, OWNER_FILE)  # O_CREAT's mode is cut by the umask, never widened: make it exact
    return descriptor


def share_readable(path: Path) -> list[Path]:
    """A published file, or a published folder and all in it, readable by every account (not writable)."""
    return [p for p in _walk(path) if _set_mode(p, SHARED_DIR if p.is_dir() else SHARED_FILE)]


def share_published(warehouse_dir: Path, path: Path) -> list[Path]:
    """A published path under $WAREHOUSE_DIR readable by every account, and the folders
    on the way to it passable (written the first time under the owner-only umask)."""
    passages = [warehouse_dir / folder for folder in path.relative_to(warehouse_dir).parents]
    opened = [p for p in passages if _set_mode(p, wanted_mode(warehouse_dir, p))]
    return opened + share_readable(path)


def wanted_mode(warehouse_dir: Path, path: Path) -> int:
    """The mode a path under $WAREHOUSE_DIR should have."""
    relative = path.relative_to(warehouse_dir).as_posix()
    relative = "" if relative == "." else relative
    if relative in PASSAGES:
        return PASSAGES[relative]
    top = relative.split("/", 1)[0]
    published = top.startswith(EXPORT_SET_PREFIX) or any(relative == p or relative.startswith(p + "/") for p in PUBLISHED)
    if path.is_dir():
        return SHARED_DIR if published else OWNER_DIR
    return SHARED_FILE if published else OWNER_FILE


def tighten(warehouse_dir: Path, dagster_home: Path | None) -> list[Path]:
    """Give every existing path under $WAREHOUSE_DIR and DAGSTER_HOME its mode (see the module);
    returns the paths changed. Symbolic links are left alone (their mode means nothing)."""
    changed = []
    if warehouse_dir.is_dir():
        changed += [p for p in _walk(warehouse_dir) if _set_mode(p, wanted_mode(warehouse_dir, p))]
    if dagster_home is not None and dagster_home.is_dir():
        changed += [p for p in _walk(dagster_home) if _set_mode(p, OWNER_DIR if p.is_dir() else OWNER_FILE)]
    return changed


def _walk(root: Path) -> Iterator[Path]:
    if root.is_symlink() or not root.exists():
        return
    yield root
    if not root.is_dir():
        return
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        for name in (*dirnames, *filenames):
            path = Path(folder) / name
            if not path.is_symlink():
                yield path


def _set_mode(path: Path, mode: int) -> bool:
    try:
        current = stat.S_IMODE(os.lstat(path).st_mode)
        if current == mode:
            return False
        os.chmod(path, mode)  # never a link: _walk leaves links out, and only the warehouse writes here
    except FileNotFoundError:
        return False  # gone meanwhile (a temporary file)
    return True
