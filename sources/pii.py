"""Personal ids as keyed hashes.

A natural person's 13-digit id never leaves the internal warehouse; outside it
the person is an HMAC-SHA256 of the id under a secret key. The hash is this
module's `owner_key`, which SQL calls by name (`warehouse/sql_functions.py`
registers it on dbt's connections): the owner id is normalised once, in
staging, and hashed where the mart is built, so the two cannot disagree; the
key itself never enters SQL text, dbt's compiled files or any log.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from warehouse.private_files import private_file

KEY_FILE_NAME = "pii.key"
# A natural person's 13-digit id starts 1-8; juristic persons' ids start 0. The one
# definition of what a person's id looks like: the GX suites scan the published
# tables with it (expectations/suites.py) and alerts are cleaned with it
# (operations/redaction.py).
NATURAL_PERSON_ID = r"[1-8][0-9]{12}"


def load_or_create_key(warehouse_dir: Path) -> bytes:
    """`WAREHOUSE_PII_KEY`, else a key generated once into `$WAREHOUSE_DIR/pii.key`
    readable by its owner only."""
    from_env = os.environ.get("WAREHOUSE_PII_KEY")
    if from_env:
        return from_env.encode("utf-8")
    path = warehouse_dir / KEY_FILE_NAME
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = private_file(path)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def owner_key(key: bytes, owner_id: str) -> str:
    return hmac.new(key, owner_id.encode("utf-8"), hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """Tells whether the key changed, without revealing anything of it."""
    return owner_key(key, "diprom-warehouse-key-fingerprint")


def owner_keys_of(warehouse_dir: Path) -> Callable[[str], str]:
    """`owner_key` under the key of one warehouse, the key read on first use. A
    factory sends its owner's id every month: the same ids come again and again."""

    @functools.cache
    def key() -> bytes:
        return load_or_create_key(warehouse_dir)

    @functools.lru_cache(maxsize=1 << 16)
    def hashed(owner_id: str) -> str:
        return owner_key(key(), owner_id)

    return hashed
