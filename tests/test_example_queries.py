"""The analysts' example questions (dbt_project/analyses/*.sql) run as written
against the bundled sample's published analytics.duckdb, read-only, and answer
with rows."""

import re

import duckdb
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.e2e

QUERIES = sorted((REPO / "dbt_project" / "analyses").glob("*.sql"))
THAI = re.compile(r"[\u0E00-\u0E7F]")


def test_at_least_ten_questions_each_asked_in_thai_and_english():
    assert len(QUERIES) >= 10
    for path in QUERIES:
        thai, english = path.read_text(encoding="utf-8").splitlines()[:2]
        assert thai.startswith("-- ") and THAI.search(thai), path.name
        assert english.startswith("-- ") and not THAI.search(english) and len(english) > 20, path.name


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_each_example_query_answers_on_the_published_copy(sample_run, query):
    with duckdb.connect(str(sample_run[0]), read_only=True) as con:
        cursor = con.execute(query.read_text(encoding="utf-8"))
        rows, columns = cursor.fetchall(), [name for name, *_ in cursor.description]
    assert rows, f"{query.name} returned no rows"
    assert all(name == name.lower() for name in columns)  # columns an analyst can type
