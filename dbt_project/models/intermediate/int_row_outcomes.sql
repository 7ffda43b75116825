-- Rows accepted and quarantined per file, over every source. A re-sent
-- duplicate submission counts as accepted: it is not an error, and changes nothing.
select
    file_seq,
    count(*) filter (where row_status = 'accepted') as rows_accepted,
    count(*) filter (where row_status = 'quarantined') as rows_quarantined
from {{ ref('int_regional_rows') }}
group by all
union all
select
    file_seq,
    count(*) filter (where submission_status in ('accepted', 'duplicate')),
    count(*) filter (where submission_status = 'quarantined')
from {{ ref('int_isf_submissions') }}
group by all
