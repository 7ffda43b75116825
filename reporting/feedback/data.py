"""What the quality report and the feedback workbooks show, read from the warehouse in SQL."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warehouse import duckdb_settings

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

_FILES = """
    select
        coalesce(r.region_no, -1) as region_no, coalesce(regions.name_th, 'ไม่ทราบภาค') as region_name,
        files.source, coalesce(files.submitter, case when files.source = 'isingleform' then 'โรงงาน' else '?' end) as submitter,
        files.path, files.file_sha256, files.period, files.version, files.status, files.rule_id,
        files.rows_read, files.rows_accepted, files.rows_quarantined, files.warnings, files.first_seen_at
    from quality.files
    left join submitter_region as r using (submitter)
    left join reference.regions as regions on regions.region_no = r.region_no
    order by files.source desc, region_no, submitter, files.period, files.path
"""

_FINDINGS = """
    select
        findings.path, findings.file_sha256, files.source, findings.submitter, findings.row_number,
        findings.rule_id, findings.severity, findings.message_th, findings.message_en,
        findings.column_name, findings.value,
        -- a factory's provincial office: digits 3-4 of its registration number
        case when files.source = 'isingleform' and regexp_full_match(findings.submitter, '\\d{14}')
             then substr(findings.submitter, 3, 2) end as factory_province
    from quality.findings
    join quality.files using (file_sha256, path)
    order by findings.path, findings.row_number nulls first, findings.rule_id, findings.column_name
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
    files: pd.DataFrame
    findings: pd.DataFrame
    submission_quality: pd.DataFrame
    provinces: dict[str, str]  # province_code -> Thai name
    overdue: pd.DataFrame  # the latest month past its deadline: results missing or late


def load_quality_data(warehouse_db: Path) -> QualityData:
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        con.execute(SUBMITTER_REGION)
        return QualityData(
            files=con.execute(_FILES).df(),
            findings=con.execute(_FINDINGS).df(),
            submission_quality=con.execute(_SUBMISSION_QUALITY).df(),
            provinces=dict(con.execute("select province_code, name_th from reference.provinces").fetchall()),
            overdue=con.execute(_OVERDUE).df(),
        )
