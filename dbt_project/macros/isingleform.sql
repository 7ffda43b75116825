{#- The i-Single Form submission's figures as the contract lists them (isingleform.md):
    (JSON path, column name, count or amount). Staging reads them and the
    rules judge them from this one list. -#}
{% macro isf_figure_fields() -%}
    {{ return([
        ('workers.thai_male', 'workers_thai_male', 'count'),
        ('workers.thai_female', 'workers_thai_female', 'count'),
        ('workers.foreign_male', 'workers_foreign_male', 'count'),
        ('workers.foreign_female', 'workers_foreign_female', 'count'),
        ('capital_baht', 'capital_baht', 'amount'),
        ('horsepower', 'horsepower', 'amount'),
        ('production_value_baht', 'production_value_baht', 'amount'),
        ('electricity_kwh', 'electricity_kwh', 'amount'),
        ('water_m3', 'water_m3', 'amount'),
    ]) }}
{%- endmacro %}

{#- The location types of i-Single Form (isingleform.md), as a SQL list. -#}
{% macro isf_location_types() -%}
    ['outside', 'industrial_estate', 'industrial_park']
{%- endmacro %}
