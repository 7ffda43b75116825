"""Where the warehouse reads and writes, from the contract's environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WarehouseLayout:
    landing_dir: Path
    warehouse_dir: Path

    @classmethod
    def from_env(cls, landing_dir: str | None = None, warehouse_dir: str | None = None) -> WarehouseLayout:
        """Explicit arguments win over `LANDING_DIR`/`WAREHOUSE_DIR`, which win over
        the contract's defaults; relative paths are taken from the working directory."""
        landing = landing_dir or os.environ.get("LANDING_DIR") or "data/landing"
        warehouse = warehouse_dir or os.environ.get("WAREHOUSE_DIR") or "data/warehouse"
        return cls(Path(landing).resolve(), Path(warehouse).resolve())

    @property
    def warehouse_db(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def analytics_db(self) -> Path:
        return self.warehouse_dir / "analytics.duckdb"

    @property
    def check_history_db(self) -> Path:
        """What the check before sending reads of earlier nights (warehouse/publish.py)."""
        return self.warehouse_dir / "check_history.duckdb"

    @property
    def sends_log(self) -> Path:
        """Every file sent through the upload page: who, when, name, SHA-256 (checking/sending.py)."""
        return self.archive_dir / "sends.jsonl"

    @property
    def exports_link(self) -> Path:
        """A link to the newest complete set of exports (warehouse/exports.py)."""
        return self.warehouse_dir / "exports"

    @property
    def archive_dir(self) -> Path:
        return self.warehouse_dir / "archive"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts for this warehouse: partial parse, run results, its log."""
        return self.warehouse_dir / "dbt"

    @property
    def sensor_landing_hashes(self) -> Path:
        """What the sensor remembers of the landing files' contents (sources/landing.py new_contents)."""
        return self.warehouse_dir / "sensor" / "landing-hashes.json"

    @property
    def tmp_dir(self) -> Path:
        """The warehouse's own temporary files (owner-only): DuckDB's spills, decrypted archive copies."""
        return self.warehouse_dir / "tmp"

    @property
    def duckdb_temp_dir(self) -> Path:
        return self.tmp_dir / "duckdb"

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_dir / "reports"
