-- i-Single Form records with every field pulled out of the JSON. Numbers are
-- parsed (JSON numbers, or numeric strings with separators and Thai digits);
-- each numeric field keeps its text and JSON type for the rules. May hold
-- personal data (owner ids, contacts): internal only.
{%- set numeric_fields = [
    ('workers.thai_male', 'workers_thai_male', 'count'),
    ('workers.thai_female', 'workers_thai_female', 'count'),
    ('workers.foreign_male', 'workers_foreign_male', 'count'),
    ('workers.foreign_female', 'workers_foreign_female', 'count'),
    ('capital_baht', 'capital_baht', 'amount'),
    ('horsepower', 'horsepower', 'amount'),
    ('production_value_baht', 'production_value_baht', 'amount'),
    ('electricity_kwh', 'electricity_kwh', 'amount'),
    ('water_m3', 'water_m3', 'amount'),
] %}
with received as (
    select
        records.file_seq,
        records.record_number,
        -- invisible characters would make an id or a code differ from what a person sees
        {{ visible_text('records.record_text') }} as record_text,
        files.path,
        files.file_sha256
    from {{ source('raw', 'isingleform_records') }} as records
    join {{ ref('stg_landed_files') }} as files using (file_seq)
),

records as (
    select *, coalesce(json_valid(record_text), false) as is_valid_json from received
),

objects as (
    select
        *,
        case when is_valid_json then json_type(record_text) = 'OBJECT' else false end as is_object,
        case when is_valid_json and json_type(record_text) = 'OBJECT' then record_text::json end as doc
    from records
)

select
    file_seq,
    record_number,
    path,
    file_sha256,
    is_object,
    -- the content as received, to tell a re-sent duplicate from a conflicting copy
    md5(coalesce(doc::varchar, record_text)) as content_hash,
    trim(json_extract_string(doc, '$.submission_id')) as submission_id,
    trim(json_extract_string(doc, '$.submitted_at')) as submitted_at_text,
    case when regexp_full_match(trim(json_extract_string(doc, '$.submitted_at')),
                                '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)')
         then try_cast(trim(json_extract_string(doc, '$.submitted_at')) as timestamptz) end as submitted_at,
    trim({{ arabic_digits("json_extract_string(doc, '$.period')") }}) as period,
    trim({{ arabic_digits("json_extract_string(doc, '$.factory_id')") }}) as factory_id,
    json_extract_string(doc, '$.legacy_registration_no') as legacy_registration_no,
    trim({{ arabic_digits("json_extract_string(doc, '$.owner_id')") }}) as owner_id,
    trim(json_extract_string(doc, '$.factory_name')) as factory_name,
    trim(json_extract_string(doc, '$.factory_class')) as factory_class_text,
    trim({{ arabic_digits("json_extract_string(doc, '$.tsic_code')") }}) as tsic_code,
    trim({{ arabic_digits("json_extract_string(doc, '$.province_code')") }}) as province_code,
    trim(json_extract_string(doc, '$.location.type')) as location_type,
    trim(json_extract_string(doc, '$.location.estate_code')) as estate_code,
    json_extract_string(doc, '$.contact.name') as contact_name,
    json_extract_string(doc, '$.contact.phone') as contact_phone,
    json_extract_string(doc, '$.contact.email') as contact_email,
    coalesce(json_type(doc, '$.production'), 'NULL') as production_type,
    array_to_string(json_extract_string(doc, '$.production[*].product'), ' | ') as production_products,
    array_to_string(json_extract_string(doc, '$.production[*].unit'), ' | ') as production_units,
    json_extract(doc, '$.production[*].quantity') as production_quantities,
    json_extract(doc, '$.production[*].value_baht') as production_values,
    {%- for path, column, kind in numeric_fields %}
    json_extract_string(doc, '$.{{ path }}') as {{ column }}_text,
    {{ json_is_empty('doc', '$.' ~ path) }} as {{ column }}_is_empty,
    {{ json_number('doc', '$.' ~ path) }} as {{ column }},
    {%- endfor %}
    doc is not null as has_doc
from objects
