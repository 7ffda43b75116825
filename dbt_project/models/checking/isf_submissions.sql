-- Every i-Single Form submission with its outcome, less its personal fields,
-- for the pre-send check's IS09 (a submission id sent again with other
-- content) and IS12 (a month far above the factory's earlier months).
-- content_hash is an MD5 of the whole submission: it tells two copies apart
-- and says nothing of either.
--
-- Incremental as int_isf_submissions, whose rows never change once judged:
-- each night appends its new files' submissions.
{{ isf_incremental_config("file_seq > {{ isf_built_through() }}") }}
select * exclude (owner_id, contact_name, contact_phone, contact_email)
from {{ ref('int_isf_submissions') }}
where file_seq > {{ isf_built_through() }}
