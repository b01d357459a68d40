#!/usr/bin/env bash
# The dashboard (README "Dashboard"): set up, then serve dashboard/app.py over the warehouse
# at DVZ_DUCKDB_PATH (default warehouse/dvz.duckdb), read-only, on
# http://DVZ_DASHBOARD_ADDRESS:DVZ_DASHBOARD_PORT (default 127.0.0.1:8501). Build the
# warehouse first with scripts/run.sh; rebuilding while the dashboard runs is safe (run.sh
# swaps the new file in). The marts it may read are the models tagged dashboard in dbt's
# manifest (DVZ_DBT_MANIFEST, default target/manifest.json, which run.sh writes). Extra
# arguments go to `streamlit run`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh" requirements.txt

export DVZ_DUCKDB_PATH="${DVZ_DUCKDB_PATH:-warehouse/dvz.duckdb}"
port="${DVZ_DASHBOARD_PORT:-8501}"
address="${DVZ_DASHBOARD_ADDRESS:-127.0.0.1}"
if [ ! -f "$DVZ_DUCKDB_PATH" ]; then
    echo "dashboard: no warehouse at $DVZ_DUCKDB_PATH yet (bash scripts/run.sh builds it); the pages say so until then"
fi
echo "dashboard: http://$address:$port over $DVZ_DUCKDB_PATH"
exec streamlit run dashboard/app.py \
    --server.port "$port" --server.address "$address" --server.headless true \
    --browser.gatherUsageStats false --client.toolbarMode viewer "$@"
