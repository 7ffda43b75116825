"""The analysts' pages of the bundled sample's run, rendered by headless Chromium: the KPI
dashboard (Thai text in place, every number on it equal to the marts it comes
from, for the latest year and for another year and region chosen on the page,
no network request) and dbt's documentation site (offline, with the bilingual
descriptions)."""

import re
from html import unescape
from pathlib import Path

import pytest

from reporting.dashboard import TOP_PROVINCES
from tests.conftest import assert_not_blank, query, render_in_chromium, requests_of_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rendered(sample_run, tmp_path_factory):
    analytics = sample_run[0]
    page = analytics.parent / "reports" / "kpi" / "index.html"
    shot, dom = render_in_chromium(page, tmp_path_factory.mktemp("kpi") / "profile", height=2400)
    return analytics, shot, dom, shown_figures(dom)


def shown_figures(dom: str) -> dict[str, str]:
    return {kpi: unescape(text) for kpi, text in re.findall(r'data-kpi="([^"]+)"[^>]*>([^<]*)<', dom)}


def number(text: str) -> float | None:
    return None if text == "–" else float(text.replace(",", ""))


def test_the_dashboard_renders_with_thai_labels(rendered):
    _, shot, dom, _ = rendered
    assert "ตัวชี้วัดผลการดำเนินงาน กรมส่งเสริมอุตสาหกรรม" in dom and "ศูนย์ส่งเสริมอุตสาหกรรมภาคที่" in dom
    assert_not_blank(shot)


def test_national_figures_are_the_marts(rendered):
    analytics, _, _, shown = rendered
    rows = query(
        analytics,
        "SELECT indicator, actual, achievement_pct FROM marts.kpi_national WHERE fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_national)",
    )
    assert rows
    for indicator, actual, pct in rows:
        assert number(shown[f"national/{indicator}/actual"]) == pytest.approx(float(actual), abs=0.005), indicator
        assert number(shown[f"national/{indicator}/achievement_pct"]) == (None if pct is None else pytest.approx(pct, abs=0.05))


def test_achievement_by_region_and_programme_is_the_marts(rendered):
    analytics, _, _, shown = rendered
    rows = query(
        analytics,
        """SELECT region_no, program_code, achievement_pct FROM marts.kpi_fiscal_year
                              WHERE indicator = 'entrepreneurs' AND fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_fiscal_year)""",
    )
    assert rows
    for region, programme, pct in rows:
        assert number(shown[f"achievement/{region}/{programme}"]) == (None if pct is None else pytest.approx(pct, abs=0.05))


def test_budget_trend_and_factories_are_the_marts(rendered):
    analytics, _, _, shown = rendered
    budget = query(
        analytics,
        """SELECT region_no, program_code, budget_disbursed_mb, economic_value_mb, value_per_baht FROM marts.budget_efficiency
           WHERE fiscal_year = (SELECT max(fiscal_year) FROM marts.budget_efficiency)""",
    )
    assert budget
    for region, programme, disbursed, value, per_baht in budget:
        assert_figure(shown[f"budget/{region}/{programme}/disbursed"], disbursed)
        assert_figure(shown[f"budget/{region}/{programme}/economic_value"], value)
        assert_figure(shown[f"budget/{region}/{programme}/value_per_baht"], per_baht)
    monthly = query(
        analytics,
        """SELECT period, sum(value) FROM marts.kpi_monthly WHERE indicator = 'entrepreneurs'
                                   AND fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_monthly) GROUP BY period""",
    )
    assert monthly
    for period, value in monthly:
        assert number(shown[f"monthly/{period}/entrepreneurs"]) == float(value)
    factories = query(
        analytics,
        """SELECT province_code, sum(factories) FROM marts.industry_by_province
                                     WHERE period = (SELECT max(period) FROM marts.industry_by_province) GROUP BY ALL""",
    )
    shown_totals = {k.split("/")[1]: number(v) for k, v in shown.items() if k.startswith("factories/") and k.endswith("/total")}
    assert factories and len(shown_totals) == min(len(factories), TOP_PROVINCES)
    by_mart = dict(factories)
    assert all(by_mart[province] == count for province, count in shown_totals.items())


