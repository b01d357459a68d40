#!/usr/bin/env python3
"""Benchmark harness (a script, not a timed test): wall time, CPU time and peak memory of
the warehouse against two references measured in the same run.

For each size (default 100,000 and 1,000,000 persons, Parquet, multi-year histories):
  floor        DuckDB reading every landing file once (every value of every row hashed)
  parse        `dbt parse --no-partial-parse` alone (dbt's fixed overhead)
  run          `dbt run` (the models) on a fresh database, seeds loaded before
  build        `dbt build` (seeds, models, every data and unit test) on a fresh database
  memory       (opt-in, --steps ... memory) the seeds and models built in an in-memory
               DuckDB (`:memory:`, memory_limit 16GB): the same queries with no warehouse
               file to write, so `run` - `memory` is roughly what writing the tables costs
               (seeds included here, about 1 s; the peak holds every table in memory)
  incremental  (--incremental) after a full build at --as-of, one more day of landing
               rows (recorded on as_of + 1) and `dbt build` with as_of + 1, against a
               `dbt build --full-refresh` of the same input (ADR 0012)
each measured with /usr/bin/time -v, median of --repeat runs (default 3). The machine is
shared, so CPU time (user + system) is recorded beside wall time, and the load average.
Landing files, warehouses, dbt target and logs go under --work-dir; the raw figures go
to <work-dir>/results.json and the table to --report (default docs/BENCHMARKS.md): between
its two `run_benchmarks.py: generated figures` markers when the file has them, so the
analysis written around the figures stays; otherwise the table is the whole file.

    python scripts/benchmark/run_benchmarks.py --work-dir /tmp/bench \\
        [--sizes 100000 1000000] [--repeat 3] [--steps floor parse run build [memory]] [--incremental]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from append_landing_day import append_day  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
from landing_contract import COLUMN_NAMES  # noqa: E402

AS_OF = "2026-06-30"
FLOOR_COLUMNS = {source: list(columns) for source, columns in COLUMN_NAMES.items()}
STEPS = ("floor", "parse", "run", "build")
OPT_IN_STEPS = ("memory",)


def timed(command: list[str], env: dict[str, str], label: str, cwd: Path = REPO) -> dict:
    """Run a command under /usr/bin/time -v (in `cwd`, the project checked out); wall and
    CPU seconds, peak RSS in MB."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{label} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")

    def field(name: str) -> float:
        return float(re.search(rf"{re.escape(name)}: ([0-9.]+)", result.stderr).group(1))

    return {"wall_s": wall, "cpu_s": field("User time (seconds)") + field("System time (seconds)"),
            "peak_rss_mb": field("Maximum resident set size (kbytes)") / 1024,
            "load_avg_1m": (load + os.getloadavg()[0]) / 2}


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def fresh(database: Path) -> None:
    for suffix in ("", ".wal"):
        Path(str(database) + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", type=Path, required=True, help="landing files, warehouses, dbt target/logs")
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "BENCHMARKS.md")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", nargs="+", choices=STEPS + OPT_IN_STEPS, default=list(STEPS))
    parser.add_argument("--incremental", action="store_true", help="also time a daily incremental build")
    args = parser.parse_args()

    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent
    dbt = str(bin_dir / "dbt")
    results: dict[str, dict] = {}
    for persons in args.sizes:
        landing = work / f"landing_{persons}"
        if not (landing / "reimbursements.parquet").exists():
            subprocess.run([sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons", str(persons),
                            "--seed", "42", "--as-of", AS_OF, "--format", "parquet"], cwd=REPO, check=True)
        rows = json.loads((landing / "_generation.json").read_text())
        database = work / f"warehouse_{persons}.duckdb"
        env = dict(os.environ, DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(database),
                   DBT_PROFILES_DIR=str(REPO), DBT_TARGET="dev", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                   DO_NOT_TRACK="1", DVZ_PERSON_KEY_SALT="benchmark-salt",
                   DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"),
                   DVZ_EXPORT_DIR=str(work / "exports"))
        (work / "exports").mkdir(exist_ok=True)
        dbt_vars = json.dumps({"as_of_date": AS_OF})
        floor_queries = [
            f"select count(*), sum(hash({', '.join(cols)})) from read_parquet('{landing / source}.parquet')"
            for source, cols in FLOOR_COLUMNS.items()]
        commands = {
            "floor": [sys.executable, "-c", "import duckdb; con = duckdb.connect(); con.execute('set threads = 2'); "
                      f"[con.execute(q).fetchall() for q in {floor_queries!r}]"],
            "parse": [dbt, "parse", "--no-partial-parse", "--vars", dbt_vars],
            "run": [dbt, "run", "--vars", dbt_vars],
            "build": [dbt, "build", "--vars", dbt_vars],
            "memory": [dbt, "build", "--resource-type", "seed", "--resource-type", "model", "--vars", dbt_vars],
        }
        step_env = {"memory": dict(env, DVZ_DUCKDB_PATH=":memory:", DVZ_DUCKDB_MEMORY_LIMIT="16GB")}
        measured = {}
        for label in args.steps:
            runs = []
            for attempt in range(args.repeat):
                if label in ("run", "build"):
                    fresh(database)
                    if label == "run":  # seeds are not models: load them outside the timing
                        subprocess.run([dbt, "seed", "--vars", dbt_vars], cwd=REPO, env=env, check=True,
                                       capture_output=True)
                runs.append(timed(commands[label], step_env.get(label, env),
                                  f"{label} ({persons} persons, attempt {attempt + 1})"))
                print(f"{persons:>9} {label:<6} attempt {attempt + 1}: {runs[-1]['wall_s']:.1f} s wall, "
                      f"{runs[-1]['cpu_s']:.1f} s cpu, {runs[-1]['peak_rss_mb']:.0f} MB, "
                      f"load {runs[-1]['load_avg_1m']:.1f}", flush=True)
            measured[label] = median_of(runs) | {"runs": runs}
        if args.incremental:
            measured |= measure_incremental(work, persons, landing, env, dbt, args.repeat)
        results[str(persons)] = {"rows": rows.get("row_counts", rows), "measured": measured}
        (work / "results.json").write_text(json.dumps(results, indent=2))

    write_report(results, args)


