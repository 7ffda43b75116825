"""Names and texts the warehouse writes into the text of DuckDB SQL, quoted: the one
home of that quoting (publishing, the exports and what each copy holds use it).
Values travel as `?` parameters wherever DuckDB takes one; tests/test_sql_safety.py
lists every place a quoted name or text is pasted, and why it is safe."""


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
