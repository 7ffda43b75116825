"""What the quality report and the feedback workbooks show, read from the warehouse in SQL.

The findings grow with every year the warehouse keeps (about half a million a
national year): they stay in DuckDB. The report's pages read per file only the
count of its findings and the first FINDINGS_SHOWN_PER_FILE of them, and only
for the files they show: the latest run's (index.html) and those of the months
of receipt whose page is written again (reporting/feedback/report.py); the
summary and the charts are aggregates. The workbooks
(reporting/feedback/workbooks.py) stream the rows of those that changed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from reporting.workbook_fingerprints import row_hash, rows_fingerprint
from sources.thai import BEMonth
from warehouse import duckdb_settings
from warehouse.sql_functions import SqlFunction, register

FINDINGS_SHOWN_PER_FILE = 100

# Region of a submitter (reference.submitters): a centre's own, the head office 0,
# a provincial office (and the factories it follows up) its province's latest zoning.
# A temporary table `submitter_region`; the KPI dashboard uses it too.
SUBMITTER_REGION = """
    create temp table submitter_region as
    with latest_zoning as (
        select province_code, arg_max(region_no, valid_from_fy) as region_no
        from reference.province_region group by all
    )
    select submitters.submitter, coalesce(submitters.region_no, latest_zoning.region_no) as region_no
    from reference.submitters as submitters
    left join latest_zoning using (province_code)
"""

# The order findings are shown in, page and workbook alike; every column takes
# part, so that the same findings always come out in the same order.
FINDING_ORDER = "path, row_number nulls first, rule_id, column_name, severity, message_th, message_en, value, submitter, file_sha256"

# Every file with its month of receipt (the Bangkok month, BE, of its first sighting:
# sources/thai.py BEMonth.of, called from SQL) and whether the latest build took it in:
# the files after the watermark of the build before it (warehouse/build_state.py). A night
# whose build failed leaves its files to the next build that succeeds, so every file is
# once among the latest run's, whichever Dagster run writes the report (a step executed
# again runs under another run id), and a night that took in nothing shows none.
_REPORT_FILES = """
    create or replace temp table report_files as
    with previous_build as (
        -- the watermark of the build before the latest; 0 before a second build
        select coalesce(max(built_through_file_seq), 0) as file_seq
        from (select built_through_file_seq from build_state.dbt_builds order by built_at desc limit 1 offset 1)
    ),
    months as (
        -- one call a night of intake, not one a file: the files of a night share their first sighting
        select first_seen_at, received_month(first_seen_at) as month from (select distinct first_seen_at from quality.files)
    )
    select
        coalesce(r.region_no, -1) as region_no, coalesce(regions.name_th, 'ไม่ทราบภาค') as region_name,
        files.source, coalesce(files.submitter, case when files.source = 'isingleform' then 'โรงงาน' else '?' end) as submitter,
        files.path, files.file_sha256, files.period, files.version, files.status, files.rule_id,
        files.rows_read, files.rows_accepted, files.rows_quarantined, files.warnings,
        months.month, landed.file_seq > (select file_seq from previous_build) as latest
    from quality.files
    join (select file_seq, file_sha256, path from raw.landed_files) as landed using (file_sha256, path)
    join months using (first_seen_at)
    left join submitter_region as r using (submitter)
    left join reference.regions as regions on regions.region_no = r.region_no
"""
_FILE_COLUMNS = (
    "region_no, region_name, source, submitter, path, file_sha256, period, version, status, rule_id, "
    "rows_read, rows_accepted, rows_quarantined, warnings, month"
)
_FILE_ORDER = "source desc, region_no, submitter, period, path, file_sha256"

# The files a page shows (`shown_files`, chosen from report_files), each with the count of its findings.
_LATEST_FILES = "create or replace temp table shown_files as select * from report_files where latest"
_MONTH_FILES = "create or replace temp table shown_files as select * from report_files where list_contains(?, month)"
_SHOWN_FILES = f"""
    with finding_counts as (
        select file_sha256, path, count(*) as findings
        from quality.findings semi join shown_files using (file_sha256, path)
        group by all
    )
    select {_FILE_COLUMNS}, coalesce(finding_counts.findings, 0) as findings
    from shown_files left join finding_counts using (file_sha256, path)
    order by {_FILE_ORDER}
