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
# The DVZ batch export (dvz_transfer_batch) is written here, with absolute paths, and its
# manifest names the commit the warehouse was built from.
export DVZ_EXPORT_DIR="${DVZ_EXPORT_DIR:-$PWD/exports}"
mkdir -p "$DVZ_EXPORT_DIR"
if [ -z "${DVZ_GIT_COMMIT:-}" ] && git rev-parse HEAD >/dev/null 2>&1; then
    DVZ_GIT_COMMIT="$(git rev-parse HEAD)$(git diff --quiet HEAD 2>/dev/null || echo '+uncommitted')"
    export DVZ_GIT_COMMIT
fi

echo "run: dbt build into $building"
# The DVZ delivery files of the batch month are published by the build itself, only when
# every test passed (RULES.md §8a); the stamp tells the summary below which are new.
delivery_stamp="$(mktemp)"
trap 'rm -f "$delivery_stamp"' EXIT
DVZ_DUCKDB_PATH="$building" dbt build "$@"
echo "run: dbt docs generate --static"
DVZ_DUCKDB_PATH="$building" dbt docs generate --static "$@" >/dev/null
# Column-level lineage (optional: a failure only warns). dbt-colibri reads the manifest and
# the catalog just written; its telemetry is off, and the HTML it writes opens offline.
docs_dir="${DBT_TARGET_PATH:-target}"
if DO_NOT_TRACK=1 colibri generate --disable-telemetry --manifest "$docs_dir/manifest.json" \
    --catalog "$docs_dir/catalog.json" --output-dir "$docs_dir/colibri" >"$docs_dir/colibri.log" 2>&1; then
    echo "run: column-level lineage at $docs_dir/colibri/index.html"
else
    echo "run: WARNING column-level lineage (dbt-colibri) failed; see $docs_dir/colibri.log"
fi

# Readers holding the old file keep their snapshot; new readers see the new build.
python - "$building" "$warehouse" <<'PY'
import os, sys
os.replace(sys.argv[1], sys.argv[2])
PY
echo "run: warehouse ready at $warehouse; docs at target/static_index.html; dashboard: bash scripts/dashboard.sh"
python scripts/delivery_summary.py "$DVZ_EXPORT_DIR" --newer-than "$delivery_stamp" | sed 's/^/run: /'

