-- Regional report rows with their file's identity, the row's fiscal year, the
-- province and programme resolved from what was written, and the row's key
-- (RR07) as the contract compares it. Text is kept as sent; thai_key (the
-- Python function of sources/thai.py) is called once per distinct text.
with rows as (
    select r.*, f.submitter, f.kind, f.period, f.path, f.file_sha256
    from {{ source('raw', 'regional_rows') }} as r
    join {{ ref('stg_landed_files') }} as f using (file_seq)
),

written_provinces as (
    select province, {{ province_key('province') }} as written_key
    from (select distinct province from rows where province is not null)
),

written_programs as (
    select program_code, thai_key(program_code) as written_key
    from (select distinct program_code from rows where program_code is not null)
),

programs as (
    select program_code, thai_key(program_code) as program_key from {{ ref('programs') }}
),

activities as (
    select activity, thai_key(activity) as activity_key
    from (select distinct activity from rows where activity is not null)
)

select
    rows.file_seq,
    rows.file_sha256,
    rows.path,
    rows.row_number,
    rows.row_kind,
    rows.submitter,
    rows.kind,
    rows.period,
    case when rows.kind = 'plan' then cast(rows.period as integer)
         else {{ fiscal_year_of_period('rows.period') }} end as fiscal_year,
    rows.province as province_text,
    province_names.province_code,
    rows.program_code as program_code_text,
    programs.program_code,
    rows.activity,
    -- the row's key: a resolved province or programme by its code, one that is not by its text
    coalesce(province_names.province_code, written_provinces.written_key, '') as province_key,
    coalesce(programs.program_code, written_programs.written_key, '') as program_key,
    coalesce(activities.activity_key, '') as activity_key,
    rows.raw_record,
    rows.entrepreneurs,
    rows.enterprises,
    rows.community_enterprises,
    rows.products,
    rows.people,
    rows.networks,
    rows.economic_value_mb,
    rows.budget_allocated_mb,
    rows.budget_disbursed_mb
from rows
left join written_provinces using (province)
left join {{ ref('stg_province_names') }} as province_names
    on province_names.province_key = written_provinces.written_key
left join written_programs using (program_code)
left join programs
    on programs.program_key = written_programs.written_key
left join activities using (activity)
