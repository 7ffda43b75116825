"""The suites, the GX context's assets and the Dagster checks name the same tables."""

import yaml

from expectations.suites import SUITES
from expectations.validate import CONTEXT_ROOT, DATASOURCE
from orchestration.checks import VALIDATED_TABLES, suite_check_results


def test_checks_suites_and_gx_assets_name_the_same_tables():
    config = yaml.safe_load((CONTEXT_ROOT / "gx" / "great_expectations.yml").read_text())
    assets = config["fluent_datasources"][DATASOURCE]["assets"]
    assert VALIDATED_TABLES == list(SUITES) == list(assets)
    for table, asset in assets.items():
        assert f"{asset['schema_name']}.{asset['table_name']}" == table


def test_the_context_never_calls_home():
    config = yaml.safe_load((CONTEXT_ROOT / "gx" / "great_expectations.yml").read_text())
    assert config["analytics_enabled"] is False


def test_every_suite_has_a_blocking_expectation_and_builds():
    for table, build in SUITES.items():
        expectations = build()
        assert any(str(e.severity.value if hasattr(e.severity, "value") else e.severity) == "critical" for e in expectations), table


def test_a_validator_that_could_not_run_fails_every_check():
    results = suite_check_results({}, error="the validator could not run: ImportError")
    assert len(results) == len(VALIDATED_TABLES)
    assert all(not r.passed and r.severity.value == "ERROR" for r in results)


def test_a_table_without_a_result_fails_its_check():
    results = suite_check_results({})
    assert all(not r.passed for r in results)
    assert "no validation result" in results[0].metadata["error"].value
