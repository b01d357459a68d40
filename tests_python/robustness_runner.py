"""Many small dbt builds, fast: the build machinery of the robustness suite
(`test_robustness.py`).

A `dbt build` started from the command line spends 10-15 s importing dbt and parsing the
project before its first node; on a landing set of ~100 persons the build itself takes
~6 s. So each worker process here parses the project once per landing format
(`dbtRunner().invoke(["parse"])`) and runs every build it is given with that manifest
(`dbtRunner(manifest=...)`), one after the other. What dbt fixes at parse time stays
fixed in a worker, and the jobs are arranged around it:
- the landing folder and format: the sources' `external_location` renders
  `DVZ_LANDING_DIR` and `landing_format` when parsed. A worker reads from one landing
  folder of its own and copies each job's files into it before the build;
- the database name: a relation's database is the DuckDB file's stem, so every warehouse
  is called `warehouse.duckdb`, in the job's own folder.
The rest is read per build: `as_of_date` and the other vars, `DVZ_DUCKDB_PATH`,
`DVZ_EXPORT_DIR`, a job's own environment variables (`env`, e.g.
`DVZ_LAST_GOOD_DUCKDB_PATH`), the target and log paths (`<job>/target`, `<job>/logs`).

dbt-duckdb keeps its DuckDB connection open after an in-process invocation (a class-level
environment); the worker closes it after each job so the file can be read by others.

    with WorkerPool(base, workers=2) as pool:
        outcomes = pool.run([job(...), ...])   # {job name: outcome}, as often as needed
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from landing_contract import SOURCES  # noqa: E402  (the landing files, CONTRACT.md §2)

PERSON_KEY_SALT = "robustness-salt"

# Seeds, models, the singular tests (the exclusion rules of RULES.md §3, §6, §7 among
# them) and THE reconciliation test. The generic tests and unit tests run once, in the
# end-to-end test; here they would triple the time of each of the many builds.
BUILD_SELECTION = (
    "resource_type:seed",
    "resource_type:model",
    "test_type:singular",
    "landing_reconciliation_balances",
)


def job(name: str, landing: Path, workdir: Path, dbt_vars: dict, *, landing_format: str = "parquet",
        select: tuple[str, ...] = BUILD_SELECTION, fresh: bool = True, export_dir: Path | None = None,
        env: dict[str, str] | None = None, extra_args: tuple[str, ...] = ()) -> dict:
    """One build: copy the landing files of `landing` (those of `landing_format` that exist)
    into the worker's landing folder and run `dbt build --select <select> <extra_args>` into
    `workdir/warehouse.duckdb` (a new file unless `fresh` is false), writing the DVZ export
    to `export_dir` (default `workdir/export`), with the environment variables `env` set
    for this build only."""
    return dict(name=name, landing=str(landing), workdir=str(workdir), vars=dbt_vars,
                landing_format=landing_format, select=list(select), fresh=fresh,
                export_dir=str(export_dir or Path(workdir) / "export"), env=dict(env or {}),
                extra_args=list(extra_args))


# ------------------------------------------------------------------ parent side


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT), DBT_TARGET="dev", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1", DVZ_PERSON_KEY_SALT=PERSON_KEY_SALT, PWD=str(REPO_ROOT),
    )
    env.setdefault("DVZ_DUCKDB_MEMORY_LIMIT", "1GB")
    env.update(extra)
    return env


class WorkerPool:
    """`workers` worker processes that live as long as the pool, so each parses the project
    once per landing format however many batches of jobs it runs. Jobs go to whichever
    worker is free, except the CSV jobs, which all go to the first worker (one CSV parse).

        with WorkerPool(base, workers=2) as pool:
            outcomes = pool.run(jobs)   # {job name: dict(ok, seconds, text, failed)}
    """

    def __init__(self, base: Path, workers: int = 2, timeout: float = 900):
        self.base, self.timeout = base, timeout
        base.mkdir(parents=True, exist_ok=True)
        self.workers = []
        for number in range(max(1, workers)):
            log = (base / f"worker{number}.log").open("a", encoding="utf-8")
            process = subprocess.Popen(
                [sys.executable, __file__, str(base / f"worker{number}")], cwd=REPO_ROOT, env=worker_env(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
            self.workers.append((process, log))

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for process, log in self.workers:
            if process.poll() is None:
                process.stdin.close()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()

    def run(self, jobs: list[dict]) -> dict[str, dict]:
        shared = queue.Queue()
        own: list[queue.Queue] = [queue.Queue() for _ in self.workers]
        for item in jobs:
            (own[0] if item["landing_format"] == "csv" else shared).put(item)
        outcomes: dict[str, dict] = {}
        deadline = time.monotonic() + self.timeout

        def serve(number: int) -> None:
            process, log = self.workers[number]
            while time.monotonic() < deadline:
                try:
                    item = own[number].get_nowait()
                except queue.Empty:
                    try:
                        item = shared.get_nowait()
                    except queue.Empty:
                        return
                line = ""
                if process.poll() is None:
                    process.stdin.write(json.dumps(item) + "\n")
                    process.stdin.flush()
                    line = process.stdout.readline()
                if line:
                    outcomes[item["name"]] = json.loads(line)
                else:
                    log.flush()
                    outcomes[item["name"]] = dict(
                        name=item["name"], ok=False, seconds=None, failed=[],
                        text=f"worker {number} died (exit {process.poll()}); see {log.name}")

        threads = [threading.Thread(target=serve, args=(n,), daemon=True) for n in range(len(self.workers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))
        for item in jobs:
            outcomes.setdefault(item["name"], dict(name=item["name"], ok=False, seconds=None, failed=[],
                                                   text="not run: the pool timed out"))
        return outcomes


# ------------------------------------------------------------------ worker side


class _Worker:
    def __init__(self, folder: Path):
        self.folder = folder
        self.manifests: dict[str, object] = {}
        self.parse_seconds: dict[str, float] = {}

    def landing_dir(self, landing_format: str) -> Path:
        return self.folder / f"landing_{landing_format}"

    def manifest(self, landing_format: str):
        from dbt.cli.main import dbtRunner

        if landing_format not in self.manifests:
            started = time.perf_counter()
            parse_dir = self.folder / f"parse_{landing_format}"
            parse_dir.mkdir(parents=True, exist_ok=True)
            self.landing_dir(landing_format).mkdir(parents=True, exist_ok=True)
            os.environ.update(DVZ_LANDING_DIR=str(self.landing_dir(landing_format)),
                              DVZ_DUCKDB_PATH=str(parse_dir / "warehouse.duckdb"))
            result = dbtRunner().invoke([
                "parse", "--quiet", "--no-use-colors", "--vars", json.dumps({"landing_format": landing_format}),
                "--target-path", str(parse_dir / "target"), "--log-path", str(parse_dir / "logs")])
            if not result.success:
                raise RuntimeError(f"dbt parse failed: {result.exception}")
            self.manifests[landing_format] = result.result
            self.parse_seconds[landing_format] = round(time.perf_counter() - started, 2)
        return self.manifests[landing_format]

    def run(self, item: dict) -> dict:
        from dbt.cli.main import dbtRunner

        landing_format = item["landing_format"]
        manifest = self.manifest(landing_format)
        landing = self.landing_dir(landing_format)
        for stale in landing.iterdir():
            stale.unlink()
        for source in SOURCES:
            source_file = Path(item["landing"]) / f"{source}.{landing_format}"
            if source_file.exists():
                shutil.copyfile(source_file, landing / source_file.name)
        workdir = Path(item["workdir"])
        workdir.mkdir(parents=True, exist_ok=True)
        if item["fresh"]:
            for leftover in ("warehouse.duckdb", "warehouse.duckdb.wal"):
                (workdir / leftover).unlink(missing_ok=True)
        os.environ.update(DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
                          DVZ_EXPORT_DIR=item["export_dir"])
        job_env = item.get("env") or {}
        saved_env = {key: os.environ.get(key) for key in job_env}
        os.environ.update(job_env)
        Path(item["export_dir"]).mkdir(parents=True, exist_ok=True)
        messages: list[str] = []

        def keep(event) -> None:
            if event.info.level in ("warn", "error"):
                messages.append(event.info.msg)

        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = dbtRunner(manifest=manifest, callbacks=[keep]).invoke([
                "build", "--select", *item["select"], "--indirect-selection", "empty", "--quiet", "--no-use-colors",
                "--vars", json.dumps({**item["vars"], "landing_format": landing_format}),
                *item.get("extra_args", []),
                "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")])
        finally:
            _close_dbt_duckdb()
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        failed = []
        if result.result is not None and hasattr(result.result, "results"):
            for node in result.result.results:
                status = str(node.status)
                if status not in ("success", "pass"):
                    failed.append(f"{status}: {node.node.unique_id}: {node.message}")
                    messages.append(str(node.message))
        if result.exception is not None:
            messages.append(str(result.exception))
        return dict(name=item["name"], ok=bool(result.success) and not failed, seconds=round(seconds, 2),
                    cpu_seconds=round(cpu_seconds, 2), failed=failed, text="\n".join(m for m in messages if m))


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps the database open in a class attribute between in-process
    invocations; close it so the file is released."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            try:
                manager._ENV.close()
            finally:
                manager._ENV = None


def _worker_main(folder: str) -> None:
    """Read one job per line on stdin, answer one outcome per line; everything else the
    process prints (dbt's own output) goes to stderr, the worker's log."""
    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.chdir(REPO_ROOT)
    worker = _Worker(Path(folder))
    for line in sys.stdin:
        item = json.loads(line)
        try:
            outcome = worker.run(item)
        except Exception as error:  # noqa: BLE001 - reported as the job's failure
            outcome = dict(name=item["name"], ok=False, seconds=None, failed=[], text=f"runner error: {error!r}")
        print(f"{outcome['name']}: ok={outcome['ok']} {outcome['seconds']}s ({outcome.get('cpu_seconds')}s CPU)",
              flush=True)
        answers.write(json.dumps(outcome) + "\n")
    print(f"parse seconds: {worker.parse_seconds}; CPU seconds in all: {time.process_time():.1f}", flush=True)


if __name__ == "__main__":
    _worker_main(sys.argv[1])
