-- Every i-Single Form record with its outcome. Records arrive in (file_seq,
-- record_number) order across all runs; for each submission_id the copy seen
-- first stands: a later copy with the same content is a duplicate (ignored,
-- counted, not an error), one with different content breaks IS09.
--
-- Incremental: a record's outcome depends only on itself and on the copies
-- that arrived before it, which later files cannot change; each night judges
-- its new records against the first copies of their submission ids.
{{ isf_incremental_config("file_seq > {{ isf_built_through() }}") }}
with records as (
    select * from {{ ref('stg_isf_submissions') }} where file_seq > {{ isf_built_through() }}
),

record_errors as (
    select distinct file_seq, record_number from {{ ref('int_isf_record_errors') }}
    where file_seq > {{ isf_built_through() }}
),

{%- if is_incremental() %}

-- The night's ids, a few thousand, as the build side of a semi join: DuckDB
-- then filters the history's scan by them and reads the other columns of the
-- matching records alone, where `in (select ... from records)` joined after
-- reading every column of every record ever received.
night_ids as materialized (
    select distinct submission_id from records where is_object and nullif(submission_id, '') is not null
),
{%- endif %}

first_copies as (
    select submission_id, arg_min(content_hash, (file_seq, record_number)) as first_hash,
           min((file_seq, record_number)) as first_position
    from {{ ref('stg_isf_submissions') }}
    {%- if is_incremental() %}
    semi join night_ids using (submission_id)
    {%- endif %}
    where is_object and nullif(submission_id, '') is not null
    group by submission_id
),

judged as (
    select
        records.*,
        first_copies.first_position is not null
            and (records.file_seq, records.record_number) > first_copies.first_position as is_later_copy,
        records.content_hash = first_copies.first_hash as has_first_content,
        record_errors.record_number is not null as breaks_record_rules
    from records
    left join first_copies using (submission_id)
    left join record_errors using (file_seq, record_number)
)

select
    * exclude (is_later_copy, has_first_content),
    is_later_copy and not has_first_content as conflicts_with_first_copy,
    case
        when is_later_copy and has_first_content then 'duplicate'
        when breaks_record_rules or (is_later_copy and not has_first_content) then 'quarantined'
        else 'accepted'
    end as submission_status
from judged
