"""Python functions the warehouse's SQL calls, registered on DuckDB connections.

Some knowledge is written once, in Python, and needed in SQL too: how a
natural person's id is hashed, how Thai text is compared. Rather than a SQL
twin of each, the Python function itself is registered as a DuckDB scalar
function on every connection that runs the models: dbt's (this module is a
dbt-duckdb plugin, named in `dbt_project/profiles.yml`) and any other that
judges files the way the night does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sources.pii import owner_keys_of


@dataclass(frozen=True)
class SqlFunction:
    """A Python function as DuckDB calls it: one VARCHAR in, one VARCHAR out, NULL for NULL."""

    name: str
    function: Callable[[str], str]


def warehouse_functions(warehouse_dir: Path) -> list[SqlFunction]:
    """Every function the project's SQL calls by name, for the warehouse in `warehouse_dir`."""
    return [SqlFunction("owner_key", owner_keys_of(warehouse_dir))]


def register(con: duckdb.DuckDBPyConnection, functions: list[SqlFunction]) -> None:
    for fn in functions:
        # NULL in gives NULL out without a Python call; the same input gives the same output.
        con.create_function(fn.name, fn.function, ["VARCHAR"], "VARCHAR", null_handling="default", side_effects=False)


try:
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # dbt is not needed to call register() elsewhere
    BasePlugin = object  # type: ignore[assignment,misc]


class Plugin(BasePlugin):  # type: ignore[misc,valid-type]
    """dbt-duckdb's hook: every connection dbt opens gets the functions of the
    warehouse it builds (the folder of the profile's database file)."""

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn, warehouse_functions(Path(self.creds.path).resolve().parent))
