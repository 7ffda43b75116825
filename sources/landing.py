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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warehouse.archive_cipher import (
    KEY_FILE_VARIABLE,
    KEY_VARIABLE,
    ArchiveKey,
    ArchiveKeyError,
    TamperedArchive,
    decrypt_chunks,
    encrypt_chunks,
    plaintext_size,
)
from warehouse.private_files import private_dir

ENCRYPTED_SUFFIX = ".enc"
_CHUNK = 1 << 20
# A file's hash is remembered against its signature only if its last change is
# at least this much older than the look: a write within the same tick of the
# file system's clock (coarse on some, 2 s on FAT) could otherwise leave the
# signature of a content that is no longer there.
SETTLED_SIGNATURE_NS = 5 * 10**9
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandedFile:
    """One file as found in the landing folder."""

    absolute_path: Path
    path: str  # relative to the landing folder, '/'-separated, readable text
    size_bytes: int
    modified_ns: int = 0
    changed_ns: int = 0  # st_ctime: only the kernel sets it, to its clock, at every write, rename or link
    inode: int = 0
    device: int = 0

    @classmethod
    def from_stat(cls, absolute_path: Path, path: str, info: os.stat_result) -> LandedFile:
        return cls(absolute_path, path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)

    @property
    def signature(self) -> str:
        """What changes whenever the content does: size, modification and change
        times, inode and device (a file replaced by another is another inode)."""
        return f"{self.size_bytes}:{self.modified_ns}:{self.changed_ns}:{self.inode}:{self.device}"


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
        # the folder's part of each path once, not per file: the folder holds every year received
        folder, prefix = Path(dirpath), Path(dirpath).relative_to(landing_dir).as_posix() + "/"
        for name in filenames:
            try:
                info = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue  # gone between listing and looking: the next run sees what is there
            if not stat.S_ISREG(info.st_mode):
                continue
            absolute, relative = folder / name, readable_path(prefix + name)
            found.append(LandedFile.from_stat(absolute, relative, info))
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
    with open_regular(path) as handle:
        return _sha256_of_handle(handle)


