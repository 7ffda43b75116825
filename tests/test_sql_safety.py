"""No submitter's text is ever pasted into SQL: a static audit of every SQL call.

Values travel as parameters (`?`) or as registered frames. The few statements
that must name a table or a file in their text are listed here with why the
name is safe; a new one fails this test until someone has looked at it. The
behaviour on hostile headers, values and names is tested on a real run in
tests/test_hostile_run.py.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SQL_METHODS = {"execute", "executemany", "sql", "query"}

# (module, expression pasted into SQL text): why it cannot carry a submitter's text
REVIEWED = {
    ("sources/intake.py", "table"): "insert_frame's table and _forget_rows' raw tables: the project's own names",
    ("sources/intake.py", "column_list"): "insert_rows' columns: a reader's own column names (_ROW_COLUMNS)",
    ("sources/intake.py", "placeholders"): "insert_rows' VALUES list: only ? markers, the values go as parameters",
    ("warehouse/publish.py", "literal(str(warehouse_db))"): "the warehouse path from WAREHOUSE_DIR, quoted",
    ("warehouse/publish.py", "identifier(schema)"): "schemas of the warehouse, quoted",
    ("warehouse/publish.py", "identifier(table)"): "tables of the warehouse (dbt models), quoted",
    ("warehouse/publish.py", "identifier(column)"): "columns of dbt models, quoted",
    ("warehouse/publish.py", "literal(comment)"): "the models' own descriptions, quoted",
    ("warehouse/publish.py", "target"): "schema.table built from the quoted names above",
    ("warehouse/publish.py", "'OR REPLACE ' if replace else ''"): "one of two keywords",
    ("warehouse/publish.py", "column"): "the part column of IN_PARTS, a constant, quoted",
    ("warehouse/published_state.py", "identifier(self.column)"): "IN_PARTS' part column, a constant, quoted",
    (
        "warehouse/published_state.py",
        "relation",
    ): "IN_PARTS' relation of changes, a constant (schema.table of dbt models), in the attached warehouse",
    ("warehouse/run_summary.py", "mart"): "tables of the marts schema: dbt models",
    ("warehouse/build_state.py", "sql"): "_first_value's statement: a string literal at each call",
    ("warehouse/duckdb_settings.py", "name"): "DuckDB's setting names, this module's constants (memory_limit, threads)",
    ("warehouse/duckdb_settings.py", "value"): "a size matched against _SIZE, or a whole number, checked when read from the environment",
    ("checking/rules.py", "DBT_DATABASE"): "the database name dbt's compiled SQL uses, a constant",
    ("checking/rules.py", "_sql_text(str(self.seeds_db))"): "the check's cache folder (DIPROM_CHECK_CACHE or the user's cache), quoted",
    ("checking/rules.py", "schema"): "schemas of the project's seeds and models, from dbt's manifest",
    ("checking/rules.py", "table"): "the project's seed tables, from dbt's manifest",
    ("checking/rules.py", "model.relation"): "a model's relation as dbt compiled it",
    ("checking/rules.py", "model.sql"): "a model's SQL as dbt compiled it from the project's own models",
    ("checking/check.py", "', '.join(FINDING_COLUMNS)"): "the columns of quality.findings, a constant",
    ("checking/feedback.py", "table"): "files or findings, the module's own loop over the two quality tables",
    (
        "checking/feedback.py",
        "_quality_table_columns(table)",
    ): "the quality models' contract in the project's yml: quoted names, dbt's types",
    ("checking/feedback.py", "', '.join(WORKBOOK_FILE_COLUMNS)"): "the workbook's file columns, a constant",
    ("checking/feedback.py", "', '.join(WORKBOOK_FINDING_COLUMNS)"): "the workbook's finding columns, a constant",
    ("checking/feedback.py", "FILE_ORDER"): "the workbook's order of files, a constant",
    ("checking/feedback.py", "FINDING_ORDER"): "the order findings are shown in, a constant",
    ("reporting/feedback/workbooks.py", "', '.join(FILE_COLUMNS)"): "the workbook's file columns, a constant",
    ("reporting/feedback/workbooks.py", "', '.join(FINDING_COLUMNS)"): "the workbook's finding columns, a constant",
    ("reporting/feedback/workbooks.py", "FILE_ORDER"): "the workbook's order of files, a constant",
    ("reporting/feedback/workbooks.py", "FINDING_ORDER"): "the order findings are shown in, a constant",
    ("checking/check.py", "table"): "quality.findings, named by the check itself",
    ("checking/check.py", "staged"): "stg_isf_submissions' relation, from dbt's manifest",
    ("checking/check.py", "record_errors"): "int_isf_record_errors' relation, from dbt's manifest",
    ("checking/check.py", "columns"): "columns of stg_isf_submissions, from the database's catalogue, quoted",
    ("checking/check.py", "str(path).replace(chr(39), chr(39) * 2)"): "check_history.duckdb's path from WAREHOUSE_DIR, quoted",
    ("reporting/dashboard.py", "sql"): "_QUERIES' statements: this module's constants (indicator names from INDICATORS_TH)",
    ("warehouse/exports.py", "table.sql"): "schema.table of the published copy (dbt models and seeds), each quoted",
    ("warehouse/exports.py", "literal(str(path))"): "a file of the new set: WAREHOUSE_DIR and a table's name, quoted",
    ("warehouse/exports.py", "literal(str(plain))"): "the same file's name before its byte-order mark, quoted",
    ("warehouse/exports.py", "literal(_CSV_TIMESTAMP_FORMAT)"): "the module's constant, quoted",
    ("warehouse/exports.py", "query"): "a sheet's SELECT of a table of the published copy, quoted, its fiscal year a ? parameter",
    ("warehouse/exports.py", "rows_fingerprint('hash(*COLUMNS(*))')"): "an aggregate of every column's hash, a constant",
    ("warehouse/exports.py", "literal(str(warehouse_db))"): "the warehouse path from WAREHOUSE_DIR, quoted",
    ("warehouse/exports.py", "identifier(parts.column)"): "IN_PARTS' part column, a constant, quoted",
    ("warehouse/exports.py", "parts.export_file"): "IN_PARTS' file of a part: a constant SQL expression of its part column",
    ("warehouse/exports.py", "relation"): "a table of the published copy, quoted, or a SELECT of it with a ? parameter",
}


def sql_text_interpolations() -> set[tuple[str, str]]:
    """(module, expression) for every expression formatted into the text of a SQL call."""
    found = set()
    for package in ("sources", "warehouse", "reporting", "orchestration", "expectations", "checking"):
        for path in sorted((REPO / package).rglob("*.py")):
            if "data_docs_assets" in path.parts:
                continue
            module = path.relative_to(REPO).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_METHODS and node.args
                ):
                    continue
                found |= {(module, expression) for expression in _pasted(node.args[0])}
    return found


def _pasted(sql: ast.expr) -> list[str]:
    if isinstance(sql, ast.Constant):
        return []
    if isinstance(sql, ast.Name) and sql.id.lstrip("_").isupper():
        return []  # a module constant
    if isinstance(sql, ast.IfExp):
        return _pasted(sql.body) + _pasted(sql.orelse)
    if isinstance(sql, ast.JoinedStr):
        return [ast.unparse(part.value) for part in sql.values if isinstance(part, ast.FormattedValue)]
    if isinstance(sql, ast.Call) and ast.unparse(sql.func) == "sa.text":
        return _pasted(sql.args[0])
    return [ast.unparse(sql)]  # built some other way: needs a look


def test_only_reviewed_names_are_formatted_into_sql():
    unreviewed = sql_text_interpolations() - REVIEWED.keys()
    assert not unreviewed, f"formatted into SQL text without review (use ? parameters): {sorted(unreviewed)}"


def test_the_audit_sees_a_pasted_value(tmp_path, monkeypatch):
    """The audit itself can fail: a value formatted into SQL is caught."""
    package = tmp_path / "sources"
    package.mkdir()
    (package / "bad.py").write_text("def f(con, name):\n    con.execute(f\"SELECT * FROM t WHERE path = '{name}'\")\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    assert sql_text_interpolations() == {("sources/bad.py", "name")}