"""


def _order_key(order: str) -> str:
    """An ORDER BY list as one struct value that sorts the same: in comparing nested values
    DuckDB puts NULL after every value, so a NULLS FIRST column goes behind an is-not-null flag."""
    fields = []
    for i, item in enumerate(order.split(", ")):
        column, *nulls = item.split()
        fields.append(f"k{i}a := {column} is not null, k{i} := {column}" if nulls == ["nulls", "first"] else f"k{i} := {column}")
    return f"struct_pack({', '.join(fields)})"


# Per file only the findings the page shows, never all of them: a top-N per file
# (an aggregate that keeps N rows a file), not a sort of every finding.
_SHOWN_FINDINGS = f"""
    with shown as (
        select min_by(findings, {_order_key(FINDING_ORDER)}, {FINDINGS_SHOWN_PER_FILE}) as findings
        from quality.findings
        semi join shown_files using (file_sha256, path)
        group by findings.file_sha256, findings.path
    )
    select path, file_sha256, row_number, rule_id, severity, message_th, message_en, column_name, value
    from (select unnest(findings, recursive := true) from shown)
    order by {FINDING_ORDER}
"""


# Per month of receipt, what its page shows: its files' and its findings' fingerprints
# (a page's rows are sorted by their columns, so their order needs no part in it).
_MONTH_FINGERPRINTS = f"""
    with file_rows as (
        select month, count(*) as files, {rows_fingerprint(row_hash(_FILE_COLUMNS))} as fingerprint from report_files group by all
    ),
    finding_rows as (
        select month, {rows_fingerprint(row_hash(FINDING_ORDER))} as fingerprint
        from quality.findings join (select file_sha256, path, month from report_files) using (file_sha256, path)
        group by all
    )
    select month, file_rows.fingerprint || '|' || coalesce(finding_rows.fingerprint, '') as rows, files
    from file_rows left join finding_rows using (month)
    order by month
"""

# The summary of regional submitters' files, over every file received.
_SUMMARY = """
    select region_no, region_name, submitter, count(*) as files,
        count(*) filter (where status = 'loaded') as loaded,
        count(*) filter (where status = 'rejected') as rejected,
        count(*) filter (where status = 'superseded') as superseded,
        sum(rows_accepted) as rows_accepted, sum(rows_quarantined) as rows_quarantined
    from report_files
    where source = 'regional_reports'
    group by all
    order by region_no, submitter
"""
_MONTHS = "select month, count(*) as files from report_files group by month order by month desc"

_SUBMISSION_QUALITY = """
    select coalesce(r.region_no, -1) as region_no, coalesce(regions.name_th, 'ไม่ทราบภาค') as region_name, q.*
    from quality.submission_quality as q
    left join submitter_region as r using (submitter)
    left join reference.regions as regions on regions.region_no = r.region_no
"""


_OVERDUE = """
    select submitter, period, due_date, status, days_late
    from quality.submission_deadlines
    where period = (select max(period) from quality.submission_deadlines) and status <> 'on_time'
    order by status, submitter
"""


@dataclass(frozen=True)
class ShownFiles:
    files: pd.DataFrame  # one row per file shown, with `month` of receipt and `findings`: how many it has
    findings: pd.DataFrame  # per file its first FINDINGS_SHOWN_PER_FILE findings, in FINDING_ORDER


@dataclass(frozen=True)
class QualityData:
    latest: ShownFiles  # the files the latest run took in
    summary: pd.DataFrame  # per regional submitter, its files and rows over every file received
    months: pd.DataFrame  # every month of receipt (newest first) and how many files it brought
    submission_quality: pd.DataFrame
    overdue: pd.DataFrame  # the latest month past its deadline: results missing or late


def _received_month(moment: datetime) -> str:
    return str(BEMonth.of(moment))


@contextmanager
def quality_connection(warehouse_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, read only and limited as configured, with `submitter_region` and
    `report_files` (every file, its month of receipt, and whether the latest run took it in)."""
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        register(con, [SqlFunction("received_month", _received_month, ("TIMESTAMP WITH TIME ZONE",))])
        con.execute(SUBMITTER_REGION)
        con.execute(_REPORT_FILES)  # the report follows a successful build, which build_state.dbt_builds records
        yield con


def load_quality_data(con: duckdb.DuckDBPyConnection) -> QualityData:
    """What index.html shows, from a `quality_connection`: the latest run's files, and aggregates."""
    return QualityData(
        latest=shown_files(con),
        summary=con.execute(_SUMMARY).df(),
        months=con.execute(_MONTHS).df(),
        submission_quality=con.execute(_SUBMISSION_QUALITY).df(),
        overdue=con.execute(_OVERDUE).df(),
    )


def shown_files(con: duckdb.DuckDBPyConnection, months: list[str] | None = None) -> ShownFiles:
    """The files received in these months, or (None) the latest run's, with their first findings."""
    con.execute(_MONTH_FILES if months is not None else _LATEST_FILES, [months] if months is not None else [])
    return ShownFiles(files=con.execute(_SHOWN_FILES).df(), findings=con.execute(_SHOWN_FINDINGS).df())


def month_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int]]:
    """Every month of receipt: a fingerprint of what its page shows (aggregates computed in DuckDB),
    and how many files it holds."""
    return {month: (rows, files) for month, rows, files in con.execute(_MONTH_FINGERPRINTS).fetchall()}
