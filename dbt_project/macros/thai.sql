{#- SQL counterparts of sources/thai.py, for the rows that live in DuckDB. -#}

{#- Few texts hold Thai digits, and translate() is five times dearer than the test. -#}
{% macro arabic_digits(text) -%}
    case when regexp_matches({{ text }}, '[๐-๙]') then translate({{ text }}, '๐๑๒๓๔๕๖๗๘๙', '0123456789') else {{ text }} end
{%- endmacro %}

{#- `YYYY-MM` BE month -> fiscal year (October-September, named by its ending year). -#}
{% macro fiscal_year_of_period(period) -%}
    (cast(substr({{ period }}, 1, 4) as integer) + case when cast(substr({{ period }}, 6, 2) as integer) >= 10 then 1 else 0 end)
{%- endmacro %}

{#- 1 = Oct-Dec, 2 = Jan-Mar, 3 = Apr-Jun, 4 = Jul-Sep -#}
{% macro fiscal_quarter_of_period(period) -%}
    (((cast(substr({{ period }}, 6, 2) as integer) + 2) % 12) // 3 + 1)
{%- endmacro %}

{#- The text as a person sees it: sources/thai.py INVISIBLE_CHARACTERS removed.
    Few texts hold any: the byte search of contains() tells them several times
    faster than the regular expression would (a million records a night). -#}
{% macro visible_text(text) -%}
    {%- set invisible = [
        0xAD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF,
    ] -%}
    case when {% for c in invisible %}contains({{ text }}, chr({{ c }})){{ ' or ' if not loop.last }}{% endfor %}
        then regexp_replace({{ text }}, '[{% for c in invisible %}{{ '\\x{%X}' % c }}{% endfor %}]', '', 'g')
        else {{ text }}
    end
{%- endmacro %}

{#- Text damaged by a wrong encoding: U+FFFD, C1 controls, Thai UTF-8 read as Latin-1. -#}
{% macro is_damaged_text(text) -%}
    regexp_matches({{ text }}, '[\x{FFFD}\x{80}-\x{9F}]|à¸|à¹')
{%- endmacro %}

{#- A province as written, in the form it is looked up in (regional-reports.md,
    "Values"): Thai digits as digits, compared as a reader sees it (thai_key, the
    Python function of sources/thai.py), a `จ.` or `จังหวัด` before the name
    dropped, and spaces and hyphens dropped (`Chon Buri`, `Chonburi`, `chon-buri`). -#}
{% macro province_key(text) -%}
    regexp_replace(regexp_replace(thai_key({{ arabic_digits(text) }}), '^(จังหวัด|จ\.)\s*', ''), '[\s-]', '', 'g')
{%- endmacro %}

{#- `text` spelt as the one of `canonical` (a SQL list of codes) that it is the
    same text as (thai_key), or as written when it is none of them. Most texts
    are already canonical, and only the others cost a Python call per code. -#}
{% macro canonical_spelling(text, canonical) -%}
    case when {{ text }} is null or list_contains({{ canonical }}, {{ text }}) then {{ text }}
         else coalesce(list_filter({{ canonical }}, lambda code: thai_key(code) = thai_key({{ text }}))[1], {{ text }})
    end
{%- endmacro %}