def assert_figure(text: str, value) -> None:
    assert number(text) == (None if value is None else pytest.approx(float(value), abs=0.005)), (text, value)


CHOSEN_YEAR, CHOSEN_REGION, CHOSEN_MONTH = 2565, 1, "2565-11"


@pytest.fixture(scope="module")
def chosen(sample_run, tmp_path_factory):
    """The page with another year, a region and a month chosen (as the selects do: in the address)."""
    analytics = sample_run[0]
    [(latest,)] = query(analytics, "SELECT max(fiscal_year) FROM marts.kpi_fiscal_year")
    assert latest > CHOSEN_YEAR, "the chosen year must not be the page's default"
    page = analytics.parent / "reports" / "kpi" / "index.html"
    fragment = f"#year={CHOSEN_YEAR}&region={CHOSEN_REGION}&month={CHOSEN_MONTH}"
    shot, dom = render_in_chromium(page, tmp_path_factory.mktemp("kpi-chosen") / "profile", height=3600, fragment=fragment)
    return analytics, shot, dom, shown_figures(dom)


def test_another_year_and_region_chosen_show_that_year_and_region(chosen):
    analytics, shot, dom, shown = chosen
    assert f'<option value="{CHOSEN_YEAR}" selected="">' in dom and f'<option value="{CHOSEN_REGION}" selected="">' in dom
    assert f"ปีงบประมาณ {CHOSEN_YEAR}" in dom and "ศูนย์ส่งเสริมอุตสาหกรรมภาคที่ 1" in dom
    assert_not_blank(shot)
    for indicator, target, actual, pct in query(
        analytics, "SELECT indicator, target, actual, achievement_pct FROM marts.kpi_national WHERE fiscal_year = ?", [CHOSEN_YEAR]
    ):
        assert_figure(shown[f"national/{indicator}/actual"], actual)
        assert_figure(shown[f"national/{indicator}/target"], target)
        assert number(shown[f"national/{indicator}/achievement_pct"]) == (None if pct is None else pytest.approx(pct, abs=0.05))
    region_totals = query(
        analytics,
        "SELECT indicator, sum(target), sum(actual) FROM marts.kpi_fiscal_year WHERE fiscal_year = ? AND region_no = ? GROUP BY ALL",
        [CHOSEN_YEAR, CHOSEN_REGION],
    )
    assert region_totals
    for indicator, target, actual in region_totals:
        assert_figure(shown[f"region/{CHOSEN_REGION}/{indicator}/actual"], actual)
        assert_figure(shown[f"region/{CHOSEN_REGION}/{indicator}/target"], target)
    achievement = query(
        analytics,
        """SELECT program_code, achievement_pct FROM marts.kpi_fiscal_year
           WHERE fiscal_year = ? AND region_no = ? AND indicator = 'entrepreneurs'""",
        [CHOSEN_YEAR, CHOSEN_REGION],
    )
    assert achievement and {k for k in shown if k.startswith("achievement/")} == {
        f"achievement/{CHOSEN_REGION}/{p}" for p, _ in achievement
    }
    for programme, pct in achievement:
        assert number(shown[f"achievement/{CHOSEN_REGION}/{programme}"]) == (None if pct is None else pytest.approx(pct, abs=0.05))
    budget = query(
        analytics,
        "SELECT program_code, budget_disbursed_mb, economic_value_mb, value_per_baht FROM marts.budget_efficiency WHERE fiscal_year = ? AND region_no = ?",
        [CHOSEN_YEAR, CHOSEN_REGION],
    )
    assert budget and len([k for k in shown if k.startswith("budget/") and k.endswith("/disbursed")]) == len(budget)
    for programme, disbursed, value, per_baht in budget:
        assert_figure(shown[f"budget/{CHOSEN_REGION}/{programme}/disbursed"], disbursed)
        assert_figure(shown[f"budget/{CHOSEN_REGION}/{programme}/economic_value"], value)
        assert_figure(shown[f"budget/{CHOSEN_REGION}/{programme}/value_per_baht"], per_baht)


