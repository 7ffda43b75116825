"""Which rows of a validated table are new since a night's watermark.

The tables below grow with history (a row per submission, per factory-month,
per month and cell). Every row of theirs is validated once: each night's suites
read only the rows of the files after the last validation that passed
(warehouse/build_state.py validation_scope), and every other table whole. A
suite's table-wide expectations then hold on the new rows alone because each
condition takes whole groups: a grain's duplicates are all new or all old, and
a cross-table sum is compared for whole periods.

Each condition selects the rows the incremental dbt models rewrite for those
files (dbt_project/macros/incremental.sql): a row outside it is the row
validated on an earlier night, unchanged, since a change of project or key
rebuilds (and so revalidates) everything.
"""

# The (factory_id, period) of the accepted submissions of files after the
# watermark: what isf_touched_factory_months() rewrites in dbt.
_TOUCHED = "select factory_id, period from intermediate.int_isf_submissions where submission_status = 'accepted' and file_seq > {since}"

CONDITIONS: dict[str, str] = {
    "staging.stg_isf_submissions": "file_seq > {since}",
    "marts.factory_month": f"(factory_id, period) in ({_TOUCHED})",
    # rebuilt whole by dbt, but a period's rows follow from that period's factory-months alone
    "marts.industry_by_province": f"period in (select period from ({_TOUCHED}))",
}


def new_rows_query(table: str, since: int) -> str | None:
    """The query of `table`'s rows new after file `since`; None: the whole table."""
    if since <= 0 or table not in CONDITIONS:
        return None
    return f"select * from {table} where {CONDITIONS[table].format(since=int(since))}"
