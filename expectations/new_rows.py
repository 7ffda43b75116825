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

from warehouse.published_state import IN_PARTS


def new_rows_query(table: str, since: int) -> str | None:
    """The query of `table`'s rows in parts changed after file `since`; None: the whole table."""
    if since <= 0 or table not in IN_PARTS:
        return None
    return f"select * from {table} where {IN_PARTS[table].changed_since(since)}"
