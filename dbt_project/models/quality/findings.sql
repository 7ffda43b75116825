-- One row per problem found, for the people who sent the file.
--
-- Incremental, as int_findings: each night replaces the findings it made
-- again (published_findings_remade). int_findings_parts reads this table
-- before the night replaces them, to tell which files' findings changed.
-- depends_on: {{ ref('int_isf_rejudged') }}, {{ ref('stg_landed_files') }}, {{ ref('int_findings_parts') }}
{{ isf_incremental_config("{{ published_findings_remade() }}") }}
select
    file_sha256,
    path,
    row_number,
    submitter,
    rule_id,
    severity,
    message_th,
    message_en,
    column_name,
    value
from {{ ref('int_findings') }}
{%- if is_incremental() %}
where {{ isf_findings_remade() }}
{%- endif %}
