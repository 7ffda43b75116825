"""The archive encrypted at rest (warehouse/archive_cipher.py, warehouse/archive_keys.py):
with a key, no archived copy holds a personal value as bytes; a rebuild from the
encrypted (and rotated) archive gives the published tables of the two nights of
tests/two_nights.py; a tampered copy is refused, naming it; the cipher round-trips
and refuses any change (hypothesis)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample.factories import write_isingleform
from sources.intake import take_in
from sources.isingleform.reader import ISingleFormReader
from sources.landing import Archive
from sources.limits import IntakeLimits
from tests.conftest import REPO, SEEN_AT, snapshot
from warehouse import archive_cipher
from warehouse.archive_cipher import ArchiveKey, ArchiveKeyError, TamperedArchive, decrypt_chunks, encrypt_chunks, new_key_text

KEY = ArchiveKey.from_text("11" * 32, "test")
OTHER_KEY = ArchiveKey.from_text("22" * 32, "test")


def keys_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "warehouse.archive_keys", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )


def new_key_file(path, env) -> None:
    made = keys_cli("new-key", str(path), env=env)
    assert made.returncode == 0, made.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().strip() not in made.stdout  # the id is printed, never the key


def personal_values(landing) -> set[bytes]:
    """Owner ids and contacts of every i-Single Form submission in the landing folder, as bytes."""
    values = set()
    for export in landing.rglob("*.jsonl"):
        for line in export.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the sample's cut-off lines
            if isinstance(record, dict):
                values.add(str(record.get("owner_id", "")))
                values.update(str(v) for v in (record.get("contact") or {}).values())
    values.discard("")
    return {v.encode("utf-8") for v in values} | {v.encode("cp874", errors="ignore") for v in values}


def assert_nothing_personal(archive_dir, values: set[bytes]) -> None:
    copies = [p for p in archive_dir.rglob("*") if p.is_file()]
    assert copies
    for copy in copies:
        data = copy.read_bytes()
        assert not [v for v in values if v in data], copy
        if copy.name != "manifest.jsonl":
            assert copy.name.endswith(".enc"), copy


def test_with_a_key_the_samples_factories_are_archived_encrypted_and_read_the_same(tmp_path):
    """The bundled sample's i-Single Form exports (personal data: owner ids, contacts),
    taken in with a key and without: the same rows, and nothing personal in the archive."""
    landing = tmp_path / "landing"
    write_isingleform(landing)
    values = personal_values(landing)
    assert len(values) > 500
    rows = {}
    for name, key in (("plain", None), ("encrypted", KEY)):
        warehouse = tmp_path / name
        warehouse.mkdir()
        archive = Archive(warehouse / "archive", key)
        with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
            summary = take_in(
                con, landing, archive, ISingleFormReader(), "t", SEEN_AT, lambda _: None, IntakeLimits(landing_settle_seconds=0)
            )
            rows[name] = con.execute("SELECT * EXCLUDE (file_seq) FROM raw.isingleform_records ORDER BY ALL").fetchall()
        assert summary.outcomes["parsed"] == 9, summary.outcomes
        if key:
            assert list((warehouse / "tmp" / "plaintext").iterdir()) == []  # decrypted copies deleted after reading
    assert rows["plain"] == rows["encrypted"] and rows["plain"]
    assert_nothing_personal(tmp_path / "encrypted" / "archive", values)
    assert any(
        v in p.read_bytes() for p in (tmp_path / "plain" / "archive").rglob("*") if p.is_file() for v in values
    )  # the check can fail


@pytest.mark.e2e
def test_a_rebuild_from_the_encrypted_rotated_archive_gives_identical_tables(two_nights, tmp_path):
    original = two_nights.analytics.parent
    archive = tmp_path / "backup" / "archive"
    shutil.copytree(original / "archive", archive)
    shutil.copy2(original / "pii.key", tmp_path / "backup" / "pii.key")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    for variable in ("WAREHOUSE_PII_KEY", "DIPROM_ARCHIVE_KEY", "DIPROM_ARCHIVE_KEY_FILE"):
        env.pop(variable, None)
    first_key, second_key = tmp_path / "keys" / "first.key", tmp_path / "keys" / "second.key"
    first_key.parent.mkdir()
    new_key_file(first_key, env)
    new_key_file(second_key, env)
    # The archive of a night without a key, encrypted by the first rotation, then rotated to the second key.
    encrypted = keys_cli("rotate", "--new-key-file", str(first_key), "--archive", str(archive), env=env)
    assert encrypted.returncode == 0, encrypted.stderr
    rotated = keys_cli(
        "rotate", "--new-key-file", str(second_key), "--archive", str(archive), env={**env, "DIPROM_ARCHIVE_KEY_FILE": str(first_key)}
    )
    assert rotated.returncode == 0, rotated.stderr
    env["DIPROM_ARCHIVE_KEY_FILE"] = str(second_key)
    checked = keys_cli("check", "--archive", str(archive), env=env)
    assert checked.returncode == 0 and " 0 plain copies, 0 refused" in checked.stdout, checked.stdout + checked.stderr
    values = personal_values(original.parent / "landing")
    assert_nothing_personal(archive, values)

    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_bytes((REPO / "dagster.yaml").read_bytes())
    target = tmp_path / "rebuilt"
    done = subprocess.run(
        ["bash", "scripts/rebuild.sh", str(archive), str(target)], cwd=REPO, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rebuilt, before = snapshot(target / "analytics.duckdb"), snapshot(original / "analytics.duckdb")
    assert rebuilt.keys() == before.keys()
    for table in before:
        assert rebuilt[table] == before[table], table
    assert_nothing_personal(target / "archive", values)  # the rebuilt warehouse's archive, written by the intake with the key
    assert "archive encrypted with AES-256-GCM" in done.stdout + done.stderr
    assert second_key.read_text().strip() not in done.stdout + done.stderr

    # A tampered copy is refused, by name, without a stack trace; `check` says which.
    victim = next(p for p in archive.rglob("*.enc"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    refused = subprocess.run(
        [sys.executable, "-m", "warehouse.rebuild", str(archive), str(tmp_path / "refused")], cwd=REPO, env=env, capture_output=True, text=True
    )  # fmt: skip
    assert refused.returncode == 2
    assert victim.name in refused.stderr and "altered or damaged" in refused.stderr and "Traceback" not in refused.stderr
    checked = keys_cli("check", "--archive", str(archive), env=env)
    assert checked.returncode == 1 and victim.name in checked.stderr and "1 refused" in checked.stdout


def test_a_key_file_others_can_read_is_refused(tmp_path):
    key_file = tmp_path / "archive.key"
    key_file.write_text(new_key_text())
    key_file.chmod(0o644)
    with pytest.raises(ArchiveKeyError, match="chmod 600"):
        archive_cipher.key_from_environment({"DIPROM_ARCHIVE_KEY_FILE": str(key_file)})
    key_file.chmod(0o600)
    assert archive_cipher.key_from_environment({"DIPROM_ARCHIVE_KEY_FILE": str(key_file)}) is not None
    with pytest.raises(ArchiveKeyError, match="64 hexadecimal"):
        archive_cipher.key_from_environment({"DIPROM_ARCHIVE_KEY": "password"})
    assert archive_cipher.key_from_environment({}) is None
    assert KEY.secret.hex() not in repr(KEY)


def test_an_encrypted_copy_without_the_key_says_what_to_set(tmp_path):
    source = tmp_path / "f.csv"
    source.write_bytes(b"a,b\n1,2\n")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    Archive(tmp_path / "archive", KEY).keep(source, sha)
    with pytest.raises(ArchiveKeyError, match="DIPROM_ARCHIVE_KEY_FILE"):
        Archive(tmp_path / "archive").verify(sha)
    with pytest.raises(ArchiveKeyError, match="another archive key"):
        Archive(tmp_path / "archive", OTHER_KEY).verify(sha)


def encrypt(data: bytes, sha: str, key=KEY) -> bytes:
    pieces = [data[i : i + 7] for i in range(0, len(data), 7)]
    return b"".join(encrypt_chunks(iter(pieces), key, sha))


def decrypt(blob: bytes, sha: str) -> bytes:
    return b"".join(decrypt_chunks(io.BytesIO(blob), [KEY], sha, "copy"))


# Small chunks, so that a few hundred bytes make many chunks.
small_chunks = pytest.MonkeyPatch.context


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_the_cipher_round_trips_any_content(data):
    with small_chunks() as patch:
        patch.setattr(archive_cipher, "CHUNK", 32)
        sha = hashlib.sha256(data).hexdigest()
        blob = encrypt(data, sha)
        assert decrypt(blob, sha) == data
        assert archive_cipher.plaintext_size(len(blob)) == len(data)
        assert encrypt(data, sha) != blob  # a fresh salt each time


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.data())
def test_any_change_to_an_encrypted_copy_is_refused(data, draw):
    with small_chunks() as patch:
        patch.setattr(archive_cipher, "CHUNK", 32)
        sha = hashlib.sha256(data).hexdigest()
        blob = encrypt(data, sha)
        change = draw.draw(st.sampled_from(["flip", "cut", "swap chunks", "another name"]))
        if change == "flip":
            position = draw.draw(st.integers(0, len(blob) - 1))
            tampered = blob[:position] + bytes([blob[position] ^ draw.draw(st.integers(1, 255))]) + blob[position + 1 :]
        elif change == "cut":
            tampered = blob[: draw.draw(st.integers(0, len(blob) - 1))]
        elif change == "swap chunks":
            step = 32 + archive_cipher.TAG_BYTES
            body = blob[archive_cipher.HEADER_BYTES :]
            chunks = [body[i : i + step] for i in range(0, len(body), step)]
            if len(chunks) < 2 or chunks[0] == chunks[1]:
                return
            chunks[0], chunks[1] = chunks[1], chunks[0]
            tampered = blob[: archive_cipher.HEADER_BYTES] + b"".join(chunks)
        else:
            tampered, sha = blob, hashlib.sha256(data + b"x").hexdigest()
        with pytest.raises((TamperedArchive, ArchiveKeyError)):
            decrypt(tampered, sha)
