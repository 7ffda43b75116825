"""The national-scale benchmark: one command, one sitting.

    python -m bench.run [--sizes 250000,500000,1000000] [--years 1,4,10] [--incremental 10000]
                        [--incremental-files 30] [--submitters 89] [--workdir data/bench]
                        [--archive plain|encrypted|both]

For each size, ascending: (a) the full `nightly_load` through the documented
CLI (`dagster job execute -m orchestration -j nightly_load`) into an empty
warehouse, on that many factory submissions plus the regional year. On the
largest size then (b) an incremental night: the next month's submissions of
`--incremental` factories and `--incremental-files` new regional results; and
(c) the floor (bench/floor.py) on the same factory exports. Prints and writes
`<workdir>/results.md` and `results.json`: wall time, peak RSS of the process
tree, time and rows per second of each step, (a)/(c), (b)/(a) and the growth.
`--years 1,4` gives each size that many fiscal years of i-Single Form history
(the size a year, the same factories every year, generated straight into the
corpus), ending with FY2569 (FY2560, the first the warehouse holds, to FY2569
at most): (a) loads the whole history, then (b) and (c) are
measured on top of it, for each number of years (the regional year stays one).
`--archive encrypted` runs the nights with an archive key (warehouse/archive_cipher.py,
a key made in the workdir); `both` runs (a) and (b) without and with, and
reports what encryption costs.

Corpora are generated once per size, seed and history (bench/national.py) and
reused while the generator's version is the same.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import national
from bench.measure import Measured, run_measured
from warehouse.archive_keys import new_key

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
STEP_LINE = re.compile(r"run summary \| step (\w+): ([\d.]+) s")
ROWS_LINE = re.compile(r"run summary \| rows accepted: (\d+), quarantined: (\d+)")
DBT_MODELS_SHOWN = 8  # the slowest models in results.md (results.json has all)


@dataclass
class Night:
    name: str
    submissions: int  # factory lines read, the whole history's for (a) and (c)
    regional_files: int
    seconds: float
    peak_rss_mb: float
    rows_read: int
    steps: dict[str, float] = field(default_factory=dict)
    dbt_seconds: dict[str, float] = field(default_factory=dict)
    years: int = 1  # of i-Single Form history in the corpus

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


def night_from(name: str, submissions: int, regional_files: int, measured: Measured, warehouse: Path, years: int = 1) -> Night:
    if measured.returncode != 0:
        raise SystemExit(f"{name}: the nightly load failed (exit {measured.returncode}); its log:\n{measured.output[-4000:]}")
    steps = {step: float(seconds) for step, seconds in STEP_LINE.findall(measured.output)}
    rows = sum(int(a) + int(q) for a, q in ROWS_LINE.findall(measured.output))
    dbt = dbt_seconds(warehouse / "dbt" / "run_results.json")
    return Night(name, submissions, regional_files, measured.seconds, measured.peak_rss / 2**20, rows, steps, dbt, years)


def dbt_seconds(run_results: Path) -> dict[str, float]:
    """The night's dbt build by model, slowest first, and its tests together (dbt's run_results.json)."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    models = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results if r["unique_id"].startswith("model.")}
    tests = sum(r["execution_time"] for r in results if r["unique_id"].startswith("test."))
    return {name: round(seconds, 1) for name, seconds in sorted(models.items(), key=lambda m: -m[1])} | {"(all tests)": round(tests, 1)}


def corpus(workdir: Path, submissions: int, submitters: int, seed: int, years: int = 1) -> Path:
    """The landing folder of one size and history, generated once (a marker says it is complete)."""
    # the generator's version in the name: a corpus of an older generator is never taken for the current one
    folder = workdir / (f"corpus-v{national.VERSION}-{submissions}-{submitters}-{seed}" + (f"-{years}y" if years > 1 else ""))
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        national.write_isingleform(folder, submissions, seed, years)
        national.write_regional(folder, seed, submitters)
        done.write_text("")
    return folder


def linked_landing(source: Path, target: Path) -> Path:
    """A landing folder of hard links to the corpus: no copy of gigabytes, and the
    corpus stays as generated whatever a night adds."""
    shutil.rmtree(target, ignore_errors=True)
    for path in source.rglob("*"):
        if path.is_file() and path.name != ".complete":
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, destination)
    return target


ENCRYPTED = ", encrypted archive"  # in a night's name


def archive_environment(workdir: Path, archive: str) -> dict[str, str]:
    """The archive key's variable for an encrypted night (a key made once in the workdir), else none."""
    if archive != "encrypted":
        return {}
    key_file = workdir / "archive.key"
    if not key_file.exists():
        new_key(key_file)
    return {"DIPROM_ARCHIVE_KEY_FILE": str(key_file)}


