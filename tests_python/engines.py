"""Running the project on each engine from a test: DuckDB (target `dev`), PostgreSQL
(target `postgres`) and a local Spark (target `spark`, session method). README "Other
engines" and ADR 0011 say how each engine reads the landing files; this module only
drives them:

- `engine_problem(engine)`: why an engine cannot run here (None when it can). A test
  skips on it, or fails when the engine is listed in DVZ_REQUIRE_ENGINES (CI sets
  `postgres,spark`, so a missing engine never passes as a skip there).
- `EngineBuild`: one isolated build of the project on one engine under a work folder:
  its own DuckDB file, its own PostgreSQL database (created and dropped here) or its own
  Spark folder (metastore and table files, in-memory catalog). `prepare()` attaches the
  landing files where the engine needs a step for it (PostgreSQL's load script), `dbt()`
  runs dbt, `rows()` reads a built table.

The person_key salt goes where each engine's session reads it (ADR 0009): DVZ_PERSON_KEY_SALT
for DuckDB's plugin and Spark's driver JVM, PGOPTIONS (scripts/engines/pg_options.py) for
PostgreSQL.

Spark tables are read from the Parquet files Spark wrote under the work folder (with
DuckDB): the session's in-memory catalog ends with the dbt process, the files stay.

Connection settings for PostgreSQL come from the `postgres` target's environment
variables (DVZ_PG_HOST, DVZ_PG_PORT, DVZ_PG_USER, DVZ_PG_PASSWORD, DVZ_PG_DATABASE, the
last one naming the database that new test databases are created from);
scripts/engines/postgres_setup.sh prepares a local cluster with them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts" / "engines"))

import pg_options  # noqa: E402 - scripts/engines/pg_options.py
ENGINES = ("duckdb", "postgres", "spark")
TARGETS = {"duckdb": "dev", "postgres": "postgres", "spark": "spark"}


# ------------------------------------------------------------------ availability


def required_engines() -> set[str]:
    """Engines that must run (DVZ_REQUIRE_ENGINES, comma separated, or `all`)."""
    raw = os.environ.get("DVZ_REQUIRE_ENGINES", "")
    names = {name.strip().lower() for name in raw.split(",") if name.strip()}
    return set(ENGINES) if "all" in names else names


def pg_settings(database: str | None = None) -> dict[str, Any]:
    return dict(
        host=os.environ.get("DVZ_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("DVZ_PG_PORT", "5432")),
        user=os.environ.get("DVZ_PG_USER", "dvz_builder"),
        password=os.environ.get("DVZ_PG_PASSWORD", ""),
        dbname=database or os.environ.get("DVZ_PG_DATABASE", "dvz_warehouse"),
        connect_timeout=5,
    )


def pg_connect(database: str | None = None, **overrides: Any):
    import psycopg2

    settings = pg_settings(database)
    settings.update(overrides)
    return psycopg2.connect(**settings)


@lru_cache(maxsize=None)
def engine_problem(engine: str) -> str | None:
    """None when the engine can run here, else the reason it cannot."""
    if engine == "duckdb":
        return None
    if engine == "postgres":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return "psycopg2 is not installed (dbt-postgres brings it: pip install -r requirements-dev.txt)"
        if not os.environ.get("DVZ_PG_PASSWORD"):
            return "DVZ_PG_PASSWORD is not set (bash scripts/engines/postgres_setup.sh prepares a local server)"
        try:
            pg_connect().close()
        except Exception as exc:  # noqa: BLE001 - any connection problem means: not here
            return f"cannot connect to PostgreSQL ({pg_settings()['host']}:{pg_settings()['port']}): {exc}".strip()
        return None
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            return "pyspark is not installed (dbt-spark[session] brings it: pip install -r requirements-dev.txt)"
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            return "no Java runtime (Spark needs one: apt-get install default-jre-headless)"
        return None
    return f"unknown engine {engine!r}; known: {', '.join(ENGINES)}"


def skip_or_fail_without(engine: str) -> None:
    """pytest.skip when the engine cannot run here, pytest.fail when it is required."""
    import pytest

    problem = engine_problem(engine)
    if problem is None:
        return
    if engine in required_engines():
        pytest.fail(f"{engine} is required (DVZ_REQUIRE_ENGINES) but cannot run: {problem}", pytrace=False)
    pytest.skip(f"{engine} not available: {problem}")


# ------------------------------------------------------------------ builds


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else (shutil.which("dbt") or "dbt")


_SPARK_JSON_LOG = re.compile(r'^\{"ts": ')


def readable_output(text: str) -> str:
    """dbt's output without pyspark's one-line JSON records of each exception (their
    Java stack traces would bury dbt's own summary)."""
    return "\n".join(line for line in text.splitlines() if not _SPARK_JSON_LOG.match(line))


class EngineBuild:
    """One isolated build of the project on one engine, under `workdir`."""

    def __init__(self, engine: str, workdir: Path, landing_dir: Path, salt: str,
                 landing_format: str = "csv", database: str | None = None):
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}")
        self.engine = engine
        self.workdir = Path(workdir)
        self.landing_dir = Path(landing_dir)
        self.salt = salt
        self.landing_format = landing_format
        self.workdir.mkdir(parents=True, exist_ok=True)
        # PostgreSQL: one database per build (schemas are the plain names of CONTRACT.md
        # §3, so two builds never share one); prepare() creates it unless it is given.
        self.database = database or (new_pg_database_name() if engine == "postgres" else None)
        self.owns_database = database is None

    # ---- environment
    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "warehouse.duckdb"

    @property
    def spark_dir(self) -> Path:
        return self.workdir / "spark"

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DBT_PROFILES_DIR=str(REPO_ROOT),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DO_NOT_TRACK="1",
            DBT_TARGET=TARGETS[self.engine],
            DVZ_LANDING_DIR=str(self.landing_dir),
            DVZ_PERSON_KEY_SALT=self.salt,
            DVZ_EXPORT_DIR=str(self.workdir / "exports"),
        )
        if self.engine == "duckdb":
            env["DVZ_DUCKDB_PATH"] = str(self.duckdb_path)
            env.setdefault("DVZ_DUCKDB_MEMORY_LIMIT", "2GB")
        elif self.engine == "postgres":
            env["DVZ_PG_DATABASE"] = self.database
            # The salt reaches every session through libpq (ADR 0009), as the README says.
            env["PGOPTIONS"] = pg_options.with_salt(self.salt, os.environ.get("PGOPTIONS", ""))
        else:
            env["DVZ_SPARK_DIR"] = str(self.spark_dir)
            env.setdefault("DVZ_SPARK_CATALOG", "in-memory")
        env.update(extra)
        return env

    # ---- steps
    def prepare(self) -> None:
        """Create the engine's empty warehouse and attach the landing files where a
        separate step does it (PostgreSQL). Raises RuntimeError with the step's output."""
        (self.workdir / "exports").mkdir(parents=True, exist_ok=True)
        if self.engine != "postgres":
            return
        if self.owns_database:
            create_pg_database(self.database)
        result = subprocess.run(
            [sys.executable, "scripts/load_landing_postgres.py", "--landing-dir", str(self.landing_dir),
             "--format", self.landing_format],
            cwd=REPO_ROOT, env=self.env(), capture_output=True, text=True, timeout=600,
        )
        (self.workdir / "load_landing.log").write_text(result.stdout + result.stderr, encoding="utf-8")
        if result.returncode != 0:
            raise RuntimeError(f"load_landing_postgres failed:\n{result.stdout}\n{result.stderr}")

    def dbt_command(self, args: Iterable[str]) -> list[str]:
        return [dbt_executable(), "--no-use-colors", *args,
                "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
                "--target-path", str(self.workdir / "target"), "--log-path", str(self.workdir / "logs")]

    def dbt(self, args: Iterable[str], timeout: int = 1800, **extra_env: str) -> subprocess.CompletedProcess:
        command = self.dbt_command(args)
        result = subprocess.run(command, cwd=REPO_ROOT, env=self.env(**extra_env), capture_output=True,
                                text=True, timeout=timeout)
        result.stdout = readable_output(result.stdout or "")
        result.stderr = readable_output(result.stderr or "")
        return result

    def cleanup(self) -> None:
        """Drop the build's PostgreSQL database (the other engines' files stay under the
        work folder, which pytest clears)."""
        if self.engine == "postgres" and self.owns_database:
            drop_pg_database(self.database)

    # ---- reading
    def rows(self, table: str, columns: Iterable[str], where: str | None = None) -> list[tuple]:
        """The rows of a built table (`schema.name`), values normalised across engines
        (dates as ISO text, whole decimals as int)."""
        columns = list(columns)
        select = f"select {', '.join(columns)} from {{relation}}" + (f" where {where}" if where else "")
        if self.engine == "duckdb":
            import duckdb

            with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
                raw = con.execute(select.format(relation=table)).fetchall()
        elif self.engine == "postgres":
            con = pg_connect(self.database)
            try:
                with con.cursor() as cur:
                    cur.execute(select.format(relation=table))
                    raw = cur.fetchall()
            finally:
                con.close()
        else:
            import duckdb

            schema, name = table.split(".")
            files = self.spark_dir / "tables" / f"{schema}.db" / name
            if not files.is_dir():
                raise FileNotFoundError(f"Spark wrote no table {table} under {files}")
            relation = f"read_parquet('{files}/*.parquet')"
            with duckdb.connect() as con:
                raw = con.execute(select.format(relation=relation)).fetchall()
        return [tuple(normalise_value(value) for value in row) for row in raw]