def measure_incremental(work: Path, persons: int, landing: Path, env: dict, dbt: str, repeat: int) -> dict:
    """Full build at AS_OF, then (each attempt on a copy) one more day of landing rows and
    an incremental build at AS_OF + 1, against a --full-refresh build of the same input."""
    next_day = (dt.date.fromisoformat(AS_OF) + dt.timedelta(days=1)).isoformat()
    day_landing = work / f"landing_{persons}_plus_day"
    if day_landing.exists():
        shutil.rmtree(day_landing)
    shutil.copytree(landing, day_landing)
    base_db = work / f"warehouse_{persons}_as_of.duckdb"
    fresh(base_db)
    base_env = dict(env, DVZ_DUCKDB_PATH=str(base_db))
    subprocess.run([dbt, "build", "--vars", json.dumps({"as_of_date": AS_OF})], cwd=REPO, env=base_env,
                   check=True, capture_output=True)
    appended = append_day(day_landing, next_day)
    print(f"{persons:>9} appended rows recorded on {next_day}: {appended}", flush=True)
    day_vars = json.dumps({"as_of_date": next_day})
    measured = {}
    for label, extra in (("incremental", []), ("full_refresh", ["--full-refresh"])):
        runs = []
        for attempt in range(repeat):
            database = work / f"warehouse_{persons}_{label}.duckdb"
            fresh(database)
            shutil.copyfile(base_db, database)
            run_env = dict(env, DVZ_LANDING_DIR=str(day_landing), DVZ_DUCKDB_PATH=str(database))
            runs.append(timed([dbt, "build", "--vars", day_vars, *extra], run_env, f"{label} build"))
            print(f"{persons:>9} {label:<12} attempt {attempt + 1}: {runs[-1]['wall_s']:.1f} s wall, "
                  f"{runs[-1]['cpu_s']:.1f} s cpu, {runs[-1]['peak_rss_mb']:.0f} MB", flush=True)
        measured[label] = median_of(runs) | {"runs": runs, "appended_rows": appended}
    return measured