def nightly_load(landing: Path, warehouse: Path, dagster_home: Path, log: Path, extra_env: dict[str, str] | None = None) -> Measured:
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", dagster_home / "dagster.yaml")
    env = {
        **os.environ,
        "LANDING_DIR": str(landing),
        "WAREHOUSE_DIR": str(warehouse),
        "DAGSTER_HOME": str(dagster_home),
        **(extra_env or {}),
    }
    for variable in ("DIPROM_ARCHIVE_KEY_FILE", "DIPROM_ARCHIVE_KEY"):
        if variable not in (extra_env or {}):
            env.pop(variable, None)
    return run_measured([str(VENV_BIN / "dagster"), "job", "execute", "-m", "orchestration", "-j", "nightly_load"], env, log, cwd=REPO)


def floor(landing: Path, out_db: Path, log: Path) -> Measured:
    exports = str(landing / "isingleform" / "**" / "*.jsonl")
    return run_measured([sys.executable, "-m", "bench.floor", exports, str(out_db)], dict(os.environ), log, cwd=REPO)


def count_lines(folder: Path) -> int:
    with_lines = 0
    for path in folder.rglob("*.jsonl"):
        with path.open("rb") as handle:
            with_lines += sum(1 for _ in handle)
    return with_lines


def regional_files(folder: Path) -> int:
    return sum(1 for p in (folder / "regional_reports").rglob("*") if p.is_file())


def _years(years: int) -> str:
    return f"{years} year" + ("s" if years > 1 else "")


def history(size: int, years: int) -> str:
    """How a night's history is named: the size, and the years when more than one."""
    return f"{size:,}" + (f" × {_years(years)}" if years > 1 else "")


def benchmark(
    sizes: list[int], incremental: int, incremental_files: int, submitters: int, workdir: Path, seed: int = 2566,
    archives: tuple[str, ...] = ("plain",), years_list: tuple[int, ...] = (1,),
) -> dict:  # fmt: skip
    nights: list[Night] = []
    largest = max(sizes)
    for years in sorted(years_list):
        for size in sorted(sizes):
            source = corpus(workdir, size, submitters, seed, years)
            label = history(size, years)
            for archive in archives:
                suffix, env = ENCRYPTED if archive == "encrypted" else "", archive_environment(workdir, archive)
                print(f"[bench] (a) full nightly load, {label} submissions{suffix} ...", flush=True)
                landing = linked_landing(source, workdir / "landing")
                warehouse = workdir / "warehouse"
                shutil.rmtree(warehouse, ignore_errors=True)
                measured = nightly_load(landing, warehouse, workdir / "dagster_home", workdir / f"a-{size}-{years}y-{archive}.log", env)
                nights.append(
                    night_from(f"(a) full, {label}{suffix}", count_lines(source), regional_files(source), measured, warehouse, years)
                )
                print(f"[bench]     {nights[-1].seconds:.1f} s, peak RSS {nights[-1].peak_rss_mb:,.0f} MB", flush=True)
                if size == largest and (incremental or incremental_files):
                    nights.append(
                        incremental_night(landing, warehouse, workdir, size, incremental, incremental_files, seed, archive, years)
                    )
            if size != largest:
                continue
            print("[bench] (c) the floor: one DuckDB script on the same exports ...", flush=True)
            measured = floor(source, workdir / "floor.duckdb", workdir / f"c-{size}-{years}y.log")
            if measured.returncode != 0:
                raise SystemExit(f"the floor failed:\n{measured.output[-4000:]}")
            lines = count_lines(source)
            nights.append(Night(f"(c) floor, {label}", lines, 0, measured.seconds, measured.peak_rss / 2**20, lines, years=years))
            print(f"[bench]     {nights[-1].seconds:.1f} s, peak RSS {nights[-1].peak_rss_mb:,.0f} MB", flush=True)
    return {"nights": [asdict(n) | {"rows_per_second": round(n.rows_per_second)} for n in nights], "ratios": ratios(nights)}


def incremental_night(
    landing: Path,
    warehouse: Path,
    workdir: Path,
    size: int,
    submissions: int,
    files: int,
    seed: int,
    archive: str = "plain",
    years: int = 1,
) -> Night:
    suffix = ENCRYPTED if archive == "encrypted" else ""
    print(f"[bench] (b) incremental night: {submissions:,} submissions and {files} regional files{suffix} ...", flush=True)
    added, written = national.incremental(landing, size, seed, submissions, files)
    log = workdir / f"b-{size}-{years}y-{archive}.log"
    measured = nightly_load(landing, warehouse, workdir / "dagster_home", log, archive_environment(workdir, archive))
    night = night_from(f"(b) incremental on {history(size, years)}{suffix}", added, written, measured, warehouse, years)
    print(f"[bench]     {night.seconds:.1f} s, peak RSS {night.peak_rss_mb:,.0f} MB", flush=True)
    return night


