"""The Great Expectations suites as Dagster asset checks, one per validated table.

All suites run in one step (one GX context, one read-only look at the
warehouse), after the dbt build and before publishing. A critical failure is
an ERROR and blocking: `analytics.duckdb` keeps its previous copy and the run
fails naming the checks. A warning never blocks. If the validator cannot be
imported or configured, every check fails: none passes by default. The tables
that grow with history are validated on the rows new since the last
validation that passed (expectations/validate.py validate_night).
"""

import contextlib
import importlib
import threading

import dagster as dg

from expectations.validated_models import validated_tables
from orchestration.assets.dbt import dbt_project
from orchestration.resources import WarehouseResource

# The tables dbt_project.yml marks validated, read from the manifest without
# Great Expectations: a validator that fails to import still has checks to fail.
VALIDATED_TABLES = validated_tables(dbt_project.manifest_path)
CHECK_NAME = "gx_suite"


def _asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def suite_check_results(outcomes, error: str | None = None) -> list[dg.AssetCheckResult]:
    """One result per validated table. `outcomes` maps table -> SuiteOutcome; a table
    without one (or any `error`) is a failed ERROR check, never a pass."""
    results = []
    for table in VALIDATED_TABLES:
        outcome = None if error else outcomes.get(table)
        if outcome is None:
            reason = error or "no validation result for this table"
            results.append(
                dg.AssetCheckResult(
                    asset_key=_asset_key(table),
                    check_name=CHECK_NAME,
                    passed=False,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"error": dg.MetadataValue.text(reason)},
                )
            )
            continue
        metadata = {
            "rows validated": outcome.rows + ("" if outcome.row_count is None else f": {outcome.row_count:,}"),
            "expectations evaluated": outcome.evaluated,
            "expectations failed": len(outcome.failures),
            "data docs page": dg.MetadataValue.path(outcome.docs_page or ""),
        }
        if outcome.failures:
            metadata["failed expectations"] = dg.MetadataValue.md(_failures_table(outcome.failures))
        results.append(
            dg.AssetCheckResult(
                asset_key=_asset_key(table),
                check_name=CHECK_NAME,
                passed=outcome.passed,
                severity=dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN,
                metadata=metadata,
            )
        )
    return results


def _failures_table(failures) -> str:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| severity | expectation | column | observed | examples |", "|---|---|---|---|---|"]
    for f in failures:
        what = f.description or f.expectation
        lines.append(f"| {f.severity} | {cell(what)} | {cell(f.column or '')} | {cell(f.observed)} | {cell('; '.join(f.examples))} |")
    return "\n".join(lines)


def start_importing_the_validator() -> threading.Thread:
    """Import the validator in the background (GX takes seconds to import) while
    dbt builds in its own process, so that the checks do not wait for it.

    An error here is left for the checks' own import, which fails every check
    with it: this thread only ever saves time."""

    def import_ahead() -> None:
        with contextlib.suppress(Exception):
            importlib.import_module("expectations.validate")

    thread = threading.Thread(target=import_ahead, name="import the validator", daemon=True)
    thread.start()
    return thread


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(CHECK_NAME, asset=_asset_key(table), blocking=True, description=f"Great Expectations suite {table}")
        for table in VALIDATED_TABLES
    ],
    name="gx_suites",
    description="Every Great Expectations suite against the warehouse; Data Docs into $WAREHOUSE_DIR/reports/gx/.",
)
def gx_suites(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    layout = warehouse.layout
    try:
        from expectations.validate import validate_night

        outcomes = validate_night(
            layout.warehouse_db,
            layout.warehouse_dir / "gx",
            layout.reports_dir / "gx",
            dbt_project.manifest_path,
            progress=context.log.info,
        )
    except Exception as error:
        context.log.exception("the Great Expectations validator could not run")
        yield from suite_check_results({}, error=f"the validator could not run: {type(error).__name__}: {error}")
        return
    failed = [t for t, o in outcomes.items() if not o.passed]
    context.log.info(f"Great Expectations: {len(outcomes) - len(failed)} of {len(outcomes)} suites passed; failed: {failed or 'none'}")
    yield from suite_check_results(outcomes)


@dg.asset_check(
    asset=dg.AssetKey(["quality", "submission_deadlines"]),
    name="results_on_time",
    description="Warns when a centre or provincial office has not sent last month's result by the 15th, or sent it late.",
)
def results_on_time(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    from reporting.feedback.deadlines import latest_deadlines

    summary = latest_deadlines(warehouse.layout.warehouse_db)
    return dg.AssetCheckResult(
        passed=summary.all_on_time,
        severity=dg.AssetCheckSeverity.WARN,  # a late submitter is followed up, never a reason to hold the marts back
        metadata={
            "month": summary.period or "",
            "due date": str(summary.due_date or ""),
            "missing": dg.MetadataValue.text(", ".join(summary.missing) or "none"),
            "late": dg.MetadataValue.text(", ".join(summary.late) or "none"),
            "missing submitter-months, all months": summary.missing_overall,
            "late submitter-months, all months": summary.late_overall,
        },
    )
