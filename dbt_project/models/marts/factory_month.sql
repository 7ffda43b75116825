-- One row per factory and month: the current submission. A natural person's
-- owner id appears only as its keyed hash (owner_key(), sources/pii.py);
-- contacts not at all.
--
-- Incremental: each night rewrites the factory-months its new accepted
-- submissions touch (as int_isf_current does). A row's other inputs change only
-- with the seeds (the project) or the owner-id key, and either means a full
-- rebuild (warehouse/build_state.py).
{{ isf_factory_month_incremental_config() }}
-- depends_on: {{ ref('int_isf_submissions') }}
{%- if is_incremental() %}
-- The touched rows first (materialized: otherwise DuckDB joins every factory-month
-- of the history with the reference tables before keeping the touched ones)
with current as materialized (
    select * from {{ ref('int_isf_current') }}
    semi join ({{ isf_touched_factory_months() }}) as touched using (factory_id, period)
)
{% endif %}
select
    current.period,
    current.fiscal_year,
    current.factory_id,
    current.factory_name,
    case when starts_with(current.owner_id, '0') then current.owner_id else owner_key(current.owner_id) end as owner_key,
    current.province_code,
    zoning.region_no,
    current.location_type,
    nullif(current.estate_code, '') as estate_code,
    current.tsic_code,
    substr(current.tsic_code, 1, 2) as tsic_division,
    divisions.section as tsic_section,
    cast(current.workers_thai as bigint) as workers_thai,
    cast(current.workers_foreign as bigint) as workers_foreign,
    cast(current.workers_total as bigint) as workers_total,
    current.production_value_baht,
    current.electricity_kwh,
    current.water_m3,
    current.submission_id
from {% if is_incremental() %}current{% else %}{{ ref('int_isf_current') }} as current{% endif %}
join {{ ref('tsic_divisions') }} as divisions on divisions.division = substr(current.tsic_code, 1, 2)
join {{ ref('int_province_region_by_fiscal_year') }} as zoning
    on zoning.province_code = current.province_code and zoning.fiscal_year = current.fiscal_year
{%- if not is_incremental() %}
-- Written in period order (a night appends its own months after): a night's
-- readers of a few months (industry_by_province, this model's delete) then
-- skip the row groups of every other month by their min/max.
order by current.period
{%- endif %}
