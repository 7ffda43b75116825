"""The landing folder and the archive: what arrived, by content.

The landing folder belongs to the submitters: it is only ever read. Every
content the warehouse takes in is first copied to the archive under its
SHA-256, so the warehouse can be rebuilt from the archive alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_CHUNK = 1 << 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandedFile:
    """One file as found in the landing folder."""

    absolute_path: Path
    path: str  # relative to the landing folder, '/'-separated, readable text
    size_bytes: int
    modified_ns: int = 0


class NotARegularFile(OSError):
    """The path no longer names a regular file (replaced by a link, a pipe, ...)."""


def open_regular(path: Path):
    """Open a landing file for reading without following a symbolic link and
    without blocking on a named pipe put where a file was listed."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotARegularFile(f"{path} is not a regular file")
    return os.fdopen(fd, "rb")


def readable_path(relative: str) -> str:
    """A landing path as text the warehouse can store and people can read.

    Names that are not UTF-8 (Thai names written by Windows tools are often
    cp874) reach Python with undecodable bytes escaped; they are decoded as
    cp874 where that works and shown with U+FFFD where nothing does."""
    try:
        relative.encode("utf-8")
        return relative
    except UnicodeEncodeError:
        raw = os.fsencode(relative)
    try:
        return raw.decode("cp874")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """Every regular file under `landing_dir/source`, in path order.

    Symbolic links are not followed, neither to files nor to folders, and a
    source folder that is itself a link is not read: a link could point
    anywhere on the machine, and the landing folder is the only place
    submitters may write. Pipes, sockets and devices are not files.
    """
    root = landing_dir / source
    if root.is_symlink():
        log.warning("%s is a symbolic link; it is not read", root)
        return []
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in filenames:
            absolute = Path(dirpath) / name
            try:
                info = os.lstat(absolute)
            except OSError:
                continue  # gone between listing and looking: the next run sees what is there
            if not stat.S_ISREG(info.st_mode):
                continue
            relative = readable_path(absolute.relative_to(landing_dir).as_posix())
            found.append(LandedFile(absolute, relative, info.st_size, info.st_mtime_ns))
    return sorted(found, key=lambda f: f.path)


def settled(files: list[LandedFile], settle_seconds: float, clock=time.time, sleep=time.sleep) -> tuple[list[LandedFile], list[LandedFile]]:
    """(files to read now, files still being written).

    A file is read only if its size and modification time are the same at two
    looks at least `settle_seconds` after its last change; one still growing
    is left for the next run rather than read half. The wait is paid once per
    run, and only when something changed that recently."""
    if not files:
        return [], []
    newest_change = max(f.modified_ns for f in files) / 1e9
    quiet_for = clock() - newest_change
    if quiet_for < settle_seconds:
        sleep(settle_seconds - max(quiet_for, 0.0))
    ready, arriving = [], []
    for landed in files:
        try:
            info = os.lstat(landed.absolute_path)
        except OSError:
            continue  # gone: nothing to read, nothing lost
        unchanged = stat.S_ISREG(info.st_mode) and (info.st_size, info.st_mtime_ns) == (landed.size_bytes, landed.modified_ns)
        (ready if unchanged else arriving).append(landed)
    return ready, arriving


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ContentChanged(Exception):
    """A landing file's bytes changed between hashing and archiving: still being written."""


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
        try:
            source = open_regular(source_file)
        except OSError as error:
            raise ContentChanged(f"{source_file} is gone or no longer a regular file: {error}") from None
        # The copy is hashed as it is written (not read back: a third pass over
        # every byte), and only a copy of exactly the content seen takes its name.
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp, source as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        if digest.hexdigest() != sha256:
            os.unlink(tmp.name)
            raise ContentChanged(f"{source_file} changed while it was being archived")
        os.replace(tmp.name, target)
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
        info = os.lstat(landed.absolute_path)
        key = (str(landed.absolute_path), info.st_size, info.st_mtime_ns)
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
