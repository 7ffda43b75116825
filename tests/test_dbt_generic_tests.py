"""The project's own generic dbt tests (dbt_project/tests/generic), their SQL run
on DuckDB tables made to pass and to fail. A dbt test fails when its query
returns rows; dbt's `{% test %}` block is rendered here as the plain Jinja it
wraps, so that this needs no dbt start (seconds each)."""

import duckdb
import pytest

from expectations.from_manifest import render_generic_test
from tests.conftest import REPO

GENERIC_TESTS = REPO / "dbt_project" / "tests" / "generic"


def failing_rows(test: str, table: str, con, **arguments) -> list[tuple]:
    source = (GENERIC_TESTS / f"{test}.sql").read_text(encoding="utf-8")
    return con.execute(render_generic_test(source, model=table, **arguments)).fetchall()


@pytest.fixture
def con():
    with duckdb.connect() as con:
        con.execute("create table files (path varchar, rows_read int, rows_accepted int, rows_quarantined int)")
        yield con


def test_not_null_columns_names_each_column_with_nulls_and_how_many(con):
    con.execute("insert into files values ('a.csv', 3, 2, 1), ('b.csv', 5, 5, 0)")
    assert failing_rows("not_null_columns", "files", con, columns=["path", "rows_read"]) == []
    con.execute("insert into files values (null, null, 1, 0), (null, 4, 4, 0)")
    failures = failing_rows("not_null_columns", "files", con, columns=["path", "rows_read", "rows_accepted"])
    assert sorted(failures) == [("path", 2), ("rows_read", 1)]


def test_unique_combination_returns_each_repeated_key(con):
    con.execute("insert into files values ('a.csv', 3, 2, 1), ('a.csv', 4, 4, 0), ('b.csv', 3, 2, 1)")
    assert failing_rows("unique_combination", "files", con, columns=["path", "rows_read"]) == []
    assert failing_rows("unique_combination", "files", con, columns=["path"]) == [("a.csv", 2)]


def test_rows_conserved_returns_each_file_that_lost_or_gained_rows(con):
    con.execute("insert into files values ('a.csv', 3, 2, 1), ('b.csv', 5, 3, 1), ('c.csv', 1, 1, 1)")
    assert sorted(row[0] for row in failing_rows("rows_conserved", "files", con)) == ["b.csv", "c.csv"]


def test_references_names_each_column_with_unknown_codes_and_how_many(con):
    con.execute("create table regions (region_no int); insert into regions values (1), (2)")
    con.execute("create table divisions (division varchar); insert into divisions values ('10')")
    con.execute("create table months (region_no int, tsic_division varchar)")
    con.execute("insert into months values (1, '10'), (2, null), (null, '10')")
    columns = {"region_no": {"to": "regions"}, "tsic_division": {"to": "divisions", "field": "division"}}
    assert failing_rows("references", "months", con, columns=columns) == []
    con.execute("insert into months values (3, '10'), (9, '99'), (3, null)")
    assert sorted(failing_rows("references", "months", con, columns=columns)) == [("region_no", 3), ("tsic_division", 1)]
