"""The landing folder and the archive: what arrived, by content.

The landing folder belongs to the submitters: it is only ever read. Every
content the warehouse takes in is first copied to the archive under its
SHA-256, so the warehouse can be rebuilt from the archive alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_CHUNK = 1 << 20


@dataclass(frozen=True)
class LandedFile:
    """One file as found in the landing folder."""

    absolute_path: Path
    path: str  # relative to the source's landing root's parent, '/'-separated
    size_bytes: int


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """Every regular file under `landing_dir/source`, in path order.

    Symbolic links are not followed: a link could point anywhere on the
    machine, and the landing folder is the only place submitters may write.
    """
    root = landing_dir / source
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in filenames:
            absolute = Path(dirpath) / name
            if absolute.is_symlink() or not absolute.is_file():
                continue
            relative = absolute.relative_to(landing_dir).as_posix()
            found.append(LandedFile(absolute, relative, absolute.stat().st_size))
    return sorted(found, key=lambda f: f.path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Archive:
    """Content-addressed copies of every file received, plus a manifest of
    first sightings (path, source, time) in the order they were seen."""

    def __init__(self, root: Path):
        self.root = root
        self.manifest = root / "manifest.jsonl"

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def keep(self, source_file: Path, sha256: str) -> Path:
        """Copy a content into the archive once; safe to repeat after a crash."""
        target = self.path_for(sha256)
        if target.exists() and sha256_of(target) == sha256:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside and rename, so a crash never leaves half a copy under the hash.
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp, source_file.open("rb") as src:
            while chunk := src.read(_CHUNK):
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        if sha256_of(target) != sha256:
            target.unlink()
            raise ValueError(f"{source_file} changed while it was being archived")
        return target

    def sightings(self) -> Iterator[dict]:
        """The manifest's entries in first-seen order. A line cut short by a crash
        mid-append is not a sighting; a repeated line is returned again."""
        if not self.manifest.exists():
            return
        with self.manifest.open(encoding="utf-8") as handle:
            for line in handle:
                if line.endswith("\n"):
                    yield json.loads(line)

    def record_sighting(self, sha256: str, path: str, source: str, seen_at: datetime) -> None:
        """Append a sighting to the manifest; a rebuild replays it in order.

        A crash may repeat a line; readers keep the first sighting of each
        (path, sha256) pair."""
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"sha256": sha256, "path": path, "source": source, "seen_at": seen_at.isoformat()}, ensure_ascii=False)
        with self.manifest.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class ContentHashCache:
    """SHA-256 of landing files, remembered by (path, size, mtime) so that a
    watcher looking every few minutes re-reads only what changed."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}

    def sha256(self, landed: LandedFile) -> str:
        stat = landed.absolute_path.stat()
        key = (str(landed.absolute_path), stat.st_size, stat.st_mtime_ns)
        if key not in self._known:
            self._known[key] = sha256_of(landed.absolute_path)
        return self._known[key]


def archived_contents(archive_dir: Path) -> set[str]:
    """Every content the intake has taken in, from the archive's manifest."""
    return {entry["sha256"] for entry in Archive(archive_dir).sightings()}


def new_contents(landing_dir: Path, archive_dir: Path, sources: list[str], cache: ContentHashCache) -> dict[str, str]:
    """Contents in the landing folder that the archive has not seen: sha256 -> first path.

    Only new *contents* count: a file dropped again with the same bytes, under
    any name, starts nothing (the nightly load still records its sighting)."""
    seen = archived_contents(archive_dir)
    new: dict[str, str] = {}
    for source in sources:
        for landed in discover(landing_dir, source):
            try:
                sha = cache.sha256(landed)
            except OSError:
                continue  # gone or unreadable between listing and reading: the next look sees it
            if sha not in seen:
                new.setdefault(sha, landed.path)
    return new