def test_the_chosen_regions_monthly_trend_beside_the_previous_year_provinces_and_submitters_are_the_marts(chosen):
    analytics, _, _, shown = chosen
    monthly = query(
        analytics,
        """SELECT fiscal_year, period, sum(value) FILTER (WHERE indicator = 'entrepreneurs'),
                  sum(value) FILTER (WHERE indicator = 'economic_value_mb')
           FROM marts.kpi_monthly WHERE fiscal_year IN (?, ?) AND region_no = ? GROUP BY ALL""",
        [CHOSEN_YEAR, CHOSEN_YEAR - 1, CHOSEN_REGION],
    )
    assert {year for year, *_ in monthly} == {CHOSEN_YEAR, CHOSEN_YEAR - 1}
    for year, period, entrepreneurs, value in monthly:
        line = "monthly" if year == CHOSEN_YEAR else "monthly-previous"
        assert_figure(shown[f"{line}/{period}/entrepreneurs"], entrepreneurs or 0)
        assert_figure(shown[f"monthly-table/{period}/entrepreneurs"], entrepreneurs or 0)
        assert_figure(shown[f"monthly-table/{period}/economic_value_mb"], value or 0)
    provinces = query(
        analytics,
        """SELECT province_code, sum(value) FILTER (WHERE indicator = 'entrepreneurs'),
                  sum(value) FILTER (WHERE indicator = 'economic_value_mb')
           FROM marts.kpi_monthly WHERE fiscal_year = ? AND region_no = ? GROUP BY ALL""",
        [CHOSEN_YEAR, CHOSEN_REGION],
    )
    assert provinces and {k.split("/")[1] for k in shown if k.startswith("provinces/")} == {p for p, *_ in provinces}
    for province, entrepreneurs, value in provinces:
        assert_figure(shown[f"provinces/{province}/entrepreneurs"], entrepreneurs or 0)
        assert_figure(shown[f"provinces/{province}/economic_value_mb"], value or 0)
    # the centre of region 1 and the provincial offices of its provinces (Lamphun, 51, among them)
    submitters = {k.split("/")[1] for k in shown if k.startswith("submitters/")}
    assert {"IPC01", "PIO51"} <= submitters and not any(s.startswith("IPC") and s != "IPC01" for s in submitters)
    deadlines = query(
        analytics,
        """SELECT submitter, count(*) FILTER (WHERE status = 'on_time'), count(*) FILTER (WHERE status = 'late'),
                  count(*) FILTER (WHERE status = 'missing')
           FROM quality.submission_deadlines WHERE fiscal_year = ? AND list_contains(?, submitter) GROUP BY ALL""",
        [CHOSEN_YEAR, sorted(submitters)],
    )
    assert len(deadlines) == len(submitters)
    for submitter, on_time, late, missing in deadlines:
        assert [number(shown[f"submitters/{submitter}/{s}"]) for s in ("on_time", "late", "missing")] == [on_time, late, missing]


def test_factories_by_province_for_the_chosen_month_and_region_are_the_marts(chosen):
    analytics, _, dom, shown = chosen
    assert f"โรงงานรายจังหวัด เดือน {CHOSEN_MONTH}" in dom
    factories = query(
        analytics,
        "SELECT province_code, sum(factories) FROM marts.industry_by_province WHERE period = ? AND region_no = ? GROUP BY ALL",
        [CHOSEN_MONTH, CHOSEN_REGION],
    )
    shown_totals = {k.split("/")[1]: number(v) for k, v in shown.items() if k.startswith("factories/") and k.endswith("/total")}
    assert factories and shown_totals == {province: float(count) for province, count in factories}


