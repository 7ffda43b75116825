{#- The grain of a table: no two rows share these columns. (dbt_utils has this,
    but packages cannot be fetched on a machine with no network.)

    `night` (factory_months or files, macros/incremental.sql night_rows): on an
    incremental build, only the keys of the rows the night wrote are checked,
    against the whole table; a full build checks every key. (`is defined`: the
    test rendered as plain Jinja, as tests/test_dbt_generic_tests.py does, has
    no default arguments.) -#}
{% test unique_combination(model, columns, night=none) %}
{%- set key = columns | join(', ') %}
{%- set written = night_rows(model, night) | trim if night is defined and night is not none else '' %}
select {{ key }}, count(*) as rows_with_key
from {{ model }}
{%- if written %}
semi join (select {{ key }} from ({{ written }})) as written using ({{ key }})
{%- endif %}
group by {{ key }}
having count(*) > 1
{% endtest %}
