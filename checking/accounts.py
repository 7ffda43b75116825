"""Accounts of the upload page: one per submitter code, passwords kept only as
argon2id hashes (argon2-cffi), in a file readable by its owner only.

`diprom-accounts set IPC01` sets (or replaces) an account's password;
`diprom-accounts remove IPC01` removes it; `diprom-accounts list` names them.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sources.reference import Reference
from warehouse.layout import WarehouseLayout

ACCOUNTS_FILE = "upload_accounts.json"
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
# Verified against when the account does not exist, so that a wrong account takes as long as a wrong password.
_NO_ACCOUNT = _hasher.hash("no such account")


def accounts_path(warehouse_dir: Path) -> Path:
    return warehouse_dir / ACCOUNTS_FILE


def is_account_code(code: str) -> bool:
    return code in Reference.from_seeds().submitters


def _read(path: Path) -> dict[str, str]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {code: hashed for code, hashed in stored.items() if isinstance(hashed, str)}


def _write(path: Path, accounts: dict[str, str]) -> None:
    """Written beside and renamed over, created owner-only (0600) from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.next")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(accounts, handle, indent=1, sort_keys=True)
    os.replace(partial, path)


def set_password(warehouse_dir: Path, code: str, password: str) -> None:
    if not is_account_code(code):
        raise ValueError(f"{code} is not a submitter code (IPC01-IPC11, PIO<province code>, DIPROM)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    path = accounts_path(warehouse_dir)
    accounts = _read(path)
    accounts[code] = _hasher.hash(password)
    _write(path, accounts)


def remove(warehouse_dir: Path, code: str) -> bool:
    path = accounts_path(warehouse_dir)
    accounts = _read(path)
    if accounts.pop(code, None) is None:
        return False
    _write(path, accounts)
    return True


def verify(warehouse_dir: Path, code: str, password: str) -> bool:
    hashed = _read(accounts_path(warehouse_dir)).get(code)
    try:
        return _hasher.verify(hashed or _NO_ACCOUNT, password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="diprom-accounts", description="บัญชีผู้ใช้ของหน้าส่งไฟล์ / Accounts of the upload page")
    parser.add_argument("--warehouse-dir", help="default $WAREHOUSE_DIR")
    commands = parser.add_subparsers(dest="command", required=True)
    setter = commands.add_parser("set", help="set an account's password (asked twice, or one line on stdin with --password-stdin)")
    setter.add_argument("code")
    setter.add_argument("--password-stdin", action="store_true")
    commands.add_parser("remove", help="remove an account").add_argument("code")
    commands.add_parser("list", help="name the accounts")
    args = parser.parse_args(argv)
    warehouse_dir = WarehouseLayout.from_env(warehouse_dir=args.warehouse_dir).warehouse_dir
    if args.command == "list":
        for code in sorted(_read(accounts_path(warehouse_dir))):
            print(code)
        return 0
    if args.command == "remove":
        found = remove(warehouse_dir, args.code)
        print(f"{args.code}: {'removed' if found else 'no such account'}")
        return 0 if found else 1
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"รหัสผ่านของ {args.code} / password for {args.code}: ")
        if getpass.getpass("อีกครั้ง / again: ") != password:
            print("diprom-accounts: the two passwords differ", file=sys.stderr)
            return 2
    try:
        set_password(warehouse_dir, args.code, password)
    except ValueError as problem:
        print(f"diprom-accounts: {problem}", file=sys.stderr)
        return 2
    print(f"{args.code}: password set")
    return 0
