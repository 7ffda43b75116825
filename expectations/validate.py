"""Run the suites against the warehouse file and build the Data Docs.

GX reads the DuckDB file itself, read-only, through its SQL datasource (with
the adaptations of gx_duckdb.py): the tables are never copied into pandas.
The suites and the tables they guard come from dbt's manifest and
expectations/suites.py; GX's context is expectations/gx's configuration, written
for each run beside GX's stores with one asset per validated table: the table,
or for a table that grows with history, a query of its rows new since the last
validation that passed (expectations/new_rows.py).
Every SQLAlchemy engine GX makes is disposed before `validate_warehouse`
returns, because dbt will not start while any process holds the file.
"""

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import great_expectations as gx
import sqlalchemy as sa
import yaml
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from expectations import gx_duckdb
from expectations.data_docs import make_offline
from expectations.new_rows import new_rows_queries
from expectations.suites import suites
from warehouse import duckdb_settings
from warehouse.build_state import record_validation, validation_scope

CONTEXT_ROOT = Path(__file__).resolve().parent  # GX's context is CONTEXT_ROOT/gx
DATASOURCE = "warehouse"
BATCH_DEFINITION = "validated rows"
EXAMPLES_PER_FAILURE = 5
# Validation results (and their Data Docs pages) kept per suite. GX rebuilds the
# Data Docs index from every stored result, so an unbounded history would make
# each night slower than the last.
RUNS_KEPT = 30
RUN_STORES = ("expectations", "validation_definitions", "checkpoints")  # under DIPROM_GX_STORES, as expectations/gx configures them


@dataclass(frozen=True)
class FailedExpectation:
    expectation: str
    column: str | None
    severity: str  # critical | warning | info
    description: str | None
    observed: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SuiteOutcome:
    table: str
    evaluated: int
    failures: tuple[FailedExpectation, ...]
    docs_page: str | None  # relative to the Data Docs folder
    rows: str  # which rows were validated: the whole table, or those new since a file
    row_count: int | None  # how many, as GX counted them (None: no expectation counts rows)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def blocking(self) -> bool:
        return any(f.severity == "critical" for f in self.failures)


def validate_warehouse(
    warehouse_db: Path,
    gx_dir: Path,
    docs_dir: Path,
    manifest_path: Path,
    tables: Iterable[str] | None = None,
    context_root: Path = CONTEXT_ROOT,
    progress: Callable[[str], None] = lambda message: None,
    since: int = 0,
) -> dict[str, SuiteOutcome]:
    """Validate each table (by default every validated one) against its suite;
    Data Docs into `docs_dir`; GX's stores in `gx_dir`. A table that grows with
    history is validated on its rows of the files after `since` (0: all)."""
    gx_duckdb.install()
    expectations_of = suites(manifest_path)
    tables = list(expectations_of if tables is None else tables)
    unknown = sorted(set(tables) - set(expectations_of))
    if unknown:
        raise KeyError(f"no suite for {', '.join(unknown)}")
    if not (context_root / "gx" / "great_expectations.yml").is_file():
        raise FileNotFoundError(f"no Great Expectations context at {context_root / 'gx'}")
    gx_dir.mkdir(parents=True, exist_ok=True)
    queries = new_rows_queries(warehouse_db, tables, since)
    run_root = _context_for_this_run(context_root, gx_dir, queries)
    docs_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DIPROM_GX_STORES"] = str(gx_dir)
    os.environ["DIPROM_GX_DOCS"] = str(docs_dir)
    # access_mode=read_only: a reader, never a writer, of the warehouse file; limited as every other (warehouse/duckdb_settings.py).
    os.environ["DIPROM_GX_WAREHOUSE_URL"] = f"duckdb:///{warehouse_db}?access_mode=read_only{duckdb_settings.url_query()}"

    _forget_old_runs(gx_dir / "validations", docs_dir / "validations", RUNS_KEPT - 1)
    # The suites, validation definitions and checkpoint are this run's code, written
    # anew: GX's add_or_update would compare each stored expectation with each new
    # one (seconds a night) only to replace them.
    for store in RUN_STORES:
        shutil.rmtree(gx_dir / store, ignore_errors=True)
    with _engines_disposed():
        context = gx.get_context(mode="file", project_root_dir=str(run_root))
        datasource = context.data_sources.get(DATASOURCE)
        definitions, run_suites = [], []
        for table in tables:
            suite = context.suites.add(gx.ExpectationSuite(name=table, expectations=expectations_of[table]))
            run_suites.append(suite)
            batch = datasource.get_asset(table).get_batch_definition(BATCH_DEFINITION)
            definitions.append(context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite)))
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name="nightly_load",
                validation_definitions=definitions,
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES_PER_FAILURE},
            )
        )
        progress(f"Great Expectations: validating {len(tables)} tables ({sum(len(s.expectations) for s in run_suites)} expectations)")
        result = checkpoint.run()
        progress("Great Expectations: validated; building Data Docs")
        # One build of this run's pages and the index. (GX's UpdateDataDocsAction
        # rebuilds the index once per suite: half of the whole step's time.)
        context.build_data_docs(
            resource_identifiers=[
                *result.run_results,
                *(ExpectationSuiteIdentifier(name=table) for table in tables),
            ]
        )
    make_offline(docs_dir)

    outcomes = {}
    for identifier, suite_result in result.run_results.items():
        table = suite_result.suite_name
        outcomes[table] = SuiteOutcome(
            table=table,
            evaluated=len(suite_result.results),
            failures=tuple(_failure(r) for r in suite_result.results if not r.success),
            docs_page=_docs_page(docs_dir, identifier),
            rows="whole table" if queries[table] is None else f"new since file {since}",
            row_count=max(
                (r.result["element_count"] for r in suite_result.results if (r.result or {}).get("element_count") is not None), default=None
            ),
        )
    return outcomes


