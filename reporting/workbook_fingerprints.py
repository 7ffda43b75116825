"""A workbook is written again only when what it shows changed.

Its fingerprint is made of aggregates of its rows' hashes, computed in DuckDB
(rows are never fetched to be compared), and of the code that writes them: a
night that brings a few files rewrites the few workbooks they change, and a
new version of the writer rewrites them all once.
"""

import hashlib
from importlib.metadata import version
from pathlib import Path

import duckdb

from reporting import readable


def rows_fingerprint(row_hash: str) -> str:
    """An SQL aggregate over a group of rows: their count, and a sum and an xor of `row_hash`
    (a 64-bit hash() of each row). The rows' order takes no part in it."""
    return f"concat_ws(':', count(*), sum(({row_hash})::hugeint), bit_xor({row_hash}))"


def writer_fingerprint(*modules: str) -> str:
    """What a workbook looks like besides its rows: the modules that write it (their SQL too), how
    cells are written, the library that writes them, and the DuckDB whose hash() fingerprints rows."""
    digest = hashlib.sha256()
    for module in (*modules, readable.__file__):
        digest.update(Path(module).read_bytes())
    digest.update(f"openpyxl {version('openpyxl')}, duckdb {duckdb.__version__}".encode())
    return digest.hexdigest()
