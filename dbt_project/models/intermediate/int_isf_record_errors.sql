-- i-Single Form rules that judge one record alone (IS01-IS08, IS10, IS11).
-- IS09 needs the order records arrived in and lives in int_isf_submissions.
-- Values of personal fields (a natural person's owner id, contacts) are left out.
-- Incremental: each night judges the records of its new files only.
{{ isf_incremental_config("file_seq > {{ isf_built_through() }}") }}
{%- set required = [('submission_id', 'submission_id'), ('submitted_at', 'submitted_at_text'), ('period', 'period'),
                    ('factory_id', 'factory_id'), ('owner_id', 'owner_id'), ('factory_name', 'factory_name'),
                    ('tsic_code', 'tsic_code'), ('province_code', 'province_code'), ('location.type', 'location_type')] %}
with batch as (
    select * from {{ ref('stg_isf_submissions') }} where file_seq > {{ isf_built_through() }}
),

submissions as (
    select * from batch where is_object
),

numbers as (
    select file_seq, record_number, field.*
    from (
        select file_seq, record_number, unnest([
            {%- for path, column, kind in isf_figure_fields() %}
            {'column_name': '{{ path }}', 'is_count': {{ 'true' if kind == 'count' else 'false' }},
             'value_text': {{ column }}_text, 'is_empty': {{ column }}_is_empty, 'problem': {{ column }}_problem,
             'value': {{ column }}}{{ ',' if not loop.last }}
            {%- endfor %}
        ]) as field
        from submissions
    )
),

texts as (
    select file_seq, record_number, field.*
    from (
        select file_seq, record_number, unnest([
            {'column_name': 'factory_name', 'value_text': factory_name, 'is_personal': false},
            {'column_name': 'legacy_registration_no', 'value_text': legacy_registration_no, 'is_personal': false},
            {'column_name': 'production.product', 'value_text': production_products, 'is_personal': false},
            {'column_name': 'production.unit', 'value_text': production_units, 'is_personal': false},
            {'column_name': 'contact.name', 'value_text': contact_name, 'is_personal': true},
            {'column_name': 'contact.phone', 'value_text': contact_phone, 'is_personal': true},
            {'column_name': 'contact.email', 'value_text': contact_email, 'is_personal': true}
        ]) as field
        from submissions
    )
),

production_lines as (
    -- one row per production line: few exports carry any
    select file_seq, record_number, json_type(line) as line_type,
           {%- for field in ['quantity', 'value_baht'] %}
           json_extract_string(line, '$.{{ field }}') as {{ field }}_text,
           json_type(line, '$.{{ field }}') as {{ field }}_type{{ ',' if not loop.last }}
           {%- endfor %}
    from (select file_seq, record_number, unnest(production_lines) as line from submissions where production_lines is not null)
),

production_figures as (
    select file_seq, record_number, line_type, field.*
    from (
        select file_seq, record_number, line_type, unnest([
            {%- for field in ['quantity', 'value_baht'] %}
            {'value_text': {{ field }}_text, 'is_empty': {{ json_is_empty(field ~ '_text', field ~ '_type') }},
             'is_number': {{ json_is_number(field ~ '_text', field ~ '_type') }},
             'number': {{ json_number(field ~ '_text', field ~ '_type') }}}{{ ',' if not loop.last }}
            {%- endfor %}
        ]) as field
        from production_lines
    )
),

production_problems as (
    select
        file_seq, record_number,
        bool_or(line_type <> 'OBJECT') as has_other_than_lines,
        min(case when not is_empty then {{ figure_problem('is_number', 'number', 'false') }} end) as figure_problem,
        bool_or(not is_empty and number < 0) as has_negative
    from production_figures
    group by all
),

checked as (
    select
        submissions.*,
        regexp_full_match(owner_id, '\d{13}') as owner_id_is_13_digits,
        regexp_full_match(factory_id, '[127][023]\d{12}') as factory_id_is_well_formed,
        regexp_full_match(period, '\d{4}-(0[1-9]|1[0-2])') as period_is_real,
        -- the first fiscal year the warehouse holds, as for regional reports (RF03)
        case when regexp_full_match(period, '\d{4}-(0[1-9]|1[0-2])')
             then {{ fiscal_year_of_period('period') }} < {{ var('first_fiscal_year') }} end as period_is_too_early,
        -- the Bangkok month of submission, as a BE month
        strftime(submitted_at at time zone 'Asia/Bangkok', '%Y-%m') as submitted_month_ce
    from submissions
)

-- IS02: a line that is not a JSON object
select file_seq, record_number, 'IS02' as rule_id, null as column_name, null as value,
       'not a JSON object' as detail_en, 'ไม่ใช่ออบเจกต์ JSON' as detail_th
from batch where not is_object
{%- for field, column in required %}
union all
select file_seq, record_number, 'IS01', '{{ field }}', null, null, null
from submissions where nullif({{ column }}, '') is null
{%- endfor %}
union all
select file_seq, record_number, 'IS01', column_name, null, null, null
from numbers where is_count and is_empty
union all
select file_seq, record_number, 'IS02', 'submitted_at', submitted_at_text,
       'not an ISO-8601 timestamp with an offset', 'ไม่ใช่วันเวลาแบบ ISO-8601 พร้อมเขตเวลา'
from checked where nullif(submitted_at_text, '') is not null and submitted_at is null
union all
-- a submission is made before its export arrives (a day allowed for clocks)
select file_seq, record_number, 'IS02', 'submitted_at', submitted_at_text,
       'later than the file arrived', 'หลังเวลาที่ได้รับไฟล์'
from checked where submitted_at > received_at + interval 1 day
union all
select file_seq, record_number, 'IS02', 'period', period,
       'not a BE month YYYY-MM', 'ไม่ใช่เดือน พ.ศ. แบบ YYYY-MM'
from checked where nullif(period, '') is not null and not period_is_real
union all
select file_seq, record_number, 'IS02', 'period', period,
       'months before fiscal year {{ var("first_fiscal_year") }} are not held',
       'ไม่รับเดือนก่อนปีงบประมาณ {{ var("first_fiscal_year") }}'
from checked where period_is_too_early
union all
select file_seq, record_number, 'IS02', column_name, value_text,
       {{ figure_problem_detail_en('problem', 'is_count') }}, {{ figure_problem_detail_th('problem', 'is_count') }}
from numbers where problem is not null
union all
select file_seq, record_number, 'IS02', field_path, null,
       'a text, not an object, a list or true/false', 'ต้องเป็นข้อความ ไม่ใช่ออบเจกต์ รายการ หรือค่าจริง/เท็จ'
from (select file_seq, record_number, unnest(texts_not_scalar) as field_path from submissions)
union all
select file_seq, record_number, 'IS02', 'factory_class', factory_class_text,
       'one of 1, 2, 3', 'ต้องเป็น 1 2 หรือ 3'
from checked where nullif(factory_class_text, '') is not null and factory_class_text not in ('1', '2', '3')
union all
select file_seq, record_number, 'IS02', 'location.type', location_type,
       'one of outside, industrial_estate, industrial_park', 'ต้องเป็น outside industrial_estate หรือ industrial_park'
from checked where nullif(location_type, '') is not null and not list_contains({{ isf_location_types() }}, location_type)
union all
select file_seq, record_number, 'IS02', 'production', null,
       'a list of production lines', 'ต้องเป็นรายการของสายการผลิต'
from checked where production_type not in ('NULL', 'ARRAY')
union all
select file_seq, record_number, 'IS02', 'production', null,
       'every production line is an object {product, quantity, unit, value_baht}',
       'ทุกรายการการผลิตต้องเป็นออบเจกต์ {product, quantity, unit, value_baht}'
from production_problems where has_other_than_lines
union all
select file_seq, record_number, 'IS02', 'production', null,
       'a quantity or value: ' || {{ figure_problem_detail_en('figure_problem', 'false') }},
       'ปริมาณหรือมูลค่า: ' || {{ figure_problem_detail_th('figure_problem', 'false') }}
from production_problems where figure_problem is not null
union all
select file_seq, record_number, 'IS03', 'owner_id',
       case when starts_with(owner_id, '0') then owner_id end,  -- a natural person's id is personal data
       null, null
from checked
where nullif(owner_id, '') is not null
  and (not owner_id_is_13_digits
       or (11 - list_sum(list_transform(range(12), lambda i: try_cast(owner_id[i + 1] as integer) * (13 - i))) % 11) % 10
          <> try_cast(owner_id[13] as integer))
union all
select file_seq, record_number, 'IS04', 'factory_id', factory_id, null, null
from checked
where nullif(factory_id, '') is not null
  and (not factory_id_is_well_formed
       or substr(factory_id, 3, 2) not in (select province_code from {{ ref('provinces') }}))
union all
select file_seq, record_number, 'IS05', 'province_code', province_code, null, null
from checked
where nullif(province_code, '') is not null
  and (province_code not in (select province_code from {{ ref('provinces') }})
       or (factory_id_is_well_formed and province_code <> substr(factory_id, 3, 2)))
union all
select file_seq, record_number, 'IS06', 'tsic_code', tsic_code, null, null
from checked
where nullif(tsic_code, '') is not null
  and (not regexp_full_match(tsic_code, '\d{5}')
       or substr(tsic_code, 1, 2) not in (select division from {{ ref('tsic_divisions') }}))
union all
select file_seq, record_number, 'IS07', column_name, value_text, null, null
from numbers where value < 0
union all
select file_seq, record_number, 'IS07', 'production', null, null, null
from production_problems where has_negative
union all
select file_seq, record_number, 'IS08', 'period', period, null, null
from checked
where period_is_real
  and (
      (submitted_at is not null
       and period > (cast(substr(submitted_month_ce, 1, 4) as integer) + 543)::varchar || substr(submitted_month_ce, 5))
      or (factory_id_is_well_formed and cast(substr(period, 1, 4) as integer) < cast(substr(factory_id, 10, 4) as integer))
  )
union all
select file_seq, record_number, 'IS10', column_name, case when not is_personal then value_text end, null, null
from texts where {{ is_damaged_text('value_text') }}
union all
select checked.file_seq, checked.record_number, 'IS11', 'location.estate_code', checked.estate_code, null, null
from checked
left join {{ ref('estates') }} as estates on estates.estate_code = checked.estate_code
where checked.location_type in ('industrial_estate', 'industrial_park')
  and (estates.estate_code is null
       or estates.type <> checked.location_type
       or estates.province_code is distinct from checked.province_code)
