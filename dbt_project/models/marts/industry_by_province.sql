-- One row per month, province, location type and TSIC section.
--
-- Incremental: a month's rows are its factory_month rows summed, and
-- factory_month changes only in the factory-months a night's accepted
-- submissions touch (or is rebuilt whole); each night sums again the months
-- they touch.
{{ isf_incremental_config("period in (select period from ({{ isf_touched_factory_months() }}))") }}
-- depends_on: {{ ref('int_isf_submissions') }}
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
{%- if is_incremental() %}
-- a semi join, not `in (select ...)`: DuckDB then filters factory_month's scan
-- by the night's months, and skips the row groups of others (factory_month is
-- written in period order)
semi join (select distinct period from ({{ isf_touched_factory_months() }})) as touched using (period)
{%- endif %}
group by all
