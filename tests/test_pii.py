"""Personal ids become keyed hashes; the key is stable, private, and rotatable."""

from __future__ import annotations

import duckdb

from sources.pii import key_fingerprint, load_or_create_key, owner_key
from warehouse.sql_functions import register, warehouse_functions


def test_generated_key_is_stable_and_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("WAREHOUSE_PII_KEY", raising=False)
    key = load_or_create_key(tmp_path)
    assert load_or_create_key(tmp_path) == key
    assert (tmp_path / "pii.key").stat().st_mode & 0o777 == 0o600


def test_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_PII_KEY", "secret-from-vault")
    assert load_or_create_key(tmp_path) == b"secret-from-vault"
    assert not (tmp_path / "pii.key").exists()


def test_sql_hashes_with_the_warehouse_key_and_never_sees_it(tmp_path, monkeypatch):
    monkeypatch.delenv("WAREHOUSE_PII_KEY", raising=False)
    key = load_or_create_key(tmp_path)
    with duckdb.connect() as con:
        register(con, warehouse_functions(tmp_path))
        hashed = con.execute("SELECT owner_key('3100600445635'), owner_key(NULL)").fetchall()
        assert hashed == [(owner_key(key, "3100600445635"), None)]
        catalog = str(con.execute("SELECT * FROM duckdb_functions() WHERE function_name = 'owner_key'").fetchall())
    assert "owner_key" in catalog and key.decode() not in catalog


def test_a_new_key_gives_new_hashes_and_a_new_fingerprint():
    assert owner_key(b"k1", "3100600445635") != owner_key(b"k2", "3100600445635")
    assert key_fingerprint(b"k1") != key_fingerprint(b"k2")
    assert b"k1".hex() not in key_fingerprint(b"k1")
