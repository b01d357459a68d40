"""The shared build of the test suite: one generated adversarial landing set and one full
`dbt build` on it (seeds, models, every data test and unit test), built once per pytest
session and read by several test modules (end to end, privacy and export). Registered as
fixtures in conftest.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dbt_compile import REPO_ROOT, dbt_env

AS_OF = "2025-06-30"
PERSONS = 1500


def _dbt(args: list[str], workdir: Path, landing: Path, **env: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", *args,
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    return subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True,
        env=dbt_env(DBT_TARGET="dev", DVZ_LANDING_DIR=str(landing),
                    DVZ_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
                    DVZ_PERSON_KEY_SALT="end-to-end-salt", **env),
    )


@pytest.fixture(scope="session")
def adversarial_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("adversarial_landing")
    subprocess.run(
        [sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons", str(PERSONS),
         "--seed", "7", "--as-of", AS_OF, "--format", "both", "--adversarial"],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )
    return landing


@pytest.fixture(scope="session")
def parquet_build(adversarial_landing, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("build_parquet")
    result = _dbt(["build", "--vars", json.dumps({"as_of_date": AS_OF})], workdir, adversarial_landing)
    assert result.returncode == 0, result.stdout[-6000:]
    return workdir / "warehouse.duckdb"
