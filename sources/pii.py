"""Personal ids as keyed hashes.

A natural person's 13-digit id never leaves the internal warehouse; outside it
the person is an HMAC-SHA256 of the id under a secret key. The hashes are
computed here, in Python, and kept in `pii.owner_keys`, which dbt joins: the
key itself never enters SQL text, dbt's compiled files or any log.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import duckdb
import pandas as pd

from sources.intake import insert_frame

KEY_FILE_NAME = "pii.key"

# Distinct ids as written before normalising them: a factory sends its owner's id
# every month, and normalising a million ids costs more than parsing them.
_OWNER_IDS_SQL = """
SELECT DISTINCT owner_id FROM (
    SELECT trim(translate(written_id, '๐๑๒๓๔๕๖๗๘๙', '0123456789')) AS owner_id
    FROM (
        SELECT DISTINCT json_extract_string(record_text, '$.owner_id') AS written_id
        FROM raw.isingleform_records
        WHERE file_seq > ? AND json_valid(record_text) AND json_type(record_text) = 'OBJECT'
    )
)
WHERE owner_id IS NOT NULL AND owner_id <> '' AND NOT starts_with(owner_id, '0')
  AND owner_id NOT IN (SELECT owner_id FROM pii.owner_keys)
"""


def load_or_create_key(warehouse_dir: Path) -> bytes:
    """`WAREHOUSE_PII_KEY`, else a key generated once into `$WAREHOUSE_DIR/pii.key`
    readable by its owner only."""
    from_env = os.environ.get("WAREHOUSE_PII_KEY")
    if from_env:
        return from_env.encode("utf-8")
    path = warehouse_dir / KEY_FILE_NAME
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def owner_key(key: bytes, owner_id: str) -> str:
    return hmac.new(key, owner_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _fingerprint(key: bytes) -> str:
    # Tells whether the key changed, without storing anything that reveals it.
    return owner_key(key, "diprom-warehouse-key-fingerprint")


def refresh_owner_keys(con: duckdb.DuckDBPyConnection, key: bytes) -> int:
    """Hash every natural person's id not hashed yet; all of them again if the key changed.
    Returns the number of ids hashed.

    Only records of files taken in since the last refresh are read
    (`pii.hashed_through`, committed with the hashes): a night reads its own
    files, not the whole history, and a night that crashed before hashing is
    caught up by the next."""
    con.execute("CREATE SCHEMA IF NOT EXISTS pii")
    con.execute("CREATE TABLE IF NOT EXISTS pii.owner_keys (owner_id VARCHAR PRIMARY KEY, owner_key VARCHAR NOT NULL)")
    con.execute("CREATE TABLE IF NOT EXISTS pii.key_fingerprint (fingerprint VARCHAR NOT NULL)")
    con.execute("CREATE TABLE IF NOT EXISTS pii.hashed_through (file_seq BIGINT NOT NULL)")
    fingerprint = _fingerprint(key)
    stored = con.execute("SELECT fingerprint FROM pii.key_fingerprint").fetchall()
    con.begin()
    try:
        if stored != [(fingerprint,)]:
            con.execute("DELETE FROM pii.owner_keys")
            con.execute("DELETE FROM pii.key_fingerprint")
            con.execute("DELETE FROM pii.hashed_through")
            con.execute("INSERT INTO pii.key_fingerprint VALUES (?)", [fingerprint])
        [(through,)] = con.execute("SELECT coalesce(max(file_seq), 0) FROM pii.hashed_through").fetchall()
        ids = [owner_id for (owner_id,) in con.execute(_OWNER_IDS_SQL, [through]).fetchall()]
        if ids:
            frame = pd.DataFrame({"owner_id": ids, "owner_key": [owner_key(key, i) for i in ids]}, dtype=object)
            insert_frame(con, "pii.owner_keys", frame)
        con.execute("DELETE FROM pii.hashed_through")
        con.execute("INSERT INTO pii.hashed_through SELECT coalesce(max(file_seq), ?) FROM raw.isingleform_records", [through])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return len(ids)
