-- Every finding of every source, in one shape: the file, the row as a person
-- sees it (null for the whole file), the rule, the column and the value.
--
-- Incremental: an i-Single Form record's errors are judged once, when its file
-- arrives; its IS12 warnings change only where the night judges them again
-- (int_isf_warnings). Each night makes again the findings of
-- isf_findings_remade() (macros/incremental.sql).
-- depends_on: {{ ref('int_isf_rejudged') }}
{{ isf_incremental_config("{{ isf_findings_remade() }}") }}
with all_findings as{% if is_incremental() %} materialized{% endif %} (
    select file_seq, null::integer as row_number, rule_id, column_name, value, detail_en, detail_th
    from {{ source('raw', 'file_findings') }}
    {%- if is_incremental() %}
    where file_seq > {{ isf_built_through() }}
       or file_seq in (select file_seq from {{ ref('stg_landed_files') }} where source = 'regional_reports')
    {%- endif %}
    union all
    select file_seq, row_number, rule_id, column_name, value, detail_en, detail_th
    from {{ ref('int_regional_row_errors') }}
    union all
    select file_seq, row_number, 'RR07', 'activity', activity, null, null
    from {{ ref('int_regional_rows') }} where repeats_earlier_row
    union all
    select file_seq, row_number, rule_id, column_name, value, detail_en, detail_th
    from {{ ref('int_regional_warnings') }}
    union all
    select file_seq, record_number, rule_id, column_name, value, detail_en, detail_th
    from {{ ref('int_isf_record_errors') }} where file_seq > {{ isf_built_through() }}
    union all
    select file_seq, record_number, 'IS09', 'submission_id', submission_id, null, null
    from {{ ref('int_isf_submissions') }} where conflicts_with_first_copy and file_seq > {{ isf_built_through() }}
    union all
    select file_seq, record_number, rule_id, column_name, value, detail_en, detail_th
    from {{ ref('int_isf_warnings') }}
    {%- if is_incremental() %}
    semi join {{ ref('int_isf_rejudged') }} as rejudged using (file_seq, record_number)
    {%- endif %}
),

-- The submissions the findings are about, found by their keys: joined whole,
-- DuckDB built its hash table on every record ever received to look up a
-- night's few hundred findings.
submissions as (
    select file_seq, record_number, factory_id
    from {{ ref('stg_isf_submissions') }} as submissions
    semi join all_findings on all_findings.file_seq = submissions.file_seq and all_findings.row_number = submissions.record_number
)

select
    all_findings.file_seq,
    files.file_sha256,
    files.path,
    files.source,
    -- who sent the row: the report's submitter, or the factory of a submission
    coalesce(files.submitter, left(submissions.factory_id, 20)) as submitter,
    all_findings.row_number,
    all_findings.rule_id,
    rules.severity,
    rules.message_th || coalesce(' (' || all_findings.detail_th || ')', '') as message_th,
    rules.message_en || coalesce(' (' || all_findings.detail_en || ')', '') as message_en,
    all_findings.column_name,
    left(all_findings.value, 500) as value
from all_findings
join {{ ref('stg_landed_files') }} as files using (file_seq)
left join submissions
    on files.source = 'isingleform'
   and submissions.file_seq = all_findings.file_seq
   and submissions.record_number = all_findings.row_number
join {{ ref('quality_rules') }} as rules using (rule_id)
