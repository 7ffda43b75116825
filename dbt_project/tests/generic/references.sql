{#- Codes that name a row of another table (dbt's `relationships`), as one test
    per table for several columns: each dbt test costs about half a second
    whatever the table's size (see not_null_columns). `columns` maps a column to
    {to: ref('table'), field: column there, by default the same name}. A failure
    names each column with unknown codes and how many rows hold them.
    `night` (as unique_combination's): on an incremental build, only the rows
    the night wrote; the codes they name are seeds, which change only with the
    project, and a changed project is built whole. -#}
{% test references(model, columns, night=none) %}
{%- set written = night_rows(model, night) | trim if night is defined and night is not none else '' %}
{%- for column, other in columns.items() %}
select '{{ column }}' as column_name, count(*) as unknown_rows
from {{ '(' ~ written ~ ')' if written else model }}
where {{ column }} is not null
  and {{ column }} not in (select {{ other.get('field', column) }} from {{ other.to }})
having count(*) > 0
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
