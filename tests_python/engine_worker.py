"""Many builds on PostgreSQL or Spark in one process: the scenario suite's machinery for
the other engines (test_engines_scenarios.py through scenario_dbt.GroupBuilder).

A `dbt build` from the command line spends 10-15 s importing dbt and parsing the project,
and on Spark another 10-20 s starting the JVM, before its first node. A worker process
here parses once (`dbtRunner().invoke(["parse"])`) and runs its jobs one after the other
with that manifest (`dbtRunner(manifest=...)`) in one Spark session; only the vars, the
target and log paths and the landing rows change between jobs. What dbt fixes at parse
time stays fixed in a worker, so the jobs are arranged around it:
- the landing folder: each job's files are copied into the worker's own folder
  (DVZ_LANDING_DIR) and, on PostgreSQL, loaded into the worker's database;
- the salt: Spark's driver JVM reads DVZ_PERSON_KEY_SALT from the environment it was
  started with (ADR 0009), so every job of a Spark worker must use the worker's salt; a
  PostgreSQL job's salt goes to PGOPTIONS before its connections open;
- the database: a relation's database is fixed at parse, so a PostgreSQL worker builds
  every job into its one database (dbt replaces every relation each build); Spark has
  one warehouse folder per worker (DVZ_SPARK_DIR).
Each job's tables are read right after its build, before the next job replaces them.

    python tests_python/engine_worker.py <worker.json>

worker.json: {"engine", "worker_dir", "jobs": [{"name", "landing", "landing_format",
"workdir", "vars", "select", "env", "read": {table: [columns]}}]} (env: variables set for
that job, e.g. its person_key salt); writes <workdir>/result.json
per job: {"ok", "message", "rows": {table: [[values]]}}. The environment (target, salt,
DVZ_PG_DATABASE, DVZ_SPARK_DIR, DVZ_LANDING_DIR) comes from the parent
(engines.run_worker_jobs).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

import engines  # noqa: E402
import pg_options  # noqa: E402 - scripts/engines, on the path through engines


def _failed_nodes(result) -> list[str]:
    lines = []
    for node_result in getattr(result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower() in ("error", "fail", "runtime error", "runstatus.error", "teststatus.fail"):
            message = (getattr(node_result, "message", "") or "").strip().replace("\n", " ")
            lines.append(f"{status}: {node_result.node.unique_id}: {message[:600]}")
    return lines


def _stage_landing(job: dict, landing_dir: Path) -> None:
    if landing_dir.exists():
        shutil.rmtree(landing_dir)
    landing_dir.mkdir(parents=True)
    for path in Path(job["landing"]).iterdir():
        if path.suffix in (".csv", ".parquet") and not path.name.startswith("_"):
            shutil.copyfile(path, landing_dir / path.name)


def run(spec: dict) -> None:
    from dbt.cli.main import dbtRunner

    engine = spec["engine"]
    worker_dir = Path(spec["worker_dir"])
    landing_dir = Path(os.environ["DVZ_LANDING_DIR"])
    reader = engines.EngineBuild(engine, worker_dir, landing_dir, os.environ["DVZ_PERSON_KEY_SALT"],
                                 database=os.environ.get("DVZ_PG_DATABASE"))
    common = ["--project-dir", str(engines.REPO_ROOT), "--profiles-dir", str(engines.REPO_ROOT), "--no-use-colors"]
    parsed = dbtRunner().invoke(["parse", *common, "--target-path", str(worker_dir / "target"),
                                 "--log-path", str(worker_dir / "logs")])
    if not parsed.success:
        raise RuntimeError(f"dbt parse failed in the {engine} worker: {parsed.exception}")
    manifest = parsed.result
    worker_salt = os.environ["DVZ_PERSON_KEY_SALT"]
    for job in spec["jobs"]:
        workdir = Path(job["workdir"])
        workdir.mkdir(parents=True, exist_ok=True)
        outcome: dict = {"ok": False, "message": "", "rows": {}}
        started = time.monotonic()
        try:
            os.environ.update(job.get("env", {}))
            if engine == "spark" and os.environ["DVZ_PERSON_KEY_SALT"] != worker_salt:
                raise RuntimeError("a Spark worker's jobs must use the worker's salt: the driver JVM reads "
                                   "DVZ_PERSON_KEY_SALT once, when it starts (engines.run_worker_jobs salt)")
            if engine == "postgres":
                os.environ["PGOPTIONS"] = pg_options.with_salt(os.environ["DVZ_PERSON_KEY_SALT"])
            _stage_landing(job, landing_dir)
            # The job's export folder is its delivery ledger (RULES.md §8a): a job may bring
            # ledger files of earlier months in it.
            (workdir / "exports").mkdir(exist_ok=True)
            os.environ["DVZ_EXPORT_DIR"] = str(workdir / "exports")
            if engine == "postgres":
                import load_landing_postgres

                load_landing_postgres.load(str(landing_dir), job["landing_format"], ledger_dir=str(workdir / "exports"))
            result = dbtRunner(manifest=manifest).invoke([
                "build", "--select", *job["select"], "--indirect-selection", "empty",
                "--vars", json.dumps(job["vars"]), *common,
                "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
            ])
            if result.success:
                outcome["ok"] = True
                for table, columns in job.get("read", {}).items():
                    outcome["rows"][table] = [list(row) for row in reader.rows(table, columns)]
            else:
                failed = _failed_nodes(result.result)
                outcome["message"] = (f"dbt build failed on {engine}"
                                      + (f": {result.exception}" if result.exception else "") + "\n"
                                      + ("failed nodes:\n  " + "\n  ".join(failed[:30]) if failed else "")
                                      + f"\nlogs: {workdir / 'logs' / 'dbt.log'}")
        except Exception as exc:  # noqa: BLE001 - reported to the job's scenarios
            outcome["message"] = f"{engine} worker error: {exc}\n{traceback.format_exc()[-3000:]}"
        outcome["seconds"] = round(time.monotonic() - started, 1)
        (workdir / "result.json").write_text(json.dumps(outcome, default=str), encoding="utf-8")


if __name__ == "__main__":
    run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
