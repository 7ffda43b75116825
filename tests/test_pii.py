"""Personal ids become keyed hashes; the key is stable, private, and rotatable."""

from __future__ import annotations

import duckdb

from sources.intake import ensure_raw_schema
from sources.pii import load_or_create_key, owner_key, refresh_owner_keys


def test_generated_key_is_stable_and_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("WAREHOUSE_PII_KEY", raising=False)
    key = load_or_create_key(tmp_path)
    assert load_or_create_key(tmp_path) == key
    assert (tmp_path / "pii.key").stat().st_mode & 0o777 == 0o600


def test_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PII_KEY", "secret-from-vault")
    assert load_or_create_key(tmp_path) == b"secret-from-vault"
    assert not (tmp_path / "pii.key").exists()


def test_only_natural_persons_are_hashed_and_rotation_rehashes(tmp_path):
    with duckdb.connect() as con:
        ensure_raw_schema(con)
        con.execute(
            """INSERT INTO raw.isingleform_records VALUES
               (1, 1, '{"owner_id": "3100600445635"}'), (1, 2, '{"owner_id": "0105536112014"}'),
               (1, 3, '{"owner_id": "๓๑๐๐๖๐๐๔๔๕๖๓๕"}'), (1, 4, 'not json')"""
        )
        assert refresh_owner_keys(con, b"k1") == 1
        assert refresh_owner_keys(con, b"k1") == 0  # nothing new
        assert con.execute("SELECT * FROM pii.owner_keys").fetchall() == [("3100600445635", owner_key(b"k1", "3100600445635"))]
        assert refresh_owner_keys(con, b"k2") == 1
        assert con.execute("SELECT owner_key FROM pii.owner_keys").fetchall() == [(owner_key(b"k2", "3100600445635"),)]
    assert owner_key(b"k1", "3100600445635") != owner_key(b"k2", "3100600445635")


def test_each_refresh_reads_only_files_taken_in_since_the_last(tmp_path):
    def take_in(con, file_seq: int, owner_id: str) -> None:
        con.execute("INSERT INTO raw.isingleform_records VALUES (?, 1, ?)", [file_seq, f'{{"owner_id": "{owner_id}"}}'])

    with duckdb.connect() as con:
        ensure_raw_schema(con)
        take_in(con, 1, "3100600445635")
        assert refresh_owner_keys(con, b"k1") == 1
        # Files 2 and 3 arrive; the night that took in file 2 crashed before hashing it.
        take_in(con, 2, "1101700203451")
        take_in(con, 3, "5100500112233")
        assert refresh_owner_keys(con, b"k1") == 2
        assert con.execute("SELECT file_seq FROM pii.hashed_through").fetchall() == [(3,)]
        # A record below the mark is not read again: the mark is what makes a night cost its own files.
        take_in(con, 3, "4100400111222")
        assert refresh_owner_keys(con, b"k1") == 0
        # A new key hashes everything again, from the first file.
        assert refresh_owner_keys(con, b"k2") == 4
        assert sorted(k for (k,) in con.execute("SELECT owner_key FROM pii.owner_keys").fetchall()) == sorted(
            owner_key(b"k2", i) for i in ["3100600445635", "1101700203451", "5100500112233", "4100400111222"]
        )
