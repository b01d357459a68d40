"""A daily run gives exactly a full rebuild (scale issue part 3, ADR 0012).

A warehouse is built at as_of D from adversarial Parquet landing files; one day of landing
rows recorded on D + 1 is appended (corrections, new keys, an invalid insz, an exact
duplicate and a conflicting pair, a row recorded on D + 2:
scripts/benchmark/append_landing_day.py); the same warehouse file is then rebuilt with
as_of D + 1, as a daily run would, and compared with a --full-refresh build of the same
input into a new file. Every table of every schema (staging, intermediate, marts,
reporting, exports) must hold the same rows. The project has no incremental model today
(ADR 0012 measured that they do not pay); this test is the gate for any that is added.

    DVZ_INCREMENTAL_WORKDIR=/tmp/inc pytest tests_python/test_incremental.py   # keep files
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts" / "benchmark"))

from append_landing_day import append_day  # noqa: E402

AS_OF = "2025-06-30"
NEXT_DAY = (dt.date.fromisoformat(AS_OF) + dt.timedelta(days=1)).isoformat()
PERSONS = 400


def _dbt_build(workdir: Path, landing: Path, database: Path, as_of: str, *extra: str) -> None:
    exports = workdir / f"exports_{database.stem}"
    exports.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(database), DVZ_EXPORT_DIR=str(exports),
               DVZ_PERSON_KEY_SALT="incremental-salt", DBT_PROFILES_DIR=str(REPO_ROOT), DBT_TARGET="dev",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", "build",
               "--select", "resource_type:seed", "resource_type:model", "--indirect-selection", "empty",
               "--vars", json.dumps({"as_of_date": as_of}),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"), *extra]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-8000:]


def _differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Per table and view of `left`: rows only in left, rows only in right (as multisets).
    Each file is attached under its own name, which its views (dbt writes them with the
    database name) refer to."""
    con = duckdb.connect()
    l_name, r_name = left.stem, right.stem
    con.execute(f"attach '{left}' as \"{l_name}\" (read_only)")
    con.execute(f"attach '{right}' as \"{r_name}\" (read_only)")
    relations = con.execute(
        f"select schema_name, table_name from duckdb_tables() where database_name = '{l_name}' "
        "and schema_name <> 'test_failures' union all "
        f"select schema_name, view_name from duckdb_views() where database_name = '{l_name}' "
        "and not internal and schema_name <> 'test_failures' order by 1, 2").fetchall()
    assert len(relations) > 40, relations
    found = {}
    for schema, table in relations:
        name = f"{schema}.{table}"
        only_left, only_right = (
            con.execute(f'select count(*) from (select * from "{a}".{name} except all select * from "{b}".{name})')
            .fetchone()[0]
            for a, b in ((l_name, r_name), (r_name, l_name)))
        if only_left or only_right:
            found[name] = (only_left, only_right)
    return found


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    root = os.environ.get("DVZ_INCREMENTAL_WORKDIR")
    workdir = Path(root) if root else tmp_path_factory.mktemp("incremental")
    if workdir.exists():
        shutil.rmtree(workdir)
    landing = workdir / "landing"
    subprocess.run([sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons",
                    str(PERSONS), "--seed", "21", "--as-of", AS_OF, "--format", "parquet", "--adversarial"],
                   cwd=REPO_ROOT, check=True, capture_output=True)
    as_of_db, daily_db, full_db = (workdir / f"{name}.duckdb" for name in ("as_of", "daily", "rebuilt"))
    _dbt_build(workdir, landing, as_of_db, AS_OF)
    appended = append_day(landing, NEXT_DAY)
    shutil.copyfile(as_of_db, daily_db)
    _dbt_build(workdir, landing, daily_db, NEXT_DAY)
    _dbt_build(workdir, landing, full_db, NEXT_DAY, "--full-refresh")
    return dict(as_of=as_of_db, daily=daily_db, rebuilt=full_db, appended=appended)


def test_the_daily_run_equals_a_full_rebuild(warehouses):
    assert _differences(warehouses["daily"], warehouses["rebuilt"]) == {}


def test_the_appended_day_is_in_the_daily_run(warehouses):
    """The day's rows reached the placements, so the equality above is not vacuous."""
    counts = {}
    for label in ("as_of", "daily"):
        with duckdb.connect(str(warehouses[label]), read_only=True) as con:
            counts[label] = dict(con.execute(
                "select source, count(*) from staging.stg_landing__row_placements group by source").fetchall())
    for source, rows in warehouses["appended"].items():
        assert counts["daily"][source] == counts["as_of"][source] + rows, source
    with duckdb.connect(str(warehouses["daily"]), read_only=True) as con:
        places = dict(con.execute(
            "select business_key, list(coalesce(reason_code, place) order by source_row_number) "
            "from staging.stg_pod_mi__reimbursement_versions "
            "where business_key in ('BAD-D0701', 'DUP-D0701', 'CONFLICT-D0701', 'LATER-D0701') "
            "group by business_key").fetchall())
    assert places == {"BAD-D0701": ["INVALID_INSZ"], "DUP-D0701": ["STAGED", "SUPERSEDED"],
                      "CONFLICT-D0701": ["CONFLICTING_VERSIONS", "CONFLICTING_VERSIONS"],
                      "LATER-D0701": ["NOT_YET_EFFECTIVE"]}


def test_the_comparison_sees_a_changed_day(warehouses):
    """The comparison can fail: the warehouse of the day before differs from the rebuild."""
    differences = _differences(warehouses["as_of"], warehouses["rebuilt"])
    assert "staging.stg_landing__row_placements" in differences
    assert "marts.fct_person_benefit_durations" in differences
