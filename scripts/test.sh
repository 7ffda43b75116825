#!/usr/bin/env bash
# Install what the tests need and run them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster}
exec .venv/bin/python -m pytest "$@"
