-- The DIPROM region of every province in every fiscal year: the zoning row
-- with the latest valid_from_fy not after the year, so a future re-zoning
-- leaves history as it was.
with years as (
    -- every year a row can belong to: rules hold periods to the first fiscal
    -- year and to the months before the run (RF03, IS02, IS08)
    select unnest(range({{ var('first_fiscal_year') }}, year(now()) + 543 + 3)) as fiscal_year
),

province_years as (
    select provinces.province_code, years.fiscal_year
    from {{ ref('provinces') }} as provinces
    cross join years
)

select province_years.province_code, province_years.fiscal_year, zoning.region_no
from province_years
asof join {{ ref('province_region') }} as zoning
    on province_years.province_code = zoning.province_code
   and province_years.fiscal_year >= zoning.valid_from_fy
