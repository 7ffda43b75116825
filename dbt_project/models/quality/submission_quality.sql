-- One row per source, submitter and period: how much of what they sent loaded.
-- Every version sent counts (a submitter's quality includes the versions it
-- had to replace); a re-sent identical content (status duplicate) does not.
select
    source,
    submitter,
    period,
    count(*) as files,
    cast(sum(rows_read) as bigint) as rows_read,
    cast(sum(rows_accepted) as bigint) as rows_accepted,
    cast(sum(rows_quarantined) as bigint) as rows_quarantined,
    cast(sum(warnings) as bigint) as warnings,
    case when sum(rows_read) > 0
         then round(100.0 * sum(rows_accepted) / sum(rows_read), 1) end as accepted_pct
from {{ ref('files') }}
where status <> 'duplicate'
group by all
