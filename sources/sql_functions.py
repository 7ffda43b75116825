"""Python functions the warehouse's SQL calls, registered on DuckDB connections.

Some knowledge is written once, in Python, and needed in SQL too: how Thai
text is compared, how a natural person's id is hashed. Rather than a SQL twin
of each, the Python function itself is registered as a DuckDB scalar function
on every connection that runs the rules: dbt's (this module is a dbt-duckdb
plugin, named in `dbt_project/profiles.yml`) and any other that judges files
the way the night does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class SqlFunction:
    """A Python function as DuckDB calls it: one VARCHAR in, one VARCHAR out, NULL for NULL."""

    name: str
    function: Callable[[str], str | None]


def warehouse_functions() -> list[SqlFunction]:
    """Every function the project's SQL calls by name."""
    return []


def register(con: duckdb.DuckDBPyConnection, functions: list[SqlFunction] | None = None) -> None:
    for fn in warehouse_functions() if functions is None else functions:
        # NULL in, NULL out without a Python call; the same input gives the same output.
        con.create_function(fn.name, fn.function, ["VARCHAR"], "VARCHAR", null_handling="default", side_effects=False)


try:
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # dbt is not needed to use register() elsewhere
    BasePlugin = object  # type: ignore[assignment,misc]


class Plugin(BasePlugin):  # type: ignore[misc,valid-type]
    """dbt-duckdb's hook: every connection dbt opens gets the functions."""

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
