-- Regional report files and which version of each report is current: the
-- highest vN, and at the same N the content seen last. Only files that loaded
-- compete; a rejected file supersedes nothing.
with files as (
    select * from {{ ref('stg_landed_files') }} where source = 'regional_reports'
),

competing as (
    select
        file_seq,
        row_number() over (
            partition by submitter, kind, period order by version desc, file_seq desc
        ) as recency,
        -- the version that came next above this one is the one that superseded it
        lag(file_seq) over (
            partition by submitter, kind, period order by version desc, file_seq desc
        ) as superseded_by_seq
    from files
    where outcome = 'parsed'
)

select
    files.*,
    case
        when files.outcome = 'duplicate' then 'duplicate'
        when files.outcome = 'rejected' then 'rejected'
        when competing.recency = 1 then 'loaded'
        else 'superseded'
    end as status,
    coalesce(competing.recency = 1, false) as is_current,
    competing.superseded_by_seq
from files
left join competing using (file_seq)
