"""The code location: assets, checks, job, schedule, sensor and resources, and nothing else."""

import dagster as dg

from orchestration.alerting import morning_summary_sensor, nightly_load_failed, published_copy_fresh, published_copy_freshness
from orchestration.assets.dbt import DBT_EXECUTABLE, dbt_project, warehouse_dbt_models
from orchestration.assets.intake import landing_intake
from orchestration.assets.publish import analytics_database
from orchestration.assets.reports import dbt_docs, kpi_dashboard, quality_reports
from orchestration.assets.summary import run_summary
from orchestration.automation import new_landing_files, nightly_schedule
from orchestration.checks import gx_suites, results_on_time
from orchestration.jobs import nightly_load
from orchestration.resources import WarehouseDbtCliResource, WarehouseResource

defs = dg.Definitions(
    assets=[landing_intake, warehouse_dbt_models, analytics_database, quality_reports, kpi_dashboard, dbt_docs, run_summary],
    asset_checks=[gx_suites, results_on_time, published_copy_fresh],
    jobs=[nightly_load],
    schedules=[nightly_schedule],
    sensors=[new_landing_files, nightly_load_failed, published_copy_freshness, morning_summary_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
)
