-- Warnings on regional reports: RR08 (a figure far above the submitter's usual
-- month), RR09 (a total row that does not add up) and RF06 (a superseded version).
with monthly as (
    select submitter, program_code, indicator, fiscal_year, period, sum(value) as month_total
    from {{ ref('int_regional_current_values') }}
    where kind = 'result'
    group by all
),

baseline as (
    -- the earlier months of the same fiscal year, for each month that has figures
    select
        this_month.submitter, this_month.program_code, this_month.indicator, this_month.period,
        count(*) as earlier_months,
        median(earlier.month_total) as earlier_median
    from monthly as this_month
    join monthly as earlier
        on earlier.submitter = this_month.submitter
       and earlier.program_code = this_month.program_code
       and earlier.indicator = this_month.indicator
       and earlier.fiscal_year = this_month.fiscal_year
       and earlier.period < this_month.period
    group by all
),

outliers as (
    select
        figures.file_seq, figures.row_number, 'RR08' as rule_id, figures.indicator as column_name,
        figures.value_text as value,
        'value ' || figures.value_text || ', median of ' || baseline.earlier_months
            || ' earlier months ' || round(baseline.earlier_median, 2)::double as detail_en,
        'ค่า ' || figures.value_text || ' ค่ามัธยฐานของ ' || baseline.earlier_months
            || ' เดือนก่อนหน้า ' || round(baseline.earlier_median, 2)::double as detail_th
    from {{ ref('int_regional_current_values') }} as figures
    join baseline using (submitter, program_code, indicator, period)
    where figures.kind = 'result'
      and baseline.earlier_months >= 3
      and baseline.earlier_median > 0
      and figures.value > 10 * baseline.earlier_median
),

accepted_sums as (
    select values_.file_seq, values_.indicator, sum(values_.value) as accepted_sum
    from {{ ref('stg_regional_values') }} as values_
    join {{ ref('int_regional_rows') }} as rows using (file_seq, row_number)
    where rows.row_status = 'accepted'
    group by all
),

totals as (
    select
        totals.file_seq, totals.row_number, 'RR09' as rule_id, totals.indicator as column_name,
        totals.value_text as value,
        'total ' || totals.value_text || ', sum of accepted rows ' || coalesce(accepted_sums.accepted_sum, 0)::double as detail_en,
        'ยอดรวม ' || totals.value_text || ' ผลรวมของแถวที่ผ่านการตรวจสอบ ' || coalesce(accepted_sums.accepted_sum, 0)::double as detail_th
    from {{ ref('stg_regional_values') }} as totals
    left join accepted_sums using (file_seq, indicator)
    where totals.row_kind = 'total'
      and totals.value is not null
      and abs(totals.value - coalesce(accepted_sums.accepted_sum, 0)) > 0.01
),

superseded as (
    select
        files.superseded_by_seq as file_seq, null::integer as row_number, 'RF06' as rule_id,
        null as column_name, files.path as value,
        'superseded: ' || files.path as detail_en,
        'ถูกแทนที่: ' || files.path as detail_th
    from {{ ref('int_regional_files') }} as files
    where files.status = 'superseded'
)

select * from outliers
union all
select * from totals
union all
select * from superseded
