"""What the quality report and the feedback workbooks show, read from the warehouse in SQL.

The findings grow with every year the warehouse keeps (about half a million a
national year): they stay in DuckDB. The report reads per file only the count
of its findings and the first FINDINGS_SHOWN_PER_FILE of them; the workbooks
(reporting/feedback/workbooks.py) stream the rows of those that changed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from warehouse import duckdb_settings

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

_FILES = """
    with finding_counts as (
        select file_sha256, path, count(*) as findings from quality.findings group by all
    )
    select
        coalesce(r.region_no, -1) as region_no, coalesce(regions.name_th, 'ไม่ทราบภาค') as region_name,
        files.source, coalesce(files.submitter, case when files.source = 'isingleform' then 'โรงงาน' else '?' end) as submitter,
        files.path, files.file_sha256, files.period, files.version, files.status, files.rule_id,
        files.rows_read, files.rows_accepted, files.rows_quarantined, files.warnings,
        coalesce(finding_counts.findings, 0) as findings
    from quality.files
    left join finding_counts using (file_sha256, path)
    left join submitter_region as r using (submitter)
    left join reference.regions as regions on regions.region_no = r.region_no
    order by files.source desc, region_no, submitter, files.period, files.path, files.file_sha256
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
        semi join quality.files using (file_sha256, path)
        group by findings.file_sha256, findings.path
    )
    select path, file_sha256, row_number, rule_id, severity, message_th, message_en, column_name, value
    from (select unnest(findings, recursive := true) from shown)
    order by {FINDING_ORDER}
"""

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
class QualityData:
    files: pd.DataFrame  # one row per file, with `findings`: how many it has
    shown_findings: pd.DataFrame  # per file its first FINDINGS_SHOWN_PER_FILE findings, in FINDING_ORDER
    submission_quality: pd.DataFrame
    provinces: dict[str, str]  # province_code -> Thai name
    overdue: pd.DataFrame  # the latest month past its deadline: results missing or late


@contextmanager
def quality_connection(warehouse_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, read only and limited as configured, with `submitter_region`."""
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        con.execute(SUBMITTER_REGION)
        yield con


def load_quality_data(con: duckdb.DuckDBPyConnection) -> QualityData:
    """What the report shows, from a `quality_connection`: its size follows the files, not the findings."""
    return QualityData(
        files=con.execute(_FILES).df(),
        shown_findings=con.execute(_SHOWN_FINDINGS).df(),
        submission_quality=con.execute(_SUBMISSION_QUALITY).df(),
        provinces=dict(con.execute("select province_code, name_th from reference.provinces").fetchall()),
        overdue=con.execute(_OVERDUE).df(),
    )
