"""The dbt runner of the scenario suite: each group of scenarios sharing the same vars is
landed (scenario_landing.py) in its own work folder and built once with `dbt build` on
DuckDB, several groups in parallel; `GroupBuilder(..., engine="postgres"|"spark")` builds
the same groups on another engine through long-lived worker processes (`engine_worker.py`,
`test_engines_scenarios.py`). The marts are read by scenario_compare.py.

Knobs (environment variables):
- `DVZ_SCENARIO_WORKERS`  how many dbt builds (one per vars group) run in parallel (default 2).
- `DVZ_SCENARIO_DBT_TIMEOUT` seconds before a dbt build is abandoned (default 1800).
(`DVZ_SCENARIO_WORKDIR`, where the work folders go, is read by test_scenarios.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

from scenario_compare import ELIGIBILITY_READ_COLUMNS, STATUS_READ_COLUMNS, read_marts
from scenario_files import Suite
from scenario_landing import write_landing_files
from scenario_model import PERSON_KEY_SALT, REPO_ROOT, GroupResult, Scenario, VarsKey


def dbt_executable() -> list[str]:
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("dbt")
    if found:
        return [found]
    return [sys.executable, "-m", "dbt.cli.main"]


# What a scenario build runs: seeds and models, the singular tests (the exclusion rules
# of RULES.md §7 among them) and the generic tests of the marts. The generic tests of
# staging and intermediate models and the dbt unit tests run once, in the end-to-end
# test on generated data; here they would only multiply the build time by eight.
SCENARIO_SELECTION = (
    "resource_type:seed",
    "resource_type:model",
    "test_type:singular",
    "test_type:generic,path:models/marts",
    "test_type:generic,path:models/reporting",
)


# On Spark every statement costs about a second (planning, a job, Parquet files), so its
# scenario builds run only what the comparison reads - the seeds, the models the two
# marts are built from and the exclusion tests of RULES.md §7; the generic tests run on
# DuckDB and PostgreSQL (ADR 0011).
ENGINE_SCENARIO_SELECTION = {
    "spark": (
        "resource_type:seed",
        "+fct_transfer_eligibility",
        "+fct_person_transfer_status",
        "path:tests/exclusions",
    ),
}


def dbt_command(vars_key: VarsKey, workdir: Path) -> list[str]:
    return dbt_executable() + [
        "build",
        "--select", *SCENARIO_SELECTION,
        "--indirect-selection", "empty",
        "--project-dir", str(REPO_ROOT),
        "--profiles-dir", str(REPO_ROOT),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
        "--no-use-colors",
        "--vars", json.dumps(vars_key.dbt_vars()),
    ]


def dbt_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DVZ_LANDING_DIR=str(workdir / "landing"),
        DVZ_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
        DVZ_PERSON_KEY_SALT=PERSON_KEY_SALT,
        DBT_TARGET="dev",
        DVZ_EXPORT_DIR=str(workdir / "exports"),
    )
    (workdir / "exports").mkdir(parents=True, exist_ok=True)
    env.setdefault("DVZ_DUCKDB_MEMORY_LIMIT", "2GB")
    return env


def _failed_nodes(target: Path) -> list[str]:
    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    lines = []
    for result in results.get("results", []):
        if result.get("status") in ("error", "fail", "runtime error"):
            message = (result.get("message") or "").strip().replace("\n", " ")
            lines.append(f"{result.get('status')}: {result.get('unique_id')}: {message[:400]}")
    return lines


def build_group(vars_key: VarsKey, scenarios: list[Scenario], workdir: Path) -> GroupResult:
    """Land the group's rows, run dbt build, read the two marts into memory."""
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "landing").mkdir(parents=True)
    counts = write_landing_files(workdir / "landing", scenarios)
    command = dbt_command(vars_key, workdir)
    (workdir / "group.json").write_text(
        json.dumps(
            {
                "vars": vars_key.dbt_vars(),
                "scenarios": [s.name for s in scenarios],
                "landing_rows": counts,
                "command": command,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    timeout = int(os.environ.get("DVZ_SCENARIO_DBT_TIMEOUT", "1800"))
    try:
        completed = subprocess.run(
            command, cwd=REPO_ROOT, env=dbt_env(workdir), capture_output=True,
            text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        return GroupResult(vars_key, workdir, False, f"dbt build timed out after {timeout}s: {exc}")
    output = (completed.stdout or "") + (completed.stderr or "")
    (workdir / "dbt_build.log").write_text(output, encoding="utf-8")
    if completed.returncode != 0:
        tail = "\n".join(output.splitlines()[-60:])
        failed = _failed_nodes(workdir / "target")
        message = (
            f"dbt build failed (exit {completed.returncode}) for the group {vars_key.label()}\n"
            f"scenarios of the group: {', '.join(s.name for s in scenarios)}\n"
            f"workdir: {workdir}\ncommand: {' '.join(command)}\n"
        )
        if failed:
            message += "failed nodes:\n  " + "\n  ".join(failed[:30]) + "\n"
        message += "--- tail of the dbt log ---\n" + tail
        return GroupResult(vars_key, workdir, False, message)
    result = GroupResult(vars_key, workdir, True)
    read_marts(result)
    return result


def engine_group_jobs(groups: dict[VarsKey, tuple[list[Scenario], Path]], engine: str):
    """Worker jobs (engines.run_worker_jobs) building the groups on PostgreSQL or Spark:
    the same landing CSVs, vars and comparison as on DuckDB. Returns the jobs and a
    function turning their outcomes into {VarsKey: GroupResult}."""
    eligibility_columns, status_columns = ELIGIBILITY_READ_COLUMNS, STATUS_READ_COLUMNS
    selection = list(ENGINE_SCENARIO_SELECTION.get(engine, SCENARIO_SELECTION))
    jobs, keys = [], {}
    for key, (scenarios, workdir) in groups.items():
        if workdir.exists():
            shutil.rmtree(workdir)
        (workdir / "landing").mkdir(parents=True)
        counts = write_landing_files(workdir / "landing", scenarios)
        name = f"scenarios_{workdir.name}"
        keys[name] = key
        jobs.append(dict(name=name, landing=str(workdir / "landing"), landing_format="csv", workdir=str(workdir),
                         vars=key.dbt_vars(), select=selection, env={"DVZ_PERSON_KEY_SALT": PERSON_KEY_SALT},
                         read={"marts.fct_transfer_eligibility": list(eligibility_columns),
                               "marts.fct_person_transfer_status": list(status_columns)}))
        (workdir / "group.json").write_text(json.dumps(
            {"engine": engine, "vars": key.dbt_vars(), "scenarios": [s.name for s in scenarios],
             "landing_rows": counts, "select": selection}, indent=2), encoding="utf-8")

    def finish(outcomes: dict[str, dict]) -> dict[VarsKey, GroupResult]:
        results = {}
        for name, key in keys.items():
            outcome = outcomes[name]
            scenarios, workdir = groups[key]
            if not outcome["ok"]:
                results[key] = GroupResult(key, workdir, False, (
                    f"{engine}: group {key.label()}\nscenarios of the group: "
                    f"{', '.join(s.name for s in scenarios)}\nworkdir: {workdir}\n{outcome['message']}"))
                continue
            result = GroupResult(key, workdir, True)
            result.eligibility = [dict(zip(eligibility_columns, row))
                                  for row in outcome["rows"]["marts.fct_transfer_eligibility"]]
            result.person_status = [dict(zip(status_columns, row))
                                    for row in outcome["rows"]["marts.fct_person_transfer_status"]]
            results[key] = result
        return results

    return jobs, finish


def build_groups_on_engine(groups: dict[VarsKey, tuple[list[Scenario], Path]], engine: str,
                           workers: int) -> dict[VarsKey, GroupResult]:
    """The groups on PostgreSQL or Spark, built by long-lived worker processes
    (engines.run_worker_jobs: one parse and one Spark session per worker)."""
    from engines import run_worker_jobs

    jobs, finish = engine_group_jobs(groups, engine)
    base = next(iter(groups.values()))[1].parent
    return finish(run_worker_jobs(engine, jobs, base, workers=workers, salt=PERSON_KEY_SALT,
                                  timeout=int(os.environ.get("DVZ_SCENARIO_DBT_TIMEOUT", "3600"))))


class GroupBuilder:
    """Builds each vars group once per session (lazily, several in parallel)."""

    def __init__(self, suite: Suite, base_dir: Path, workers: int | None = None, engine: str = "duckdb"):
        self.suite = suite
        self.base_dir = base_dir
        self.workers = workers or int(os.environ.get("DVZ_SCENARIO_WORKERS", "2"))
        self.engine = engine
        self.results: dict[VarsKey, GroupResult] = {}
        self._index: dict[VarsKey, int] = {}

    def _workdir(self, key: VarsKey) -> Path:
        if key not in self._index:
            self._index[key] = len(self._index) + 1
        flows = "-".join(key.enabled_deferred_flows) or "none"
        label = f"g{self._index[key]:02d}_{key.as_of_date or 'today'}_{key.counting_mode or 'catalogue'}_{flows}"
        return self.base_dir / label

    def build(self, file_names: Iterable[str]) -> None:
        groups = self.suite.groups(file_names)
        todo = {k: v for k, v in groups.items() if k not in self.results}
        if not todo:
            return
        # The group members are the whole suite's scenarios with those vars, so a
        # group's landing set does not depend on the filter.
        all_groups = self.suite.groups()
        jobs = {k: (all_groups[k], self._workdir(k)) for k in sorted(todo, key=lambda k: k.label())}
        if self.engine != "duckdb":
            self.results.update(build_groups_on_engine(jobs, self.engine, self.workers))
            return
        self._build_on_duckdb(jobs)

    def pending_groups(self, file_names: Iterable[str]) -> dict[VarsKey, tuple[list[Scenario], Path]]:
        """The groups `build` would build for these files, with their members and work
        folders, for a caller that builds them itself (then sets `results`)."""
        all_groups = self.suite.groups()
        return {k: (all_groups[k], self._workdir(k))
                for k in sorted(self.suite.groups(file_names), key=lambda k: k.label()) if k not in self.results}

    def _build_on_duckdb(self, jobs: dict[VarsKey, tuple[list[Scenario], Path]]) -> None:
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            futures = {
                k: pool.submit(build_group, k, members, workdir)
                for k, (members, workdir) in jobs.items()
            }
            for key, future in futures.items():
                try:
                    self.results[key] = future.result()
                except Exception as exc:  # noqa: BLE001
                    self.results[key] = GroupResult(key, jobs[key][1], False, f"runner error: {exc!r}")

    def result_for(self, scenario: Scenario) -> GroupResult:
        if scenario.vars_key not in self.results:
            self.build([scenario.path.name])
        return self.results[scenario.vars_key]
