#!/usr/bin/env bash
# The main job (README command 1): set up, write demo landing files if there are none,
# build the warehouse with `dbt build` (models, seeds, every test, the circuit breakers)
# into a fresh DuckDB file that replaces the served one only when the build succeeded, then
# write the static lineage docs. One build per warehouse at a time. Extra arguments go to
# `dbt build` and `dbt docs generate` (e.g. --vars '{as_of_date: 2015-06-30}').
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh" requirements.txt

landing_dir="${DVZ_LANDING_DIR:-data/landing}"
warehouse="${DVZ_DUCKDB_PATH:-warehouse/dvz.duckdb}"
demo_persons="${DVZ_DEMO_PERSONS:-2000}"
building="$warehouse.building"

# One build per warehouse: a lock file beside it, held (flock) by this shell and every
# process it starts, released by the system however they end, so a killed run leaves no
# stale lock. A second run stops here, before touching anything.
mkdir -p "$(dirname "$warehouse")"
lock="$warehouse.lock"
exec 9>>"$lock"
if ! flock --nonblock 9; then
    echo "run: a build of $warehouse is already running (pid $(cat "$lock" 2>/dev/null || echo unknown)); stopping" >&2
    exit 75
fi
echo "$$" >"$lock"

if ! ls "$landing_dir"/persons.* >/dev/null 2>&1; then
    echo "run: no landing files in $landing_dir: generating demo data ($demo_persons persons)"
    python scripts/generate_landing.py --out "$landing_dir" --persons "$demo_persons" --seed 42 --format both
fi

# A .building file left by a killed run is removed only here, under the lock.
rm -f "$building" "$building.wal"
export DVZ_LANDING_DIR="$landing_dir"
# The DVZ delivery files (RULES.md §8a) are written here, and the files of earlier months
# found here are the ledger; the manifest names the commit the warehouse was built from.
export DVZ_EXPORT_DIR="${DVZ_EXPORT_DIR:-$PWD/exports}"
mkdir -p "$DVZ_EXPORT_DIR"
if [ -z "${DVZ_GIT_COMMIT:-}" ] && git rev-parse HEAD >/dev/null 2>&1; then
    DVZ_GIT_COMMIT="$(git rev-parse HEAD)$(git diff --quiet HEAD 2>/dev/null || echo '+uncommitted')"
    export DVZ_GIT_COMMIT
fi
# The circuit breakers compare this build with the last good one: the served warehouse.
if [ -z "${DVZ_LAST_GOOD_DUCKDB_PATH:-}" ] && [ -f "$warehouse" ]; then
    export DVZ_LAST_GOOD_DUCKDB_PATH="$warehouse"
fi

echo "run: dbt build into $building (last good build: ${DVZ_LAST_GOOD_DUCKDB_PATH:-none, first build})"
# The DVZ delivery files of the batch month are published by the build itself, only when
# every test passed (RULES.md §8a); the stamp tells the summary below which are new.
delivery_stamp="$(mktemp)"
trap 'rm -f "$delivery_stamp"' EXIT
DVZ_DUCKDB_PATH="$building" dbt build "$@" || {
    status=$?
    echo "run: dbt build failed (exit $status); $warehouse and $DVZ_EXPORT_DIR are left as they were" >&2
    exit "$status"
}
echo "run: dbt docs generate --static"
docs_status=0
DVZ_DUCKDB_PATH="$building" dbt docs generate --static "$@" || docs_status=$?
# Column-level lineage (optional: a failure only warns). dbt-colibri reads the manifest and
# the catalog just written; its telemetry is off, and the HTML it writes opens offline.
docs_dir="${DBT_TARGET_PATH:-target}"
if [ "$docs_status" -ne 0 ]; then
    echo "run: WARNING column-level lineage (dbt-colibri) skipped: no catalog of this build"
elif DO_NOT_TRACK=1 colibri generate --disable-telemetry --manifest "$docs_dir/manifest.json" \
    --catalog "$docs_dir/catalog.json" --output-dir "$docs_dir/colibri" >"$docs_dir/colibri.log" 2>&1; then
    echo "run: column-level lineage at $docs_dir/colibri/index.html"
else
    echo "run: WARNING column-level lineage (dbt-colibri) failed; see $docs_dir/colibri.log"
fi

# The build passed (its batch is published): it is served even if its docs failed.
# Readers holding the old file keep their snapshot; new readers see the new build.
python - "$building" "$warehouse" <<'PY'
import os, sys
os.replace(sys.argv[1], sys.argv[2])
PY
echo "run: warehouse ready at $warehouse; dashboard: bash scripts/dashboard.sh"
python scripts/delivery_summary.py "$DVZ_EXPORT_DIR" --newer-than "$delivery_stamp" | sed 's/^/run: /'
if [ "$docs_status" -ne 0 ]; then
    echo "run: dbt docs generate failed (exit $docs_status): the docs in $docs_dir are not this build's" >&2
    exit "$docs_status"
fi
echo "run: docs at $docs_dir/static_index.html"