def new_pg_database_name() -> str:
    return f"dvz_test_{uuid.uuid4().hex[:12]}"


def create_pg_database(name: str) -> None:
    con = pg_connect()
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'create database "{name}"')
    finally:
        con.close()


def drop_pg_database(name: str) -> None:
    con = pg_connect()
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'drop database if exists "{name}" with (force)')
    finally:
        con.close()


def normalise_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # text, so that rows read back from a worker's JSON compare equal
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# ------------------------------------------------------------------ batches of builds


def run_worker_jobs(engine: str, jobs: list[dict], base_dir: Path, workers: int = 2,
                    salt: str = "worker-salt", timeout: int = 3600) -> dict[str, dict]:
    """Run many builds on PostgreSQL or Spark in `workers` long-lived processes
    (engine_worker.py: one parse, one Spark session per process). jobs: dicts with name,
    landing, landing_format, workdir, vars, select, read, and optionally env (variables
    for that job) and weight (its relative cost). Returns {job name: outcome}
    (outcome: ok, message, rows {table: [tuple]}, seconds)."""
    base_dir = Path(base_dir)
    workers = max(1, min(workers, len(jobs)))
    # Heaviest first, each to the least loaded worker (a job's optional "weight", default 1).
    shares: list[list[dict]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for job in sorted(jobs, key=lambda j: -j.get("weight", 1)):
        index = loads.index(min(loads))
        shares[index].append(job)
        loads[index] += job.get("weight", 1)
    processes = []
    databases = []
    try:
        for index, share in enumerate(shares):
            worker_dir = base_dir / f"{engine}_worker{index + 1}"
            worker_dir.mkdir(parents=True, exist_ok=True)
            env = EngineBuild(engine, worker_dir, worker_dir / "landing", salt).env()
            if engine == "postgres":
                env["DVZ_PG_DATABASE"] = new_pg_database_name()
                create_pg_database(env["DVZ_PG_DATABASE"])
                databases.append(env["DVZ_PG_DATABASE"])
            spec = worker_dir / "worker.json"
            spec.write_text(json.dumps({"engine": engine, "worker_dir": str(worker_dir), "jobs": share}),
                            encoding="utf-8")
            log = (worker_dir / "worker.log").open("w", encoding="utf-8")
            processes.append((subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("engine_worker.py")), str(spec)],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            ), log, worker_dir))
        deadline = time.monotonic() + timeout
        for process, log, _ in processes:
            try:
                process.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
    finally:
        for name in databases:
            drop_pg_database(name)
    outcomes: dict[str, dict] = {}
    for (process, _, worker_dir), share in zip(processes, shares):
        for job in share:
            path = Path(job["workdir"]) / "result.json"
            if path.exists():
                outcome = json.loads(path.read_text(encoding="utf-8"))
                outcome["rows"] = {table: [tuple(row) for row in rows] for table, rows in outcome["rows"].items()}
            else:
                tail = readable_output((worker_dir / "worker.log").read_text(encoding="utf-8", errors="replace"))
                outcome = {"ok": False, "rows": {}, "message": (
                    f"{engine} worker {worker_dir.name} (exit {process.returncode}) left no result for "
                    f"{job['name']}; tail of {worker_dir / 'worker.log'}:\n" + "\n".join(tail.splitlines()[-40:]))}
            outcomes[job["name"]] = outcome
    return outcomes
