#!/usr/bin/env bash
# Rebuild a fresh warehouse from an archive alone, then build, check and
# publish it as on any night.
#   scripts/rebuild.sh ARCHIVE_DIR NEW_WAREHOUSE_DIR
# Personal ids are hashed with WAREHOUSE_PII_KEY, or else the pii.key beside
# the archive (copied, owner-only), so owner keys match the original's.
set -euo pipefail
umask 077  # the rebuilt warehouse holds personal data: owner-only (docs/security.md)
cd "$(dirname "$0")/.."
archive=$(realpath "$1")
target=$(realpath -m "$2")
[[ -f $archive/manifest.jsonl ]] || { echo "no manifest.jsonl in $archive" >&2; exit 2; }
mkdir -p "$target"
if [[ -z ${WAREHOUSE_PII_KEY:-} && -f $archive/../pii.key && ! -f $target/pii.key ]]; then
  install -m 600 "$archive/../pii.key" "$target/pii.key"
fi

.venv/bin/python -m warehouse.rebuild "$archive" "$target"

empty_landing=$(mktemp -d)
trap 'rmdir "$empty_landing"' EXIT
export DAGSTER_HOME=${DAGSTER_HOME:-$PWD/.dagster}
LANDING_DIR=$empty_landing WAREHOUSE_DIR=$target .venv/bin/dagster job execute -m orchestration -j nightly_load
