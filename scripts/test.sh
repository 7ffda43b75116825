#!/usr/bin/env bash
# Install what the tests need and run them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster}
# Two workers: an end-to-end run keeps about one core busy. Tests that share a
# scenario (the examples' CLI runs, the two nights, the hostile night) carry an
# xdist_group mark, so that each scenario is built once, on one worker.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
