-- One row per fiscal year and indicator: kpi_fiscal_year summed over regions.
with sums as (
    select fiscal_year, indicator, sum(target) as target, sum(actual) as actual
    from {{ ref('kpi_fiscal_year') }}
    group by all
)

select
    fiscal_year,
    indicator,
    target,
    actual,
    case when target <> 0 then round(100 * actual / target, 1) end as achievement_pct
from sums
