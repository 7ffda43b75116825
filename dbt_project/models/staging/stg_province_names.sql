-- Every way the contract lets a submitter write a province (regional-reports.md,
-- "Values"), by the key it is looked up with: its code, Thai and English names,
-- official abbreviation, and the names people write (reference/province_aliases.csv).
-- `name` is the first of the names that give the key, in that order, for the
-- "did you mean" of RR04. A key that two provinces' names would give names
-- neither: a row must never match two provinces.
with names as (
    select province_code, province_code as name, 1 as preference from {{ ref('provinces') }}
    union all
    select province_code, name_th, 2 from {{ ref('provinces') }}
    union all
    select province_code, name_en, 3 from {{ ref('provinces') }}
    union all
    select province_code, abbr_th, 4 from {{ ref('provinces') }}
    union all
    select province_code, alias, 5 from {{ ref('province_aliases') }}
)

select
    {{ province_key('name') }} as province_key,
    any_value(province_code) as province_code,
    arg_min(name, preference) as name
from names
where nullif(trim(name), '') is not null
group by all
having count(distinct province_code) = 1
