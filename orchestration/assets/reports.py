"""The reports: for officials the quality report and the feedback workbooks; for everyone the KPI
dashboard and dbt's documentation site."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.assets.publish import analytics_database
from orchestration.resources import WarehouseResource
from reporting.dashboard import write_dashboard
from reporting.dbt_docs import write_dbt_docs
from reporting.feedback.data import quality_connection
from reporting.feedback.report import write_quality_report
from reporting.feedback.workbooks import write_feedback_workbooks
from warehouse.private_files import share_published


@dg.asset(
    key="quality_reports",
    group_name="reports",
    # raw/landed_files: which files the latest build took in (reporting/feedback/data.py)
    deps=[
        dg.AssetKey(["quality", "files"]),
        dg.AssetKey(["quality", "findings"]),
        dg.AssetKey(["quality", "submission_quality"]),
        dg.AssetKey(["raw", "landed_files"]),
    ],
    description="$WAREHOUSE_DIR/reports/quality/: index.html for officials (the latest run's files), a page per month of receipt "
    "(received/), and a feedback workbook per submitter and per province's factories.",
)
def quality_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    layout = warehouse.layout
    out_dir = layout.reports_dir / "quality"
    with quality_connection(layout.warehouse_db) as con:
        report = write_quality_report(con, out_dir, datetime.now(ZoneInfo("Asia/Bangkok")))
        workbooks = write_feedback_workbooks(con, out_dir)
    share_published(layout.warehouse_dir, out_dir)  # for officials: readable whatever the night's umask
    latest = report.data.latest.files
    context.log.info(
        f"quality report {report.index}; {len(report.months_written)} month pages written; {len(workbooks)} feedback workbooks"
    )
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(report.index)),
            "feedback workbooks": len(workbooks),
            "month pages written": len(report.months_written),
            "files of the latest run": len(latest),
            "findings of the latest run": int(latest["findings"].sum()),
        }
    )


@dg.asset(
    key="kpi_dashboard",
    group_name="reports",
    deps=[analytics_database],
    description="$WAREHOUSE_DIR/reports/kpi/index.html: every fiscal year chosen on the page; achievement by region and programme, "
    "budget against economic value, the monthly trend beside the previous year's, a region's provinces and submitters, "
    "factories by province for a chosen month, from the published analytics.duckdb (offline, one file).",
)
def kpi_dashboard(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    layout = warehouse.layout
    page = write_dashboard(layout.analytics_db, layout.reports_dir / "kpi", datetime.now(ZoneInfo("Asia/Bangkok")))
    share_published(layout.warehouse_dir, page.parent)
    context.log.info(f"KPI dashboard {page}")
    return dg.MaterializeResult(metadata={"dashboard": dg.MetadataValue.path(str(page))})


@dg.asset(
    key="dbt_docs",
    group_name="reports",
    deps=[analytics_database],
    description="$WAREHOUSE_DIR/reports/dbt-docs/index.html: dbt's documentation of every table and column "
    "(Thai and English), one file that opens offline, from this night's manifest and the warehouse's catalog.",
)
def dbt_docs(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    layout = warehouse.layout
    page = write_dbt_docs(layout.warehouse_db, layout.dbt_target_dir, layout.reports_dir / "dbt-docs")
    share_published(layout.warehouse_dir, page.parent)
    context.log.info(f"dbt docs {page}")
    return dg.MaterializeResult(metadata={"docs": dg.MetadataValue.path(str(page))})
