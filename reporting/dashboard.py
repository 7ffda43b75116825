"""The KPI dashboard: one self-contained HTML page from the published marts.

    $WAREHOUSE_DIR/reports/kpi/index.html

Achievement by region and programme, budget against economic value, the
monthly trend and factories by province, for the latest fiscal year in the
marts. Read from `analytics.duckdb` (what analysts see), drawn as inline SVG
and tables with inline styles: it opens offline, from a file or a mail.
Every number shown carries `data-kpi` naming where it comes from, so a test
can hold the page against the marts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

import duckdb
import pandas as pd
from reporting.pages import write_page

INDICATORS_TH = {
    "entrepreneurs": "ผู้ประกอบการ (ราย)", "enterprises": "สถานประกอบการ (แห่ง)",
    "community_enterprises": "วิสาหกิจชุมชน (กลุ่ม)", "products": "ผลิตภัณฑ์ (รายการ)", "people": "บุคลากร (คน)",
    "networks": "เครือข่าย (เครือข่าย)", "economic_value_mb": "มูลค่าทางเศรษฐกิจ (ล้านบาท)",
}  # fmt: skip
LOCATION_TH = {"outside": "นอกนิคม", "industrial_estate": "นิคมอุตสาหกรรม", "industrial_park": "สวนอุตสาหกรรม"}
TOP_PROVINCES = 20

_STYLE = """
body { font-family: "Noto Sans Thai", "TH Sarabun New", Tahoma, "Loma", sans-serif; margin: 2rem; color: #1f2933; max-width: 1200px; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 2px solid #d9e2ec; }
.en { color: #52606d; font-size: .85em; font-weight: normal; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { border: 1px solid #d9e2ec; border-radius: 6px; padding: .6rem .9rem; min-width: 10rem; }
.card .v { font-size: 1.4rem; font-variant-numeric: tabular-nums; } .card .t { color: #52606d; font-size: .85rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid #d9e2ec; padding: .25rem .5rem; text-align: left; }
th { background: #f0f4f8; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
"""


@dataclass(frozen=True)
class KpiData:
    fiscal_year: int | None
    national: pd.DataFrame  # indicator, target, actual, achievement_pct
    by_region_programme: pd.DataFrame  # region_no, region, program_code, achievement_pct (entrepreneurs)
    budget: pd.DataFrame  # region_no, region, budget_disbursed_mb, economic_value_mb, value_per_baht
    monthly: pd.DataFrame  # period, entrepreneurs, economic_value_mb
    factories_period: str | None
    factories: pd.DataFrame  # province_code, province, outside, industrial_estate, industrial_park, total


def load_kpi_data(analytics_db: Path) -> KpiData:
    with duckdb.connect(str(analytics_db), read_only=True) as con:
        [(year,)] = con.execute("SELECT max(fiscal_year) FROM marts.kpi_national").fetchall()
        national = con.execute(
            "SELECT indicator, target, actual, achievement_pct FROM marts.kpi_national WHERE fiscal_year = ? ORDER BY indicator",
            [year],
        ).df()
        by_region_programme = con.execute(
            """SELECT k.region_no, r.name_th AS region, k.program_code, k.target, k.actual, k.achievement_pct
               FROM marts.kpi_fiscal_year AS k JOIN reference.regions AS r USING (region_no)
               WHERE k.fiscal_year = ? AND k.indicator = 'entrepreneurs' ORDER BY k.region_no, k.program_code""",
            [year],
        ).df()
        budget = con.execute(
            """SELECT b.region_no, r.name_th AS region, sum(b.budget_disbursed_mb) AS budget_disbursed_mb,
                      sum(b.economic_value_mb) AS economic_value_mb,
                      round(sum(b.economic_value_mb) / nullif(sum(b.budget_disbursed_mb), 0), 2) AS value_per_baht
               FROM marts.budget_efficiency AS b JOIN reference.regions AS r USING (region_no)
               WHERE b.fiscal_year = ? GROUP BY ALL ORDER BY b.region_no""",
            [year],
        ).df()
        monthly = con.execute(
            """SELECT period,
                      coalesce(sum(value) FILTER (WHERE indicator = 'entrepreneurs'), 0) AS entrepreneurs,
                      coalesce(sum(value) FILTER (WHERE indicator = 'economic_value_mb'), 0) AS economic_value_mb
               FROM marts.kpi_monthly WHERE fiscal_year = ? GROUP BY period ORDER BY period""",
            [year],
        ).df()
        [(period,)] = con.execute("SELECT max(period) FROM marts.industry_by_province").fetchall()
        factories = con.execute(
            """SELECT i.province_code, p.name_th AS province,
                      sum(i.factories) FILTER (WHERE location_type = 'outside') AS outside,
                      sum(i.factories) FILTER (WHERE location_type = 'industrial_estate') AS industrial_estate,
                      sum(i.factories) FILTER (WHERE location_type = 'industrial_park') AS industrial_park,
                      sum(i.factories) AS total
               FROM marts.industry_by_province AS i JOIN reference.provinces AS p USING (province_code)
               WHERE i.period = ? GROUP BY ALL ORDER BY total DESC, i.province_code LIMIT ?""",
            [period, TOP_PROVINCES],
        ).df()
    return KpiData(year, national, by_region_programme, budget, monthly, period, factories.fillna(0))


def _number(value, digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):,.{digits}f}"


def _cell(value, kpi: str, digits: int = 0) -> str:
    return f'<td class="n" data-kpi="{escape(kpi)}">{_number(value, digits)}</td>'


def _cards(data: KpiData) -> str:
    cards = []
    for row in data.national.itertuples():
        digits = 2 if row.indicator == "economic_value_mb" else 0
        cards.append(
            f'<div class="card"><div class="t">{escape(INDICATORS_TH.get(row.indicator, row.indicator))}</div>'
            f'<div class="v" data-kpi="national/{escape(row.indicator)}/actual">{_number(row.actual, digits)}</div>'
            f'<div class="t">เป้าหมาย / target {_number(row.target, digits)} · '
            f'<span data-kpi="national/{escape(row.indicator)}/achievement_pct">{_number(row.achievement_pct, 1)}</span> %</div></div>'
        )
    return f'<h2>ภาพรวมทั้งประเทศ <span class="en">national, fiscal year {data.fiscal_year}</span></h2><div class="cards">{"".join(cards)}</div>'


def _heat(pct) -> str:
    if pct is None or pd.isna(pct):
        return "#f8fafc"
    if pct >= 100:
        return "#c6f6d5"
    return "#fefcbf" if pct >= 50 else "#fed7d7"


def _achievement_grid(data: KpiData) -> str:
    frame = data.by_region_programme
    programmes = sorted(frame["program_code"].unique())
    head = "".join(f"<th>{escape(p)}</th>" for p in programmes)
    rows = []
    for (region_no, region), group in frame.groupby(["region_no", "region"], sort=True):
        by_programme = {r.program_code: r.achievement_pct for r in group.itertuples()}
        cells = "".join(
            f'<td class="n" style="background:{_heat(by_programme.get(p))}" data-kpi="achievement/{region_no}/{escape(p)}">'
            f"{_number(by_programme.get(p), 1)}</td>"
            for p in programmes
        )
        rows.append(f"<tr><th>{escape(str(region))}</th>{cells}</tr>")
    return (
        '<h2>ผลสำเร็จเทียบเป้าหมาย (ผู้ประกอบการ, %) รายภาคและโครงการ <span class="en">achievement % of target, '
        "entrepreneurs, by region and programme</span></h2>"
        f"<table><tr><th>ภาค / region</th>{head}</tr>{''.join(rows)}</table>"
    )


def _bars(rows: list[tuple[str, float, str]], width: int = 420, colour: str = "#2b6cb0") -> str:
    """Horizontal bars: (label, value, data-kpi) each; inline SVG."""
    if not rows:
        return "<p>ไม่มีข้อมูล / no data</p>"
    top = max((v for _, v, _ in rows), default=0) or 1
    height = 22 * len(rows) + 10
    parts = [f'<svg width="{width + 330}" height="{height}" font-size="12">']
    for i, (label, value, kpi) in enumerate(rows):
        y = 5 + 22 * i
        length = max(1, round(width * value / top)) if value else 0
        parts.append(
            f'<text x="0" y="{y + 14}">{escape(label)}</text>'
            f'<rect x="220" y="{y}" width="{length}" height="16" fill="{colour}"/>'
            f'<text x="{225 + length}" y="{y + 13}" data-kpi="{escape(kpi)}">{_number(value, 2)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _budget(data: KpiData) -> str:
    frame = data.budget
    table_rows = "".join(
        f"<tr><td>{escape(str(r.region))}</td>{_cell(r.budget_disbursed_mb, f'budget/{r.region_no}/disbursed', 2)}"
        f"{_cell(r.economic_value_mb, f'budget/{r.region_no}/economic_value', 2)}{_cell(r.value_per_baht, f'budget/{r.region_no}/value_per_baht', 2)}</tr>"
        for r in frame.itertuples()
    )
    bars = _bars([(str(r.region), float(r.value_per_baht) if pd.notna(r.value_per_baht) else 0.0, f"budget-chart/{r.region_no}") for r in frame.itertuples()], colour="#2f855a")
    return (
        '<h2>งบประมาณเทียบมูลค่าทางเศรษฐกิจ <span class="en">budget disbursed against economic value, million baht</span></h2>'
        "<table><tr><th>ภาค / region</th><th>เบิกจ่าย / disbursed</th><th>มูลค่าทางเศรษฐกิจ / economic value</th>"
        f"<th>มูลค่าต่อบาท / value per baht</th></tr>{table_rows}</table>"
        f'<div class="en">มูลค่าทางเศรษฐกิจต่องบประมาณ 1 บาท / economic value per baht disbursed</div>{bars}'
    )


def _trend(data: KpiData) -> str:
    frame = data.monthly
    if frame.empty:
        return "<h2>แนวโน้มรายเดือน</h2><p>ไม่มีข้อมูล / no data</p>"
    width, height, left, bottom = 760, 220, 60, 30
    top = float(frame["entrepreneurs"].max()) or 1
    step = (width - left - 20) / max(1, len(frame) - 1)
    points = [(left + i * step, height - bottom - (height - bottom - 20) * float(v) / top) for i, v in enumerate(frame["entrepreneurs"])]
    parts = [
        f'<svg width="{width}" height="{height}" font-size="11">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#9aa5b1"/>',
        '<polyline fill="none" stroke="#c05621" stroke-width="2" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>',
    ]
    for (x, y), row in zip(points, frame.itertuples(), strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c05621"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle" data-kpi="monthly/{escape(row.period)}/entrepreneurs">{_number(row.entrepreneurs)}</text>'
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{escape(row.period)}</text>'
        )
    parts.append("</svg>")
    rows = "".join(
        f"<tr><td>{escape(r.period)}</td>{_cell(r.entrepreneurs, f'monthly-table/{r.period}/entrepreneurs')}"
        f"{_cell(r.economic_value_mb, f'monthly-table/{r.period}/economic_value_mb', 2)}</tr>"
        for r in frame.itertuples()
    )
    return (
        '<h2>แนวโน้มรายเดือน: ผู้ประกอบการที่ได้รับการพัฒนา <span class="en">monthly trend: entrepreneurs developed</span></h2>'
        + "".join(parts)
        + "<details><summary>ตาราง / table</summary><table><tr><th>เดือน / month</th><th>ผู้ประกอบการ</th>"
        f"<th>มูลค่าทางเศรษฐกิจ (ล้านบาท)</th></tr>{rows}</table></details>"
    )


def _factories(data: KpiData) -> str:
    frame = data.factories
    heads = "".join(f"<th>{LOCATION_TH[k]}<div class='en'>{k}</div></th>" for k in LOCATION_TH)
    rows = "".join(
        f"<tr><td>{escape(str(r.province))} ({escape(r.province_code)})</td>"
        + "".join(_cell(getattr(r, k), f"factories/{r.province_code}/{k}") for k in LOCATION_TH)
        + _cell(r.total, f"factories/{r.province_code}/total")
        + "</tr>"
        for r in frame.itertuples()
    )
    return (
        f'<h2>โรงงานรายจังหวัด เดือน {escape(str(data.factories_period or "–"))} <span class="en">factories by province, '
        f"the {TOP_PROVINCES} largest</span></h2>"
        f"<table><tr><th>จังหวัด / province</th>{heads}<th>รวม / total</th></tr>{rows}</table>"
    )


def render_dashboard(data: KpiData, generated_at: datetime) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="th"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>ตัวชี้วัดกรมส่งเสริมอุตสาหกรรม · DIPROM KPI dashboard</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>ตัวชี้วัดผลการดำเนินงาน กรมส่งเสริมอุตสาหกรรม ปีงบประมาณ {data.fiscal_year}</h1>",
        f'<div class="en">DIPROM KPI dashboard · generated {escape(generated_at.strftime("%Y-%m-%d %H:%M %Z"))} '
        "from analytics.duckdb</div>",
        _cards(data), _achievement_grid(data), _budget(data), _trend(data), _factories(data),
        "</body></html>",
    ])  # fmt: skip


def write_dashboard(analytics_db: Path, out_dir: Path, generated_at: datetime) -> Path:
    return write_page(out_dir, render_dashboard(load_kpi_data(analytics_db), generated_at))
