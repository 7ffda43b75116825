-- Every file sighting, with the month of the run that first saw it (Bangkok time).
select
    file_seq,
    file_sha256,
    path,
    source,
    size_bytes,
    first_seen_at,
    outcome,
    submitter,
    kind,
    period,
    version,
    rows_read
from {{ source('raw', 'landed_files') }}
