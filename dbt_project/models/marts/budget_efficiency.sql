-- One row per fiscal year, region and programme: budget allocated in the plan,
-- disbursed and economic value in the results.
with figures as (
    select
        fiscal_year,
        region_no,
        program_code,
        sum(value) filter (where kind = 'plan' and indicator = 'budget_allocated_mb') as budget_allocated_mb,
        sum(value) filter (where kind = 'result' and indicator = 'budget_disbursed_mb') as budget_disbursed_mb,
        sum(value) filter (where kind = 'result' and indicator = 'economic_value_mb') as economic_value_mb
    from {{ ref('int_regional_current_values') }}
    where indicator in ('budget_allocated_mb', 'budget_disbursed_mb', 'economic_value_mb')
    group by all
)

select
    fiscal_year,
    region_no,
    program_code,
    budget_allocated_mb,
    budget_disbursed_mb,
    case when budget_allocated_mb <> 0
         then round(100 * budget_disbursed_mb / budget_allocated_mb, 1) end as disbursement_pct,
    economic_value_mb,
    case when budget_disbursed_mb <> 0
         then round(economic_value_mb / budget_disbursed_mb, 2) end as value_per_baht
from figures
where coalesce(budget_allocated_mb, budget_disbursed_mb, economic_value_mb) is not null
