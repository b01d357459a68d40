#!/usr/bin/env python3
"""Benchmark harness (a script, not a timed test): wall time and peak memory of the
warehouse against two references measured in the same run.

For each size (default 100,000 and 1,000,000 persons, Parquet, multi-year histories):
  floor     DuckDB reading every landing file once (every column of every row)
  parse     `dbt parse` alone (dbt's fixed overhead)
  run       `dbt run` (the models) on a fresh database
  build     `dbt build` (seeds, models, every data and unit test) on a fresh database
each measured with /usr/bin/time -v, median of --repeat runs (default 3). Results go to
docs/BENCHMARKS.md (table + machine + commands) and data/benchmarks/results.json.

    python scripts/benchmark/run_benchmarks.py [--sizes 100000 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "benchmarks"
AS_OF = "2026-06-30"
SOURCES = ("persons", "residence_permits", "aid_decisions", "reimbursements")


def timed(command: list[str], env: dict[str, str], label: str) -> dict:
    """Run a command under /usr/bin/time -v; return wall seconds and peak RSS in MB."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", *command], cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{label} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return {"wall_s": wall, "peak_rss_mb": rss_kb / 1024}


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    bin_dir = Path(sys.executable).parent
    results: dict[str, dict] = {}
    for persons in args.sizes:
        landing = DATA / f"landing_{persons}"
        if not (landing / "reimbursements.parquet").exists():
            subprocess.run([sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons", str(persons),
                            "--seed", "42", "--as-of", AS_OF, "--format", "parquet"], cwd=REPO, check=True)
        rows = json.loads((landing / "_generation.json").read_text())
        database = DATA / f"warehouse_{persons}.duckdb"
        env = dict(os.environ, DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(database),
                   DBT_PROFILES_DIR=str(REPO), DBT_TARGET="dev", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                   DVZ_PERSON_KEY_SALT="benchmark-salt")
        dbt_vars = json.dumps({"as_of_date": AS_OF})
        floor_sql = "; ".join(
            f"select count(*), sum(hash({', '.join(cols)})) from read_parquet('{landing / s}.parquet')"
            for s, cols in {
                "persons": ["insz", "birth_date", "nationality_code", "belgian_since", "recorded_at"],
                "residence_permits": ["permit_id", "insz", "document_type", "residence_ground", "register", "valid_from", "valid_to", "recorded_at"],
                "aid_decisions": ["decision_id", "ocmw_nis_code", "insz", "legal_scheme", "aid_form", "period_start", "period_end", "monthly_amount_eur", "decision_date", "status", "recorded_at"],
                "reimbursements": ["reimbursement_id", "decision_id", "insz", "aid_month", "amount_eur", "paid_on", "recorded_at"],
            }.items())
        commands = {
            "floor": [sys.executable, "-c", f"import duckdb; con = duckdb.connect(); con.execute(\"set threads = 2\"); [con.execute(q).fetchall() for q in {floor_sql.split('; ')!r}]"],
            "parse": [str(bin_dir / "dbt"), "parse", "--no-partial-parse", "--vars", dbt_vars],
            "run": [str(bin_dir / "dbt"), "run", "--vars", dbt_vars],
            "build": [str(bin_dir / "dbt"), "build", "--vars", dbt_vars],
        }
        measured = {}
        for label, command in commands.items():
            runs = []
            for attempt in range(args.repeat):
                if label in ("run", "build"):
                    for suffix in ("", ".wal"):
                        Path(str(database) + suffix).unlink(missing_ok=True)
                    if label == "run":  # seeds are not models: load them outside the timing
                        subprocess.run([str(bin_dir / "dbt"), "seed", "--vars", dbt_vars], cwd=REPO, env=env,
                                       check=True, capture_output=True)
                runs.append(timed(command, env, f"{label} ({persons} persons, attempt {attempt + 1})"))
                print(f"{persons:>9} {label:<6} attempt {attempt + 1}: {runs[-1]['wall_s']:.1f} s, "
                      f"{runs[-1]['peak_rss_mb']:.0f} MB", flush=True)
            measured[label] = median_of(runs) | {"runs": runs}
        results[str(persons)] = {"rows": rows.get("row_counts", rows), "measured": measured}

    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "results.json").write_text(json.dumps(results, indent=2))
    write_report(results, args)


def write_report(results: dict, args) -> None:
    lines = [
        "# Benchmarks", "",
        f"Measured {time.strftime('%Y-%m-%d')} by `scripts/benchmark/run_benchmarks.py --sizes "
        f"{' '.join(map(str, args.sizes))} --repeat {args.repeat}` (median of {args.repeat} runs each, "
        "`/usr/bin/time -v`: wall time and maximum resident set size of the whole process tree's largest process).",
        "", f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        "profile `dev`: DuckDB `threads: 2`, `memory_limit: 4GB`. The machine is shared: read ratios, not seconds.", "",
        "| persons | reimbursement rows | floor (s) | dbt parse (s) | dbt run (s) | run / floor | dbt build (s) | build / floor | peak memory build (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for persons, result in results.items():
        m = result["measured"]
        floor = m["floor"]["wall_s"]
        lines.append(
            f"| {int(persons):,} | {result['rows'].get('reimbursements', '?'):,} | {floor:.1f} | {m['parse']['wall_s']:.1f} | "
            f"{m['run']['wall_s']:.1f} | {m['run']['wall_s'] / floor:.1f}x | {m['build']['wall_s']:.1f} | "
            f"{m['build']['wall_s'] / floor:.1f}x | {m['build']['peak_rss_mb']:.0f} |")
    sizes = list(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]]["measured"], results[sizes[-1]]["measured"]
        lines += ["", f"Scaling {int(sizes[0]):,} -> {int(sizes[-1]):,} persons: dbt run x"
                  f"{large['run']['wall_s'] / small['run']['wall_s']:.1f}, dbt build x{large['build']['wall_s'] / small['build']['wall_s']:.1f}."]
    lines += ["", "Targets (scale issue): at 1,000,000 persons `dbt run` within 17x the floor, `dbt build` within 35x,"
              " peak memory under 4 GB, 100,000 -> 1,000,000 at most 11x.", ""]
    (REPO / "docs" / "BENCHMARKS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