def _sha256_of_handle(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_of_listed(landed: LandedFile, looked_at_ns: int) -> tuple[str, bool]:
    """(SHA-256 of the file, whether that hash may be remembered against its signature).

    It may when the file opened is the one listed, with the signature listed,
    unchanged from before the first byte read to after the last, and last changed
    SETTLED_SIGNATURE_NS before `looked_at_ns` (a time taken before the listing):
    any later write gives the file another change time, so the same signature
    means the same content."""
    with open_regular(landed.absolute_path) as handle:
        before = LandedFile.from_stat(landed.absolute_path, landed.path, os.fstat(handle.fileno())).signature
        sha256 = _sha256_of_handle(handle)
        after = LandedFile.from_stat(landed.absolute_path, landed.path, os.fstat(handle.fileno())).signature
    steady = before == after == landed.signature and landed.changed_ns <= looked_at_ns - SETTLED_SIGNATURE_NS
    return sha256, steady


class ContentChanged(Exception):
    """A landing file's bytes changed between hashing and archiving: still being written."""


class Archive:
    """Content-addressed copies of every file received, plus a manifest of
    first sightings (path, source, time) in the order they were seen.

    With an archive key (warehouse/archive_cipher.py) copies are written
    encrypted, as `<sha256>.enc`; without one, as plain `<sha256>`, as before.
    Every read of a copy goes through `chunks` (or `plaintext`, for readers that
    need a path), so an encrypted copy is authenticated wherever it is read."""

    def __init__(
        self, root: Path, key: ArchiveKey | None = None, other_keys: tuple[ArchiveKey, ...] = (), plaintext_dir: Path | None = None
    ):
        self.root = root
        self.manifest = root / "manifest.jsonl"
        self.key = key
        self.read_keys = [k for k in (key, *other_keys) if k is not None]
        # owner-only, inside the warehouse (`$WAREHOUSE_DIR/tmp/plaintext`), emptied at each intake
        self.plaintext_dir = plaintext_dir or root.parent / "tmp" / "plaintext"

    def plain_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def encrypted_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / (sha256 + ENCRYPTED_SUFFIX)

    def path_for(self, sha256: str) -> Path:
        """Where the copy of a content is stored (encrypted if it exists so, else plain)."""
        encrypted = self.encrypted_path(sha256)
        return encrypted if encrypted.exists() else self.plain_path(sha256)

    def contents(self) -> Iterator[str]:
        """The SHA-256 of every stored copy."""
        if not self.root.is_dir():
            return
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and len(p.name) == 2):
            for copy in sorted(folder.iterdir()):
                name = copy.name.removesuffix(ENCRYPTED_SUFFIX)
                if len(name) == 64 and not copy.name.startswith("."):
                    yield name

    def content_size(self, sha256: str) -> int:
        stored = self.path_for(sha256)
        size = stored.stat().st_size
        return plaintext_size(size) if stored.name.endswith(ENCRYPTED_SUFFIX) else size

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The content of a stored copy: the one way the archive is read. An encrypted
        copy is authenticated chunk by chunk; a tampered one raises TamperedArchive."""
        stored = self.path_for(sha256)
        with open(stored, "rb") as handle:
            if stored.name.endswith(ENCRYPTED_SUFFIX):
                if not self.read_keys:
                    raise ArchiveKeyError(
                        f"สำเนา {stored} เข้ารหัสไว้ ต้องตั้ง {KEY_FILE_VARIABLE} หรือ {KEY_VARIABLE} · "
                        f"{stored} is encrypted: set {KEY_FILE_VARIABLE} or {KEY_VARIABLE}"
                    )
                yield from decrypt_chunks(handle, self.read_keys, sha256, str(stored))
            else:
                while chunk := handle.read(_CHUNK):
                    yield chunk

    @contextmanager
    def plaintext(self, sha256: str) -> Iterator[Path]:
        """A path holding the content, for readers that open files: the copy itself if
        plain; else an owner-only decrypted copy under `plaintext_dir`, deleted after."""
        stored = self.path_for(sha256)
        if not stored.name.endswith(ENCRYPTED_SUFFIX):
            yield stored
            return
        descriptor, name = tempfile.mkstemp(dir=private_dir(self.plaintext_dir))  # mkstemp: mode 0600
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in self.chunks(sha256):
                    handle.write(chunk)
            yield Path(name)
        finally:
            os.unlink(name)

    def forget_plaintext(self) -> None:
        """Decrypted copies left by a night that was killed while reading."""
        if self.plaintext_dir.is_dir():
            for leftover in self.plaintext_dir.iterdir():
                leftover.unlink(missing_ok=True)

    def verify(self, sha256: str) -> None:
        """Read a stored copy whole; TamperedArchive unless it is exactly the content of its name."""
        digest = hashlib.sha256()
        for chunk in self.chunks(sha256):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise TamperedArchive(f"{self.path_for(sha256)}: its content does not have the SHA-256 of its name")

    def holds(self, sha256: str) -> bool:
        """True if a copy of this content is stored and reads back as exactly it."""
        if not self.path_for(sha256).exists():
            return False
        try:
            self.verify(sha256)
        except TamperedArchive:
            return False
        return True

    def keep(self, source_file: Path, sha256: str, source_archive: Archive | None = None) -> Path:
        """Copy a content into the archive once; safe to repeat after a crash.
        `source_archive`: the content is read from that archive (a rebuild), not from `source_file`."""
        if self.holds(sha256):
            return self.path_for(sha256)
        target = self.encrypted_path(sha256) if self.key else self.plain_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source_archive is not None:
            content = source_archive.chunks(sha256)
        else:
            try:
                source = open_regular(source_file)
            except OSError as error:
                raise ContentChanged(f"{source_file} is gone or no longer a regular file: {error}") from None
            content = _chunks_of(source)
        # The copy is hashed as it is written (not read back: a third pass over
        # every byte), and only a copy of exactly the content seen takes its name.
        digest = hashlib.sha256()

        def hashed() -> Iterator[bytes]:
            for chunk in content:
                digest.update(chunk)
                yield chunk

        written = encrypt_chunks(hashed(), self.key, sha256) if self.key else hashed()
        # Write beside and rename, so a crash never leaves half a copy under the hash.
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            for chunk in written:
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        if digest.hexdigest() != sha256:
            os.unlink(tmp.name)
            raise ContentChanged(f"{source_file} changed while it was being archived")
        os.replace(tmp.name, target)
        if self.key:
            self.plain_path(sha256).unlink(missing_ok=True)  # a damaged plain copy, now replaced
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


def _chunks_of(handle) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _remembered_landing_hashes(file: Path) -> dict[str, tuple[str, str]]:
    """path -> (signature, SHA-256), as `new_contents` last kept them; none if missing or damaged."""
    try:
        stored = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        path: (known[0], known[1])
        for path, known in stored.items()
        if isinstance(known, list) and len(known) == 2 and all(isinstance(value, str) for value in known)
    }


def _keep_landing_hashes(file: Path, hashes: dict[str, tuple[str, str]]) -> None:
    private_dir(file.parent)  # landing paths are submitters' file names: the warehouse's own
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=file.parent, delete=False) as partial:  # created 0600
        json.dump({path: list(known) for path, known in sorted(hashes.items())}, partial)
    os.replace(partial.name, file)


def archived_contents(archive_dir: Path) -> set[str]:
    """Every content the intake has taken in, from the archive's manifest."""
    return {entry["sha256"] for entry in Archive(archive_dir).sightings()}


def new_contents(
    landing_dir: Path, archive_dir: Path, sources: list[str], hashes_file: Path, clock: Callable[[], int] = time.time_ns
) -> dict[str, str]:
    """Contents in the landing folder that the archive has not seen: sha256 -> first path.

    Only new *contents* count: a file dropped again with the same bytes, under
    any name, starts nothing (the nightly load still records its sighting).
    A file is read only if its signature is not the one remembered for its path in
    `hashes_file`, by the intake's own rule (sha256_of_listed): a watcher looking
    every few minutes, restarted or not, reads what changed, not the whole folder."""
    seen = archived_contents(archive_dir)
    looked_at_ns = clock()
    remembered = _remembered_landing_hashes(hashes_file)
    kept: dict[str, tuple[str, str]] = {}
    new: dict[str, str] = {}
    for source in sources:
        for landed in discover(landing_dir, source):
            signature, sha = remembered.get(landed.path, ("", ""))
            if signature != landed.signature:
                try:
                    sha, steady = sha256_of_listed(landed, looked_at_ns)
                except OSError:
                    continue  # gone or unreadable between listing and reading: the next look sees it
                signature = landed.signature if steady else ""
            if signature:
                kept[landed.path] = (signature, sha)
            if sha not in seen:
                new.setdefault(sha, landed.path)
    if kept != remembered:
        _keep_landing_hashes(hashes_file, kept)
    return new
