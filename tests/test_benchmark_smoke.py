"""The benchmark's own command on 10,000 submissions, the full night and the
floor (CI runs it for correctness; timings are not asserted), and what it
generates: the national corpus and the incremental night's arrivals."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.measure import tree_rss
from bench.national import (
    ERROR_RULES,
    FIRST_HELD_YEAR,
    LAST_YEAR,
    MONTHS,
    MOST_YEARS,
    NEXT_MONTH,
    incremental,
    months_of,
    write_isingleform,
)
from bench.profile import read_profile, summary
from tests.conftest import REPO

pytestmark = pytest.mark.e2e


def test_the_benchmark_command_measures_every_night(tmp_path):
    done = subprocess.run(
        # the incremental night is one more CLI run of the same code: left to the full benchmark
        [sys.executable, "-m", "bench.run", "--sizes", "10000", "--incremental", "0", "--incremental-files", "0",
         "--submitters", "2", "--workdir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    names = [n["name"] for n in results["nights"]]
    assert names == ["(a) full, 10,000", "(c) floor, 10,000"]
    full, floor = results["nights"]
    assert full["regional_files"] == 2 * 13 and floor["submissions"] == full["submissions"]
    assert {"landing_intake", "warehouse_dbt_models", "gx_suites", "analytics_database"} <= full["steps"].keys()
    assert all(n["seconds"] > 0 and n["peak_rss_mb"] > 50 for n in results["nights"])
    assert full["rows_read"] >= full["submissions"]  # every factory line and regional row was read
    assert {"stg_isf_submissions", "factory_month", "(all tests)"} <= full["dbt_seconds"].keys() and not floor["dbt_seconds"]
    assert set(results["ratios"]) == {"(a)/(c)"}
    report = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| (a) full, 10,000 |" in report and "dbt in (a) full, 10,000: " in report


def test_the_national_corpus_breaks_every_error_rule_and_corrects_and_repeats(tmp_path):
    lines = write_isingleform(tmp_path, 24_000, seed=7)
    assert 24_000 < lines < 24_000 * 1.08
    exports = sorted((tmp_path / "isingleform" / f"FY{LAST_YEAR}").glob("*.jsonl"))
    assert [p.stem for p in exports] == MONTHS
    records = [json.loads(line) for p in exports for line in p.read_text(encoding="utf-8").splitlines()]
    ids = [r["submission_id"] for r in records]
    assert sum(i.endswith("-fix") for i in ids) > 0.01 * len(ids)  # corrections
    assert len(ids) - len(set(ids)) > 0.008 * len(ids)  # duplicates and IS09 twins
    assert sum(r["factory_name"] == "" for r in records) > 0  # IS01
    assert sum(r["tsic_code"] == "04100" for r in records) > 0  # IS06
    assert len(ERROR_RULES) == 11


def test_a_longer_history_adds_earlier_years_and_keeps_the_last(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    write_isingleform(one, 2_400, seed=7)
    lines = write_isingleform(two, 2_400, seed=7, years=2)
    assert sorted(p.name for p in (two / "isingleform").iterdir()) == [f"FY{LAST_YEAR - 1}", f"FY{LAST_YEAR}"]
    for month in MONTHS:  # the last year as in a one-year corpus, so that (b) means the same on any history
        assert (two / "isingleform" / f"FY{LAST_YEAR}" / f"{month}.jsonl").read_bytes() == (
            one / "isingleform" / f"FY{LAST_YEAR}" / f"{month}.jsonl"
        ).read_bytes()
    earlier = [
        json.loads(line) for p in sorted((two / "isingleform" / f"FY{LAST_YEAR - 1}").glob("*.jsonl")) for line in p.open(encoding="utf-8")
    ]
    assert {r["period"] for r in earlier} <= {*months_of(LAST_YEAR - 1), MONTHS[0]}  # MONTHS[0]: IS08's period after the year
    assert len(earlier) > 2_400 and lines == len(earlier) + sum(1 for p in (one / "isingleform").rglob("*.jsonl") for _ in p.open())
    factories = {r["factory_id"] for r in earlier}
    assert factories & {json.loads(line)["factory_id"] for line in (two / "isingleform" / f"FY{LAST_YEAR}" / f"{MONTHS[0]}.jsonl").open()}


def test_the_longest_history_is_ordinary_years_only_the_intended_rule_breaks_break(tmp_path):
    write_isingleform(tmp_path, 1_200, seed=7, years=MOST_YEARS)
    years = sorted(p.name for p in (tmp_path / "isingleform").iterdir())
    assert years[0] == f"FY{FIRST_HELD_YEAR}" and len(years) == MOST_YEARS  # none before the warehouse's first year (IS02)
    for year in years:
        records = [json.loads(line) for p in (tmp_path / "isingleform" / year).glob("*.jsonl") for line in p.open(encoding="utf-8")]
        assert min(r["period"] for r in records) == months_of(int(year[2:]))[0]
        # every well-formed factory id registered no later than every month it files (IS08)
        assert all(int(r["factory_id"][9:13]) <= int(r["period"][:4]) for r in records if r["factory_id"].isdigit())
    with pytest.raises(ValueError, match=f"FY{FIRST_HELD_YEAR}"):
        write_isingleform(tmp_path / "too-long", 1_200, seed=7, years=MOST_YEARS + 1)


def test_a_corpus_of_another_generator_version_is_another_folder(tmp_path, monkeypatch):
    from bench import national
    from bench.run import corpus

    first = corpus(tmp_path, 120, 1, seed=7)
    monkeypatch.setattr(national, "VERSION", national.VERSION + 1)
    assert corpus(tmp_path, 120, 1, seed=7) != first and corpus(tmp_path, 120, 1, seed=7, years=2).name.endswith("-2y")


def test_the_incremental_night_brings_next_month_from_known_factories(tmp_path):
    write_isingleform(tmp_path, 24_000, seed=7)
    exports = (tmp_path / "isingleform" / f"FY{LAST_YEAR}").glob("*.jsonl")
    known = {json.loads(line)["factory_id"] for path in exports for line in path.open(encoding="utf-8")}
    added, files = incremental(tmp_path, 24_000, seed=7, submissions_total=500, regional_files=4)
    assert (added, files) == (500, 4)
    new = [json.loads(line) for line in (tmp_path / "isingleform" / f"FY{LAST_YEAR + 1}" / f"{NEXT_MONTH}.jsonl").open(encoding="utf-8")]
    assert len(new) == 500 and {r["period"] for r in new} == {NEXT_MONTH} and {r["factory_id"] for r in new} <= known
    reports = sorted(p.name for p in (tmp_path / "regional_reports" / f"FY{LAST_YEAR + 1}").iterdir())
    assert len(reports) == 4 and all(f"_result_{NEXT_MONTH}." in name for name in reports)


def test_memory_is_measured_over_the_whole_process_tree():
    child = subprocess.Popen([sys.executable, "-c", "x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096]); input()"],
                             stdin=subprocess.PIPE)  # fmt: skip
    try:
        children, deadline = 0, time.monotonic() + 4
        while time.monotonic() < deadline:
            children = max(children, tree_rss(os.getpid()) - _own_rss())
            time.sleep(0.2)
    finally:
        child.kill()
        child.wait()
    assert children > 190 * 2**20  # the child's 200 MB, counted with this process


def _own_rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_the_profile_summary_splits_the_tree_by_process_and_counts_a_function_once_per_stack():
    site = "/repo/.venv/lib/python3.11/site-packages"
    # with --subprocesses each stack starts with its chain of processes, the parent first
    driver = 'process 9:".venv/bin/python -m bench.run --sizes 250000";'
    dagster = 'process 10:"/repo/.venv/bin/python /repo/.venv/bin/dagster job execute -m orchestration";'
    raw = "\n".join([
        driver + dagster + '<module> (/repo/.venv/bin/dagster:8);'
        f"take_file (/repo/sources/intake.py:40);take_file (/repo/sources/intake.py:40);execute ({site}/duckdb/__init__.py:3) 300",
        driver + dagster + '<module> (/repo/.venv/bin/dagster:8);'
        f"run_suites (/repo/expectations/run.py:12);validate ({site}/great_expectations/core.py:9) 100",
        driver + dagster + 'process 11:"/repo/.venv/bin/python /repo/.venv/bin/dbt build --select fqn:*";<module> (/repo/.venv/bin/dbt:8);'
        f"execute ({site}/dbt/adapters/duckdb/connections.py:70) 240",
        driver + dagster + 'process 11:"/repo/.venv/bin/python /repo/.venv/bin/dbt build --select fqn:*" 10',  # no Python frame
        'process 12:"python -c', 'print(1)";<module> (<string>:1) 5',  # a command line with a new line
        'process 13:"/usr/bin/python3 -m bench.floor x.jsonl";<module> (bench/floor.py:80);execute (duckdb/__init__.py:3) 7',
    ])  # fmt: skip
    profiles, not_understood = read_profile(raw)
    run = profiles["dagster run (intake, GX, publish, reports)"]
    assert run.samples == 400 and profiles["dbt"].samples == 250 and profiles["floor"].samples == 7
    assert not_understood == 2 and "other" not in profiles
    # the recursive frame counts once: inclusive time cannot exceed the process's
    assert run.project_functions["take_file (sources/intake.py)"] == 300
    assert run.project_functions["run_suites (expectations/run.py)"] == 100
    assert run.innermost_frames["execute (duckdb/__init__.py)"] == 300 and "benchmark driver" not in profiles
    assert profiles["dbt"].innermost_frames["(no Python frame)"] == 10
    # py-spy's own short paths (relative to the sys.path entry) are kept as they are
    assert profiles["floor"].project_functions["<module> (bench/floor.py)"] == 7
    assert profiles["floor"].innermost_frames["execute (duckdb/__init__.py)"] == 7
    table = summary(profiles, rate=100, top=5, not_understood=not_understood)
    assert table.index("### dagster run") < table.index("### dbt: 2.5 s active") < table.index("### floor: 0.1 s active")
    assert "| `take_file (sources/intake.py)` | 3.0 | 75% |" in table and "2 lines of the profile not understood" in table


def test_the_cost_of_encryption_is_each_night_against_the_same_night_without():
    from bench.run import ENCRYPTED, Night, ratios

    def night(name: str, seconds: float) -> Night:
        return Night(name, 1_000_000, 1_157, seconds, 1.0, 1)

    nights = [night("(a) full, 1,000,000", 80.0), night("(b) incremental on 1,000,000", 30.0),
              night(f"(a) full, 1,000,000{ENCRYPTED}", 88.0), night(f"(b) incremental on 1,000,000{ENCRYPTED}", 31.5),
              night("(c) floor, 1,000,000", 8.0)]  # fmt: skip
    assert ratios(nights) == {
        "(a) full, 1,000,000: encrypted/plain": 1.1, "(b) incremental on 1,000,000: encrypted/plain": 1.05,
        "(a)/(c)": 10.0, "(b)/(a)": 0.375,
    }  # fmt: skip
    assert ratios([nights[2], nights[4]]) == {"(a)/(c)": 11.0}


def test_the_ratios_of_several_histories_come_once_each_with_every_step_of_growth():
    from bench.run import ENCRYPTED, Night, ratios

    def nights(years: int, full: float, incremental: float, floor: float) -> list[Night]:
        label = "1,000,000" + (f" × {years} years" if years > 1 else "")
        return [Night(f"(a) full, {label}", years * 1_000_000, 1_157, full, 1.0, 1, years=years),
                Night(f"(b) incremental on {label}", 10_000, 30, incremental, 1.0, 1, years=years),
                Night(f"(b) incremental on {label}{ENCRYPTED}", 10_000, 30, 99.0, 1.0, 1, years=years),
                Night(f"(c) floor, {label}", years * 1_000_000, 0, floor, 1.0, 1, years=years)]  # fmt: skip

    assert ratios([*nights(1, 100.0, 40.0, 10.0), *nights(4, 400.0, 50.0, 40.0), *nights(10, 1000.0, 80.0, 100.0)]) == {
        "1 year: (b) incremental on 1,000,000: encrypted/plain": 2.475, "1 year: (a)/(c)": 10.0, "1 year: (b)/(a)": 0.4,
        "4 years: (b) incremental on 1,000,000 × 4 years: encrypted/plain": 1.98, "4 years: (a)/(c)": 10.0, "4 years: (b)/(a)": 0.125,
        "10 years: (b) incremental on 1,000,000 × 10 years: encrypted/plain": 1.238, "10 years: (a)/(c)": 10.0,
        "10 years: (b)/(a)": 0.08,
        "(b) 1 year -> 4 years": 1.25, "(b) 4 years -> 10 years": 1.6, "(b) 1 year -> 10 years": 2.0,
    }  # fmt: skip
    two = ratios([*nights(1, 100.0, 40.0, 10.0), *nights(4, 400.0, 50.0, 40.0)])
    assert [name for name in two if name.startswith("(b) ")] == ["(b) 1 year -> 4 years"]  # one step: said once


def test_an_encrypted_benchmark_night_gets_a_key_file_of_its_own(tmp_path):
    from bench.run import archive_environment

    assert archive_environment(tmp_path, "plain") == {}
    env = archive_environment(tmp_path, "encrypted")
    key_file = Path(env["DIPROM_ARCHIVE_KEY_FILE"])
    assert key_file.parent == tmp_path and key_file.stat().st_mode & 0o077 == 0
    assert archive_environment(tmp_path, "encrypted") == env
