"""The query of a growing table's new rows (expectations/new_rows.py) names the changed
parts as values; read as GX reads it, through SQLAlchemy's text(), it gives exactly the
rows of those parts, whatever text a part holds (a path is a submitter's file name)."""

from __future__ import annotations

import duckdb
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectations.new_rows import new_rows_queries

# what SQL, SQLAlchemy's text() (`:name`) and GX's configuration (`${NAME}`) would read as their own
paths = st.lists(st.sampled_from([*":'\"\\/%?${}ก้ a1_", "${HOME}", ":name"]), min_size=1, max_size=8).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(paths, max_size=4), new=st.lists(paths, max_size=4))
def test_the_rows_of_the_parts_changed_since_whatever_their_text(tmp_path_factory, old, new):
    db = tmp_path_factory.mktemp("new_rows") / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA quality; CREATE SCHEMA intermediate; CREATE SCHEMA marts")
        con.execute("CREATE TABLE quality.findings (path VARCHAR, rule_id VARCHAR)")
        con.execute("CREATE TABLE intermediate.int_findings_parts (file_seq BIGINT, path VARCHAR)")
        con.execute("CREATE TABLE marts.kpi_national (fiscal_year INTEGER)")
        for file_seq, group in ((1, old), (2, new)):
            for path in group:
                con.execute("INSERT INTO quality.findings VALUES (?, 'RR01')", [path])
                con.execute("INSERT INTO intermediate.int_findings_parts VALUES (?, ?)", [file_seq, path])
    queries = new_rows_queries(db, ["quality.findings", "marts.kpi_national"], since=1)
    assert queries["marts.kpi_national"] is None  # a table that does not grow: whole
    engine = sa.create_engine(f"duckdb:///{db}?access_mode=read_only")
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(queries["quality.findings"])).fetchall()
    finally:
        engine.dispose()
    assert sorted(path for path, _ in rows) == sorted(path for path in old + new if path in new)
