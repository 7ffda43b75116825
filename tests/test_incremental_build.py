"""The incremental i-Single Form models: nights built one on another equal the
same warehouse rebuilt whole (`--full-refresh`), and a changed project is rebuilt whole.

Three nights through Dagster's intake and the real dbt build (no GX):
1. a factory's four months, January far above the three before it (IS12);
   a regional report with a quarantined row;
2. corrections of November and December that raise the baseline, so that
   January's warning must go; a correction of January; a re-sent line
   (duplicate); a conflicting copy (IS09); a new factory; the report's v2,
   which supersedes the first (RF06 on an earlier file's version);
3. a line breaking record rules, and an export of a single submission;
   another report with a quarantined row.
Then the same warehouse rebuilt whole, and a night under a rotated owner-id key.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.assets.dbt import DBT_EXECUTABLE, dbt_project, warehouse_dbt_models
from orchestration.assets.intake import landing_intake
from orchestration.resources import WarehouseDbtCliResource, WarehouseResource
from sources.pii import key_fingerprint, load_or_create_key, owner_key
from tests.conftest import query
from tests.two_nights import HEADER, jsonl, submission
from warehouse.build_state import build_fingerprint, record_build

pytestmark = pytest.mark.e2e

DERIVED_SCHEMAS = ("staging", "intermediate", "marts", "quality", "quarantine", "checking")
# What the last incremental night judged again, the scope of the models built on
# the warnings: empty after a whole build, not derived data.
NIGHT_SCOPE = "intermediate.int_isf_rejudged"
# Which files' findings each build changed: a record of the builds, every file after a whole one.
FINDINGS_CHANGED = "intermediate.int_findings_parts"

NATURAL_PERSON = "3100600445635"  # an owner id that only ever appears as its keyed hash
ROTATED_KEY = "a new key from the vault"

NIGHTS = [
    {
        "regional_reports/PIO51_result_2565-12.csv": HEADER + "ลำพูน,CE,a,1,,,\nลำพูน,CE,b,-1,,,\n",  # row 3: RR03
        "isingleform/months.jsonl": jsonl(
            submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00"),
            submission("M-11", "2565-11", "2022-12-05T09:00:00+07:00"),
            submission("M-12", "2565-12", "2023-01-05T09:00:00+07:00"),
            submission("M-01", "2566-01", "2023-02-05T09:00:00+07:00", electricity_kwh=600_000),
        ),
    },
    {
        "regional_reports/PIO51_result_2565-12_v2.csv": HEADER + "ลำพูน,CE,a,2,,,\n",
        "isingleform/corrections.jsonl": jsonl(
            submission("M-11-fix", "2565-11", "2022-12-20T09:00:00+07:00", electricity_kwh=300_000),
            submission("M-12-fix", "2565-12", "2023-01-20T09:00:00+07:00", electricity_kwh=300_000),
            submission("M-01-fix", "2566-01", "2023-02-20T09:00:00+07:00", electricity_kwh=700_000),
            submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00"),  # the same line again: a duplicate
            submission("M-11", "2565-11", "2022-12-05T09:00:00+07:00", factory_name="changed"),  # IS09
            submission(
                "N-01", "2566-01", "2023-02-06T09:00:00+07:00", factory_id="10500000225401", province_code="50", owner_id=NATURAL_PERSON
            ),
        ),
    },
    {
        "regional_reports/PIO51_result_2565-11.csv": HEADER + "ลำพูน,,x,1,,,\n",  # row 2: RR01
        "isingleform/broken.jsonl": jsonl(submission("B-01", "2566-02", "2023-03-05T09:00:00+07:00", tsic_code="04100", owner_id="123")),
        "isingleform/late.json": json.dumps(submission("L-02", "2566-02", "2023-03-06T09:00:00+07:00"), ensure_ascii=False),
    },
]


def build(landing: Path, warehouse: Path) -> None:
    result = dg.materialize(
        [landing_intake, warehouse_dbt_models],
        resources={
            "warehouse": WarehouseResource(landing_dir=str(landing), warehouse_dir=str(warehouse)),
            "dbt": WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
        raise_on_error=False,
    )
    assert result.success


def derived_tables(db: Path) -> dict[str, list[tuple]]:
    tables = query(db, "SELECT schema_name, table_name FROM duckdb_tables() WHERE list_contains(?, schema_name) ORDER BY ALL",
                   [list(DERIVED_SCHEMAS)])  # fmt: skip
    return {
        f"{s}.{t}": query(db, f'SELECT * FROM "{s}"."{t}" ORDER BY ALL')
        for s, t in tables
        if f"{s}.{t}" not in (NIGHT_SCOPE, FINDINGS_CHANGED)
    }


def is12_warnings(db: Path) -> list[str]:
    return [s for (s,) in query(db, """SELECT submissions.submission_id FROM intermediate.int_isf_warnings AS warnings
                                      JOIN intermediate.int_isf_submissions AS submissions USING (file_seq, record_number)
                                      ORDER BY 1""")]  # fmt: skip


def findings_changed_by_the_last_build(db: Path) -> list[str]:
    return sorted(
        path.rsplit("/", 1)[1]
        for (path,) in query(
            db,
            f"""SELECT path FROM {FINDINGS_CHANGED}
        WHERE file_seq = (SELECT max(file_seq) FROM staging.stg_landed_files)""",
        )
    )


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    landing, warehouse = root / "landing", root / "warehouse"
    (landing / "regional_reports").mkdir(parents=True)
    (landing / "isingleform").mkdir()
    db = warehouse / "warehouse.duckdb"
    warnings_after, findings_changed = [], []
    for night in NIGHTS:
        for name, text in night.items():
            (landing / name).write_text(text, encoding="utf-8")
        build(landing, warehouse)
        warnings_after.append(is12_warnings(db))
        findings_changed.append(findings_changed_by_the_last_build(db))
    incremental = derived_tables(db)
    # The project "changed": the next build must rebuild everything from raw.
    record_build(db, "another project", full_refresh=False)
    build(landing, warehouse)
    full = derived_tables(db)
    fingerprint = build_fingerprint(Path(dbt_project.project_dir), key_fingerprint(load_or_create_key(warehouse)))
    # The owner-id key is rotated, with nothing new to take in.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WAREHOUSE_PII_KEY", ROTATED_KEY)
        build(landing, warehouse)
    return db, warnings_after, incremental, full, fingerprint, findings_changed


def test_a_correction_of_earlier_months_removes_a_later_months_warning(nights):
    _, warnings_after, _, _, _, _ = nights
    assert warnings_after[0] == ["M-01"]
    # November and December now 15,000 kWh per worker: January's 30,000 and 35,000 are not ten times that.
    assert warnings_after[1] == []


def test_nights_built_one_on_another_equal_a_full_rebuild(nights):
    _, _, incremental, full, _, _ = nights
    assert incremental.keys() == full.keys()
    assert "intermediate.int_isf_current" in full and full["intermediate.int_isf_submissions"]
    for table in full:
        assert incremental[table] == full[table], f"{table} differs between the incremental nights and a full rebuild"


def test_each_build_is_recorded_and_a_changed_project_is_rebuilt_whole(nights):
    db, _, _, _, fingerprint, _ = nights
    builds = query(db, "SELECT project_fingerprint, full_refresh, built_through_file_seq FROM build_state.dbt_builds ORDER BY built_at")
    files = query(db, "SELECT count(*) FROM raw.landed_files")[0][0]
    assert [(f == fingerprint, full) for f, full, _ in builds[:5]] == [
        (True, True),
        (True, False),
        (True, False),
        (False, False),
        (True, True),
    ]
    assert builds[4][2] == files == 7  # every file taken in is built


def test_a_rotated_owner_id_key_rebuilds_every_owner_key(nights):
    db, _, _, _, fingerprint, _ = nights
    [(rotated_fingerprint, full_refresh)] = query(
        db, "SELECT project_fingerprint, full_refresh FROM build_state.dbt_builds ORDER BY built_at DESC LIMIT 1"
    )
    assert full_refresh and rotated_fingerprint != fingerprint
    assert query(db, "SELECT owner_key FROM marts.factory_month WHERE submission_id = 'N-01'") == [
        (owner_key(ROTATED_KEY.encode(), NATURAL_PERSON),)
    ]


def test_statuses_across_nights(nights):
    db, _, _, _full, _, _ = nights
    statuses = dict(query(db, "SELECT submission_id || '@' || file_seq, submission_status FROM intermediate.int_isf_submissions"))
    assert sorted(statuses.values()).count("duplicate") == 1
    current = dict(query(db, "SELECT period, submission_id FROM marts.factory_month WHERE factory_id = '10510000125401'"))
    assert current == {"2565-10": "M-10", "2565-11": "M-11-fix", "2565-12": "M-12-fix", "2566-01": "M-01-fix", "2566-02": "L-02"}
    rules = {rule for (rule,) in query(db, "SELECT DISTINCT rule_id FROM quality.findings")}
    assert {"IS09", "IS03", "IS06"} <= rules and "IS12" not in rules


def test_an_earlier_reports_findings_follow_its_new_version(nights):
    db, _, incremental, _, _, _ = nights
    assert query(db, "SELECT path, status, rows_quarantined FROM quality.files WHERE source = 'regional_reports' ORDER BY path") == [
        ("regional_reports/PIO51_result_2565-11.csv", "loaded", 1),
        ("regional_reports/PIO51_result_2565-12.csv", "superseded", 1),
        ("regional_reports/PIO51_result_2565-12_v2.csv", "loaded", 0),
    ]
    regional = sorted(
        (path.rsplit("/", 1)[1], rule) for _, path, _, _, rule, *_ in incremental["quality.findings"] if path.startswith("regional")
    )
    assert regional == [("PIO51_result_2565-11.csv", "RR01"), ("PIO51_result_2565-12.csv", "RR03"), ("PIO51_result_2565-12_v2.csv", "RF06")]
    assert sorted(row[3] for row in incremental["quarantine.quarantined_rows"] if row[2] == "regional_reports") == [2, 3]


def failed_dbt_tests(warehouse: Path, target: Path, *command: str) -> set[str]:
    """The names of the data tests that fail in `dbt <command>` on the warehouse."""
    process = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *command, "--exclude", "test_type:unit",
         "--project-dir", dbt_project.project_dir, "--profiles-dir", dbt_project.project_dir,
         "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=warehouse, capture_output=True, text=True, timeout=600, env={**os.environ, "WAREHOUSE_PII_KEY": ROTATED_KEY},
    )  # fmt: skip
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert results, process.stdout[-3000:]
    return {r["unique_id"].split(".")[2] for r in results if r["status"] in ("fail", "error")}


def test_a_night_tests_the_keys_it_wrote_against_the_whole_table(nights, tmp_path):
    """An incremental build's uniqueness tests on factory_month read only the
    factory-months the night rewrote, comparing their keys with every row, and its
    codes' test only those rows; dbt test by hand reads every row."""
    db, _, _, _, _, _ = nights
    warehouse = tmp_path / "warehouse"
    shutil.copytree(db.parent, warehouse, ignore=shutil.ignore_patterns("dbt", "tmp"))
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
        # the file of L-02 not built yet, as on the night it arrived
        con.execute("""UPDATE build_state.dbt_builds SET built_through_file_seq = least(built_through_file_seq,
                       (SELECT file_seq - 1 FROM intermediate.int_isf_submissions WHERE submission_id = 'L-02'))""")
        # a month the night does not touch holding the submission id of one it does,
        # and a second row of a month it does not touch
        con.execute("""INSERT INTO marts.factory_month
                       SELECT * REPLACE ('L-02' AS submission_id, '2564-10' AS period) FROM marts.factory_month
                       WHERE submission_id = 'M-10'""")  # fmt: skip
        con.execute("INSERT INTO marts.factory_month SELECT * FROM marts.factory_month WHERE submission_id = 'N-01'")
        # an unknown province in a month the night does not touch
        con.execute("UPDATE marts.factory_month SET province_code = '99' WHERE submission_id = 'N-01'")
    submission_id, factory_month = (
        "unique_combination_factory_month_submission_id__factory_months",
        "unique_combination_factory_month_factory_id__period__factory_months",
    )
    assert failed_dbt_tests(warehouse, tmp_path / "night", "build", "--select", "factory_month") == {submission_id}
    by_hand = failed_dbt_tests(warehouse, tmp_path / "by_hand", "test", "--select", "factory_month")
    [codes] = [name for name in by_hand if name.startswith("references_factory_month")]
    assert by_hand == {submission_id, factory_month, codes}


def test_a_night_records_the_files_whose_findings_it_changed_and_no_other(nights):
    """What publishing takes again of quality.findings: a night's new files with
    findings, and the earlier export whose IS12 warning the corrections removed;
    not the earlier regional reports, whose findings it made again the same."""
    *_, findings_changed = nights
    assert findings_changed == [
        ["PIO51_result_2565-12.csv", "months.jsonl"],
        ["PIO51_result_2565-12_v2.csv", "corrections.jsonl", "months.jsonl"],
        ["PIO51_result_2565-11.csv", "broken.jsonl"],
    ]
