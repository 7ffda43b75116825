-- Every quarantined row of every source, with the rules it broke and its raw
-- record as received. Internal: a factory's raw record holds personal data,
-- so this table is never published to analytics.duckdb.
--
-- Incremental: an i-Single Form record is quarantined, and for which rules,
-- once, when its file arrives (IS12 is a warning); each night adds the rows of
-- its new files, found by the file's content and path. The few regional rows
-- are made again whole, as their findings are (int_findings).
{{ isf_incremental_config("(file_sha256, path) in (select (file_sha256, path) from ({{ isf_remade_files() }}))") }}
with quarantined as (
    select file_seq, row_number, raw_record::varchar as raw_record
    from {{ ref('int_regional_rows') }}
    where row_status = 'quarantined'
    union all
    select file_seq, record_number, submissions.record_text
    from {{ ref('int_isf_submissions') }} as submission_outcomes
    join {{ source('raw', 'isingleform_records') }} as submissions using (file_seq, record_number)
    where submission_outcomes.submission_status = 'quarantined'
      -- on both sides, so that each reads only the new files' part of its table
      and submission_outcomes.file_seq > {{ isf_built_through() }}
      and submissions.file_seq > {{ isf_built_through() }}
),

broken_rules as (
    select file_seq, row_number, list(distinct rule_id order by rule_id) as rule_ids
    from {{ ref('int_findings') }}
    where severity = 'error' and row_number is not null
      and (source = 'regional_reports' or file_seq > {{ isf_built_through() }})
    group by all
)

select
    files.file_sha256,
    files.path,
    files.source,
    quarantined.row_number,
    broken_rules.rule_ids,
    quarantined.raw_record
from quarantined
join {{ ref('stg_landed_files') }} as files using (file_seq)
left join broken_rules using (file_seq, row_number)
