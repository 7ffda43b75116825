"""The department's published figures the bundled sample is calibrated to.

Each fiscal year's national totals (targets from the plans, actuals from the
monthly results) are split exactly over regions, provinces, programmes,
submitters and months (sample/regional.py), so that on the sample the marts
show what DIPROM published:

- FY2562: more than 60,000 entrepreneurs, enterprises and community
  enterprises developed, more than 3,000 products, 35 networks and more than
  15,000 million baht of economic value;
- FY2564: a budget of 54 million baht, targets of 570 entrepreneurs, 145
  products and 680 people, more than 100 million baht of economic value;
- FY2563, programme REC90 (the 90-day grassroots recovery): 11 community
  enterprises revived, a 30 million baht budget, 87 million baht of value;
- Lamphun, January 2566: 368 factories outside industrial estates, 76 in the
  Northern Region Industrial Estate and 13 in the Saha Group park
  (sample/factories.py).

The other figures are invented to look like the department's years around
them. Amounts are million baht with two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

COUNTS = ("entrepreneurs", "enterprises", "community_enterprises", "products", "people", "networks")
INDICATORS = (*COUNTS, "economic_value_mb")


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year's national totals: indicator -> (target, actual), and the budget."""

    fiscal_year: int
    programmes: tuple[str, ...]
    indicators: dict[str, tuple[Decimal, Decimal]]
    budget_allocated_mb: Decimal
    budget_disbursed_mb: Decimal
    # A programme whose own totals were published: split over its own rows only,
    # and included in the year's totals above.
    fixed_programmes: dict[str, YearFigures] = field(default_factory=dict)


def _year(fiscal_year, programmes, budget, disbursed, fixed=None, **indicators) -> YearFigures:
    return YearFigures(
        fiscal_year=fiscal_year,
        programmes=tuple(programmes.split()),
        indicators={name: (Decimal(target), Decimal(actual)) for name, (target, actual) in indicators.items()},
        budget_allocated_mb=Decimal(budget),
        budget_disbursed_mb=Decimal(disbursed),
        fixed_programmes=fixed or {},
    )


REC90_FY2563 = _year(
    2563, "REC90", "30.00", "30.00",
    community_enterprises=("11", "11"), economic_value_mb=("80.00", "87.00"),
)  # fmt: skip

YEARS: dict[int, YearFigures] = {
    2562: _year(
        2562, "OTOP CE CEROYAL CIV ITC KPO SME AGRI", "1212.40", "1150.85",
        entrepreneurs=("46000", "48512"), enterprises=("9500", "9876"), community_enterprises=("2000", "2047"),
        products=("3000", "3128"), people=("12000", "12340"), networks=("35", "35"),
        economic_value_mb=("15000.00", "15342.75"),
    ),
    2563: _year(
        2563, "OTOP CE CEROYAL CIV ITC KPO SME AGRI REC90", "980.00", "931.25", fixed={"REC90": REC90_FY2563},
        entrepreneurs=("30000", "28406"), enterprises=("6000", "5731"), community_enterprises=("1500", "1466"),
        products=("2200", "2154"), people=("9000", "8815"), networks=("30", "28"),
        economic_value_mb=("9000.00", "8642.30"),
    ),
    2564: _year(
        2564, "OTOP DCOM KPO", "54.00", "51.30",
        entrepreneurs=("570", "596"), products=("145", "151"), people=("680", "702"),
        economic_value_mb=("100.00", "112.40"),
    ),
    2565: _year(
        2565, "OTOP CE CIV DCOM HERO HYJ ITC KPO SME", "850.00", "812.70",
        entrepreneurs=("25000", "25830"), enterprises=("5000", "5212"), community_enterprises=("1200", "1244"),
        products=("2500", "2611"), people=("8000", "8205"), networks=("30", "32"),
        economic_value_mb=("10000.00", "10480.60"),
    ),
    2566: _year(
        2566, "OTOP CE CEROYAL CIV DCOM HERO HYJ ITC KPO SME AGRI", "920.00", "884.60",
        entrepreneurs=("28000", "29115"), enterprises=("5500", "5604"), community_enterprises=("1300", "1342"),
        products=("2800", "2893"), people=("9000", "9310"), networks=("32", "33"),
        economic_value_mb=("12000.00", "12615.25"),
    ),
}  # fmt: skip

# Which figures each programme's rows report (the columns its offices fill in).
PROGRAMME_INDICATORS: dict[str, tuple[str, ...]] = {
    "OTOP": ("entrepreneurs", "products", "people", "economic_value_mb"),
    "CE": ("community_enterprises", "products", "people", "economic_value_mb"),
    "CEROYAL": ("community_enterprises", "products", "people", "economic_value_mb"),
    "CIV": ("entrepreneurs", "community_enterprises", "products", "networks", "economic_value_mb"),
    "HYJ": ("entrepreneurs", "community_enterprises", "people", "economic_value_mb"),
    "DCOM": ("entrepreneurs", "products", "people", "economic_value_mb"),
    "HERO": ("enterprises", "community_enterprises", "networks", "economic_value_mb"),
    "ITC": ("enterprises", "products", "people", "economic_value_mb"),
    "KPO": ("entrepreneurs", "enterprises", "people", "economic_value_mb"),
    "SME": ("entrepreneurs", "enterprises", "people", "networks", "economic_value_mb"),
    "AGRI": ("enterprises", "products", "economic_value_mb"),
    "REC90": ("community_enterprises", "economic_value_mb"),
}

# Lamphun (51), January 2566: factories reporting, by where they stand.
LAMPHUN_JANUARY_2566 = {"outside": 368, "NRIE": 76, "SAHA-LPN": 13}
