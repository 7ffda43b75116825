"""Rebuild a warehouse's raw tables from an archive alone.

    python -m warehouse.rebuild ARCHIVE_DIR NEW_WAREHOUSE_DIR

Replays the archive's manifest: every sighting in first-seen order, each
content read from the archive as if it had just landed under its path, at
the time it was first seen (rules such as RF03 judge by that time). dbt,
the checks and publishing then run as on any night (scripts/rebuild.sh),
and give the same marts as the warehouse the archive came from.
"""

import argparse
import sys
from datetime import datetime
from itertools import groupby
from pathlib import Path

from sources.intake import IntakeSummary, Sighting, take_in_sightings
from sources.landing import Archive, LandedFile
from sources.limits import IntakeLimits
from sources.pii import load_or_create_key
from sources.readers import all_readers
from warehouse import duckdb_settings
from warehouse.archive_cipher import ArchiveKeyError, TamperedArchive, key_from_environment
from warehouse.private_files import owner_only_umask


def manifest_sightings(archive: Archive) -> list[tuple[str, Sighting]]:
    """(source, sighting) in first-seen order; a line repeated by a crash counts once,
    a line cut short by one not at all."""
    seen: set[tuple[str, str, str]] = set()
    sightings = []
    for entry in archive.sightings():
        key = (entry["source"], entry["path"], entry["sha256"])
        if key in seen:
            continue
        seen.add(key)
        landed = LandedFile(archive.path_for(entry["sha256"]), entry["path"], archive.content_size(entry["sha256"]))
        sightings.append((entry["source"], Sighting(landed, entry["sha256"], datetime.fromisoformat(entry["seen_at"]))))
    return sightings


def rebuild_raw(archive_dir: Path, warehouse_dir: Path, progress=print) -> list[IntakeSummary]:
    warehouse_db = warehouse_dir / "warehouse.duckdb"
    if warehouse_db.exists():
        raise FileExistsError(f"{warehouse_db} exists: a rebuild starts from an empty warehouse folder")
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    readers = {reader.source: reader for reader in all_readers()}
    key = key_from_environment()
    old_archive, new_archive = Archive(archive_dir, key), Archive(warehouse_dir / "archive", key)
    limits = IntakeLimits.from_environment()  # the same limits as the nights being replayed, if set alike
    summaries = []
    load_or_create_key(warehouse_dir)  # WAREHOUSE_PII_KEY, or the pii.key copied beside the archive
    with duckdb_settings.connect(warehouse_db) as con:
        # consecutive sightings of one source go to its reader together; the order across sources is kept
        for source, group in groupby(manifest_sightings(old_archive), key=lambda pair: pair[0]):
            batch = [sighting for _, sighting in group]
            summaries.append(take_in_sightings(con, batch, new_archive, readers[source], "rebuild", progress, limits, old_archive))
    return summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive_dir", type=Path)
    parser.add_argument("warehouse_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        with owner_only_umask():
            summaries = rebuild_raw(args.archive_dir.resolve(), args.warehouse_dir.resolve())
    except (ArchiveKeyError, TamperedArchive) as error:
        print(error, file=sys.stderr)
        return 2
    files = sum(sum(s.outcomes.values()) for s in summaries)
    print(f"rebuilt raw tables of {args.warehouse_dir} from {files} sightings in {args.archive_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
