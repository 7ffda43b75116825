-- Every file of every source with its status: loaded, rejected, superseded
-- (regional reports only) or duplicate.
select file_seq, file_sha256, path, source, submitter, kind, period, version, first_seen_at, rows_read, status
from {{ ref('int_regional_files') }}
union all
select file_seq, file_sha256, path, source, submitter, kind, period, version, first_seen_at, rows_read,
       case outcome when 'parsed' then 'loaded' else outcome end
from {{ ref('stg_landed_files') }}
where source = 'isingleform'
