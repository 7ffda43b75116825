-- One row per reported figure: each indicator cell of a regional row, parsed
-- and judged as a figure (macros/figures.sql). Columns that do not belong to
-- the report's kind (a plan's disbursement, a result's allocation) are
-- ignored here; they stay in the raw record.
with long as (
    unpivot {{ ref('stg_regional_rows') }}
    on entrepreneurs, enterprises, community_enterprises, products, people, networks,
       economic_value_mb, budget_allocated_mb, budget_disbursed_mb
    into name indicator value value_text
),

read as (
    select
        file_seq,
        row_number,
        row_kind,
        indicator,
        indicator in ('entrepreneurs', 'enterprises', 'community_enterprises', 'products', 'people', 'networks') as is_count,
        value_text,
        {{ text_is_number('value_text') }} as is_number,
        {{ text_number('value_text') }} as number
    from long
    where value_text is not null
      and not (kind = 'plan' and indicator = 'budget_disbursed_mb')
      and not (kind = 'result' and indicator = 'budget_allocated_mb')
),

judged as (
    select *, {{ figure_problem('is_number', 'number', 'is_count') }} as value_problem
    from read
)

select
    file_seq,
    row_number,
    row_kind,
    indicator,
    is_count,
    value_text,
    value_problem,
    case when value_problem is null then number end as value
from judged
