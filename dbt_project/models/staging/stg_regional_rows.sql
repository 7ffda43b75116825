-- Regional report rows with their file's identity, the row's fiscal year and
-- the province resolved from code, Thai name or English name.
with rows as (
    select r.*, f.submitter, f.kind, f.period, f.path, f.file_sha256
    from {{ source('raw', 'regional_rows') }} as r
    join {{ ref('stg_landed_files') }} as f using (file_seq)
),

province_names as (
    select province_code, {{ fold_text('province_code') }} as folded from {{ ref('provinces') }}
    union all
    select province_code, {{ fold_text('name_th') }} from {{ ref('provinces') }}
    union all
    select province_code, {{ fold_text('name_en') }} from {{ ref('provinces') }}
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
    {{ fold_text('rows.activity') }} as activity_key,
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
left join province_names
    on province_names.folded = {{ fold_text(arabic_digits('rows.province')) }}
left join {{ ref('programs') }} as programs
    on upper(trim(rows.program_code)) = programs.program_code
