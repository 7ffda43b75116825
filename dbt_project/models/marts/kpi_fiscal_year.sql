-- One row per fiscal year, region, programme and indicator: the plan's target
-- against the year's results.
with targets as (
    select fiscal_year, region_no, program_code, indicator, sum(value) as target
    from {{ ref('int_regional_current_values') }}
    where kind = 'plan' and indicator <> 'budget_allocated_mb'
    group by all
),

actuals as (
    select fiscal_year, region_no, program_code, indicator, sum(value) as actual
    from {{ ref('kpi_monthly') }}
    where indicator <> 'budget_disbursed_mb'
    group by all
)

select
    fiscal_year,
    region_no,
    program_code,
    indicator,
    targets.target,
    coalesce(actuals.actual, 0) as actual,
    case when targets.target <> 0
         then round(100 * coalesce(actuals.actual, 0) / targets.target, 1) end as achievement_pct
from targets
full outer join actuals using (fiscal_year, region_no, program_code, indicator)
