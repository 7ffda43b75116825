-- IS12: a month far above the factory's usual: electricity per worker, or
-- production value, more than 10 times the median of the factory's earlier
-- months (its current submissions before this period; at least 3 of them,
-- median above 0). Every accepted submission is judged, so a warning stays
-- with a submission even after a correction replaces it in the marts.
--
-- On a full build the baseline is a running median over the factory's current
-- months, one per period: a window, which DuckDB computes factory by factory,
-- where a join of every submission with every earlier month held 4 years of
-- history in memory at once. Every accepted submission has its factory-month's current row (the
-- current one is chosen among the accepted), whose earlier months are its own.
--
-- Incremental: a factory's warnings depend on its own months alone, and a month
-- only on the months before it; each night judges again the accepted
-- submissions of the factories it touched from the earliest period it touched
-- (a correction of an earlier month can raise or remove a later month's
-- warning, never an earlier one's).
-- The night's submissions to judge again are found once, in int_isf_rejudged.
-- depends_on: {{ ref('int_isf_rejudged') }}
{{ isf_incremental_config("target.file_seq = night.file_seq and target.record_number = night.record_number", "select file_seq, record_number from {{ ref('int_isf_rejudged') }}") }}
{%- set measures %}
        electricity_kwh
            / nullif(workers_thai_male + workers_thai_female + workers_foreign_male + workers_foreign_female, 0)
            as electricity_per_worker,
        production_value_baht
{%- endset %}
{%- if not is_incremental() %}
with measured as (
    select
        file_seq, record_number, factory_id, period, electricity_kwh_text, production_value_baht_text,
        {{- measures }}
    from {{ ref('int_isf_submissions') }}
    where submission_status = 'accepted'
),

baselines as (
    select
        factory_id,
        period,
        count(electricity_per_worker) over earlier as electricity_months,
        median(electricity_per_worker) over earlier as electricity_median,
        count(production_value_baht) over earlier as production_months,
        median(production_value_baht) over earlier as production_median
    from measured
    semi join {{ ref('int_isf_current') }} as current using (file_seq, record_number)
    window earlier as (partition by factory_id order by period rows between unbounded preceding and 1 preceding)
),

judged as (
    select measured.*, baselines.* exclude (factory_id, period)
    from measured
    join baselines using (factory_id, period)
)
{%- else %}

-- A night judges a few submissions a factory against the factory's whole
-- history: each joined with its earlier current months and aggregated, where
-- the window computed a baseline for every month of the history only to keep
-- the few (4 times the work at 4 years of history as at one). The same months
-- and the same median, so the same warnings as a full build.
with to_judge as materialized (
    select
        file_seq, record_number, factory_id, period, electricity_kwh_text, production_value_baht_text,
        {{- measures }}
    from {{ ref('int_isf_submissions') }}
    semi join {{ ref('int_isf_rejudged') }} as rejudged using (file_seq, record_number)
),

-- The touched factories' current months, read from int_isf_current, which
-- holds every column of the accepted submission that counts: a semi join of
-- their accepted submissions with it read every submission ever received
-- (4 seconds at 10 years of history, against 1 for the current rows alone).
history as materialized (
    select factory_id, period,
        {{- measures }}
    from {{ ref('int_isf_current') }}
    where factory_id in (select factory_id from {{ ref('int_isf_rejudged') }})
),

judged as (
    select
        to_judge.*,
        count(history.electricity_per_worker) as electricity_months,
        median(history.electricity_per_worker) as electricity_median,
        count(history.production_value_baht) as production_months,
        median(history.production_value_baht) as production_median
    from to_judge
    left join history on history.factory_id = to_judge.factory_id and history.period < to_judge.period
    group by all
)
{%- endif %}

select file_seq, record_number, factory_id, 'IS12' as rule_id, 'electricity_kwh' as column_name, electricity_kwh_text as value,
       'kWh per worker ' || round(electricity_per_worker, 2)::double || ', median of ' || electricity_months
           || ' earlier months ' || round(electricity_median, 2)::double as detail_en,
       'kWh ต่อคน ' || round(electricity_per_worker, 2)::double || ' ค่ามัธยฐานของ ' || electricity_months
           || ' เดือนก่อนหน้า ' || round(electricity_median, 2)::double as detail_th
from judged
where electricity_months >= 3 and electricity_median > 0 and electricity_per_worker > 10 * electricity_median
union all
select file_seq, record_number, factory_id, 'IS12', 'production_value_baht', production_value_baht_text,
       'production value ' || production_value_baht::double || ', median of ' || production_months
           || ' earlier months ' || production_median::double,
       'มูลค่าการผลิต ' || production_value_baht::double || ' ค่ามัธยฐานของ ' || production_months
           || ' เดือนก่อนหน้า ' || production_median::double
from judged
where production_months >= 3 and production_median > 0 and production_value_baht > 10 * production_median
