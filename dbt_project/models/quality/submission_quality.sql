-- One row per source, submitter and period: how much of what they sent loaded.
-- Regional reports: by the file's submitter and period; every version sent
-- counts (a submitter's quality includes the versions it had to replace), a
-- re-sent identical content does not. Factories: by the provincial office that
-- follows them up (PIO + the factory id's province) and the month reported,
-- summed from each file's counts (int_isf_file_quality), which a night makes
-- for its own files only.
with regional as (
    select
        source, submitter, period,
        count(*) as files,
        sum(rows_read) as rows_read,
        sum(rows_accepted) as rows_accepted,
        sum(rows_quarantined) as rows_quarantined,
        sum(warnings) as warnings
    from {{ ref('files') }}
    where source = 'regional_reports' and status <> 'duplicate'
    group by all
),

factories as (
    select
        'isingleform' as source,
        offices.submitter,
        file_counts.period,
        count(distinct file_counts.file_seq) as files,
        sum(file_counts.rows_read) as rows_read,
        sum(file_counts.rows_accepted) as rows_accepted,
        sum(file_counts.rows_quarantined) as rows_quarantined,
        sum(file_counts.warnings) as warnings
    from {{ ref('int_isf_file_quality') }} as file_counts
    left join {{ ref('submitters') }} as offices
        on offices.kind = 'provincial_office' and offices.province_code = file_counts.province_code
    group by all
),

both_sources as (
    select * from regional
    union all
    select * from factories
)

select
    source,
    submitter,
    period,
    cast(files as bigint) as files,
    cast(rows_read as bigint) as rows_read,
    cast(rows_accepted as bigint) as rows_accepted,
    cast(rows_quarantined as bigint) as rows_quarantined,
    cast(warnings as bigint) as warnings,
    case when rows_read > 0 then round(100.0 * rows_accepted / rows_read, 1) end as accepted_pct
from both_sources
