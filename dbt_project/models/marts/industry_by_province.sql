-- One row per month, province, location type and TSIC section.
select
    period,
    fiscal_year,
    province_code,
    region_no,
    location_type,
    tsic_section,
    count(distinct factory_id) as factories,
    cast(sum(workers_total) as bigint) as workers_total,
    round(sum(production_value_baht) / 1e6, 3) as production_value_mb,
    round(sum(electricity_kwh) / 1000, 3) as electricity_mwh
from {{ ref('factory_month') }}
group by all
