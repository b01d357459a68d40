"""Shared pytest configuration for tests_python (kept minimal and generic)."""

from build_fixtures import adversarial_landing, parquet_build  # noqa: F401  (session fixtures)
from engine_fixtures import cross_engine_builds, cross_engine_landing, spark_batch  # noqa: F401  (session fixtures)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scenario_unit: fast checks of the scenario runner and files (no dbt)"
    )
    config.addinivalue_line(
        "markers", "scenario_e2e: scenario runs end to end through dbt build (slow)"
    )
