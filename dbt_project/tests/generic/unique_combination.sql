{#- The grain of a table: no two rows share these columns. (dbt_utils has this,
    but packages cannot be fetched on a machine with no network.)

    `night: factory_months` (a table with a row per factory_id and period): on
    an incremental build, only the keys of the rows of the factory-months the
    night rewrote are checked, against the whole table; a full build checks
    every key. (isf_tested_through says why that is enough; `is defined`: the
    test rendered as plain Jinja, as tests/test_dbt_generic_tests.py does, has
    no default arguments.) `night: files` (a table with the file_sha256 and
    path of its rows' files): likewise, the keys of the rows of the files the
    night took in and of every regional report, which such a table makes again
    each night. -#}
{% test unique_combination(model, columns, night=none) %}
{%- set key = columns | join(', ') %}
{%- if night is defined and night == 'factory_months' %}
-- depends_on: {{ ref('int_isf_submissions') }}
{%- elif night is defined and night == 'files' %}
-- depends_on: {{ ref('stg_landed_files') }}
{%- endif %}
select {{ key }}, count(*) as rows_with_key
from {{ model }}
{%- if night is defined and night == 'factory_months' and (isf_tested_through() | trim) != '0' %}
semi join (
    select {{ key }} from {{ model }}
    semi join ({{ isf_touched_factory_months(isf_tested_through()) }}) as touched using (factory_id, period)
) as written using ({{ key }})
{%- elif night is defined and night == 'files' and (isf_tested_through() | trim) != '0' %}
semi join (
    select {{ key }} from {{ model }}
    semi join ({{ isf_remade_files(isf_tested_through()) }}) as night_files using (file_sha256, path)
) as written using ({{ key }})
{%- endif %}
group by {{ key }}
having count(*) > 1
{% endtest %}
