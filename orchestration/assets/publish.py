"""The analysts' copy, published at the end of a successful run."""

import dagster as dg

from orchestration.assets.dbt import warehouse_dbt_models
from orchestration.resources import WarehouseResource
from warehouse.publish import CHECK_HISTORY_SCHEMAS, publish_analytics


@dg.asset(
    key="analytics_database",
    group_name="publish",
    deps=[warehouse_dbt_models],
    description="analytics.duckdb: the marts, quality and reference schemas for analysts, replaced whole and at once; check_history.duckdb beside it, what the check before sending needs of this night.",
)
def analytics_database(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    layout = warehouse.layout
    rows_by_table = publish_analytics(layout.warehouse_db, layout.analytics_db)
    # the check before sending judges new files against this night (checking/)
    publish_analytics(layout.warehouse_db, layout.check_history_db, CHECK_HISTORY_SCHEMAS)
    context.log.info(f"published {layout.analytics_db} with {len(rows_by_table)} tables")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(layout.analytics_db)), **{f"rows/{t}": n for t, n in rows_by_table.items()}}
    )