def validate_night(
    warehouse_db: Path, gx_dir: Path, docs_dir: Path, manifest_path: Path, progress: Callable[[str], None] = lambda message: None
) -> dict[str, SuiteOutcome]:
    """Validate every validated table, those that grow with history on their rows
    of the files since the last validation that passed. Then, if nothing failed
    critically, record that every row built so far is validated: a failed or
    interrupted night leaves its rows to the next (warehouse/build_state.py)."""
    scope = validation_scope(warehouse_db)
    outcomes = validate_warehouse(warehouse_db, gx_dir, docs_dir, manifest_path, progress=progress, since=scope.since)
    if not any(outcome.blocking for outcome in outcomes.values()):
        record_validation(warehouse_db, scope)  # GX's engines are closed: the file is free to write
    return outcomes


def _context_for_this_run(context_root: Path, gx_dir: Path, queries: dict[str, str | None]) -> Path:
    """The context's configuration with one asset per validated table, under GX's
    stores: the table, or the query of its rows to validate. (Written before GX
    opens it: added through GX, each asset would rewrite the file and query the
    warehouse, seconds a night.)"""
    config = yaml.safe_load((context_root / "gx" / "great_expectations.yml").read_text(encoding="utf-8"))
    config["fluent_datasources"][DATASOURCE]["assets"] = {
        table: {
            **(
                {"type": "table", "schema_name": table.split(".")[0], "table_name": table.split(".")[1]}
                if query is None
                else {"type": "query", "query": query}
            ),
            "batch_definitions": {BATCH_DEFINITION: {"partitioner": None}},
        }
        for table, query in queries.items()
    }
    run_root = gx_dir / "context"
    (run_root / "gx").mkdir(parents=True, exist_ok=True)
    (run_root / "gx" / "great_expectations.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return run_root


def _failure(result) -> FailedExpectation:
    config = result.expectation_config
    details = result.result or {}
    raised = _raised(result.exception_info)
    if raised:
        observed = f"the expectation could not be evaluated: {raised}"
        examples: list = []
    elif "unexpected_count" in details:
        observed = f"{details['unexpected_count']} of {details.get('element_count')} values unexpected"
        examples = details.get("partial_unexpected_list") or []
    else:
        observed = f"observed {details.get('observed_value')!r}"
        examples = (details.get("details") or {}).get("unexpected_rows") or []
    return FailedExpectation(
        expectation=config.type,
        column=config.kwargs.get("column") or (", ".join(config.kwargs["column_list"]) if "column_list" in config.kwargs else None),
        severity=str(getattr(config.severity, "value", config.severity)),
        description=config.description,
        observed=observed,
        examples=tuple(_short(e) for e in examples[:EXAMPLES_PER_FAILURE]),
    )


def _raised(exception_info: dict) -> str | None:
    """GX reports an error either flat or keyed by the metric that raised it."""
    for info in [exception_info, *(v for v in exception_info.values() if isinstance(v, dict))]:
        if info.get("raised_exception"):
            return str(info.get("exception_message"))
    return None


def _short(value, limit: int = 200) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _forget_old_runs(results_dir: Path, pages_dir: Path, keep: int) -> None:
    """Delete all but the newest `keep` runs of each suite. GX lays results out as
    <suite folders>/<run name>/<run time, sortable>/<batch>.json, the pages alike."""
    for run_name_dir in {p.parent.parent for p in results_dir.rglob("*.json")}:
        run_times = sorted((d for d in run_name_dir.iterdir() if d.is_dir()), key=lambda d: d.name)
        for old in run_times[: max(0, len(run_times) - keep)]:
            shutil.rmtree(old)
            shutil.rmtree(pages_dir / old.relative_to(results_dir), ignore_errors=True)


def _docs_page(docs_dir: Path, identifier) -> str | None:
    """The Data Docs page GX wrote for this validation, relative to `docs_dir`."""
    *folders, batch = identifier.to_tuple()
    page = Path("validations", *folders, f"{batch}.html")
    return str(page) if (docs_dir / page).is_file() else None


@contextmanager
def _engines_disposed() -> Iterator[None]:
    """Dispose every SQLAlchemy engine created inside the block (GX makes two per datasource)."""
    created: dict[int, sa.Engine] = {}

    def on_connect(connection: sa.Connection) -> None:
        created[id(connection.engine)] = connection.engine

    sa.event.listen(sa.Engine, "engine_connect", on_connect)
    try:
        yield
    finally:
        sa.event.remove(sa.Engine, "engine_connect", on_connect)
        for engine in created.values():
            engine.dispose()
