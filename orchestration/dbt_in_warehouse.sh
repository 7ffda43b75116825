#!/bin/sh
# dbt, started in the folder of the warehouse it builds. profiles.yml names the
# warehouse file relative to that folder, so the profile is the same for every
# warehouse and dbt's partial parse (made once per project) holds for all of
# them: a fresh warehouse skips a whole parse. orchestration/assets/dbt.py
# sets both variables before each invocation.
cd "$DIPROM_DBT_WORKDIR" || exit 2
exec "$DIPROM_DBT" "$@"
