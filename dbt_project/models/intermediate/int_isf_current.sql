-- The submission that counts for each factory and month: the accepted one
-- submitted last (ties: the greater submission_id). Earlier ones stay in
-- int_isf_submissions as history.
--
-- Incremental: each night chooses again for the factory-months its new
-- accepted submissions touch, among all of their accepted submissions.
{{ isf_factory_month_incremental_config() }}
with accepted as (
    select * from {{ ref('int_isf_submissions') }} where submission_status = 'accepted'
)
{%- if is_incremental() %},

touched as (
    {{ isf_touched_factory_months() }}
)
{%- endif %}

select
    accepted.*,
    workers_thai_male + workers_thai_female as workers_thai,
    workers_foreign_male + workers_foreign_female as workers_foreign,
    workers_thai_male + workers_thai_female + workers_foreign_male + workers_foreign_female as workers_total,
    {{ fiscal_year_of_period('period') }} as fiscal_year
from accepted
{%- if is_incremental() %}
semi join touched using (factory_id, period)
{%- endif %}
qualify row_number() over (partition by factory_id, period order by submitted_at desc, submission_id desc) = 1
