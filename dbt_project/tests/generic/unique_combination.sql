{#- The grain of a table: no two rows share these columns. (dbt_utils has this,
    but packages cannot be fetched on a machine with no network.) -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
