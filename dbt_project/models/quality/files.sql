-- One row per file received (each distinct path and content) with its outcome.
-- For every file: rows_read = rows_accepted + rows_quarantined.
with finding_counts as (
    select
        file_seq,
        count(*) filter (where severity = 'warning') as warnings,
        min(rule_id) filter (where severity = 'error' and row_number is null) as file_rule_id
    from {{ ref('int_findings') }}
    group by all
)

select
    files.file_sha256,
    files.path,
    files.source,
    files.submitter,
    files.kind,
    files.period,
    files.version,
    files.first_seen_at,
    files.status,
    case when files.status = 'rejected' then finding_counts.file_rule_id end as rule_id,
    files.rows_read,
    coalesce(row_outcomes.rows_accepted, 0) as rows_accepted,
    coalesce(row_outcomes.rows_quarantined, 0) as rows_quarantined,
    coalesce(finding_counts.warnings, 0) as warnings
from {{ ref('int_files') }} as files
left join {{ ref('int_row_outcomes') }} as row_outcomes using (file_seq)
left join finding_counts using (file_seq)
