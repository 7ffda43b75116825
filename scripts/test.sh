#!/usr/bin/env bash
# Install what the tests need and run them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster}
# Two workers: an end-to-end run keeps about one core busy. The modules that
# share a scenario (the examples' CLI runs, the two nights) go to one worker
# together, so that each scenario is built once (tests/conftest.py, SCENARIOS).
# `scripts/test.sh fast`: the unit tests, dbt unit tests and snapshots only, an answer in
# under a minute; the end-to-end nights and the slow generated inputs are left out.
if [[ ${1:-} == fast ]]; then
  shift
  set -- -m "not e2e and not slow" "$@"
fi
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
