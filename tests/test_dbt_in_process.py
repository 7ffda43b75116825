"""dbt inside the night's process (warehouse/dbt_in_process.py): the node results it
hands back, a failure named node by node, and the warehouse file let go either way."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.dbt_in_process import DbtBuildFailed, run_dbt

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"


def _dbt(warehouse: Path, *args: str) -> list[dict]:
    return run_dbt(list(args), workdir=warehouse, project_dir=DBT_PROJECT, target_path=warehouse / "dbt")


def _another_process_can_write(db: Path) -> bool:
    code = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"
    return subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True).returncode == 0


@pytest.fixture
def warehouse(tmp_path) -> Path:
    (tmp_path / "tmp").mkdir()  # DuckDB's spill folder, named in profiles.yml relative to the warehouse
    return tmp_path


def test_a_build_gives_each_nodes_result_and_lets_the_warehouse_go(warehouse):
    before = Path.cwd()
    results = _dbt(warehouse, "seed", "--select", "regions", "provinces")
    assert {r["info"]["name"] for r in results} == {"LogSeedResult"}
    assert {r["data"]["node_info"]["unique_id"] for r in results} == {"seed.diprom.regions", "seed.diprom.provinces"}
    assert Path.cwd() == before
    db = warehouse / "warehouse.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:  # this process: no "different configuration"
        assert con.execute("select count(*) from reference.provinces").fetchone()[0] > 70
    assert _another_process_can_write(db)


def test_a_failure_names_the_node_and_what_dbt_said_and_lets_the_warehouse_go(warehouse):
    # An empty warehouse: the staging model's raw table does not exist.
    with pytest.raises(DbtBuildFailed) as failed:
        _dbt(warehouse, "run", "--select", "stg_landed_files")
    message = str(failed.value)
    assert message.startswith("dbt ไม่สำเร็จ / dbt did not succeed:")
    assert "model.diprom.stg_landed_files" in message and "landed_files" in message.split("stg_landed_files:", 1)[1]
    assert "Traceback" not in message
    assert _another_process_can_write(warehouse / "warehouse.duckdb")


def test_dbt_that_cannot_start_says_why(warehouse):
    with pytest.raises(DbtBuildFailed, match="dbt did not succeed"):
        _dbt(warehouse, "build", "--select", "+no_such_model", "--no-such-flag")
