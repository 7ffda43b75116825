-- One row per problem found, for the people who sent the file.
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
