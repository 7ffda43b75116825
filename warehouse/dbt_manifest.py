"""The dbt project's manifest, which Dagster needs to list the dbt assets.

The manifest describes the project only (never a warehouse): it is parsed again
when a model, macro, seed or setting changed after it was written, once, by
whichever process needs it first (a run and the sensor's code server may load
the definitions at the same moment).
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

PROJECT_FILES = ("models", "macros", "seeds", "tests", "analyses")


def manifest_is_stale(project_dir: Path, manifest_path: Path) -> bool:
    """True when the manifest is missing or older than a file of the project."""
    if not manifest_path.exists():
        return True
    built = manifest_path.stat().st_mtime
    files = [*project_dir.glob("*.yml")]
    for folder in PROJECT_FILES:
        files.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in files)


def ensure_manifest(project_dir: Path, manifest_path: Path, parse: Callable[[], None]) -> None:
    """Run `parse` when the manifest is stale, one process at a time."""
    if not manifest_is_stale(project_dir, manifest_path):
        return
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest_path.parent / "parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest_is_stale(project_dir, manifest_path):  # another process may have parsed while we waited
            parse()
        if manifest_is_stale(project_dir, manifest_path):  # else every process would parse again, and list stale assets
            raise RuntimeError(f"dbt parse did not write {manifest_path}")