def write_report(results: dict, args) -> None:
    command = (f"python scripts/benchmark/run_benchmarks.py --work-dir <dir> --sizes "
               f"{' '.join(map(str, args.sizes))} --repeat {args.repeat}"
               + (f" --steps {' '.join(args.steps)}" if args.steps != list(STEPS) else "")
               + (" --incremental" if args.incremental else ""))
    lines = [
        "## Latest figures (written by the harness)", "",
        f"Measured {time.strftime('%Y-%m-%d')} by `{command}`: median of {args.repeat} runs each, "
        "`/usr/bin/time -v` (wall time, user + system CPU time, maximum resident set size of the "
        "largest process), the 1-minute load average beside each.", "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM, Python "
        f"{platform.python_version()}, {package_versions()}; profile `dev`: DuckDB `threads: 2`, "
        "`memory_limit` as in profiles.yml. "
        "The machine is shared with other work: a load average above 2 means the wall times are "
        "stretched by waiting for a core, so read the CPU times and the ratios too.", "",
        "Floor: DuckDB hashing every value of the four Parquet files once "
        "(`sum(hash(<all columns>))` per file). Parse: `dbt parse --no-partial-parse`."
        + (" Memory: seeds and models built in an in-memory DuckDB (no warehouse file written)."
           if "memory" in args.steps else ""), "",
        "| persons | reimbursement rows | step | wall (s) | CPU (s) | wall / floor | CPU / floor CPU | "
        "peak RSS (MB) | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for persons, result in results.items():
        m = result["measured"]
        floor = m.get("floor")
        for label, figures in m.items():
            ratio = f"{figures['wall_s'] / floor['wall_s']:.1f}x" if floor else "-"
            cpu_ratio = f"{figures['cpu_s'] / floor['cpu_s']:.1f}x" if floor else "-"
            lines.append(
                f"| {int(persons):,} | {result['rows'].get('reimbursements', 0):,} | {label} | "
                f"{figures['wall_s']:.1f} | {figures['cpu_s']:.1f} | {ratio} | {cpu_ratio} | "
                f"{figures['peak_rss_mb']:.0f} | {figures['load_avg_1m']:.1f} |")
    sizes = list(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]]["measured"], results[sizes[-1]]["measured"]
        growth = [f"{label} x{large[label]['wall_s'] / small[label]['wall_s']:.1f} wall, "
                  f"x{large[label]['cpu_s'] / small[label]['cpu_s']:.1f} CPU"
                  for label in ("run", "build") if label in small and label in large]
        lines += ["", f"Scaling {int(sizes[0]):,} -> {int(sizes[-1]):,} persons: {'; '.join(growth)}."]
    lines += ["", "Targets (scale issue): at 1,000,000 persons `dbt run` within 17x the floor, `dbt build` "
              "within 35x, peak memory under 4 GB, 100,000 -> 1,000,000 at most 11x.", ""]
    generated = "\n".join(lines)
    args.report.write_text(merge_into_report(args.report, generated))
    print(generated)


def package_versions() -> str:
    """The versions that decide the figures, as installed where the harness runs."""
    return ", ".join(f"{name} {metadata.version(name)}" for name in ("dbt-core", "dbt-duckdb", "duckdb"))


GENERATED_START = "<!-- run_benchmarks.py: generated figures start -->"
GENERATED_END = "<!-- run_benchmarks.py: generated figures end -->"


def merge_into_report(report: Path, generated: str) -> str:
    """The report's new text: when the file already has the two markers, only the text
    between them is replaced (the analysis written around the figures stays); otherwise
    the generated figures, between the markers, are the whole file."""
    block = f"{GENERATED_START}\n{generated}\n{GENERATED_END}"
    current = report.read_text(encoding="utf-8") if report.exists() else ""
    start, end = current.find(GENERATED_START), current.find(GENERATED_END)
    if start == -1 or end < start:
        return f"# Benchmarks\n\n{block}\n"
    return current[:start] + block + current[end + len(GENERATED_END):]


if __name__ == "__main__":
    main()
