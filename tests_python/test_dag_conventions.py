"""The DAG check (issue 17): `dbt-score lint` with the project's rules (dbt_score_rules/)
and configuration (pyproject.toml) blocks scripts/test.sh; here, that it can fail:

- on the project as it is, it passes (the same run as scripts/test.sh);
- a copy of the project with an intermediate model reading a mart fails, naming the rule;
- without the argued exceptions of pyproject.toml, the project fails on the rules they
  excuse, so every exception listed there is in use.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from dbt_compile import REPO_ROOT, copy_project, dbt_env

BIN = Path(sys.executable).parent


def _copy_project(target: Path) -> Path:
    return copy_project(target, extra=("pyproject.toml", "dbt_score_rules"))


def _parse(project: Path) -> Path:
    result = subprocess.run([str(BIN / "dbt"), "--quiet", "parse", "--target-path", "target"], cwd=project,
                            env=dbt_env(DBT_PROFILES_DIR=str(project)), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return project / "target" / "manifest.json"


def _lint(manifest: Path, cwd: Path) -> subprocess.CompletedProcess:
    """`dbt-score lint` as scripts/test.sh runs it, its output without terminal colours."""
    result = subprocess.run([str(BIN / "dbt-score"), "lint", "--manifest", str(manifest), "--show", "failing-items"],
                            cwd=cwd, env=dbt_env(), capture_output=True, text=True)
    result.stdout = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    return result


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> Path:
    return _parse(_copy_project(tmp_path_factory.mktemp("dag_project")))


def test_the_project_meets_its_conventions(manifest):
    result = _lint(manifest, manifest.parent.parent)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Project score: 10.0" in result.stdout


def test_an_intermediate_model_reading_a_mart_fails(tmp_path):
    project = _copy_project(tmp_path / "project")
    (project / "models" / "intermediate" / "int_probe_reads_a_mart.sql").write_text(
        "select person_key from {{ ref('fct_person_transfer_status') }}\n")
    result = _lint(_parse(project), project)
    assert result.returncode == 1, result.stdout[-4000:]
    assert "published_models_are_read_only_by_published_models" in result.stdout
    assert "int_probe_reads_a_mart" in result.stdout


def test_every_argued_exception_is_needed(manifest, tmp_path):
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["dbt-score"]
    excused = {(rule.rsplit(".", 1)[1], name) for rule, settings in config["rules"].items()
               for name in settings.get("exceptions", {})}
    assert excused
    shutil.copytree(REPO_ROOT / "dbt_score_rules", tmp_path / "dbt_score_rules",
                    ignore=shutil.ignore_patterns("__pycache__"))
    without = (REPO_ROOT / "pyproject.toml").read_text().split("\n[tool.dbt-score.rules.")[0]
    (tmp_path / "pyproject.toml").write_text(without + "\n")
    result = _lint(manifest, tmp_path)
    assert result.returncode == 1
    failing, model = set(), None
    for line in result.stdout.splitlines():
        if "Model: " in line:
            model = line.split("Model: ", 1)[1].split()[0]
        elif "dbt_score_rules.conventions." in line:
            failing.add((line.split("dbt_score_rules.conventions.", 1)[1].split(":")[0], model))
    assert excused <= failing, sorted(excused - failing)
