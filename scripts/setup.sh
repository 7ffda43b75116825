#!/usr/bin/env bash
# Install the warehouse into .venv/ (idempotent). Usage: scripts/setup.sh [test]
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}

python=${PYTHON:-}
if [[ -z $python ]]; then
  python=$(command -v python3.11 || command -v python3)
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Python 3.11 is required (found $("$python" --version 2>&1))" >&2
  exit 1
fi

[[ -x .venv/bin/python ]] || "$python" -m venv .venv
# uv installs the same pinned ranges as pip, several times faster here. It
# reads PyPI only, not pip's configured mirrors: where it cannot install, pip does. Both compile the installed modules: some machines set
# PYTHONDONTWRITEBYTECODE, so no process would ever cache its compiled imports,
# and every dbt and Dagster start would pay for it.
target=".${extras:+[$extras]}"
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
if "${pip[@]}" "uv>=0.13,<0.14" && .venv/bin/uv pip install --quiet --python .venv/bin/python --compile-bytecode -e "$target"; then
  :
else
  echo "setup: uv could not install the warehouse; installing with pip" >&2
  "${pip[@]}" --upgrade pip
  "${pip[@]}" -e "$target"
  .venv/bin/python -m compileall -q -j 0 .venv/lib/python3.11/site-packages >/dev/null 2>&1 || true
fi

# Local copies of what Great Expectations' Data Docs would load from CDNs
# (expectations/data_docs.py), at the versions package-lock.json pins.
assets=expectations/data_docs_assets
if [[ ! -f $assets/node_modules/.installed-lock.json ]] || ! cmp -s $assets/package-lock.json $assets/node_modules/.installed-lock.json; then
  (cd $assets && npm ci --silent) && cp $assets/package-lock.json $assets/node_modules/.installed-lock.json
fi

# Dagster's instance, with telemetry off (the warehouse runs with no network).
dagster_home=${DAGSTER_HOME:-$PWD/.dagster}
mkdir -p "$dagster_home"
[[ -f $dagster_home/dagster.yaml ]] || cp dagster.yaml "$dagster_home/dagster.yaml"
