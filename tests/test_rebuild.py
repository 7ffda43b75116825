"""Rebuilding a warehouse from its archive alone gives the same published tables: the two
nights of tests/two_nights.py (a report re-sent under its name, a factory correction,
versions) replayed sighting by sighting."""

import os
import subprocess

import pytest

from sources.landing import Archive
from tests.conftest import REPO, snapshot
from warehouse.rebuild import manifest_sightings

pytestmark = pytest.mark.e2e


def test_rebuild_from_the_archive_gives_identical_tables(two_nights, tmp_path):
    original = two_nights.analytics.parent
    target = tmp_path / "rebuilt"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    env.pop("WAREHOUSE_PII_KEY", None)
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_bytes((REPO / "dagster.yaml").read_bytes())
    done = subprocess.run(
        ["bash", "scripts/rebuild.sh", str(original / "archive"), str(target)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (target / "pii.key").stat().st_mode & 0o077 == 0
    rebuilt, before = snapshot(target / "analytics.duckdb"), snapshot(original / "analytics.duckdb")
    assert rebuilt.keys() == before.keys()
    for table in before:
        assert rebuilt[table] == before[table], table


def test_a_manifest_replays_each_sighting_once_in_order(tmp_path):
    archive = tmp_path / "archive"
    for sha in ("aa" * 32, "bb" * 32):
        (archive / sha[:2]).mkdir(parents=True, exist_ok=True)
        (archive / sha[:2] / sha).write_bytes(b"x")
    lines = [
        '{"sha256": "%s", "path": "regional_reports/b.csv", "source": "regional_reports", "seen_at": "2026-11-01T19:00:00+00:00"}'
        % ("bb" * 32),
        '{"sha256": "%s", "path": "regional_reports/a.csv", "source": "regional_reports", "seen_at": "2026-11-02T19:00:00+00:00"}'
        % ("aa" * 32),
        # repeated by a crash after the append, before the file's transaction committed
        '{"sha256": "%s", "path": "regional_reports/a.csv", "source": "regional_reports", "seen_at": "2026-11-03T19:00:00+00:00"}'
        % ("aa" * 32),
    ]
    (archive / "manifest.jsonl").write_text("\n".join(lines) + '\n{"sha256": "cut sho', encoding="utf-8")
    replay = manifest_sightings(Archive(archive))
    assert [(s.landed.path, s.seen_at.day) for _, s in replay] == [("regional_reports/b.csv", 1), ("regional_reports/a.csv", 2)]