def ratios(nights: list[Night]) -> dict[str, float]:
    """The ratios of each history (its years), and how the incremental night grows with history."""
    by_years: dict[int, list[Night]] = {}
    for night in nights:
        by_years.setdefault(night.years, []).append(night)
    if len(by_years) == 1:
        return ratios_of_one_history(nights)
    out = {f"{_years(years)}: {name}": value for years, group in by_years.items() for name, value in ratios_of_one_history(group).items()}
    incrementals = sorted((n for n in nights if n.name.startswith("(b)") and not n.name.endswith(ENCRYPTED)), key=lambda n: n.years)
    # each step of history, then the whole way (once, when there are more steps than one)
    steps = list(itertools.pairwise(incrementals))
    steps += [(incrementals[0], incrementals[-1])] if len(steps) > 1 else []
    for shorter, longer in steps:
        out[f"(b) {_years(shorter.years)} -> {_years(longer.years)}"] = round(longer.seconds / shorter.seconds, 2)
    return out


def ratios_of_one_history(nights: list[Night]) -> dict[str, float]:
    out = {}
    plain = {n.name: n for n in nights if not n.name.endswith(ENCRYPTED)}
    for night in nights:
        if night.name.endswith(ENCRYPTED) and (without := plain.get(night.name.removesuffix(ENCRYPTED))):
            out[f"{without.name}: encrypted/plain"] = round(night.seconds / without.seconds, 3)
    if any(name.startswith("(a)") for name in plain):  # the usual ratios of the nights without encryption, when there are some
        nights = list(plain.values())
    full = [n for n in nights if n.name.startswith("(a)")]
    by_kind = {n.name[:3]: n for n in nights}
    if "(c)" in by_kind and full:
        out["(a)/(c)"] = round(full[-1].seconds / by_kind["(c)"].seconds, 1)
    if "(b)" in by_kind and full:
        out["(b)/(a)"] = round(by_kind["(b)"].seconds / full[-1].seconds, 3)
    for smaller in full[:-1]:
        out[f"growth {smaller.submissions:,} -> {full[-1].submissions:,}"] = round(
            (full[-1].seconds / smaller.seconds) / (full[-1].submissions / smaller.submissions), 2
        )
    return out


def table(results: dict) -> str:
    steps = sorted({s for n in results["nights"] for s in n["steps"]})
    head = ["night", "factory lines", "regional files", "wall s", "peak RSS MB", "rows/s", *(f"{s} s" for s in steps)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in results["nights"]:
        cells = [n["name"], f"{n['submissions']:,}", str(n["regional_files"]), f"{n['seconds']:.1f}", f"{n['peak_rss_mb']:,.0f}",
                 f"{n['rows_per_second']:,}", *(f"{n['steps'].get(s, 0):.1f}" if s in n["steps"] else "" for s in steps)]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.extend(f"- {name}: {value}" for name, value in results["ratios"].items())
    for n in results["nights"]:
        if n["dbt_seconds"]:
            models = [(name, seconds) for name, seconds in n["dbt_seconds"].items() if name != "(all tests)"]
            slowest = [*models[:DBT_MODELS_SHOWN], ("(all tests)", n["dbt_seconds"]["(all tests)"])]
            lines += ["", f"dbt in {n['name']}: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="250000,500000,1000000", help="factory submissions of each full night, comma-separated")
    parser.add_argument(
        "--years", default="1", help="fiscal years of i-Single Form history in each corpus, comma-separated (each with every size)"
    )
    parser.add_argument(
        "--incremental", type=int, default=10_000, help="new submissions in the incremental night (0 and 0 files: no such night)"
    )
    parser.add_argument("--incremental-files", type=int, default=30, help="new regional files in the incremental night")
    parser.add_argument("--submitters", type=int, default=len(national.submitters()), help="regional submitters (13 files each)")
    parser.add_argument("--workdir", type=Path, default=REPO / "data" / "bench")
    parser.add_argument(
        "--archive", choices=["plain", "encrypted", "both"], default="plain", help="nights without an archive key, with one, or both"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    years = tuple(int(y) for y in args.years.split(","))
    if not all(1 <= y <= national.MOST_YEARS for y in years):
        parser.error(
            f"--years: 1 ถึง {national.MOST_YEARS} ปี คลังข้อมูลไม่เก็บปีก่อนปีงบประมาณ {national.FIRST_HELD_YEAR} / "
            f"1 to {national.MOST_YEARS} years, the warehouse holds no year before FY{national.FIRST_HELD_YEAR}"
        )
    args.workdir = args.workdir.resolve()  # DAGSTER_HOME and the nights' folders must be absolute
    args.workdir.mkdir(parents=True, exist_ok=True)
    archives = ("plain", "encrypted") if args.archive == "both" else (args.archive,)
    results = benchmark(sizes, args.incremental, args.incremental_files, args.submitters, args.workdir, archives=archives, years_list=years)
    text = table(results)
    (args.workdir / "results.md").write_text(text, encoding="utf-8")
    (args.workdir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
