-- Every file sighting the intake recorded, as the pre-send check needs them to
-- judge a new file the way the night would: which contents came before under
-- which name (duplicates), which version of a report is current (RF06, RR08).
-- Names, hashes and outcomes only: nothing personal.
select file_seq, file_sha256, path, source, size_bytes, first_seen_at, outcome,
       submitter, kind, period, version, rows_read
from {{ ref('stg_landed_files') }}
