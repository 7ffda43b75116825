"""The intake asset: every new file content from the landing folder, archived and read."""

import json
from datetime import UTC, datetime

import dagster as dg

from orchestration.assets.dbt import dbt_project
from orchestration.resources import WarehouseResource
from sources.intake import take_in
from sources.landing import Archive
from sources.limits import IntakeLimits
from sources.pii import load_or_create_key
from sources.readers import all_readers
from warehouse.archive_cipher import ArchiveKeyError, key_from_environment

# The raw tables the intake appends to (sources/raw_schema.sql), as dbt's sources
# describe them (models/staging/_sources.yml; tests/test_raw_schema.py holds the two equal).
RAW_TABLES = {
    source["name"]: source["description"]
    for source in json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))["sources"].values()
    if source["source_name"] == "raw"
}


@dg.multi_asset(
    specs=[
        *(dg.AssetSpec(["raw", table], description=text, group_name="raw") for table, text in RAW_TABLES.items()),
    ],
    name="landing_intake",
    description="New or changed files from LANDING_DIR: archived by SHA-256, read, and written to the raw schema with an outcome for each.",
)
def landing_intake(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    layout = warehouse.layout
    seen_at = datetime.now(UTC)
    readers = all_readers()
    limits = IntakeLimits.from_environment()
    metadata: dict[str, int] = {}
    try:
        archive = Archive(layout.archive_dir, key_from_environment())
    except ArchiveKeyError as error:
        raise dg.Failure(str(error)) from None
    with warehouse.connect() as con:
        for reader in readers:
            summary = take_in(con, layout.landing_dir, archive, reader, context.run.run_id, seen_at, context.log.info, limits)
            metadata.update({f"{reader.source}/{key}": value for key, value in summary.as_metadata().items()})
    # The key that hashes natural persons' ids (sources/pii.py) exists before dbt needs it.
    load_or_create_key(layout.warehouse_dir)
    for table in RAW_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata=metadata if table == "landed_files" else {})
