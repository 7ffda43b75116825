-- Every regional data row with its outcome. A row is quarantined when it breaks
-- any row rule; RR07 is a key equal to that of an earlier accepted row of the
-- same file, so it is judged after the other rules.
with data_rows as (
    select * from {{ ref('stg_regional_rows') }} where row_kind = 'data'
),

other_errors as (
    select distinct file_seq, row_number from {{ ref('int_regional_row_errors') }}
),

keyed as (
    select
        data_rows.file_seq,
        data_rows.row_number,
        other_errors.row_number is null as passes_other_rules,
        data_rows.province_key,
        data_rows.program_key,
        data_rows.activity_key
    from data_rows
    left join other_errors using (file_seq, row_number)
),

first_accepted as (
    select file_seq, province_key, program_key, activity_key, min(row_number) as first_row
    from keyed
    where passes_other_rules
    group by all
),

duplicates as (
    select keyed.file_seq, keyed.row_number
    from keyed
    join first_accepted using (file_seq, province_key, program_key, activity_key)
    where keyed.row_number > first_accepted.first_row
)

select
    data_rows.*,
    case when keyed.passes_other_rules and duplicates.row_number is null
         then 'accepted' else 'quarantined' end as row_status,
    duplicates.row_number is not null as repeats_earlier_row
from data_rows
join keyed using (file_seq, row_number)
left join duplicates using (file_seq, row_number)
