#!/usr/bin/env python3
"""Two commits side by side (issue #16): the cost of each, alternated in one sitting, and
proof that their contract outputs are identical, row for row.

Each commit is checked out in its own git worktree under --work-dir (the repository's
virtual environment runs both, so both must use the same requirements). Then:

  timing    for --repeat rounds, each round runs BEFORE then AFTER (so a load that comes
            and goes hits both): `dbt run` (seeds loaded untimed first) and `dbt build`
            on a fresh database, on the same landing files (--persons, generated once,
            seed 42, as of AS_OF); /usr/bin/time -v gives wall, CPU (user + system) and
            peak RSS; the report gives the medians and AFTER / BEFORE.
  identical the contract outputs (CONTRACT_OUTPUTS: the five of CONTRACT.md §3 and the
            two delivery models) of the two last builds compared with `except all` both
            ways, on the benchmark set and on --adversarial-sets generated adversarial
            sets (seeds 1001, 1002, ...; --adversarial-persons each), each built by both
            commits in both counting modes (`counting_mode` var).

Exit status 1 when any output differs, so it can gate a merge. Raw figures go to
<work-dir>/compare.json, the table to stdout and, with --report, into
docs/BENCHMARKS.md between its `compare_commits.py` markers.

    python scripts/benchmark/compare_commits.py --before <ref> --after <ref> --work-dir /tmp/cmp \\
        [--persons 1000000] [--repeat 3] [--adversarial-sets 20] [--adversarial-persons 300] [--report]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_benchmarks import fresh, median_of, timed  # noqa: E402

DBT = str(Path(sys.executable).parent / "dbt")
AS_OF = "2026-06-30"
COUNTING_MODES = ("consecutive", "cumulative")
# CONTRACT.md §3 (the five outputs) and §3 "DVZ delivery files" (as models).
CONTRACT_OUTPUTS = (
    "marts.fct_transfer_eligibility",
    "marts.fct_person_transfer_status",
    "marts.fct_person_benefit_durations",
    "marts.rpt_landing_reconciliation",
    "marts.rpt_quarantined_rows",
    "exports.dvz_transfer_batch",
    "exports.dvz_transfer_corrections",
)
REPORT_START = "<!-- compare_commits.py: generated figures start -->"
REPORT_END = "<!-- compare_commits.py: generated figures end -->"


def checkout(ref: str, work: Path, label: str) -> tuple[Path, str]:
    """A detached worktree of `ref` at <work>/src_<label> (made again if it exists)."""
    target = work / f"src_{label}"
    if target.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(target)], cwd=REPO, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(target), ref], cwd=REPO, check=True,
                   capture_output=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=target, check=True,
                            capture_output=True, text=True).stdout.strip()
    return target, commit


def generate(work: Path, name: str, persons: int, seed: int, adversarial: bool) -> Path:
    landing = work / name
    if not (landing / "reimbursements.parquet").exists():
        subprocess.run([sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons",
                        str(persons), "--seed", str(seed), "--as-of", AS_OF, "--format", "parquet",
                        *(["--adversarial"] if adversarial else [])], cwd=REPO, check=True, capture_output=True)
    return landing


def dbt_env(source: Path, landing: Path, database: Path, run_dir: Path) -> dict[str, str]:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "exports").mkdir(exist_ok=True)
    env = dict(os.environ, DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(database),
               DBT_PROFILES_DIR=str(source), DBT_TARGET="dev", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               DO_NOT_TRACK="1", DVZ_PERSON_KEY_SALT="compare-salt", DBT_TARGET_PATH=str(run_dir / "target"),
               DBT_LOG_PATH=str(run_dir / "logs"), DVZ_EXPORT_DIR=str(run_dir / "exports"))
    env.pop("DVZ_LAST_GOOD_DUCKDB_PATH", None)  # every build is a first build (ADR 0014)
    return env


def dbt(source: Path, env: dict, *args: str, label: str) -> None:
    """An untimed dbt command in the checkout `source`; stops the comparison if it fails."""
    result = subprocess.run([DBT, *args], cwd=source, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{label} failed in {source}:\n{result.stdout[-3000:]}")


def differences(before_db: Path, after_db: Path, outputs=CONTRACT_OUTPUTS) -> dict[str, dict]:
    """For each output: rows only in BEFORE, rows only in AFTER (multiset: `except all`),
    and the columns missing on either side. Empty dict = identical."""
    con = duckdb.connect()
    con.execute("attach ? as before_db (read_only)", [str(before_db)])
    con.execute("attach ? as after_db (read_only)", [str(after_db)])
    found = {}
    for output in outputs:
        schema, table = output.split(".")
        columns = {side: [row[0] for row in con.execute(
            "select column_name from duckdb_columns() where database_name = ? and schema_name = ? "
            "and table_name = ? order by column_index", [side, schema, table]).fetchall()]
            for side in ("before_db", "after_db")}
        if not columns["before_db"] or columns["before_db"] != columns["after_db"]:
            found[output] = {"columns_before": columns["before_db"], "columns_after": columns["after_db"]}
            continue
        select = ", ".join(f'"{column}"' for column in columns["before_db"])
        only = {}
        for side, other in (("before_db", "after_db"), ("after_db", "before_db")):
            only[side] = con.execute(
                f"select count(*) from (select {select} from {side}.{schema}.{table} "
                f"except all select {select} from {other}.{schema}.{table})").fetchall()[0][0]
        if only["before_db"] or only["after_db"]:
            found[output] = {"rows_only_before": only["before_db"], "rows_only_after": only["after_db"]}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="git ref measured first in every round")
    parser.add_argument("--after", required=True, help="git ref measured second in every round")
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", nargs="+", choices=("run", "build"), default=["run", "build"])
    parser.add_argument("--adversarial-sets", type=int, default=20)
    parser.add_argument("--adversarial-persons", type=int, default=300)
    parser.add_argument("--report", action="store_true", help="write the table into docs/BENCHMARKS.md")
    args = parser.parse_args()

    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    sides = {label: checkout(ref, work, label) for label, ref in (("before", args.before), ("after", args.after))}
    landing = generate(work, f"landing_{args.persons}", args.persons, 42, adversarial=False)
    dbt_vars = json.dumps({"as_of_date": AS_OF})
    runs: dict[str, dict[str, list]] = {label: {step: [] for step in args.steps} for label in sides}
    for attempt in range(1, args.repeat + 1):
        for label, (source, commit) in sides.items():
            for step in args.steps:
                database = work / f"warehouse_{label}.duckdb"
                fresh(database)
                env = dbt_env(source, landing, database, work / f"run_{label}")
                if step == "run":
                    dbt(source, env, "seed", "--vars", dbt_vars, label=f"{label} seed")
                figures = timed([DBT, step, "--vars", dbt_vars], env,
                                f"{label} {step}", cwd=source)
                runs[label][step].append(figures)
                print(f"round {attempt} {label:<6} {commit} {step:<5}: {figures['wall_s']:.1f} s wall, "
                      f"{figures['cpu_s']:.1f} s cpu, {figures['peak_rss_mb']:.0f} MB, "
                      f"load {figures['load_avg_1m']:.1f}", flush=True)
    # the last build of each side stays: compare it
    checks = {"benchmark": differences(work / "warehouse_before.duckdb", work / "warehouse_after.duckdb")}
    for number in range(1, args.adversarial_sets + 1):
        adversarial = generate(work, f"adversarial_{number}", args.adversarial_persons, 1000 + number, True)
        for mode in COUNTING_MODES:
            mode_vars = json.dumps({"as_of_date": AS_OF, "counting_mode": mode})
            for label, (source, _) in sides.items():
                database = work / f"adversarial_{label}.duckdb"
                fresh(database)
                env = dbt_env(source, adversarial, database, work / f"adversarial_run_{label}")
                dbt(source, env, "build", "--vars", mode_vars, label=f"{label} adversarial {number} {mode}")
            checks[f"adversarial {number} ({mode})"] = differences(
                work / "adversarial_before.duckdb", work / "adversarial_after.duckdb")
            print(f"adversarial set {number} ({mode}): "
                  f"{'identical' if not checks[f'adversarial {number} ({mode})'] else 'DIFFERENT'}", flush=True)

    medians = {label: {step: median_of(figures) for step, figures in steps.items()} for label, steps in runs.items()}
    (work / "compare.json").write_text(json.dumps(
        {"commits": {label: commit for label, (_, commit) in sides.items()}, "persons": args.persons,
         "runs": runs, "medians": medians, "differences": checks}, indent=2))
    table = report_table(args, sides, medians, checks)
    print(table)
    if args.report:
        report = REPO / "docs" / "BENCHMARKS.md"
        report.write_text(merge_block(report.read_text(encoding="utf-8"), table), encoding="utf-8")
    sys.exit(1 if any(checks.values()) else 0)


def report_table(args, sides: dict, medians: dict, checks: dict) -> str:
    before, after = sides["before"][1], sides["after"][1]
    lines = [
        f"## {before} -> {after}, alternated (written by compare_commits.py)", "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}: {args.persons:,} persons as of {AS_OF}, "
        f"{args.repeat} rounds of `{before}` then `{after}` on fresh databases; medians.", "",
        "| step | wall before (s) | wall after (s) | after / before | CPU before (s) | CPU after (s) | "
        "after / before | peak RSS after (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in args.steps:
        b, a = medians["before"][step], medians["after"][step]
        lines.append(f"| {step} | {b['wall_s']:.1f} | {a['wall_s']:.1f} | {a['wall_s'] / b['wall_s']:.2f} | "
                     f"{b['cpu_s']:.1f} | {a['cpu_s']:.1f} | {a['cpu_s'] / b['cpu_s']:.2f} | "
                     f"{a['peak_rss_mb']:.0f} |")
    different = {name: found for name, found in checks.items() if found}
    lines += ["", f"Contract outputs ({', '.join(CONTRACT_OUTPUTS)}) compared row for row on {len(checks)} "
              f"builds (the benchmark set; {args.adversarial_sets} adversarial sets x both counting modes): "
              + ("identical." if not different else f"DIFFERENT in {json.dumps(different)}")]
    return "\n".join(lines)


def merge_block(current: str, table: str) -> str:
    block = f"{REPORT_START}\n{table}\n{REPORT_END}"
    start, end = current.find(REPORT_START), current.find(REPORT_END)
    if start == -1 or end < start:
        return current.rstrip("\n") + f"\n\n{block}\n"
    return current[:start] + block + current[end + len(REPORT_END):]


if __name__ == "__main__":
    main()
