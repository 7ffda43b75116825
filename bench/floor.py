"""The floor: the least work that gives `industry_by_province` from the factory
exports, as one hand-written DuckDB script, with no warehouse around it.

    python -m bench.floor 'LANDING_DIR/isingleform/**/*.jsonl' OUT.duckdb

Reads every line, checks the owner id's check digit, the factory id's form,
province and TSIC division against the reference, keeps the latest accepted
submission per factory and month (a re-sent id once), and aggregates. No
findings, no history, no personal-data hashing, no validation suites, no
reports: what the nightly load does on top of this is what the ratio (a)/(c)
of the benchmark prices.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from sources.reference import SEEDS_DIR

FLOOR_SQL = """
SET enable_progress_bar = false;
CREATE TABLE provinces AS SELECT province_code FROM read_csv('{seeds}/provinces.csv', all_varchar = true);
CREATE TABLE divisions AS SELECT division, section FROM read_csv('{seeds}/tsic_divisions.csv', all_varchar = true);
CREATE TABLE submissions AS
SELECT *
FROM read_json('{exports}', format = 'newline_delimited', ignore_errors = true, columns = {{
    submission_id: 'VARCHAR', submitted_at: 'VARCHAR', period: 'VARCHAR', factory_id: 'VARCHAR',
    owner_id: 'VARCHAR', tsic_code: 'VARCHAR', province_code: 'VARCHAR',
    location: 'STRUCT(type VARCHAR, estate_code VARCHAR)',
    workers: 'STRUCT(thai_male VARCHAR, thai_female VARCHAR, foreign_male VARCHAR, foreign_female VARCHAR)',
    production_value_baht: 'VARCHAR', electricity_kwh: 'VARCHAR'
}});
CREATE TABLE accepted AS
WITH typed AS (
    SELECT s.*,
        try_cast(workers.thai_male AS BIGINT) + try_cast(workers.thai_female AS BIGINT)
            + try_cast(workers.foreign_male AS BIGINT) + try_cast(workers.foreign_female AS BIGINT) AS workers_total,
        try_cast(production_value_baht AS DOUBLE) AS production_value,
        try_cast(electricity_kwh AS DOUBLE) AS electricity
    FROM submissions AS s
)
SELECT t.*, d.section AS tsic_section
FROM typed AS t
JOIN provinces AS p ON p.province_code = t.province_code
JOIN divisions AS d ON d.division = left(t.tsic_code, 2)
WHERE regexp_full_match(t.owner_id, '[0-9]{{13}}')
  AND (11 - list_sum(list_transform(range(12), lambda i: (ascii(t.owner_id[i + 1]) - 48) * (13 - i))) % 11) % 10
      = ascii(t.owner_id[13]) - 48
  AND regexp_full_match(t.factory_id, '[127][023][0-9]{{12}}')
  AND substr(t.factory_id, 3, 2) = t.province_code
  AND regexp_full_match(t.tsic_code, '[0-9]{{5}}')
  AND t.workers_total >= 0 AND t.production_value >= 0 AND t.electricity >= 0
  AND t.period <= strftime(try_cast(t.submitted_at AS TIMESTAMPTZ) AT TIME ZONE 'Asia/Bangkok' + INTERVAL 543 YEAR, '%Y-%m');
CREATE TABLE factory_month AS
SELECT * FROM (SELECT DISTINCT ON (submission_id) * FROM accepted)
QUALIFY row_number() OVER (PARTITION BY factory_id, period ORDER BY submitted_at DESC, submission_id DESC) = 1;
CREATE TABLE industry_by_province AS
SELECT period, province_code, location.type AS location_type, tsic_section,
       count(DISTINCT factory_id) AS factories, sum(workers_total) AS workers_total,
       round(sum(production_value) / 1e6, 3) AS production_value_mb, round(sum(electricity) / 1000, 3) AS electricity_mwh
FROM factory_month
GROUP BY ALL;
"""


def run_floor(exports_glob: str, out_db: Path) -> dict[str, int]:
    out_db.unlink(missing_ok=True)
    with duckdb.connect(str(out_db)) as con:
        con.execute(FLOOR_SQL.format(seeds=SEEDS_DIR, exports=exports_glob))
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("submissions", "accepted", "factory_month", "industry_by_province")
        }


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    started = time.perf_counter()
    counts = run_floor(sys.argv[1], Path(sys.argv[2]))
    print(f"floor: {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
