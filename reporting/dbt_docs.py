"""dbt's documentation site for this warehouse, as one file that opens offline.

    $WAREHOUSE_DIR/reports/dbt-docs/index.html

`dbt docs generate --static` does the same at the cost of one more dbt start
per night (see docs/benchmarks.md). The
site needs two JSON documents: the manifest, which the night's `dbt build`
already wrote into `WarehouseLayout.dbt_target_dir`, and the catalog (each
table's columns and types), read here from DuckDB's own catalog. Both are
inlined into dbt's page, as `--static` does. dbt's page loads a page-view
tracker from a CDN when the manifest says usage statistics are on: they are
off for this warehouse, the loader is removed all the same, and a dbt whose
page no longer has it in the expected form stops this step instead of
shipping an unknown page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from dbt.task.docs import DOCS_INDEX_FILE_PATH

from reporting.pages import write_page
from warehouse import duckdb_settings

TRACKER_LOADER = 'i.src="//d1fc8wv8zag5ca.cloudfront.net/2.9.0/sp.js"'
MANIFEST_SLOT, CATALOG_SLOT = '"MANIFEST.JSON INLINE DATA"', '"CATALOG.JSON INLINE DATA"'
DOCUMENTED = ("model", "seed", "snapshot")


class UnexpectedDocsPage(RuntimeError):
    """dbt's docs page changed shape: review it before publishing it."""


def catalog(warehouse_db: Path, manifest: dict) -> dict:
    """dbt's catalog.json for every model, seed and source of the manifest, from DuckDB."""
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        columns: dict[tuple[str, str], dict] = {}
        for schema, table, column, position, data_type, kind in con.execute(
            """SELECT c.table_schema, c.table_name, c.column_name, c.ordinal_position, c.data_type, t.table_type
               FROM information_schema.columns AS c JOIN information_schema.tables AS t USING (table_schema, table_name)
               ORDER BY ALL"""
        ).fetchall():
            entry = columns.setdefault((schema, table), {"type": kind, "columns": {}})
            entry["columns"][column] = {"type": data_type, "index": position, "name": column, "comment": None}

    def entries(nodes: dict) -> dict:
        found = {}
        for unique_id, node in nodes.items():
            relation = (node["schema"], node.get("alias") or node.get("identifier") or node["name"])
            if relation not in columns:
                continue
            found[unique_id] = {
                "metadata": {"type": columns[relation]["type"], "schema": relation[0], "name": relation[1],
                             "database": node["database"], "comment": None, "owner": None},
                "columns": columns[relation]["columns"],
                "stats": {"has_stats": {"id": "has_stats", "label": "Has Stats?", "value": False, "include": False, "description": ""}},
                "unique_id": unique_id,
            }  # fmt: skip
        return found

    models = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in DOCUMENTED}
    return {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json",
            "dbt_version": manifest["metadata"]["dbt_version"],
            "generated_at": datetime.now(UTC).isoformat(),
            "invocation_id": None,
            "env": {},
        },
        "nodes": entries(models),
        "sources": entries(manifest["sources"]),
        "errors": None,
    }


def docs_page(manifest: dict, catalog_json: dict, template: str) -> str:
    if TRACKER_LOADER not in template or MANIFEST_SLOT not in template or CATALOG_SLOT not in template:
        raise UnexpectedDocsPage(f"{DOCS_INDEX_FILE_PATH} is not the page this step was written for (tracker loader or data slots moved)")
    manifest = {**manifest, "metadata": {**manifest["metadata"], "send_anonymous_usage_stats": False}}
    page = template.replace(TRACKER_LOADER, 'i.src=""')
    return page.replace(MANIFEST_SLOT, _inline(manifest)).replace(CATALOG_SLOT, _inline(catalog_json))


def _inline(document: dict) -> str:
    """JSON inside a <script>: "</" written as "<\\/" (the same string to JavaScript), so
    that no description can end the script early."""
    return json.dumps(document, ensure_ascii=False).replace("</", "<\\/")


def write_dbt_docs(warehouse_db: Path, dbt_target_dir: Path, out_dir: Path) -> Path:
    manifest = json.loads((dbt_target_dir / "manifest.json").read_text(encoding="utf-8"))
    page = docs_page(manifest, catalog(warehouse_db, manifest), Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8"))
    return write_page(out_dir, page)
