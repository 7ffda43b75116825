#!/usr/bin/env bash
# Install everything, generate the bundled sample into the landing folder, and
# run the whole nightly load on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export LANDING_DIR=${LANDING_DIR:-$PWD/data/landing}
export WAREHOUSE_DIR=${WAREHOUSE_DIR:-$PWD/data/warehouse}
export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster}

.venv/bin/python -m sample.generate "$LANDING_DIR"
.venv/bin/dagster job execute -m orchestration -j nightly_load

cat <<MSG

The nightly load finished.
  KPI dashboard      : $WAREHOUSE_DIR/reports/kpi/index.html
  quality report     : $WAREHOUSE_DIR/reports/quality/index.html
  tables and columns : $WAREHOUSE_DIR/reports/dbt-docs/index.html
  analysts' database : $WAREHOUSE_DIR/analytics.duckdb  (schemas marts, quality, reference)
  archive            : $WAREHOUSE_DIR/archive/
Query it read-only, for example:
  .venv/bin/python -c "import duckdb; print(duckdb.connect('$WAREHOUSE_DIR/analytics.duckdb', read_only=True).sql('select * from marts.kpi_national order by all'))"
MSG
