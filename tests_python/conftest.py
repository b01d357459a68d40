"""Shared pytest configuration for tests_python (kept minimal and generic).

scripts/test.sh runs the suite on two pytest-xdist workers: each module goes to one worker
as a whole, the groups below keep together the modules that share an expensive session
fixture, and every dbt call that names no target or log path writes into its worker's own
folders.
"""

import atexit
import os
import shutil
import tempfile

import pytest

from build_fixtures import adversarial_landing, parquet_build  # noqa: F401  (session fixtures)
from engine_fixtures import (  # noqa: F401  (session fixtures)
    cross_engine_builds, cross_engine_landing, cross_engine_ledger, spark_batch,
)

# Modules that share a session fixture, and the worker group they run in together:
# the engine modules share one Spark batch (spark_batch collects every module's Spark
# builds) and the cross-engine builds; end to end and privacy share the Parquet build.
SHARED_FIXTURE_GROUPS = {
    "test_engines_cross.py": "engines",
    "test_engines_postgres.py": "engines",
    "test_engines_scenarios.py": "engines",
    "test_engines_spark.py": "engines",
    "test_end_to_end.py": "parquet_build",
    "test_privacy_and_export.py": "parquet_build",
}

# The session fixtures behind those groups: a module that uses one (or hands Spark builds
# to spark_batch through `spark_jobs`) must be in its group, or both workers build it.
FIXTURE_GROUPS = {
    "spark_batch": "engines",
    "cross_engine_builds": "engines",
    "cross_engine_landing": "engines",
    "cross_engine_ledger": "engines",
    "parquet_build": "parquet_build",
    "adversarial_landing": "parquet_build",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scenario_unit: fast checks of the scenario runner and files (no dbt)"
    )
    config.addinivalue_line(
        "markers", "scenario_e2e: scenario runs end to end through dbt build (slow)"
    )
    # A dbt call without --target-path / --log-path (dbt_compile.compile_inline) would
    # write the repository's target/ and logs/, and two workers would write the same
    # partial-parse file at once: each process gets its own (explicit flags still win).
    scratch = tempfile.mkdtemp(prefix=f"dvz-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
    atexit.register(shutil.rmtree, scratch, True)
    os.environ.setdefault("DBT_TARGET_PATH", os.path.join(scratch, "target"))
    os.environ.setdefault("DBT_LOG_PATH", os.path.join(scratch, "logs"))


def pytest_xdist_make_scheduler(config, log):
    """Whole groups to a worker, like `--dist loadfile` but with the shared groups above.
    (xdist's own `--dist loadgroup` renames node ids, which pytest 9 no longer allows.)"""
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
            return SHARED_FIXTURE_GROUPS.get(module, module)

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Stop at collection when a module shares a session fixture outside its group."""
    misplaced = set()
    for item in items:
        module = item.path.name
        groups = {FIXTURE_GROUPS[name] for name in getattr(item, "fixturenames", ()) if name in FIXTURE_GROUPS}
        if hasattr(getattr(item, "module", None), "spark_jobs"):
            groups.add("engines")
        misplaced |= {(module, group) for group in groups if SHARED_FIXTURE_GROUPS.get(module) != group}
    if misplaced:
        raise pytest.UsageError(
            "tests_python/conftest.py: add to SHARED_FIXTURE_GROUPS "
            + ", ".join(f"{module!r}: {group!r}" for module, group in sorted(misplaced)))
