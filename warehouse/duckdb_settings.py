"""How much of the machine DuckDB may take: the one home of its memory and thread limits.

A national year is a million submissions and the warehouse keeps every year;
left to itself DuckDB takes 80 % of the machine's memory per process and one
thread per core, and the night's peak grows with history. Every DuckDB
connection the night opens is limited the same way, from the environment:
the intake's and the steps' (orchestration/resources.py), dbt's (this module
is a dbt-duckdb plugin, named in dbt_project/profiles.yml), publishing's and
the exports', Great Expectations' (expectations/validate.py, through the
connection URL), and the reports'. Past the memory limit DuckDB spills to the
warehouse's owner-only tmp/ (WarehouseLayout.duckdb_temp_dir) rather than fail,
for the operators that stream (sorts, joins, aggregates).

The limits are SET on each connection rather than given to `duckdb.connect`:
DuckDB refuses a second connection to a file already open in the process with
another configuration, and tests and readers open the same files plainly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

MEMORY_LIMIT_VARIABLE = "DIPROM_DUCKDB_MEMORY_LIMIT"
THREADS_VARIABLE = "DIPROM_DUCKDB_THREADS"
# Each DuckDB process of the night (dbt's, the run's) at most 3 GB, so that the
# whole night, Python and all, stays within 4 GB at any history (docs/benchmarks.md).
DEFAULT_MEMORY_LIMIT = "3GB"
_SIZE = re.compile(r"^\d+(\.\d+)?(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)$", re.IGNORECASE)


@dataclass(frozen=True)
class DuckDBLimits:
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT
    # None: DuckDB's own default, one thread per core.
    threads: int | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> DuckDBLimits:
        """The limits the environment sets; an invalid one stops the run at once, the variable named."""
        memory = environ.get(MEMORY_LIMIT_VARIABLE, "").strip() or DEFAULT_MEMORY_LIMIT
        if memory is not None and not _SIZE.match(memory):
            raise ValueError(
                f"{MEMORY_LIMIT_VARIABLE}={memory!r} is not a size such as 4GB or 512MB"
                f" / ค่า {MEMORY_LIMIT_VARIABLE} ต้องเป็นขนาดหน่วยความจำ เช่น 4GB หรือ 512MB"
            )
        threads_text = environ.get(THREADS_VARIABLE, "").strip()
        threads = None
        if threads_text:
            if not threads_text.isdigit() or int(threads_text) < 1:
                raise ValueError(
                    f"{THREADS_VARIABLE}={threads_text!r} is not a whole number of at least 1"
                    f" / ค่า {THREADS_VARIABLE} ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป"
                )
            threads = int(threads_text)
        return cls(memory, threads)

    def settings(self) -> dict[str, str]:
        """DuckDB's settings, by DuckDB's names."""
        return ({"memory_limit": self.memory_limit} if self.memory_limit else {}) | ({"threads": str(self.threads)} if self.threads else {})

    def apply(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        for name, value in self.settings().items():
            # names are ours (above), values checked above: no user text reaches the SQL unchecked
            con.execute(f"SET {name} = '{value}'")
        return con


def limited(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`con`, limited as the environment says."""
    return DuckDBLimits.from_environment().apply(con)


def connect(database: Path | str, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, limited as the environment says (usable in `with` as the connection itself)."""
    return limited(duckdb.connect(str(database), read_only=read_only, config=config or {}))


def url_query() -> str:
    """The limits as parameters to add to a DuckDB SQLAlchemy URL's query, each after a `&`
    (duckdb_engine passes them to DuckDB's configuration)."""
    return "".join(f"&{name}={value}" for name, value in DuckDBLimits.from_environment().settings().items())


try:
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # dbt is needed only where dbt runs
    BasePlugin = object  # type: ignore[assignment,misc]


class Plugin(BasePlugin):  # type: ignore[misc,valid-type]
    """dbt-duckdb's hook: dbt's connection limited like every other. (Not the
    profile's `settings:` with env_var(): a default there would be a second home
    of the limits, and an unset thread count cannot be left out.) The settings
    are the database's, so those of the connection hold for its cursors."""

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        limited(conn)
