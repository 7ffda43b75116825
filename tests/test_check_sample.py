"""The check before sending, on the bundled sample (the "sample" scenario's night)."""

from __future__ import annotations

import pytest

from checking.check import Checker, ToCheck
from tests.check_helpers import (
    FINDING_COLUMNS,
    check_as_that_night,
    checked_findings,
    compiled_rules,
    night_findings,
    received,
    sorted_rows,
)
from tests.conftest import query
from warehouse.layout import WarehouseLayout

HISTORY_RULES = ("RF06", "RR08", "IS09", "IS12")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def night(sample_run, sample_landing, tmp_path_factory):
    analytics, _ = sample_run
    landing, _ = sample_landing
    return analytics, landing, Checker(WarehouseLayout(landing, analytics.parent), compiled_rules(tmp_path_factory))


def test_the_whole_sample_checked_together_as_that_night(night):
    """Every file of the sample, checked together as the night took them in."""
    analytics, landing, checker = night
    files = received(analytics.parent)
    results = checker.check(
        [ToCheck(landing / path, *path.split("/", 1)) for _, path, _, _ in files], seen_at=files[0][3], history_before=1
    )
    assert len(results) == len(files)
    night_rows = query(analytics, f"SELECT {', '.join(FINDING_COLUMNS)} FROM quality.findings")
    assert sorted_rows(row for result in results for row in checked_findings(result)) == sorted_rows(night_rows)


def test_files_judged_against_earlier_files_get_the_nights_findings(night):
    """Each file whose findings depend on earlier files (versions, RF06, RR08, IS09, IS12, duplicates),
    checked alone against what was published of the files before it."""
    analytics, landing, checker = night
    assert {r for (r,) in query(analytics, "SELECT DISTINCT rule_id FROM quality.findings")} >= {"RF06", "IS09", "IS12"}
    depends_on_history = {
        p
        for (p,) in query(
            analytics,
            f"""
        SELECT DISTINCT path FROM quality.findings WHERE rule_id IN {HISTORY_RULES}
        UNION SELECT path FROM quality.files WHERE version > 1 OR status = 'duplicate' OR source = 'isingleform'""",
        )
    }
    chosen = [f for f in received(analytics.parent) if f[1] in depends_on_history]
    assert len(chosen) >= 10
    for file_seq, path, sha, seen_at in chosen:
        result = check_as_that_night(checker, landing, file_seq, path, seen_at)
        assert checked_findings(result) == night_findings(analytics, path, sha), path
