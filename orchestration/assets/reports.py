"""The reports for officials: the quality report and the feedback workbooks."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.resources import WarehouseResource
from sources.feedback.data import load_quality_data
from sources.feedback.report import write_quality_report
from sources.feedback.workbooks import write_feedback_workbooks


@dg.asset(
    key="quality_reports",
    group_name="reports",
    deps=[dg.AssetKey(["quality", "files"]), dg.AssetKey(["quality", "findings"]), dg.AssetKey(["quality", "submission_quality"])],
    description="$WAREHOUSE_DIR/reports/quality/: index.html for officials, and a feedback workbook per submitter and per province's factories.",
)
def quality_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    layout = warehouse.layout
    out_dir = layout.reports_dir / "quality"
    data = load_quality_data(layout.warehouse_db)
    report = write_quality_report(data, out_dir, datetime.now(ZoneInfo("Asia/Bangkok")))
    workbooks = write_feedback_workbooks(data, out_dir)
    context.log.info(f"quality report {report}; {len(workbooks)} feedback workbooks")
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(report)),
            "feedback workbooks": len(workbooks),
            "files": len(data.files),
            "findings": len(data.findings),
        }
    )
