{#- Schemas are named as the contract names them (`marts`, `quality`, `reference`),
    not prefixed with the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
