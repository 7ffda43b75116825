-- The figures that count: accepted rows of the current version of each report,
-- one row per figure, with the row's place in the calendar and the zoning.
select
    rows.file_seq,
    rows.row_number,
    rows.submitter,
    rows.kind,
    rows.period,
    rows.fiscal_year,
    rows.province_code,
    zoning.region_no,
    rows.program_code,
    values_.indicator,
    values_.value,
    values_.value_text
from {{ ref('int_regional_rows') }} as rows
join {{ ref('int_regional_files') }} as files
    on files.file_seq = rows.file_seq and files.is_current
join {{ ref('stg_regional_values') }} as values_
    on values_.file_seq = rows.file_seq and values_.row_number = rows.row_number
join {{ ref('int_province_region_by_fiscal_year') }} as zoning
    on zoning.province_code = rows.province_code and zoning.fiscal_year = rows.fiscal_year
where rows.row_status = 'accepted'
