{#- Columns that always hold a value, as one test per table: each dbt test costs
    about half a second of dbt's own work whatever the table's size, and one test
    per column made 58 of them, a third of every build. A failure names each
    column with nulls and how many rows. -#}
{% test not_null_columns(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as column_name, count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
