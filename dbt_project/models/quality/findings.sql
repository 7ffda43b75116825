-- One row per problem found, for the people who sent the file.
--
-- Incremental, as int_findings: each night replaces the findings it made
-- again (isf_findings_remade), found here by the file's content and path.
-- depends_on: {{ ref('int_isf_rejudged') }}, {{ ref('stg_landed_files') }}
{{ isf_incremental_config("(file_sha256, path) in (select (file_sha256, path) from {{ ref('stg_landed_files') }} where source = 'regional_reports' or file_seq > {{ isf_built_through() }}) or (rule_id = 'IS12' and (file_sha256, path, row_number) in (select (files.file_sha256, files.path, rejudged.record_number) from {{ ref('int_isf_rejudged') }} as rejudged join {{ ref('stg_landed_files') }} as files using (file_seq)))") }}
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
