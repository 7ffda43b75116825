"""What comparing Thai as a reader sees it costs on a national year.

    python -m bench.thai_normalisation [--submissions 1000000] [--regional-rows 100000]
                                       [--typed-otherwise 0.01] [--workdir data/bench]

The one normalisation (sources/thai.py `comparable_text`, on PyThaiNLP's
`reorder_vowels`; `thai_key` in SQL) runs in three places of a night. Each is
timed as the night runs it, and beside it the same work with the plain fold
the warehouse compared with before (trim, white space, case):

- **readers**: `parse_table` over a regional year of `--regional-rows` rows
  (bench/national.py's rows, as many as asked): every header cell, and every
  cell of every data row (a repeated header is not data), goes through
  `normalise_header`;
- **SQL, regional rows**: `thai_key` once per distinct province, programme
  code and activity of those rows, as stg_regional_rows calls it;
- **SQL, i-Single Form**: `canonical_spelling` of the location type and
  estate code of every record of the national corpus (`--submissions`
  lines, generated once by bench/run.py's `corpus`), as stg_isf_submissions
  calls it; `--typed-otherwise` of the records get their codes in upper case,
  so that the slow path (a Python call per code) is paid too.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import jinja2

import sources.regional_reports.table as table
from bench import national
from bench.run import REPO, corpus
from sources import thai
from warehouse.sql_functions import register, warehouse_functions

MACROS = REPO / "dbt_project" / "macros"


def plain_fold(text: str) -> str:
    """The comparison before the Thai normalisation: invisible characters, white space, case."""
    return thai._WHITE_SPACE.sub(" ", thai.visible_text(text)).strip().casefold()


def macro(file: str, name: str, *arguments: str) -> str:
    """A dbt macro of dbt_project/macros rendered to SQL (they use no dbt context)."""
    module = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string((MACROS / file).read_text(encoding="utf-8")).module
    return str(getattr(module, name)(*arguments))


def seconds(work: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    """The best of two runs (the machine is shared), `before` each outside the timing."""
    best = float("inf")
    for _ in range(2):
        before()
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def regional_grid(rows_wanted: int, seed: int) -> list[tuple[int, list[str]]]:
    """A regional year's table of about `rows_wanted` data rows under the contract's header."""
    rng = random.Random(seed)
    grid = [(1, [*national.HEADER, "งบประมาณเบิกจ่าย (ล้านบาท)"])]
    while len(grid) <= rows_wanted:
        for _, provinces in national.submitters():
            for row in national._report_rows(rng, provinces, "result"):
                grid.append((len(grid) + 1, ["" if cell is None else str(cell) for cell in row]))
    return grid[: rows_wanted + 1]


def readers(grid: list[tuple[int, list[str]]]) -> dict[str, float]:
    clear = thai._cached_comparable_text.cache_clear
    normalised = seconds(lambda: table.parse_table(iter(grid)), before=clear)
    cache = thai._cached_comparable_text.cache_info()
    # a cache miss: the normalisation itself, per distinct Thai and other text
    distinct = {cell for _, cells in grid for cell in cells}
    thai_texts = [t for t in distinct if not t.isascii()]
    other_texts = [t for t in distinct if t.isascii()]
    per_thai = seconds(lambda: [thai._comparable_text(t) for t in thai_texts]) / len(thai_texts)
    per_other = seconds(lambda: [thai._comparable_text(t) for t in other_texts]) / len(other_texts)
    real = table.comparable_text
    table.comparable_text = plain_fold
    try:
        folded = seconds(lambda: table.parse_table(iter(grid)))
    finally:
        table.comparable_text = real
    return {"rows": len(grid) - 1, "normalised_s": normalised, "plain_fold_s": folded,
            "calls": cache.hits + cache.misses, "cache_misses": cache.misses,
            "uncached_us_per_thai_text": per_thai * 1e6, "uncached_us_per_other_text": per_other * 1e6}  # fmt: skip


def regional_sql(con: duckdb.DuckDBPyConnection, grid: list[tuple[int, list[str]]]) -> dict[str, float]:
    con.execute("CREATE OR REPLACE TABLE regional_rows (province VARCHAR, program_code VARCHAR, activity VARCHAR)")
    con.executemany("INSERT INTO regional_rows VALUES (?, ?, ?)", [cells[:3] for _, cells in grid[1:]])
    province_key = macro("thai.sql", "province_key", "province")
    normalised = seconds(lambda: con.execute(f"""
        SELECT count(*) FROM (SELECT DISTINCT province FROM regional_rows) p, LATERAL (SELECT {province_key} AS k)
        UNION ALL SELECT count(DISTINCT thai_key(program_code)) FROM (SELECT DISTINCT program_code FROM regional_rows)
        UNION ALL SELECT count(DISTINCT thai_key(activity)) FROM (SELECT DISTINCT activity FROM regional_rows)
    """).fetchall())  # fmt: skip
    fold = "lower(regexp_replace(trim({}), '\\s+', ' ', 'g'))"
    folded = seconds(lambda: con.execute(
        f"SELECT count(DISTINCT {fold.format('province')}), count(DISTINCT {fold.format('program_code')}), "
        f"count(DISTINCT {fold.format('activity')}) FROM regional_rows"
    ).fetchall())  # fmt: skip
    [(provinces, programs, activities)] = con.execute(
        "SELECT count(DISTINCT province), count(DISTINCT program_code), count(DISTINCT activity) FROM regional_rows"
    ).fetchall()
    return {"distinct_texts": provinces + programs + activities, "normalised_s": normalised, "plain_fold_s": folded}


def isingleform_sql(con: duckdb.DuckDBPyConnection, landing: Path, typed_otherwise: float) -> dict[str, float]:
    exports = str(landing / "isingleform" / "**" / "*.jsonl")
    con.execute(f"""
        CREATE OR REPLACE TABLE records AS
        SELECT CASE WHEN hash(n) % 10000 < {int(typed_otherwise * 10000)} THEN upper(t) ELSE t END AS location_type,
               CASE WHEN hash(n) % 10000 < {int(typed_otherwise * 10000)} THEN lower(e) ELSE e END AS estate_code
        FROM (
            SELECT row_number() OVER () AS n, json_extract_string(line, '$.location.type') AS t,
                   json_extract_string(line, '$.location.estate_code') AS e
            FROM (SELECT unnest(string_split(content, chr(10))) AS line FROM read_text('{exports}'))
            WHERE line <> ''
        )
    """)  # fmt: skip
    con.execute("CREATE OR REPLACE TABLE estates AS SELECT list(estate_code ORDER BY estate_code) AS estate_codes FROM read_csv(?)",
                [str(REPO / "dbt_project" / "seeds" / "estates.csv")])  # fmt: skip
    types = macro("isingleform.sql", "isf_location_types")
    location = macro("thai.sql", "canonical_spelling", "trim(location_type)", types)
    estate = macro("thai.sql", "canonical_spelling", "trim(estate_code)", "estates.estate_codes")
    normalised = seconds(
        lambda: con.execute(f"SELECT count(DISTINCT {location}), count(DISTINCT {estate}) FROM records CROSS JOIN estates").fetchall()
    )
    folded = seconds(
        lambda: con.execute(
            "SELECT count(DISTINCT trim(location_type)), count(DISTINCT trim(estate_code)) FROM records CROSS JOIN estates"
        ).fetchall()
    )
    [(records,)] = con.execute("SELECT count(*) FROM records").fetchall()
    return {"records": records, "normalised_s": normalised, "plain_fold_s": folded}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=1_000_000, help="i-Single Form lines of the national corpus")
    parser.add_argument("--regional-rows", type=int, default=100_000, help="regional data rows read")
    parser.add_argument("--typed-otherwise", type=float, default=0.01, help="share of records with codes not spelt as the reference")
    parser.add_argument("--workdir", type=Path, default=REPO / "data" / "bench")
    args = parser.parse_args(argv)
    landing = corpus(args.workdir, args.submissions, len(national.submitters()), 2566)
    grid = regional_grid(args.regional_rows, 2566)
    results = {"readers": readers(grid)}
    with duckdb.connect() as con:
        register(con, warehouse_functions(args.workdir))
        results["regional SQL"] = regional_sql(con, grid)
        results["i-Single Form SQL"] = isingleform_sql(con, landing, args.typed_otherwise)
    for part, figures in results.items():
        added = figures["normalised_s"] - figures["plain_fold_s"]
        shown = ", ".join(f"{k} {v:,.2f}" if isinstance(v, float) else f"{k} {v:,}" for k, v in figures.items())
        print(f"{part}: {shown}; the normalisation adds {added:+.2f} s")


if __name__ == "__main__":
    main()
