"""The night's rules, ready to run on one scratch database per check.

The rules are the dbt models (staging, the intermediate rules, quality.findings
and quality.files); a check runs exactly their SQL, never a copy in Python.
dbt compiles the project once per version of it (seconds; kept in a cache
folder keyed by the project's fingerprint, with the seeds dbt loaded), and each
check then executes the compiled SQL of the models the findings need, in the
order dbt would build them, on an in-memory database named as dbt's warehouse
is, so that the compiled relation names hold as they are.
"""

from __future__ import annotations

import fcntl
import graphlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.build_state import project_fingerprint
from warehouse.sql_functions import register, warehouse_functions

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO / "dbt_project"
INSTALLED_DBT = str(Path(sys.executable).parent / "dbt")
# What a check produces: the night's own tables of findings and of file outcomes.
TARGET_MODELS = ("model.diprom.findings", "model.diprom.files")
# dbt names relations after its database file (profiles.yml: warehouse.duckdb).
DBT_DATABASE = "warehouse"
RULES_FILE = "rules.json"


def default_cache_dir() -> Path:
    configured = os.environ.get("DIPROM_CHECK_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "diprom-check"


@dataclass(frozen=True)
class Model:
    unique_id: str
    name: str
    relation: str  # as compiled: "warehouse"."schema"."name"
    schema: str
    sql: str


@dataclass(frozen=True)
class CompiledRules:
    seeds_db: Path  # the seeds as dbt loaded them
    seeds: tuple[tuple[str, str], ...]  # (schema, table)
    models: tuple[Model, ...]  # in build order

    def relation(self, name: str) -> str:
        return next(m.relation for m in self.models if m.name == name)

    @classmethod
    def prepare(cls, cache_dir: Path | None = None) -> CompiledRules:
        """The compiled rules of this project, compiled now if no check has yet."""
        folder = (cache_dir or default_cache_dir()) / project_fingerprint(DBT_PROJECT_DIR)[:20]
        rules_file = folder / RULES_FILE
        if not rules_file.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / "compile.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not rules_file.exists():  # another process may have compiled while we waited
                    _compile(folder)
        return cls.from_file(rules_file)

    @classmethod
    def from_file(cls, rules_file: Path) -> CompiledRules:
        stored = json.loads(rules_file.read_text(encoding="utf-8"))
        return cls(
            seeds_db=rules_file.parent / "warehouse.duckdb",
            seeds=tuple(tuple(s) for s in stored["seeds"]),
            models=tuple(Model(**m) for m in stored["models"]),
        )

    def scratch(self, functions_dir: Path) -> duckdb.DuckDBPyConnection:
        """A fresh in-memory database holding the seeds, with the functions the
        models call registered as dbt's connections have them."""
        con = duckdb.connect(":memory:")
        con.execute(f"ATTACH ':memory:' AS {DBT_DATABASE}")
        con.execute(f"USE {DBT_DATABASE}")
        register(con, warehouse_functions(functions_dir))
        con.execute(f"ATTACH '{_sql_text(str(self.seeds_db))}' AS compiled_seeds (READ_ONLY)")
        for schema in {s for s, _ in self.seeds} | {m.schema for m in self.models}:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for schema, table in self.seeds:
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM compiled_seeds."{schema}"."{table}"')
        con.execute("DETACH compiled_seeds")
        return con

    def run(self, con: duckdb.DuckDBPyConnection, before: dict | None = None) -> None:
        """Build every model as a table, in dbt's order. `before[name](con)` runs
        just before the model `name` is built."""
        for model in self.models:
            if before and model.name in before:
                before[model.name](con)
            con.execute(f"CREATE TABLE {model.relation} AS (\n{model.sql}\n)")


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _compile(folder: Path) -> None:
    """dbt loads the seeds into `folder/warehouse.duckdb` and compiles the models
    the findings need (on an empty warehouse: every incremental model compiles as
    its whole-table build); their SQL and order are kept in rules.json."""
    for leftover in ("warehouse.duckdb", "warehouse.duckdb.wal", "target"):
        path = folder / leftover
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    selection = ["--select", *(f"+{uid.rsplit('.', 1)[1]}" for uid in TARGET_MODELS)]
    common = [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "logs"),
        "--quiet",
    ]
    for command in (["seed"], ["compile", *selection]):
        done = subprocess.run([INSTALLED_DBT, *command, *common], cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"dbt {command[0]} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    manifest = json.loads((folder / "target" / "manifest.json").read_text(encoding="utf-8"))
    nodes = manifest["nodes"]
    needed: set[str] = set()
    pending = list(TARGET_MODELS)
    while pending:
        uid = pending.pop()
        if uid in needed or uid not in nodes:
            continue
        needed.add(uid)
        pending.extend(nodes[uid]["depends_on"].get("nodes", []))
    order = graphlib.TopologicalSorter(
        {uid: [d for d in nodes[uid]["depends_on"].get("nodes", []) if d in needed] for uid in needed}
    ).static_order()
    models, seeds = [], []
    for uid in order:
        node = nodes[uid]
        if node["resource_type"] == "seed":
            seeds.append((node["schema"], node["alias"]))
        elif node["resource_type"] == "model":
            models.append(
                {
                    "unique_id": uid,
                    "name": node["name"],
                    "relation": node["relation_name"],
                    "schema": node["schema"],
                    "sql": node["compiled_code"],
                }
            )
    partial = folder / f"{RULES_FILE}.next"
    partial.write_text(json.dumps({"seeds": seeds, "models": models}, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(folder / RULES_FILE)
