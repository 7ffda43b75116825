"""Sending a checked file: into the landing folder whole and at once, and recorded.

The file is written in full beside the source folders (`LANDING_DIR/.incoming`,
which no source reads) and then linked under its name: the intake and the
sensor never see half a file, and a name already in the landing folder is
never overwritten (a corrected report is sent as `_v2`). Every send is one
line of `archive/sends.jsonl`, beside the archive's manifest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checking.names import BadName, landing_target

INCOMING = ".incoming"


class AlreadySent(Exception):
    """A file of that name is in the landing folder already."""


@dataclass(frozen=True)
class Sent:
    account: str
    path: str  # relative to the landing folder
    sha256: str
    sent_at: datetime


def send(landing_dir: Path, sends_log: Path, account: str, source: str, name: str, content: Path) -> Sent:
    target = landing_target(landing_dir, source, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = landing_dir / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=incoming, delete=False) as partial, content.open("rb") as source_file:
        while chunk := source_file.read(1 << 20):
            digest.update(chunk)
            partial.write(chunk)
        partial.flush()
        os.fsync(partial.fileno())
    os.chmod(partial.name, 0o644)
    try:
        os.link(partial.name, target)  # fails, rather than replaces, when the name is taken
    except FileExistsError:
        raise AlreadySent(name) from None
    finally:
        os.unlink(partial.name)
    _fsync_folder(target.parent)
    sent = Sent(account, f"{source}/{target.name}", digest.hexdigest(), datetime.now(UTC))
    _record(sends_log, sent)
    return sent


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _record(sends_log: Path, sent: Sent) -> None:
    sends_log.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"account": sent.account, "sent_at": sent.sent_at.isoformat(), "path": sent.path, "sha256": sent.sha256}, ensure_ascii=False
    )
    with sends_log.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # two sends at once write two whole lines
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def sends(sends_log: Path) -> list[dict]:
    if not sends_log.exists():
        return []
    with sends_log.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.endswith("\n")]


__all__ = ["AlreadySent", "BadName", "Sent", "send", "sends"]
