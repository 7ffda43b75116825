"""Shared fixtures: the contract's examples, and helpers to build landing folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI clones the repository with shared/ beside it; a developer's checkout has the same shape.
CONTRACT_DIR = Path(os.environ.get("DIPROM_CONTRACT_DIR", REPO.parent / "shared" / "contract"))
EXAMPLES_DIR = CONTRACT_DIR / "examples"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not EXAMPLES_DIR.is_dir():
        pytest.fail(f"the contract's examples are missing at {EXAMPLES_DIR}; set DIPROM_CONTRACT_DIR")
    return EXAMPLES_DIR


def materialize_nightly_load(landing_dir: Path, warehouse_dir: Path):
    """The whole nightly load, in process, through Dagster and a real dbt build."""
    import dagster as dg

    from orchestration.assets.dbt import DBT_EXECUTABLE, dbt_project
    from orchestration.definitions import defs
    from orchestration.resources import WarehouseDbtCliResource, WarehouseResource

    result = dg.materialize(
        defs.assets,
        resources={
            "warehouse": WarehouseResource(landing_dir=str(landing_dir), warehouse_dir=str(warehouse_dir)),
            "dbt": WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
        raise_on_error=False,
    )
    return result


def query(db: Path, sql: str, params=None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
