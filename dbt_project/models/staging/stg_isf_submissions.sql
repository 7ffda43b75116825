-- i-Single Form records with every field pulled out of the JSON. Numbers are
-- parsed (JSON numbers, or numeric strings with separators and Thai digits);
-- each numeric field keeps its text and JSON type for the rules. May hold
-- personal data (owner ids, contacts): internal only.
--
-- Each JSON function call parses the whole document again, so a record is
-- parsed three times: the cast that tells valid JSON, one call for the root's
-- and every field's type, one for every field's text (lists of paths, read by
-- position; docs/benchmarks.md).
--
-- Incremental: each night parses only the records of files taken in since the
-- last successful build (macros/incremental.sql).
{{ isf_incremental_config("file_seq > {{ isf_built_through() }}") }}
{%- set text_fields = [
    'submission_id', 'submitted_at', 'period', 'factory_id', 'legacy_registration_no', 'owner_id',
    'factory_name', 'factory_class', 'tsic_code', 'province_code', 'location.type', 'location.estate_code',
    'contact.name', 'contact.phone', 'contact.email',
] %}
{%- set numeric_fields = isf_figure_fields() %}
{%- set paths = text_fields + numeric_fields | map(attribute=0) | list + ['production'] %}
{#- field_text['a.b']: the field's text in `texts`; field_type['a.b']: its JSON type in `types` -#}
{%- set field_text, field_type = {}, {} %}
{%- for path in paths %}
{%- do field_text.update({path: 'texts[' ~ loop.index ~ ']'}) %}
{%- do field_type.update({path: 'types[' ~ loop.index ~ ']'}) %}
{%- endfor %}
with received as (
    select
        records.file_seq,
        records.record_number,
        -- invisible characters would make an id or a code differ from what a person sees
        {{ visible_text('records.record_text') }} as record_text,
        files.path,
        files.file_sha256,
        files.first_seen_at as received_at
    from {{ source('raw', 'isingleform_records') }} as records
    join {{ ref('stg_landed_files') }} as files using (file_seq)
    where records.file_seq > {{ isf_built_through() }}
),

records as (
    -- NULL unless valid JSON; the cast keeps the text as it is
    select *, try_cast(record_text as json) as any_json from received
),

typed as (
    -- the first type is the root's
    select *, json_type(any_json, ['$', {% for path in paths %}'$.{{ path }}'{{ ', ' if not loop.last }}{% endfor %}]) as root_and_field_types
    from records
),

objects as (
    select
        *,
        coalesce(root_and_field_types[1] = 'OBJECT', false) as is_object,
        case when root_and_field_types[1] = 'OBJECT' then any_json end as doc,
        case when root_and_field_types[1] = 'OBJECT' then root_and_field_types[2:] end as types
    from typed
),

fields as (
    select *, json_extract_string(doc, [{% for path in paths %}'$.{{ path }}'{{ ', ' if not loop.last }}{% endfor %}]) as texts
    from objects
),

figures as (
    -- each numeric field read and judged once (macros/figures.sql)
    select
        *,
        {%- for path, column, kind in numeric_fields %}
        {{ field_text[path] }} as {{ column }}_text,
        {{ json_is_empty(field_text[path], field_type[path]) }} as {{ column }}_is_empty,
        {{ json_number(field_text[path], field_type[path]) }} as {{ column }}_number,
        case when not {{ json_is_empty(field_text[path], field_type[path]) }} then
            {{ figure_problem(json_is_number(field_text[path], field_type[path]), column ~ '_number', 'true' if kind == 'count' else 'false') }}
        end as {{ column }}_problem{{ ',' if not loop.last }}
        {%- endfor %}
    from fields
),

estates as (
    select list(estate_code order by estate_code) as estate_codes from {{ ref('estates') }}
)

select
    file_seq,
    record_number,
    path,
    file_sha256,
    received_at,
    is_object,
    -- the content as received, to tell a re-sent duplicate from a conflicting copy
    md5(coalesce(doc::varchar, record_text)) as content_hash,
    trim({{ field_text['submission_id'] }}) as submission_id,
    trim({{ field_text['submitted_at'] }}) as submitted_at_text,
    case when regexp_full_match(trim({{ field_text['submitted_at'] }}),
                                '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)')
         then try_cast(trim({{ field_text['submitted_at'] }}) as timestamptz) end as submitted_at,
    trim({{ arabic_digits(field_text['period']) }}) as period,
    trim({{ arabic_digits(field_text['factory_id']) }}) as factory_id,
    {{ field_text['legacy_registration_no'] }} as legacy_registration_no,
    trim({{ arabic_digits(field_text['owner_id']) }}) as owner_id,
    trim({{ field_text['factory_name'] }}) as factory_name,
    trim({{ field_text['factory_class'] }}) as factory_class_text,
    trim({{ arabic_digits(field_text['tsic_code']) }}) as tsic_code,
    trim({{ arabic_digits(field_text['province_code']) }}) as province_code,
    -- spelt as the contract and the reference do, whichever way it was typed (`Industrial_Estate`, `nrie`)
    {{ canonical_spelling("trim(" ~ field_text['location.type'] ~ ")", isf_location_types()) }} as location_type,
    {{ canonical_spelling("trim(" ~ field_text['location.estate_code'] ~ ")", 'estates.estate_codes') }} as estate_code,
    {{ field_text['contact.name'] }} as contact_name,
    {{ field_text['contact.phone'] }} as contact_phone,
    {{ field_text['contact.email'] }} as contact_email,
    -- text fields sent as an object, a list or true/false (a number is read as its digits)
    list_filter([
        {%- for path in text_fields %}
        case when {{ field_type[path] }} in ('OBJECT', 'ARRAY', 'BOOLEAN') then '{{ path }}' end{{ ',' if not loop.last }}
        {%- endfor %}
    ], lambda path: path is not null) as texts_not_scalar,
    coalesce({{ field_type['production'] }}, 'NULL') as production_type,
    -- parsed again only where there are production lines (most exports have none)
    case when {{ field_type['production'] }} = 'ARRAY' then array_to_string(json_extract_string(doc, '$.production[*].product'), ' | ') end as production_products,
    case when {{ field_type['production'] }} = 'ARRAY' then array_to_string(json_extract_string(doc, '$.production[*].unit'), ' | ') end as production_units,
    case when {{ field_type['production'] }} = 'ARRAY' then json_extract(doc, '$.production[*]') end as production_lines,
    {%- for path, column, kind in numeric_fields %}
    {{ column }}_text,
    {{ column }}_is_empty,
    {{ column }}_problem,
    case when {{ column }}_problem is null then {{ column }}_number end as {{ column }},
    {%- endfor %}
    doc is not null as has_doc
from figures
cross join estates
