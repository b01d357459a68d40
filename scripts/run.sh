#!/usr/bin/env bash
# The main job (README command 1): set up, write demo landing files if there are none,
# build the warehouse with `dbt build` (models, seeds, every test) into a fresh DuckDB
# file that replaces the served one only when the build succeeded, then write the
# static lineage docs. Extra arguments go to `dbt build` (e.g. --vars '{as_of_date: 2015-06-30}').
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh" requirements.txt

landing_dir="${DVZ_LANDING_DIR:-data/landing}"
warehouse="${DVZ_DUCKDB_PATH:-warehouse/dvz.duckdb}"
demo_persons="${DVZ_DEMO_PERSONS:-2000}"

if ! ls "$landing_dir"/persons.* >/dev/null 2>&1; then
    echo "run: no landing files in $landing_dir: generating demo data ($demo_persons persons)"
    python scripts/generate_landing.py --out "$landing_dir" --persons "$demo_persons" --seed 42 --format both
fi

mkdir -p "$(dirname "$warehouse")"
building="$warehouse.building"
rm -f "$building" "$building.wal"
export DVZ_LANDING_DIR="$landing_dir"

echo "run: dbt build into $building"
DVZ_DUCKDB_PATH="$building" dbt build "$@"
echo "run: dbt docs generate --static"
DVZ_DUCKDB_PATH="$building" dbt docs generate --static "$@" >/dev/null

# Readers holding the old file keep their snapshot; new readers see the new build.
python - "$building" "$warehouse" <<'PY'
import os, sys
os.replace(sys.argv[1], sys.argv[2])
PY
echo "run: warehouse ready at $warehouse; docs at target/static_index.html"
