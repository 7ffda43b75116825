-- One row per month, province, programme and indicator: the month's results
-- over all current result rows (all submitters and activities).
select
    fiscal_year,
    {{ fiscal_quarter_of_period('period') }} as fiscal_quarter,
    period,
    region_no,
    province_code,
    program_code,
    indicator,
    sum(value) as value
from {{ ref('int_regional_current_values') }}
where kind = 'result'
group by all
