"""The analysts' pages of the bundled sample's run, rendered by headless Chromium: the KPI
dashboard (Thai text in place, every number on it equal to the marts it comes
from) and dbt's documentation site (offline, with the bilingual descriptions)."""

import re
from html import unescape

import pytest

from reporting.dashboard import TOP_PROVINCES
from tests.conftest import assert_not_blank, query, render_in_chromium

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rendered(sample_run, tmp_path_factory):
    analytics = sample_run[0]
    page = analytics.parent / "reports" / "kpi" / "index.html"
    shot, dom = render_in_chromium(page, tmp_path_factory.mktemp("kpi") / "profile", height=2400)
    shown = {kpi: unescape(text) for kpi, text in re.findall(r'data-kpi="([^"]+)"[^>]*>([^<]*)<', dom)}
    return analytics, shot, dom, shown


def number(text: str) -> float | None:
    return None if text == "–" else float(text.replace(",", ""))


def test_the_dashboard_renders_with_thai_labels(rendered):
    _, shot, dom, _ = rendered
    assert "ตัวชี้วัดผลการดำเนินงาน กรมส่งเสริมอุตสาหกรรม" in dom and "ศูนย์ส่งเสริมอุตสาหกรรมภาคที่" in dom
    assert_not_blank(shot)


def test_national_figures_are_the_marts(rendered):
    analytics, _, _, shown = rendered
    rows = query(analytics, "SELECT indicator, actual, achievement_pct FROM marts.kpi_national WHERE fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_national)")
    assert rows
    for indicator, actual, pct in rows:
        assert number(shown[f"national/{indicator}/actual"]) == pytest.approx(float(actual), abs=0.005), indicator
        assert number(shown[f"national/{indicator}/achievement_pct"]) == (None if pct is None else pytest.approx(pct, abs=0.05))


def test_achievement_by_region_and_programme_is_the_marts(rendered):
    analytics, _, _, shown = rendered
    rows = query(analytics, """SELECT region_no, program_code, achievement_pct FROM marts.kpi_fiscal_year
                              WHERE indicator = 'entrepreneurs' AND fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_fiscal_year)""")
    assert rows
    for region, programme, pct in rows:
        assert number(shown[f"achievement/{region}/{programme}"]) == (None if pct is None else pytest.approx(pct, abs=0.05))


def test_budget_trend_and_factories_are_the_marts(rendered):
    analytics, _, _, shown = rendered
    for region, disbursed, value in query(
        analytics,
        """SELECT region_no, sum(budget_disbursed_mb), sum(economic_value_mb) FROM marts.budget_efficiency
           WHERE fiscal_year = (SELECT max(fiscal_year) FROM marts.budget_efficiency) GROUP BY ALL""",
    ):
        assert number(shown[f"budget/{region}/disbursed"]) == (None if disbursed is None else pytest.approx(float(disbursed), abs=0.005))
        assert number(shown[f"budget/{region}/economic_value"]) == (None if value is None else pytest.approx(float(value), abs=0.005))
    monthly = query(analytics, """SELECT period, sum(value) FROM marts.kpi_monthly WHERE indicator = 'entrepreneurs'
                                   AND fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_monthly) GROUP BY period""")
    assert monthly
    for period, value in monthly:
        assert number(shown[f"monthly/{period}/entrepreneurs"]) == float(value)
    factories = query(analytics, """SELECT province_code, sum(factories) FROM marts.industry_by_province
                                     WHERE period = (SELECT max(period) FROM marts.industry_by_province) GROUP BY ALL""")
    shown_totals = {k.split("/")[1]: number(v) for k, v in shown.items() if k.startswith("factories/") and k.endswith("/total")}
    assert factories and len(shown_totals) == min(len(factories), TOP_PROVINCES)
    by_mart = dict(factories)
    assert all(by_mart[province] == count for province, count in shown_totals.items())


def test_dbt_docs_open_offline_with_the_bilingual_descriptions(sample_run, tmp_path):
    page = sample_run[0].parent / "reports" / "dbt-docs" / "index.html"
    shot, dom = render_in_chromium(page, tmp_path / "profile", fragment="#!/model/model.diprom.kpi_monthly")
    dom = re.sub(r"<script.*?</script>", "", dom, flags=re.S)  # what the page drew, not the data inlined in it
    assert "kpi_monthly" in dom and "ผลการดำเนินงานรายเดือน" in dom and "Monthly results" in dom
    assert "DECIMAL(38,6)" in dom  # the column types come from the warehouse's catalog
    assert_not_blank(shot)
