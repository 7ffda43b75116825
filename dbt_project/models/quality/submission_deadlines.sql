-- One row per submitter that must send a monthly result and per month: when
-- the first usable version arrived, and whether by the deadline (the 15th of
-- the next month, end of day Bangkok time). Months run from the first fiscal
-- year the warehouse holds any regional report for, to the last month whose
-- deadline has passed. Bangkok has no provincial industry office (the
-- department itself serves it): 11 centres and 76 offices are expected.
with today as (
    select cast(timezone('Asia/Bangkok', now()) as date) as as_of
),

first_fiscal_year as (
    select min(case when kind = 'plan' then try_cast(period as integer)
                    else {{ fiscal_year_of_period('period') }} end) as fiscal_year
    from {{ ref('files') }}
    where source = 'regional_reports' and status <> 'rejected'
),

months as (
    select
        strftime(month_start, '%m') as month_text,
        year(month_start) + 543 as be_year,
        month_start
    from first_fiscal_year, today,
        generate_series(make_date(fiscal_year - 544, 10, 1), today.as_of - interval 1 month, interval 1 month) as t(month_start)
    -- the month's deadline has passed
    where month_start + interval 1 month + interval 14 day < today.as_of
),

expected_submitters as (
    select submitter from {{ ref('submitters') }} where sends_monthly_results
),

received as (
    select submitter, period, min(first_seen_at) as first_received_at
    from {{ ref('files') }}
    where source = 'regional_reports' and kind = 'result' and status <> 'rejected'
    group by all
),

judged as (
    select
        expected_submitters.submitter,
        months.be_year || '-' || months.month_text as period,
        cast(months.month_start + interval 1 month + interval 14 day as date) as due_date,
        received.first_received_at
    from expected_submitters
    cross join months
    left join received
        on received.submitter = expected_submitters.submitter
        and received.period = months.be_year || '-' || months.month_text
)

select
    submitter,
    period,
    {{ fiscal_year_of_period('period') }} as fiscal_year,
    due_date,
    first_received_at,
    case
        when first_received_at is null then 'missing'
        when cast(timezone('Asia/Bangkok', first_received_at) as date) <= due_date then 'on_time'
        else 'late'
    end as status,
    case when first_received_at is not null
         then greatest(0, date_diff('day', due_date, cast(timezone('Asia/Bangkok', first_received_at) as date))) end as days_late,
    (select as_of from today) as as_of
from judged
