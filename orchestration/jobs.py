"""The nightly load: every asset, in one process.

The in-process executor: the steps run one after another anyway (each needs
the warehouse file alone), and it halves the wall time of a small job
against the multiprocess executor on two cores.
"""

import dagster as dg

WAREHOUSE_WRITER_TAG = "diprom/warehouse"

nightly_load = dg.define_asset_job(
    "nightly_load",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Take in new files, build and test the warehouse with dbt, validate it, publish analytics.duckdb and the reports.",
    # the run queue admits one run with this tag at a time (orchestration/automation.py)
    tags={WAREHOUSE_WRITER_TAG: "writer"},
)
