-- The regional reports' rows as read, for the pre-send check's RR08 (a month
-- far above the submitter's earlier months of the year). Programme figures by
-- province, as the offices sent them: nothing personal.
select * from {{ source('raw', 'regional_rows') }}
