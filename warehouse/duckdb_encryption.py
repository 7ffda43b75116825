"""Whether DuckDB could encrypt the warehouse file securely, found out offline.

DuckDB encrypts database files with AES-GCM through OpenSSL only when its
httpfs extension is loaded; without it, it falls back to a built-in
implementation that it itself calls not secure. That fallback is never used
here. httpfs is not installed on the department's machines and cannot be
installed offline, so `warehouse.duckdb` is protected by the file modes
(warehouse/private_files.py) and by disk or folder encryption of
`$WAREHOUSE_DIR` (LUKS, fscrypt: docs/security.md), and the run summary says so.
"""

from __future__ import annotations

import duckdb


def secure_encryption_available() -> bool:
    """True if httpfs is already installed for this DuckDB (never downloaded: no network)."""
    with duckdb.connect(":memory:") as con:
        rows = con.execute("SELECT installed FROM duckdb_extensions() WHERE extension_name = 'httpfs'").fetchall()
    return bool(rows and rows[0][0])


def warehouse_encryption_line() -> str:
    if secure_encryption_available():
        return (
            "warehouse.duckdb ไม่ได้เข้ารหัสด้วย DuckDB (มี httpfs แต่คลังนี้ยังไม่ใช้) ใช้การเข้ารหัสดิสก์ (LUKS, fscrypt) · "
            "warehouse.duckdb is not encrypted by DuckDB (httpfs is installed, but this warehouse does not use it yet); "
            "encrypt the disk or folder of WAREHOUSE_DIR (LUKS, fscrypt)"
        )
    return (
        "warehouse.duckdb ไม่ได้เข้ารหัส: ไม่มีโมดูลเข้ารหัสที่ปลอดภัยของ DuckDB (httpfs/OpenSSL) ใช้การเข้ารหัสดิสก์ (LUKS, fscrypt) · "
        "warehouse.duckdb is not encrypted: DuckDB's secure encryption (httpfs/OpenSSL) is not installed, and its insecure "
        "fallback is not used; encrypt the disk or folder of WAREHOUSE_DIR (LUKS, fscrypt), docs/security.md"
    )
