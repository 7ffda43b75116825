"""The bundled sample through the whole nightly load: the marts show the
department's published figures (sample/figures.py), every file and row is
accounted for, and the quality report has the contract's findings to show."""

from decimal import Decimal

import pytest

from sample.figures import INDICATORS, LAMPHUN_JANUARY_2566, YEARS
from tests.conftest import query

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def analytics(sample_run):
    return sample_run[0]


def national(analytics, fiscal_year: int) -> dict[str, tuple[Decimal, Decimal]]:
    rows = query(analytics, "SELECT indicator, target, actual FROM marts.kpi_national WHERE fiscal_year = ?", [fiscal_year])
    return {indicator: (target, actual) for indicator, target, actual in rows}


def budget(analytics, fiscal_year: int, programme: str | None = None) -> tuple[Decimal, Decimal, Decimal]:
    [row] = query(
        analytics,
        """SELECT sum(budget_allocated_mb), sum(budget_disbursed_mb), sum(economic_value_mb) FROM marts.budget_efficiency
           WHERE fiscal_year = ? AND (? IS NULL OR program_code = ?)""",
        [fiscal_year, programme, programme],
    )
    return row


def test_the_sample_loads_and_publishes_with_no_critical_check_failing(sample_run):
    analytics, result = sample_run
    assert result.success and analytics.exists()
    evaluations = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(evaluations) > 10
    # bad input is quarantined and shows as warnings on the staged tables; nothing critical
    assert all(e.passed or e.severity.value == "WARN" for e in evaluations)


def test_fy2562_as_published(analytics):
    figures = national(analytics, 2562)
    developed = sum(figures[i][1] for i in ("entrepreneurs", "enterprises", "community_enterprises"))
    assert developed > 60_000
    assert figures["products"][1] > 3_000
    assert figures["networks"][1] == 35
    assert figures["economic_value_mb"][1] > 15_000


def test_fy2564_as_published(analytics):
    figures = national(analytics, 2564)
    assert (figures["entrepreneurs"][0], figures["products"][0], figures["people"][0]) == (570, 145, 680)
    assert figures["economic_value_mb"][1] > 100
    allocated, _, _ = budget(analytics, 2564)
    assert allocated == 54


def test_rec90_in_fy2563_as_published(analytics):
    [(revived,)] = query(
        analytics,
        """SELECT sum(actual) FROM marts.kpi_fiscal_year
           WHERE fiscal_year = 2563 AND program_code = 'REC90' AND indicator = 'community_enterprises'""",
    )
    assert revived == 11
    allocated, _, value = budget(analytics, 2563, "REC90")
    assert (allocated, value) == (30, 87)


def test_lamphun_in_january_2566_as_published(analytics):
    by_place = dict(
        query(
            analytics,
            """SELECT coalesce(estate_code, location_type), count(*) FROM marts.factory_month
               WHERE period = '2566-01' AND province_code = '51' GROUP BY ALL""",
        )
    )
    assert by_place == LAMPHUN_JANUARY_2566
    by_location = dict(
        query(
            analytics,
            """SELECT location_type, sum(factories) FROM marts.industry_by_province
               WHERE period = '2566-01' AND province_code = '51' GROUP BY ALL""",
        )
    )
    assert by_location == {"outside": 368, "industrial_estate": 76, "industrial_park": 13}
    # the corrections, their locations keyed in again by hand (`Industrial_Estate`, `nrie`), are all accepted
    assert query(analytics, "SELECT count(*) FROM quality.findings WHERE path LIKE 'isingleform/corrections/%'") == [(0,)]
    [(corrections,)] = query(analytics, "SELECT count(*) FROM marts.factory_month WHERE period = '2566-01' AND submission_id LIKE '%-FIX'")
    assert corrections > 10


def test_every_year_adds_up_to_its_figures_exactly(analytics):
    for fiscal_year, figures in YEARS.items():
        marts = national(analytics, fiscal_year)
        assert set(marts) == set(figures.indicators) and set(figures.indicators) <= set(INDICATORS)
        for indicator, (target, actual) in figures.indicators.items():
            assert marts[indicator] == (target, actual), (fiscal_year, indicator)
        allocated, disbursed, _ = budget(analytics, fiscal_year)
        assert (allocated, disbursed) == (figures.budget_allocated_mb, figures.budget_disbursed_mb), fiscal_year


def test_every_file_and_row_is_accounted_for(analytics):
    statuses = dict(query(analytics, "SELECT status, count(*) FROM quality.files GROUP BY ALL"))
    assert statuses["loaded"] > 800 and statuses["superseded"] == 7 and statuses["rejected"] == 6
    assert "duplicate" not in statuses
    [(unbalanced,)] = query(analytics, "SELECT count(*) FROM quality.files WHERE rows_read <> rows_accepted + rows_quarantined")
    assert unbalanced == 0
    submitters = {s for (s,) in query(analytics, "SELECT DISTINCT submitter FROM quality.files WHERE source = 'regional_reports'")}
    assert {f"IPC{r:02d}" for r in range(1, 12)} | {"DIPROM", "PIO51", "PIO57", "PIO84"} <= submitters
    formats = {p.rsplit(".", 1)[-1] for (p,) in query(analytics, "SELECT path FROM quality.files WHERE status = 'loaded'")}
    assert formats == {"xlsx", "csv", "jsonl", "json"}


def test_the_quality_report_has_the_contracts_findings_to_show(analytics):
    rules = {r for (r,) in query(analytics, "SELECT DISTINCT rule_id FROM quality.findings")}
    expected = {"RF01", "RF02", "RF03", "RF04", "RF05", "RF06", *(f"RR{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10))}
    expected |= {f"IS{n:02d}" for n in range(1, 13)}
    assert expected <= rules, sorted(expected - rules)
    [(quarantined,)] = query(analytics, "SELECT sum(rows_quarantined) FROM quality.files")
    [(accepted,)] = query(analytics, "SELECT sum(rows_accepted) FROM quality.files")
    assert 0 < quarantined < 0.02 * accepted  # a sprinkling, not a flood
