"""dbt, run inside the night's own process, through dbt's programmatic entry point (dbtRunner).

The night's process has imported dbt already: dagster-dbt reads the project's
assets with it. A child process would pay Python's start, dbt's imports and
the adapter's registration again every night, and dagster-dbt would then parse
every line of the child's structured log (docs/benchmarks.md). In process, dbt
hands each node's result to a callback, in the same form as its JSON log.

dbt runs in the warehouse's folder: profiles.yml names the warehouse file, and
DuckDB's spill folder, relative to it, so that one profile and one partial
parse serve every warehouse. dbt-duckdb keeps its database open between
invocations of a process; it is closed here, whatever the outcome, because
DuckDB allows one writer per file and the night's next steps open it.
"""

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner
from dbt_common.events.base_types import EventMsg
from dbt_common.events.functions import msg_to_dict

# The events that carry a node's result (what dagster-dbt turns into asset events).
NODE_RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
PARTIAL_PARSE = "partial_parse.msgpack"
MESSAGE_SHOWN = 500  # characters of dbt's message per failed node


class DbtBuildFailed(RuntimeError):
    """dbt did not succeed: the message names each failed node and what dbt said."""


def run_dbt(args: Sequence[str], *, workdir: Path, project_dir: Path, target_path: Path, project_parse: Path | None = None) -> list[dict]:
    """`dbt <args>` for the project, in `workdir`, in this process. Returns each node's
    result event as dbt's structured log has it; raises DbtBuildFailed when dbt fails.

    `project_parse`: the project's own partial parse, copied into a target folder that has
    none, so that a new warehouse starts from it rather than parsing the whole project."""
    if project_parse is not None and project_parse.is_file() and not (target_path / PARTIAL_PARSE).exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project_parse, target_path / PARTIAL_PARSE)
    results: list[dict] = []

    def keep_node_results(event: EventMsg) -> None:
        if event.info.name in NODE_RESULT_EVENTS:
            results.append(msg_to_dict(event))

    invocation = [
        *args,
        # absolute: dbt runs in `workdir`
        *("--project-dir", str(project_dir.resolve()), "--profiles-dir", str(project_dir.resolve())),
        *("--target-path", str(target_path.resolve()), "--log-path", str(target_path.resolve())),
    ]
    with _working_directory(workdir):
        try:
            outcome = dbtRunner(callbacks=[keep_node_results]).invoke(invocation)
        finally:
            _close_the_warehouse()
    if not outcome.success:
        raise DbtBuildFailed(_failure_message(outcome))
    return results


def _failure_message(outcome) -> str:
    failures = []
    for result in getattr(outcome.result, "results", None) or []:
        if str(result.status) in {"error", "fail", "runtime error"}:
            failures.append(f"- {result.node.unique_id}: {str(result.message or result.status)[:MESSAGE_SHOWN]}")
    if outcome.exception is not None:
        failures.append(f"- {type(outcome.exception).__name__}: {str(outcome.exception)[:MESSAGE_SHOWN]}")
    return "\n".join(["dbt ไม่สำเร็จ / dbt did not succeed:", *(failures or ["- (dbt gave no reason; see its log in the target folder)"])])


@contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _close_the_warehouse() -> None:
    with suppress(Exception):  # env() raises when no database was opened: nothing to close
        DuckDBConnectionManager.env().close()
    DuckDBConnectionManager.close_all_connections()
