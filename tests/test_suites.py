"""The suites and the Dagster checks name the tables dbt marks validated, and nothing else lists them."""

import yaml

from expectations.suites import OWN_EXPECTATIONS, suites
from expectations.validate import CONTEXT_ROOT, DATASOURCE
from orchestration.assets.dbt import dbt_project
from orchestration.checks import VALIDATED_TABLES, suite_check_results

MANIFEST = dbt_project.manifest_path


def test_checks_and_suites_name_the_tables_dbt_marks_validated():
    assert list(suites(MANIFEST)) == VALIDATED_TABLES
    assert set(OWN_EXPECTATIONS) <= set(VALIDATED_TABLES)
    assert {t.split(".")[0] for t in VALIDATED_TABLES} == {"staging", "marts", "quality"}
    # the GX context lists no tables of its own: each run adds the validated ones
    config = yaml.safe_load((CONTEXT_ROOT / "gx" / "great_expectations.yml").read_text())
    assert "assets" not in config["fluent_datasources"][DATASOURCE]


def test_the_context_never_calls_home():
    config = yaml.safe_load((CONTEXT_ROOT / "gx" / "great_expectations.yml").read_text())
    assert config["analytics_enabled"] is False


def test_every_suite_has_a_blocking_expectation_and_builds():
    for table, expectations in suites(MANIFEST).items():
        assert any(str(e.severity.value if hasattr(e.severity, "value") else e.severity) == "critical" for e in expectations), table


def test_a_validator_that_could_not_run_fails_every_check():
    results = suite_check_results({}, error="the validator could not run: ImportError")
    assert len(results) == len(VALIDATED_TABLES)
    assert all(not r.passed and r.severity.value == "ERROR" for r in results)


def test_a_table_without_a_result_fails_its_check():
    results = suite_check_results({})
    assert all(not r.passed for r in results)
    assert "no validation result" in results[0].metadata["error"].value


def test_only_the_newest_runs_are_kept(tmp_path):
    from expectations.validate import _forget_old_runs

    results, pages = tmp_path / "results", tmp_path / "pages"
    for run_time in ["20261120T010000Z", "20261121T010000Z", "20261122T010000Z"]:
        for root, suffix in ((results, ".json"), (pages, ".html")):
            folder = root / "marts" / "kpi_monthly" / "__none__" / run_time
            folder.mkdir(parents=True)
            (folder / f"warehouse-marts.kpi_monthly{suffix}").write_text("{}")
    _forget_old_runs(results, pages, keep=2)
    for root in (results, pages):
        assert sorted(p.name for p in (root / "marts" / "kpi_monthly" / "__none__").iterdir()) == ["20261121T010000Z", "20261122T010000Z"]
