"""What dbt's manifest says about the tables Great Expectations validates.

dbt owns a table's columns, grain, not-null columns, keys, relationships and
accepted values (the models' yml); `dbt_project.yml` marks the validated tables
(`validated: true` in a model's meta). This module reads them from the parsed
project's `manifest.json` without importing Great Expectations, so that the
Dagster checks can name the validated tables even when the validator cannot be
imported. expectations/from_manifest.py turns what it reads into expectations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

VALIDATED = "validated"  # meta: a Great Expectations suite guards this table after the build
EXACT_COLUMNS = "exact_columns"  # meta: the table has exactly the columns its yml lists, in that order
REF = re.compile(r"""^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$""")


@dataclass(frozen=True)
class DbtTest:
    """One dbt data test on a validated table, with every `ref('x')` in its
    arguments replaced by the relation `schema.table` it names."""

    name: str  # the generic test: not_null, unique, accepted_values, relationships, or one of dbt_project/tests/generic
    column: str | None
    arguments: dict[str, Any]
    severity: str  # as Great Expectations says it: critical (dbt's error) or warning (dbt's warn)
    description: str | None
    generic_sql: str | None  # the project's generic test as written (Jinja), for the tests GX has no counterpart of


@dataclass(frozen=True)
class ValidatedModel:
    table: str  # schema.name, as the warehouse, the suite, the asset and the Data Docs page name it
    columns: tuple[str, ...]  # in the yml's order
    exact_columns: bool
    tests: tuple[DbtTest, ...]


class ManifestError(RuntimeError):
    pass


@cache
def _load(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load(manifest_path: Path) -> dict:
    path = Path(manifest_path)
    if not path.is_file():
        raise ManifestError(f"no dbt manifest at {path}: parse the dbt project first (dbt parse)")
    return _load(str(path), path.stat().st_mtime_ns)


def _table(node: dict) -> str:
    return f"{node['schema']}.{node['alias']}"


def _models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def validated_tables(manifest_path: Path) -> list[str]:
    """The validated tables, `schema.name`, sorted."""
    return sorted(_table(n) for n in _models(load(manifest_path)) if n["config"].get("meta", {}).get(VALIDATED))


def model_columns(manifest_path: Path) -> dict[str, tuple[str, ...]]:
    """Every model's and seed's columns as its yml lists them, by `schema.name`."""
    nodes = load(manifest_path)["nodes"].values()
    return {_table(n): tuple(n["columns"]) for n in nodes if n["resource_type"] in ("model", "seed")}


def validated_models(manifest_path: Path) -> dict[str, ValidatedModel]:
    manifest = load(manifest_path)
    relation_of = {n["name"]: _table(n) for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")}
    tests_of: dict[str, list[DbtTest]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata") or not node.get("attached_node"):
            continue  # a singular test (a SQL file in tests/) names no model's column: it stays dbt's alone
        meta = node["test_metadata"]
        arguments = {k: _resolve_refs(v, relation_of) for k, v in meta["kwargs"].items() if k not in ("model", "column_name")}
        macro = manifest["macros"].get(f"macro.{meta.get('namespace') or node['package_name']}.test_{meta['name']}")
        tests_of.setdefault(node["attached_node"], []).append(
            DbtTest(
                name=meta["name"],
                column=node.get("column_name"),
                arguments=arguments,
                severity="warning" if str(node["config"].get("severity", "error")).lower() == "warn" else "critical",
                description=node.get("description") or None,
                generic_sql=macro["macro_sql"] if macro else None,
            )
        )
    return {
        _table(n): ValidatedModel(
            table=_table(n),
            columns=tuple(n["columns"]),
            exact_columns=bool(n["config"]["meta"].get(EXACT_COLUMNS)),
            tests=tuple(sorted(tests_of.get(n["unique_id"], []), key=lambda t: (t.column or "", t.name))),
        )
        for n in sorted(_models(manifest), key=_table)
        if n["config"].get("meta", {}).get(VALIDATED)
    }


def _resolve_refs(value: Any, relation_of: dict[str, str]) -> Any:
    if isinstance(value, str) and (match := REF.match(value)):
        if match[1] not in relation_of:
            raise ManifestError(f"a dbt test refers to {match[1]}, which the project does not define")
        return relation_of[match[1]]
    if isinstance(value, dict):
        return {k: _resolve_refs(v, relation_of) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_refs(v, relation_of) for v in value]
    return value
