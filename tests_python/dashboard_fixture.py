"""A real warehouse for the dashboard tests, built once per pytest session.

Generates a small adversarial landing set (so every page has something to show: quarantined
rows, held persons, deferred flows), gives it a delivery ledger of two earlier months
(LEDGER_KEYS fabricated keys delivered in April, which no eligibility row has: corrected as
NO_LONGER_MET in the build's month, RULES.md §8a) and builds, with dbt, only the seeds and models the
dashboard marts depend on (no data tests: the end-to-end test owns those). Both dashboard
test modules call `dashboard_warehouse`; the second call finds the first build in pytest's
session temp folder and reuses it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from dbt_compile import REPO_ROOT, dbt_env
from ledger_files import write_ledger_month

DASHBOARD_DIR = REPO_ROOT / "dashboard"
if str(DASHBOARD_DIR) not in sys.path:
    sys.path.insert(0, str(DASHBOARD_DIR))

import warehouse  # noqa: E402  (dashboard/warehouse.py, found through the path above)

AS_OF = "2025-06-30"
LEDGER_KEYS = 6
PERSONS = 300
SEED = 11
CROSS_CHECK_MODELS = ["fct_transfer_eligibility", "rpt_quarantined_rows", "dvz_transfer_batch", "dim_person_keys",
                      "int_person_benefit_durations"]


def dashboard_warehouse(tmp_path_factory) -> Path:
    """The path of a warehouse built by dbt from generated landing files (built on first use)."""
    workdir = tmp_path_factory.getbasetemp() / "dashboard_warehouse"
    database = workdir / "warehouse.duckdb"
    marker = workdir / "built.json"
    if marker.exists():
        return database
    workdir.mkdir(exist_ok=True)
    started = time.monotonic()
    landing = workdir / "landing"
    subprocess.run(
        [sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons", str(PERSONS),
         "--seed", str(SEED), "--as-of", AS_OF, "--format", "parquet", "--adversarial"],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )
    ledger = workdir / "exports"
    april = [dict(insz=f"{90010100000 + number:011d}", flow_code="C3", episode_start=dt.date(2024, 1, 1),
                  transfer_due_on=dt.date(2025, 4, 1)) for number in range(LEDGER_KEYS)]
    write_ledger_month(ledger, "2025-04", batch_rows=april, correction_rows=[])
    write_ledger_month(ledger, "2025-05", batch_rows=[], correction_rows=[])
    # The dashboard marts (every model tagged dashboard: the dashboard's allowlist, and the
    # privacy test), and the restricted models the tests check them against.
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", "build",
               "--select", " ".join(f"+{model}" for model in CROSS_CHECK_MODELS), "+tag:dashboard",
               "--resource-type", "seed", "--resource-type", "model",
               "--vars", json.dumps({"as_of_date": AS_OF}),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    result = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True,
        env=dbt_env(DBT_TARGET="dev", DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(database),
                    DVZ_PERSON_KEY_SALT="dashboard-test-salt", DVZ_EXPORT_DIR=str(ledger)),
    )
    assert result.returncode == 0, result.stdout[-6000:]
    marker.write_text(json.dumps({"seconds": round(time.monotonic() - started, 1)}))
    return database


def dashboard_manifest(database: Path) -> Path:
    """The dbt manifest of the build of `database`: the dashboard reads its allowlist there
    (DVZ_DBT_MANIFEST)."""
    return database.parent / "target" / "manifest.json"


def query(database: Path, sql: str) -> list[tuple]:
    """Read the built warehouse independently of the dashboard code."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def query_params(database: Path, sql: str, params: list) -> list[tuple]:
    """`query` with bound parameters."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def shown_count(count: int) -> str:
    """How the dashboard must show a person count: hand-written here, not imported, so a
    change of the suppression rule in the app fails the tests (threshold 5)."""
    return "<5" if 0 < count < 5 else f"{count:,}"
