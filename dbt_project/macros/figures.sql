{#- Submitters' figures, counts and amounts: how one is read, and the largest
    the warehouse holds (the vars `max_count` and `max_amount`, dbt_project.yml).
    One home for both sources: a regional report's cells are text; an
    i-Single Form field is a JSON number or a numeric string.

    A figure has a `figure_problem`:
      null             it is good (it may still be negative: RR03, IS07)
      'not_a_number'   text that is no number (`n/a`, `สิบ`, `12 ราย`), NaN,
                       Infinity, true, an object or a list
      'too_large'      beyond the stated maximum, including numbers no
                       decimal can hold (a 40-digit number, 1e400)
      'fraction'       a count with a fraction
    and a `figure_value`, NULL whenever it has a problem: every typed column
    downstream can hold every value that reaches it. -#}

{#- A submitter's number as text: Thai digits and thousands separators
    allowed, a lone '-' meaning zero. -#}
{% macro number_text(text) -%}
    replace(trim({{ arabic_digits(text) }}), ' ', '')
{%- endmacro %}

{% macro text_is_number(text) -%}
    (
        {{ number_text(text) }} = '-'
        or regexp_full_match({{ number_text(text) }}, '[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?')
    )
{%- endmacro %}

{#- The number a text says; NULL when it says none, or one no decimal(38, 6) holds. -#}
{% macro text_number(text) -%}
    case
        when {{ number_text(text) }} = '-' then 0::decimal(38, 6)
        when {{ text_is_number(text) }} then try_cast(replace({{ number_text(text) }}, ',', '') as decimal(38, 6))
    end
{%- endmacro %}

{#- A JSON field given its text and JSON type (both taken from the document
    once, see stg_isf_submissions): a JSON number as is, a string as a
    submitter's number text. NaN and Infinity are numbers to JSON readers, not
    to the contract. -#}
{% macro json_is_number(text, json_type) -%}
    (
        ({{ json_type }} in ('BIGINT', 'UBIGINT', 'DOUBLE') and not regexp_full_match({{ text }}, '[+-]?(?i:nan|inf|infinity)'))
        or ({{ json_type }} = 'VARCHAR' and {{ text_is_number(text) }})
    )
{%- endmacro %}

{% macro json_number(text, json_type) -%}
    case
        when {{ json_type }} in ('BIGINT', 'UBIGINT', 'DOUBLE') then try_cast({{ text }} as decimal(38, 6))
        when {{ json_type }} = 'VARCHAR' then {{ text_number(text) }}
    end
{%- endmacro %}

{#- Whether a JSON field is absent or empty (missing, null, or blank text). -#}
{% macro json_is_empty(text, json_type) -%}
    (coalesce({{ json_type }}, 'NULL') = 'NULL' or ({{ json_type }} = 'VARCHAR' and trim({{ text }}) = ''))
{%- endmacro %}

{% macro figure_limit(is_count) -%}
    (case when {{ is_count }} then {{ var('max_count') }} else {{ var('max_amount') }} end)
{%- endmacro %}

{#- `is_number` and `number` as the macros above give them, for a figure that is present. -#}
{% macro figure_problem(is_number, number, is_count) -%}
    case
        when not {{ is_number }} then 'not_a_number'
        when {{ number }} is null or abs({{ number }}) > {{ figure_limit(is_count) }} then 'too_large'
        when {{ is_count }} and {{ number }} <> trunc({{ number }}) then 'fraction'
    end
{%- endmacro %}

{#- What a finding on a figure says beyond its rule's message, in English and in Thai. -#}
{% macro figure_problem_detail_en(problem, is_count) -%}
    case {{ problem }}
        when 'not_a_number' then 'not a number'
        when 'too_large' then 'larger than any ' || case when {{ is_count }} then 'count' else 'amount' end
            || ' this warehouse holds, at most ' || format('{:,}', {{ figure_limit(is_count) }})
        when 'fraction' then 'a count is a whole number'
    end
{%- endmacro %}

{% macro figure_problem_detail_th(problem, is_count) -%}
    case {{ problem }}
        when 'not_a_number' then 'ไม่ใช่ตัวเลข'
        when 'too_large' then 'มากกว่าค่าสูงสุดที่คลังข้อมูลรับได้ คือไม่เกิน ' || format('{:,}', {{ figure_limit(is_count) }})
        when 'fraction' then 'จำนวนนับต้องเป็นจำนวนเต็ม'
    end
{%- endmacro %}
