"""Compile a snippet of the project's SQL (a macro call) with dbt, without a database
round trip, so Python tests can run the project's own SQL on their own data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def dbt_env(**extra: str) -> dict[str, str]:
    """The environment a test's dbt subprocess runs with."""
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
        DBT_TARGET="lint",
    )
    env.update(extra)
    if "DVZ_EXPORT_DIR" not in extra and "DVZ_DUCKDB_PATH" in extra:
        # A build writes the DVZ batch files (dvz_transfer_batch): beside the test's own
        # warehouse, never into the repository's exports/ folder.
        export_dir = Path(extra["DVZ_DUCKDB_PATH"]).parent / "exports"
        export_dir.mkdir(parents=True, exist_ok=True)
        env["DVZ_EXPORT_DIR"] = str(export_dir)
    return env


def compile_inline(sql: str, dbt_vars: dict | None = None) -> str:
    """Return the SQL dbt compiles `sql` (Jinja allowed) into, on the in-memory lint target."""
    command = [
        str(Path(sys.executable).with_name("dbt")), "--quiet", "--no-use-colors", "compile",
        "--inline", sql, "--vars", json.dumps(dbt_vars or {}),
    ]
    result = subprocess.run(command, cwd=REPO_ROOT, env=dbt_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"dbt compile failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


PROJECT_PARTS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "docs/blocks", "plugins"]


def copy_project(target: Path, extra: tuple[str, ...] = ()) -> Path:
    """A copy of the dbt project (PROJECT_PARTS and `extra` files or folders) in `target`,
    for tests that add a file and parse or build the copy."""
    import shutil  # noqa: PLC0415 - only the copying tests need it

    for name in [*PROJECT_PARTS, *extra]:
        source, copy = REPO_ROOT / name, target / name
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target
