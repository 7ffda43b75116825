"""`diprom-accounts`: one account per submitter code, passwords only as argon2id hashes."""

from __future__ import annotations

import io
import json

from checking import accounts


def test_accounts_are_set_listed_verified_and_removed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("รหัสผ่านยาวพอ-2566\n"))
    assert accounts.main(["--warehouse-dir", str(tmp_path), "set", "PIO51", "--password-stdin"]) == 0
    stored = json.loads((tmp_path / "upload_accounts.json").read_text())
    assert list(stored) == ["PIO51"] and stored["PIO51"].startswith("$argon2id$")
    assert (tmp_path / "upload_accounts.json").stat().st_mode & 0o077 == 0
    assert accounts.verify(tmp_path, "PIO51", "รหัสผ่านยาวพอ-2566")
    assert not accounts.verify(tmp_path, "PIO51", "รหัสผ่านยาวพอ-2565")
    assert not accounts.verify(tmp_path, "IPC01", "รหัสผ่านยาวพอ-2566")
    assert accounts.main(["--warehouse-dir", str(tmp_path), "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "PIO51"
    assert accounts.main(["--warehouse-dir", str(tmp_path), "remove", "PIO51"]) == 0
    assert not accounts.verify(tmp_path, "PIO51", "รหัสผ่านยาวพอ-2566")


def test_only_submitter_codes_and_long_passwords(tmp_path, monkeypatch, capsys):
    for code, password in (("PIO99", "long-enough-password"), ("ADMIN", "long-enough-password"), ("IPC01", "short")):
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        assert accounts.main(["--warehouse-dir", str(tmp_path), "set", code, "--password-stdin"]) == 2
    assert "submitter code" in capsys.readouterr().err
    assert not (tmp_path / "upload_accounts.json").exists()
