"""Great Expectations 1.24 over DuckDB: the adaptations its SQL datasource needs.

GX has no DuckDB dialect. Through duckdb_engine (SQLAlchemy's DuckDB driver)
on this project's versions it fails in three ways, all silently as
`success=False` or as a refusal:

1. GX runs a query inside `with engine.connect()` and reads the rows after the
   block has closed the connection. DuckDB drops a closed connection's pending
   results, so every metric comes back empty and every expectation fails.
   -> results of DuckDB queries are fetched before the connection closes.
2. GX gives DuckDB no "dialect module", so regex and LIKE expectations are
   refused ("not supported") and type names cannot be resolved.
   -> DuckDB gets PostgreSQL's module, whose SQL DuckDB speaks: `~` / `!~` for
   regex (on DuckDB a *full* match: suites write full patterns), `LIKE`, and
   PostgreSQL's type names.
3. Column reflection goes through PostgreSQL's catalog query, which joins
   `pg_catalog.pg_collation`, missing in DuckDB 2.0; GX then falls back to
   `SELECT * FROM <table>` without the schema and fails.
   -> duckdb_engine's dialect reads columns from `information_schema.columns`.

Each adaptation patches one named function of the pinned versions; `install`
refuses to run on any other GX version rather than guess, and
tests/test_gx_duckdb.py proves each expectation type used by the suites passes
a good table and fails a bad one.
"""

import functools

import great_expectations as gx
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

ADAPTED_GX_VERSION = "1.24."


class UnsupportedGXVersion(RuntimeError):
    pass


_installed = False


def install() -> None:
    """Patch GX and duckdb_engine once per process. Raises on an unknown GX version."""
    global _installed
    if not gx.__version__.startswith(ADAPTED_GX_VERSION):
        raise UnsupportedGXVersion(
            f"expectations/gx_duckdb.py adapts Great Expectations {ADAPTED_GX_VERSION}x; "
            f"{gx.__version__} is installed. Check the three adaptations against it before widening the pin."
        )
    if _installed:
        return
    import duckdb_engine
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    _buffer_duckdb_results(SqlAlchemyExecutionEngine)
    _give_duckdb_a_dialect_module(SqlAlchemyExecutionEngine)
    duckdb_engine.Dialect.get_columns = _duckdb_get_columns
    _installed = True


def _buffer_duckdb_results(engine_class) -> None:
    run_query = engine_class._execute_query_with_recovery

    def execute_and_fetch(connection, query):
        result = run_query(connection, query)
        if connection.dialect.name == "duckdb" and result.returns_rows:
            # A frozen result holds every row; calling it gives a fresh Result over them.
            return result.freeze()()
        return result

    engine_class._execute_query_with_recovery = staticmethod(execute_and_fetch)


def _give_duckdb_a_dialect_module(engine_class) -> None:
    original_init = engine_class.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.engine.dialect.name == "duckdb":
            self.dialect_module = postgresql

    engine_class.__init__ = init


def _duckdb_get_columns(self, connection, table_name, schema=None, **kw):
    rows = connection.execute(
        sa.text(
            "select column_name, data_type, is_nullable, column_default "
            "from information_schema.columns "
            "where table_name = :table and table_schema = coalesce(:schema, current_schema()) "
            "order by ordinal_position"
        ),
        {"table": table_name, "schema": schema},
    ).fetchall()
    if not rows:
        raise sa.exc.NoSuchTableError(f"{schema}.{table_name}" if schema else table_name)
    return [
        {
            "name": name,
            "type": _sqlalchemy_type(self, data_type),
            "nullable": nullable == "YES",
            "default": default,
            "autoincrement": False,
        }
        for name, data_type, nullable, default in rows
    ]


def _sqlalchemy_type(dialect, duckdb_type: str) -> sa.types.TypeEngine:
    base = duckdb_type.split("(")[0].strip().lower()
    if base == "decimal":
        precision, _, scale = duckdb_type[duckdb_type.find("(") + 1 : -1].partition(",")
        return postgresql.NUMERIC(int(precision), int(scale or 0)) if "(" in duckdb_type else postgresql.NUMERIC()
    # duckdb_engine maps VARCHAR to SQLAlchemy's generic String; suites name DuckDB's types.
    type_class = sa.types.VARCHAR if base == "varchar" else dialect.ischema_names.get(base)
    return type_class() if type_class is not None else sa.types.NullType()
