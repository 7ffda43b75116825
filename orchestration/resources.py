"""Resources: where the warehouse lives, and who may hold its DuckDB file when."""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version as installed_version
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import PrivateAttr

from warehouse import duckdb_settings
from warehouse.layout import WarehouseLayout
from warehouse.private_files import owner_only_umask, private_dir, tighten


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse's folders. Unset fields follow LANDING_DIR and WAREHOUSE_DIR.

    Connections are opened per step and closed before the step ends: DuckDB
    allows one writer per file, and dbt refuses to start while any other
    process holds it, even read-only.
    """

    landing_dir: str | None = None
    warehouse_dir: str | None = None
    _tightened: list[Path] = PrivateAttr(default_factory=list)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        """The run writes owner-only files (warehouse/private_files.py), and paths an
        earlier night or a loose umask left open are tightened first."""
        layout = self.layout
        layout.warehouse_dir.mkdir(parents=True, exist_ok=True)  # its parents as the umask of whoever deploys says
        with owner_only_umask():
            private_dir(layout.duckdb_temp_dir)
            instance = context.instance
            home = None if instance is None or instance.is_ephemeral else Path(instance.root_directory)
            self._tightened = tighten(layout.warehouse_dir, home)
            yield self

    @property
    def tightened(self) -> int:
        """How many paths this run found more open than they should be, and closed."""
        return len(self._tightened)

    @property
    def layout(self) -> WarehouseLayout:
        return WarehouseLayout.from_env(self.landing_dir, self.warehouse_dir)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        layout = self.layout
        layout.warehouse_dir.mkdir(parents=True, exist_ok=True)
        con = duckdb_settings.connect(layout.warehouse_db, read_only=read_only)
        try:
            # DuckDB draws a progress bar on stdout for long statements: noise in a run's logs
            con.execute("SET enable_progress_bar = false")
            # what DuckDB spills holds rows of the warehouse: in its owner-only folder
            con.execute("SET temp_directory = ?", [str(layout.duckdb_temp_dir)])
            yield con
        finally:
            con.close()


class WarehouseDbtCliResource(DbtCliResource):
    """dbt as the warehouse runs it: offline, and started once per run.

    Two dagster-dbt habits are switched off here (tied to dagster-dbt 0.29,
    pinned; tests/test_orchestration.py checks both hooks still exist):
    - it runs `dbt --version` twice per invocation to learn dbt's version, and
      that command asks PyPI for the latest release whatever the flags say: a
      network call, and seconds of start-up each (docs/benchmarks.md). The version
      of the installed dbt-core package is the same answer, offline.
    - it opens an in-process handle to dbt's adapter, parsing every macro again,
      only to serve `fetch_column_metadata`/`fetch_row_counts`, which this
      project does not use.
    """

    @property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
