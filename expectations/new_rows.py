"""Which rows of a validated table are new since a night's watermark.

The tables that grow with history, and how each changes, are listed once in
warehouse/published_state.py (IN_PARTS). Every row of theirs is validated once:
each night's suites read only the parts changed by the files after the last
validation that passed (warehouse/build_state.py validation_scope), and every
other table whole. A suite's table-wide expectations then hold on the new rows
alone because each part is taken whole: a grain's duplicates are all new or all
old, and a cross-table sum is compared for whole periods. A change of project or
key rebuilds, and so revalidates, everything.
"""

from collections.abc import Iterable
from pathlib import Path

from warehouse import duckdb_settings
from warehouse.published_state import IN_PARTS


def new_rows_queries(warehouse_db: Path, tables: Iterable[str], since: int) -> dict[str, str | None]:
    """Per table, the query of its rows in parts changed after file `since`; None: the whole
    table. The parts are found once and written into the query as values: GX evaluates a
    batch's query once for every metric of its suite, and a subquery of the changes would
    read them as often."""
    queries: dict[str, str | None] = dict.fromkeys(tables)
    growing = [table for table in queries if table in IN_PARTS]
    if since <= 0 or not growing:
        return queries
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        for table in growing:
            parts = IN_PARTS[table]
            queries[table] = f"select * from {table} where {parts.rows_in(parts.changed(con, since))}"
    return queries
