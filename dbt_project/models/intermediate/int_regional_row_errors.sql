-- Row rules RR01-RR06 and RR10: everything that can be judged from the row alone.
-- RR07 needs to know which rows are accepted, so it lives in int_regional_rows.
-- An unknown province (RR04) or programme (RR06) that is a typing slip away from
-- a known one names it in the finding's detail (sources/typing_slips.py).
with data_rows as (
    select * from {{ ref('stg_regional_rows') }} where row_kind = 'data'
),

values_ as (
    select * from {{ ref('stg_regional_values') }} where row_kind = 'data'
),

text_cells as (
    unpivot (
        select file_seq, row_number, province_text as province, program_code_text as program_code, activity
        from data_rows
    )
    on province, program_code, activity
    into name column_name value value_text
),

-- the written keys of unknown provinces and programmes, each once
unknown_provinces as (
    select distinct province_key as written_key
    from data_rows where province_text is not null and province_code is null
),

unknown_programs as (
    select distinct program_key as written_key
    from data_rows where program_code_text is not null and program_code is null
),

known_names as (
    select 'province' as column_name, unknown_provinces.written_key, names.name,
           typing_slip_edits(unknown_provinces.written_key, names.province_key) as edits
    from unknown_provinces cross join {{ ref('stg_province_names') }} as names
    union all
    select 'program_code', unknown_programs.written_key, programs.program_code,
           typing_slip_edits(unknown_programs.written_key, programs.program_code)
    from unknown_programs cross join {{ ref('programs') }} as programs
),

closest_names as (
    select column_name, written_key, name
    from known_names
    where edits is not null
    qualify row_number() over (partition by column_name, written_key order by edits, name) = 1
)

select file_seq, row_number, 'RR01' as rule_id, 'province' as column_name, null as value,
       null as detail_en, null as detail_th
from data_rows where province_text is null
union all
select file_seq, row_number, 'RR01', 'program_code', null, null, null
from data_rows where program_code_text is null
union all
select file_seq, row_number, 'RR02', indicator, value_text,
       {{ figure_problem_detail_en('value_problem', 'is_count') }},
       {{ figure_problem_detail_th('value_problem', 'is_count') }}
from values_ where value_problem is not null
union all
select file_seq, row_number, 'RR03', indicator, value_text, null, null
from values_ where value < 0
union all
{#- RR04 an unknown province, RR06 an unknown programme: each names the known
    one it is a typing slip away from, if any -#}
{%- for rule_id, column, written, key, code in [('RR04', 'province', 'province_text', 'province_key', 'province_code'),
                                                ('RR06', 'program_code', 'program_code_text', 'program_key', 'program_code')] %}
select data_rows.file_seq, data_rows.row_number, '{{ rule_id }}', '{{ column }}', data_rows.{{ written }},
       'did you mean ' || closest_names.name || '?', 'หมายถึง ' || closest_names.name || ' หรือไม่'
from data_rows
left join closest_names
    on closest_names.column_name = '{{ column }}' and closest_names.written_key = data_rows.{{ key }}
where data_rows.{{ written }} is not null and data_rows.{{ code }} is null
union all
{% endfor %}
select data_rows.file_seq, data_rows.row_number, 'RR05', 'province', data_rows.province_text, null, null
from data_rows
left join {{ ref('submitters') }} as submitters
    on submitters.submitter = data_rows.submitter
left join {{ ref('int_province_region_by_fiscal_year') }} as zoning
    on zoning.province_code = data_rows.province_code
   and zoning.fiscal_year = data_rows.fiscal_year
where data_rows.province_code is not null
  and case submitters.kind
        when 'head_office' then false
        when 'provincial_office' then data_rows.province_code <> submitters.province_code
        when 'regional_centre' then zoning.region_no is distinct from submitters.region_no
        else true
      end
union all
select file_seq, row_number, 'RR10', column_name, value_text, null, null
from text_cells where {{ is_damaged_text('value_text') }}
