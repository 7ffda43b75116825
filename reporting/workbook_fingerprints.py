"""A workbook (or a report page) is written again only when what it shows changed.

Its fingerprint is made of aggregates of its rows' hashes, computed in DuckDB
(rows are never fetched to be compared), and of the code that writes them: a
night that brings a few files rewrites the few workbooks they change, and a
new version of the writer rewrites them all once. The fingerprints are kept
in a file beside what they describe (read_fingerprints, write_fingerprints).
"""

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import duckdb

from reporting import readable


def rows_fingerprint(row_hash: str) -> str:
    """An SQL aggregate over a group of rows: their count, and a sum and an xor of `row_hash`
    (a 64-bit hash() of each row). The rows' order takes no part in it."""
    return f"concat_ws(':', count(*), sum(({row_hash})::hugeint), bit_xor({row_hash}))"


def row_hash(columns: str) -> str:
    """hash() of the columns a column or ORDER BY list names (its directions left out)."""
    return f"hash({', '.join(item.split()[0] for item in columns.split(', '))})"


def writer_fingerprint(*modules: str) -> str:
    """What a workbook looks like besides its rows: the modules that write it (their SQL too), how
    cells are written, the library that writes them, and the DuckDB whose hash() fingerprints rows."""
    digest = hashlib.sha256()
    for module in (*modules, readable.__file__):
        digest.update(Path(module).read_bytes())
    digest.update(f"openpyxl {version('openpyxl')}, duckdb {duckdb.__version__}".encode())
    return digest.hexdigest()


def read_fingerprints(path: Path) -> dict[str, str]:
    """The fingerprints written beside a folder's files, by file name: none when the record is
    missing or damaged (then every file is written again), and never a name outside the folder."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {name: value for name, value in stored.items() if isinstance(value, str) and name == Path(name).name}


def write_fingerprints(path: Path, fingerprints: dict[str, str]) -> None:
    partial = path.with_name(f"{path.name}.next")
    partial.write_text(json.dumps(fingerprints, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(path)
