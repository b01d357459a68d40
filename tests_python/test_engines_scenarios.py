"""The scenario suite (tests/scenarios/*.yml) on the other engines: the same groups of
scenarios, the same landing CSVs, the same `dbt build` selection and vars as
`test_scenarios.py` runs on DuckDB, on PostgreSQL (target `postgres`, landing files
loaded by scripts/load_landing_postgres.py) and on a local Spark (target `spark`, files
read in place), each compared with the same hand-derived expectations.

    DVZ_SCENARIO_ENGINES=postgres pytest tests_python/test_engines_scenarios.py
    DVZ_SCENARIO_ENGINES=postgres,spark DVZ_SCENARIO_FILTER=a05 pytest ...

DVZ_SCENARIO_ENGINES lists the engines (default `postgres,spark`; `duckdb` is
test_scenarios.py's). On PostgreSQL two worker processes build the groups
(engine_worker.py: one parse each); on Spark the groups join the session's other Spark
builds (engine_fixtures.spark_batch). An engine that cannot run here is skipped, unless it is listed in
DVZ_REQUIRE_ENGINES (CI), where that fails. DVZ_SCENARIO_WORKERS and
DVZ_SCENARIO_FILTER work as for the DuckDB suite.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engines  # noqa: E402
import scenario_compare as compare  # noqa: E402
import scenario_dbt as dbt_runner  # noqa: E402
import scenario_files as files  # noqa: E402
import scenario_model as model  # noqa: E402

SUITE = files.load_suite()
SELECTED = files.selected_file_names(SUITE)
ENGINES = [name.strip() for name in os.environ.get("DVZ_SCENARIO_ENGINES", "postgres,spark").split(",")
           if name.strip() and name.strip() != "duckdb"]


_SPARK = {}


def spark_jobs(request, base):
    """On Spark the groups run with the session's other Spark builds (spark_batch)."""
    if "spark" not in ENGINES:
        return []
    builder = dbt_runner.GroupBuilder(SUITE, base / "scenarios_spark", engine="spark")
    jobs, finish = dbt_runner.engine_group_jobs(builder.pending_groups(
        [name for name in SELECTED if name not in SUITE.errors]), "spark")
    _SPARK.update(builder=builder, finish=finish)
    return jobs


@pytest.fixture(scope="module", params=ENGINES)
def engine_builds(request, tmp_path_factory):
    """Every vars group of the selected scenarios built once on the engine."""
    engine = request.param
    engines.skip_or_fail_without(engine)
    if engine == "spark":
        outcomes = request.getfixturevalue("spark_batch")
        builder = _SPARK["builder"]
        builder.results.update(_SPARK["finish"](outcomes))
        return builder
    builder = dbt_runner.GroupBuilder(SUITE, tmp_path_factory.mktemp(f"scenarios_{engine}"), engine=engine)
    started = time.monotonic()
    builder.build([name for name in SELECTED if name not in SUITE.errors])
    print(f"\n{engine}: {len(builder.results)} scenario group(s) built in {time.monotonic() - started:.0f} s")
    return builder


@pytest.mark.scenario_e2e
@pytest.mark.parametrize("scenario_file", SELECTED)
def test_scenario_on_engine(engine_builds, scenario_file):
    try:
        scenario = SUITE.get(scenario_file)
    except model.ScenarioFormatError as exc:
        pytest.fail(str(exc), pytrace=False)
    report = compare.compare_scenario(scenario, engine_builds.result_for(scenario))
    if report:
        pytest.fail(f"[{engine_builds.engine}] {report}", pytrace=False)


def test_engine_list_is_known():
    unknown = [name for name in ENGINES if name not in engines.ENGINES]
    assert not unknown, f"DVZ_SCENARIO_ENGINES names unknown engine(s) {unknown}; known: {engines.ENGINES}"
