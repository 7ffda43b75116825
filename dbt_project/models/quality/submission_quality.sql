-- One row per source, submitter and period: how much of what they sent loaded.
-- Regional reports: by the file's submitter and period; every version sent
-- counts (a submitter's quality includes the versions it had to replace), a
-- re-sent identical content does not. Factories: by the provincial office that
-- follows them up (PIO + the factory id's province) and the month reported.
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

factory_warnings as (
    select file_seq, record_number, count(*) as warnings
    from {{ ref('int_isf_warnings') }}
    group by all
),

factories as (
    select
        'isingleform' as source,
        offices.submitter,
        case when regexp_full_match(submissions.period, '\d{4}-(0[1-9]|1[0-2])') then submissions.period end as period,
        count(distinct submissions.file_seq) as files,
        count(*) as rows_read,
        count(*) filter (where submissions.submission_status in ('accepted', 'duplicate')) as rows_accepted,
        count(*) filter (where submissions.submission_status = 'quarantined') as rows_quarantined,
        coalesce(sum(factory_warnings.warnings), 0) as warnings
    from {{ ref('int_isf_submissions') }} as submissions
    left join factory_warnings using (file_seq, record_number)
    -- the office of the province in digits 3-4 of a well-formed registration number
    left join {{ ref('submitters') }} as offices
        on offices.kind = 'provincial_office'
       and regexp_full_match(submissions.factory_id, '[127][023]\d{12}')
       and offices.province_code = substr(submissions.factory_id, 3, 2)
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