def test_every_table_can_be_saved_as_csv(chosen):
    _, _, dom, _ = chosen
    tables = re.findall(r'<table id="([^"]+)"', dom)
    assert len(tables) >= 6
    assert sorted(re.findall(r'<button class="csv" data-table="([^"]+)"', dom)) == sorted(tables)


def test_choosing_on_the_page_and_saving_a_table_as_csv(sample_run, tmp_path):
    """As a person would: the selects, then the button of the budget table; the file is the marts' rows."""
    import csv
    import io
    import shutil

    from playwright.sync_api import sync_playwright

    analytics = sample_run[0]
    page_path = analytics.parent / "reports" / "kpi" / "index.html"
    with sync_playwright() as playwright:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        assert chromium, "Chromium is not installed (.ci/run installs Debian's chromium)"
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            context = browser.new_context(accept_downloads=True)
            requests: list[str] = []
            context.on("request", lambda request: requests.append(request.url))
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.select_option("#choose-year", str(CHOSEN_YEAR))
            page.select_option("#choose-region", str(CHOSEN_REGION))
            assert page.locator("body").get_attribute("data-shown").startswith(f'{{"year":{CHOSEN_YEAR},"region":{CHOSEN_REGION},')
            with page.expect_download() as download:
                page.click('button[data-table="table-budget"]')
            saved = Path(download.value.path()).read_bytes()
            name = download.value.suggested_filename
        finally:
            browser.close()
    assert requests == [page_path.as_uri()]
    assert name == f"budget-{CHOSEN_YEAR}-region{CHOSEN_REGION}.csv"
    assert saved.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(saved.decode("utf-8-sig"))))
    assert header[:2] == ["ภาค / region", "โครงการ / programme"]
    expected = query(
        analytics,
        """SELECT program_code, budget_disbursed_mb, economic_value_mb, value_per_baht FROM marts.budget_efficiency
           WHERE fiscal_year = ? AND region_no = ? ORDER BY program_code""",
        [CHOSEN_YEAR, CHOSEN_REGION],
    )
    assert [row[1] for row in rows] == [programme for programme, *_ in expected]
    for row, (_, disbursed, value, per_baht) in zip(rows, expected, strict=True):
        for text, figure in zip([row[3], row[5], row[6]], [disbursed, value, per_baht], strict=True):
            assert_figure(text, figure)


def test_the_dashboard_makes_no_network_request(sample_run, tmp_path):
    page = sample_run[0].parent / "reports" / "kpi" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html  # everything inline
    for i, fragment in enumerate(["", f"#year={CHOSEN_YEAR}&region={CHOSEN_REGION}&month={CHOSEN_MONTH}"]):
        assert requests_of_page(page, tmp_path / f"profile{i}", fragment) == []
    # the net log does show a page's request when there is one
    control = tmp_path / "control.html"
    control.write_text('<img src="http://127.0.0.1:9/x.png">', encoding="utf-8")
    assert requests_of_page(control, tmp_path / "control-profile") == ["http://127.0.0.1:9/x.png"]


def test_dbt_docs_open_offline_with_the_bilingual_descriptions(sample_run, tmp_path):
    page = sample_run[0].parent / "reports" / "dbt-docs" / "index.html"
    shot, dom = render_in_chromium(page, tmp_path / "profile", fragment="#!/model/model.diprom.kpi_monthly")
    dom = re.sub(r"<script.*?</script>", "", dom, flags=re.S)  # what the page drew, not the data inlined in it
    assert "kpi_monthly" in dom and "ผลการดำเนินงานรายเดือน" in dom and "Monthly results" in dom
    assert "DECIMAL(38,6)" in dom  # the column types come from the warehouse's catalog
    assert_not_blank(shot)
