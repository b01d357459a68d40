"""Shared pytest configuration for tests_python (kept minimal and generic)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scenario_unit: fast checks of the scenario runner and files (no dbt)"
    )
    config.addinivalue_line(
        "markers", "scenario_e2e: scenario runs end to end through dbt build (slow)"
    )
