"""The KPI dashboard: one self-contained HTML page from the published marts.

    $WAREHOUSE_DIR/reports/kpi/index.html

Every fiscal year in the marts, chosen on the page: the national figures,
achievement by region and programme, budget against economic value, the
monthly trend with the previous year beside it; a region chosen shows its
provinces and submitters; factories by province for a chosen month.

The figures are read from `analytics.duckdb` (what analysts see) in SQL and
embedded in the page as JSON; the page's own plain script only picks the rows
of the chosen year, region and month and draws them (tables and inline SVG,
no library): it opens offline, from a file or a mail, and computes nothing.
The choice is kept in the address (`#year=2565&region=3&month=2566-01`), so a
view can be linked. Every number shown carries `data-kpi` naming where it comes
from, so a test can hold the page against the marts; every table can be saved
as CSV (UTF-8 with a byte-order mark, for Excel).
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from reporting.feedback.data import SUBMITTER_REGION
from reporting.pages import write_page
from reporting.render import render
from warehouse import duckdb_settings

INDICATORS_TH = {
    "entrepreneurs": "ผู้ประกอบการ (ราย)", "enterprises": "สถานประกอบการ (แห่ง)",
    "community_enterprises": "วิสาหกิจชุมชน (กลุ่ม)", "products": "ผลิตภัณฑ์ (รายการ)", "people": "บุคลากร (คน)",
    "networks": "เครือข่าย (เครือข่าย)", "economic_value_mb": "มูลค่าทางเศรษฐกิจ (ล้านบาท)",
}  # fmt: skip
LOCATION_TH = {"outside": "นอกนิคม", "industrial_estate": "นิคมอุตสาหกรรม", "industrial_park": "สวนอุตสาหกรรม"}
TOP_PROVINCES = 20

_INDICATOR_SUMS = ",\n".join(
    f"coalesce(sum(value) FILTER (WHERE indicator = '{indicator}'), 0) AS {indicator}" for indicator in INDICATORS_TH
)
# Each query's rows go to the page as they are; the page only filters them.
_QUERIES = {
    "regions": "SELECT region_no, name_th, name_en FROM reference.regions ORDER BY region_no",
    "programmes": "SELECT program_code, name_th, name_en FROM reference.programs ORDER BY program_code",
    "provinces": "SELECT province_code, name_th, name_en FROM reference.provinces ORDER BY province_code",
    "national": "SELECT fiscal_year, indicator, target, actual, achievement_pct FROM marts.kpi_national ORDER BY ALL",
    # a region's figures for the year: the sums of its programmes' targets and results
    "region_totals": """SELECT fiscal_year, region_no, indicator, sum(target) AS target, sum(actual) AS actual
                        FROM marts.kpi_fiscal_year GROUP BY ALL ORDER BY ALL""",
    "achievement": """SELECT fiscal_year, region_no, program_code, indicator, target, actual, achievement_pct
                      FROM marts.kpi_fiscal_year ORDER BY ALL""",
    "budget": """SELECT fiscal_year, region_no, program_code, budget_allocated_mb, budget_disbursed_mb, disbursement_pct,
                        economic_value_mb, value_per_baht
                 FROM marts.budget_efficiency ORDER BY fiscal_year, region_no, program_code""",
    "budget_by_region": """SELECT fiscal_year, region_no, sum(budget_disbursed_mb) AS budget_disbursed_mb,
                                  sum(economic_value_mb) AS economic_value_mb
                           FROM marts.budget_efficiency GROUP BY ALL ORDER BY ALL""",
    # region_no null: the whole country
    "monthly": """SELECT fiscal_year, period, region_no,
                         coalesce(sum(value) FILTER (WHERE indicator = 'entrepreneurs'), 0) AS entrepreneurs,
                         coalesce(sum(value) FILTER (WHERE indicator = 'economic_value_mb'), 0) AS economic_value_mb
                  FROM marts.kpi_monthly GROUP BY GROUPING SETS ((fiscal_year, period), (fiscal_year, period, region_no))
                  ORDER BY fiscal_year, period, region_no NULLS FIRST""",
    "province_results": f"""SELECT fiscal_year, region_no, province_code, {_INDICATOR_SUMS}
                            FROM marts.kpi_monthly GROUP BY ALL ORDER BY ALL""",
    "submitters": """SELECT d.fiscal_year, r.region_no, d.submitter,
                            count(*) FILTER (WHERE d.status = 'on_time') AS on_time,
                            count(*) FILTER (WHERE d.status = 'late') AS late,
                            count(*) FILTER (WHERE d.status = 'missing') AS missing
                     FROM quality.submission_deadlines AS d JOIN submitter_region AS r USING (submitter)
                     GROUP BY ALL ORDER BY ALL""",
    "factories": """SELECT period, region_no, province_code,
                           sum(factories) FILTER (WHERE location_type = 'outside') AS outside,
                           sum(factories) FILTER (WHERE location_type = 'industrial_estate') AS industrial_estate,
                           sum(factories) FILTER (WHERE location_type = 'industrial_park') AS industrial_park,
                           sum(factories) AS total
                    FROM marts.industry_by_province GROUP BY ALL ORDER BY period, total DESC, province_code""",
}


def _plain(value):
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def load_dashboard_data(analytics_db: Path) -> dict:
    """Everything the page shows, every year: {name: {"columns": [...], "rows": [[...], ...]}}."""
    data: dict = {}
    with duckdb_settings.connect(analytics_db, read_only=True) as con:
        con.execute(SUBMITTER_REGION)
        for name, sql in _QUERIES.items():
            result = con.execute(sql)
            data[name] = {
                "columns": [d[0] for d in result.description],
                "rows": [[_plain(v) for v in row] for row in result.fetchall()],
            }
    years = {row[0] for key in ("national", "achievement", "budget", "monthly") for row in data[key]["rows"]}
    data["years"] = sorted(years, reverse=True)
    data["indicators"] = INDICATORS_TH
    data["locations"] = LOCATION_TH
    data["top_provinces"] = TOP_PROVINCES
    return data


SECTIONS = ("national", "region", "achievement", "budget", "trend", "provinces", "submitters", "factories")


def render_dashboard(data: dict, generated_at: datetime) -> str:
    """The page (reporting/templates/dashboard.html): the data embedded, drawn by dashboard.js."""
    embedded = json.dumps(data, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    return render("dashboard.html", generated=generated_at.strftime("%Y-%m-%d %H:%M %Z"), sections=SECTIONS, embedded=embedded)


def write_dashboard(analytics_db: Path, out_dir: Path, generated_at: datetime) -> Path:
    return write_page(out_dir, render_dashboard(load_dashboard_data(analytics_db), generated_at))
