-- IS12: a month far above the factory's usual: electricity per worker, or
-- production value, more than 10 times the median of the factory's earlier
-- months (its current submissions before this period; at least 3 of them,
-- median above 0). Every accepted submission is judged, so a warning stays
-- with a submission even after a correction replaces it in the marts.
--
-- Incremental: a factory's warnings depend on its own months alone; each night
-- judges again every accepted submission of the factories it touched (a
-- correction of an earlier month can raise or remove a later month's warning).
{{ isf_incremental_config("factory_id in (select factory_id from ({{ isf_touched_factory_months() }}))") }}
with measured as (
    select
        file_seq, record_number, factory_id, period, electricity_kwh_text, production_value_baht_text,
        electricity_kwh
            / nullif(workers_thai_male + workers_thai_female + workers_foreign_male + workers_foreign_female, 0)
            as electricity_per_worker,
        production_value_baht,
        submission_status
    from {{ ref('int_isf_submissions') }}
    where submission_status = 'accepted'
    {%- if is_incremental() %}
      and factory_id in (select factory_id from ({{ isf_touched_factory_months() }}))
    {%- endif %}
),

current_months as (
    select measured.*
    from measured
    join {{ ref('int_isf_current') }} as current using (file_seq, record_number)
),

baselines as (
    select
        measured.file_seq,
        measured.record_number,
        count(earlier.electricity_per_worker) as electricity_months,
        median(earlier.electricity_per_worker) as electricity_median,
        count(earlier.production_value_baht) as production_months,
        median(earlier.production_value_baht) as production_median
    from measured
    join current_months as earlier
        on earlier.factory_id = measured.factory_id and earlier.period < measured.period
    group by all
),

judged as (
    select * from measured join baselines using (file_seq, record_number)
)

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
