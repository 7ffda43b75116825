"""Resources: where the warehouse lives, and who may hold its DuckDB file when."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
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
