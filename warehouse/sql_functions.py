"""Python functions the warehouse's SQL calls, registered on DuckDB connections.

Some knowledge is written once, in Python, and needed in SQL too: how a
natural person's id is hashed, how Thai text is compared. Rather than a SQL
twin of each, the Python function itself is registered as a DuckDB scalar
function on every connection that runs the models: dbt's (this module is a
dbt-duckdb plugin, named in `dbt_project/profiles.yml`) and any other that
judges files the way the night does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sources.pii import owner_keys_of
from sources.thai import comparable_text
from sources.typing_slips import slip_edits


@dataclass(frozen=True)
class SqlFunction:
    """A Python function as DuckDB calls it: VARCHAR arguments (one unless
    said), a VARCHAR result unless said, NULL for a NULL argument, and NULL
    for None only where `may_return_null` says so."""

    name: str
    function: Callable[..., object]
    parameters: tuple[str, ...] = ("VARCHAR",)
    returns: str = "VARCHAR"
    may_return_null: bool = False

    def as_called(self) -> Callable[..., object]:
        if not self.may_return_null:
            return self.function
        function = self.function

        @functools.wraps(function)  # DuckDB reads the number of arguments from the signature
        def null_for_null(*arguments):
            return None if any(a is None for a in arguments) else function(*arguments)

        return null_for_null


def warehouse_functions(warehouse_dir: Path) -> list[SqlFunction]:
    """Every function the project's SQL calls by name, for the warehouse in `warehouse_dir`."""
    return [
        # a natural person's id as its keyed hash under the warehouse's key (sources/pii.py)
        SqlFunction("owner_key", owner_keys_of(warehouse_dir)),
        # text as the contract compares it: provinces, programme codes, the RR07 key, estate codes
        SqlFunction("thai_key", comparable_text),
        # edits between a written and a known name when a typing slip apart, else NULL (RR04/RR06 suggestions)
        SqlFunction("typing_slip_edits", slip_edits, ("VARCHAR", "VARCHAR"), "INTEGER", may_return_null=True),
    ]


def register(con: duckdb.DuckDBPyConnection, functions: list[SqlFunction]) -> None:
    for fn in functions:
        # NULL in, NULL out (without a Python call unless the function may return NULL
        # itself, which DuckDB allows only with "special" handling); the same input gives
        # the same output.
        null_handling = "special" if fn.may_return_null else "default"
        con.create_function(fn.name, fn.as_called(), list(fn.parameters), fn.returns, null_handling=null_handling, side_effects=False)


try:
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # dbt is not needed to call register() elsewhere
    BasePlugin = object  # type: ignore[assignment,misc]


class Plugin(BasePlugin):  # type: ignore[misc,valid-type]
    """dbt-duckdb's hook: every connection dbt opens gets the functions of the
    warehouse it builds (the folder of the profile's database file)."""

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn, warehouse_functions(Path(self.creds.path).resolve().parent))
