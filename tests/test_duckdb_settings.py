"""DuckDB's memory and thread limits reach the connections of the night, from the environment.

That the published tables do not depend on them: tests/test_crash_recovery.py
(its runs under 2 GB and one thread, compared with the examples' run)."""

import duckdb
import pytest
import sqlalchemy as sa
import yaml
from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin

from tests.conftest import REPO
from warehouse import duckdb_settings
from warehouse.duckdb_settings import DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_VARIABLE, THREADS_VARIABLE, DuckDBLimits

SHOWN = "SELECT current_setting('memory_limit'), current_setting('threads')"


@pytest.fixture
def tight(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "512MB")
    monkeypatch.setenv(THREADS_VARIABLE, "1")
    return ("488.2 MiB", 1)  # as DuckDB shows 512 MB


def test_unset_the_memory_is_the_default_limit_and_threads_duckdbs_own(monkeypatch, tmp_path):
    monkeypatch.delenv(MEMORY_LIMIT_VARIABLE, raising=False)
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    assert DuckDBLimits.from_environment().settings() == {"memory_limit": DEFAULT_MEMORY_LIMIT}
    with duckdb_settings.connect(tmp_path / "w.duckdb") as con, duckdb.connect() as plain:
        [(memory, threads)] = con.execute(SHOWN).fetchall()
        assert threads == plain.execute(SHOWN).fetchone()[1]
        assert memory == plain.execute(f"SET memory_limit = '{DEFAULT_MEMORY_LIMIT}'; {SHOWN}").fetchone()[0]


def test_a_plain_connection_is_limited(tight, tmp_path):
    with duckdb_settings.connect(tmp_path / "w.duckdb") as con:
        assert con.execute(SHOWN).fetchone() == tight
    # read-only, as the reports open the files
    with duckdb_settings.connect(tmp_path / "w.duckdb", read_only=True) as con:
        assert con.execute(SHOWN).fetchone() == tight


def test_dbts_connection_is_limited_through_the_profiles_plugin(tight, tmp_path):
    profile = yaml.safe_load((REPO / "dbt_project" / "profiles.yml").read_text(encoding="utf-8"))
    plugins = [p["module"] for p in profile["diprom"]["outputs"]["warehouse"]["plugins"]]
    assert "warehouse.duckdb_settings" in plugins
    # loaded as dbt-duckdb loads it
    plugin = BasePlugin.create("warehouse.duckdb_settings", config={}, credentials=DuckDBCredentials(path=str(tmp_path / "w.duckdb")))
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        plugin.configure_connection(con)
        assert con.execute(SHOWN).fetchone() == tight


def test_great_expectations_connection_url_carries_the_limits(tight, tmp_path):
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'w.duckdb'}?access_mode=read_write{duckdb_settings.url_query()}")
    try:
        with engine.connect() as con:
            assert tuple(con.execute(sa.text(SHOWN)).fetchone()) == tight
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("variable", "value"),
    [(MEMORY_LIMIT_VARIABLE, "lots"), (MEMORY_LIMIT_VARIABLE, "4 GB; DROP TABLE x"), (THREADS_VARIABLE, "0"), (THREADS_VARIABLE, "two")],
)
def test_an_invalid_limit_stops_at_once_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable):
        DuckDBLimits.from_environment()


def test_dbts_cursors_open_after_a_night_has_spilled(monkeypatch, tmp_path):
    """dbt-duckdb opens a cursor per node and sets the profile's `settings:` on
    each; DuckDB refuses its temporary directory set again once it has spilled
    there. The profile's connection, as dbt-duckdb makes it, under a small limit."""
    from dbt.adapters.duckdb.environments.local import LocalEnvironment

    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "64MB")
    monkeypatch.setenv(THREADS_VARIABLE, "1")
    monkeypatch.chdir(tmp_path)  # dbt runs in the warehouse's folder (orchestration/dbt_in_warehouse.sh)
    (tmp_path / "tmp").mkdir()
    output = yaml.safe_load((REPO / "dbt_project" / "profiles.yml").read_text(encoding="utf-8"))["diprom"]["outputs"]["warehouse"]
    credentials = DuckDBCredentials.from_dict({k: v for k, v in output.items() if k not in ("type", "threads")})
    environment = LocalEnvironment(credentials)
    first = environment.handle().cursor()
    first.execute("CREATE TABLE spilled AS SELECT range AS n, md5(range::VARCHAR) AS h FROM range(2000000) ORDER BY h")
    assert (tmp_path / "tmp" / "duckdb").is_dir()  # it spilled, there
    second = environment.handle().cursor()  # the next node's cursor
    second.execute("SELECT count(*) FROM spilled")
    assert second.fetchone() == (2_000_000,)
    second.execute(SHOWN)
    assert second.fetchone() == ("61.0 MiB", 1)
    environment.close()
