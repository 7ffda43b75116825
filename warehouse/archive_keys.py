"""The archive key: make one, rotate it, check the archive against it.

    python -m warehouse.archive_keys new-key FILE
    python -m warehouse.archive_keys rotate --new-key-file FILE [--archive DIR]
    python -m warehouse.archive_keys check [--archive DIR]

The current key comes from DIPROM_ARCHIVE_KEY_FILE or DIPROM_ARCHIVE_KEY, as
for the nightly load; `--archive` defaults to `$WAREHOUSE_DIR/archive`.

`rotate` re-encrypts every copy under the new key (plain copies, from before
a key was set, are encrypted too), each written beside and renamed over, so
it can be stopped and started again: copies already under the new key are
left. Then point DIPROM_ARCHIVE_KEY_FILE at the new key. Keys are never
printed; only their ids (an HMAC of a fixed text) are.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sources.landing import ENCRYPTED_SUFFIX, Archive
from warehouse.archive_cipher import (
    ArchiveKey,
    ArchiveKeyError,
    TamperedArchive,
    encrypt_chunks,
    key_from_environment,
    key_id_of,
    new_key_text,
)
from warehouse.layout import WarehouseLayout
from warehouse.private_files import owner_only_umask, private_file


def new_key(path: Path) -> str:
    """A new random key in a new owner-only file; returns its id."""
    try:
        descriptor = private_file(path)
    except FileExistsError:
        raise ArchiveKeyError(f"{path} มีอยู่แล้ว ไม่เขียนทับ · {path} exists; a key file is never overwritten") from None
    text = new_key_text()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return ArchiveKey.from_text(text, str(path)).fingerprint


def rotate(archive_dir: Path, old: ArchiveKey | None, new: ArchiveKey, progress=print) -> int:
    """Every copy under `new`; returns how many were rewritten."""
    archive = Archive(archive_dir, new, other_keys=(old,) if old else ())
    rewritten = 0
    for sha in list(archive.contents()):
        stored = archive.path_for(sha)
        if stored.name.endswith(ENCRYPTED_SUFFIX) and key_id_of(stored) == new.key_id:
            continue
        target = archive.encrypted_path(sha)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            for chunk in encrypt_chunks(archive.chunks(sha), new, sha):
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        if target != stored:
            stored.unlink()
        rewritten += 1
        if rewritten % 100 == 0:
            progress(f"{rewritten} copies re-encrypted")
    return rewritten


def check(archive_dir: Path, key: ArchiveKey | None) -> tuple[int, int, list[str]]:
    """(encrypted copies, plain copies, problems): every copy read whole and its SHA-256 compared."""
    archive = Archive(archive_dir, key)
    encrypted = plain = 0
    problems = []
    for sha in archive.contents():
        is_encrypted = archive.path_for(sha).name.endswith(ENCRYPTED_SUFFIX)
        try:
            archive.verify(sha)
        except (ArchiveKeyError, TamperedArchive) as error:
            problems.append(str(error))
            continue
        encrypted += is_encrypted
        plain += not is_encrypted
    return encrypted, plain, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("new-key", help="write a new random key to FILE (mode 0600)")
    made.add_argument("file", type=Path)
    rotating = commands.add_parser("rotate", help="re-encrypt the archive under the key in --new-key-file")
    rotating.add_argument("--new-key-file", type=Path, required=True)
    checking = commands.add_parser("check", help="read every archived copy and compare it with its SHA-256")
    for sub in (rotating, checking):
        sub.add_argument("--archive", type=Path, default=None, help="the archive folder (default $WAREHOUSE_DIR/archive)")
    args = parser.parse_args(argv)
    try:
        with owner_only_umask():
            if args.command == "new-key":
                print(f"new archive key {args.file} (id {new_key(args.file)})")
                return 0
            archive_dir = (args.archive or WarehouseLayout.from_env().archive_dir).resolve()
            current = key_from_environment()
            if args.command == "rotate":
                new = ArchiveKey.from_file(args.new_key_file)
                count = rotate(archive_dir, current, new)
                print(f"{count} copies re-encrypted under key {new.fingerprint}; now set DIPROM_ARCHIVE_KEY_FILE={args.new_key_file}")
                return 0
            encrypted, plain, problems = check(archive_dir, current)
            print(f"{archive_dir}: {encrypted} encrypted copies, {plain} plain copies, {len(problems)} refused")
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1 if problems else 0
    except (ArchiveKeyError, TamperedArchive) as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
