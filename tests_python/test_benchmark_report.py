"""The benchmark harness writes its figures into docs/BENCHMARKS.md without losing the
analysis written around them (scripts/benchmark/run_benchmarks.py, merge_into_report)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "run_benchmarks", REPO_ROOT / "scripts" / "benchmark" / "run_benchmarks.py")
run_benchmarks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_benchmarks)

START, END = run_benchmarks.GENERATED_START, run_benchmarks.GENERATED_END


def test_only_the_marked_block_is_replaced(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text(f"# Benchmarks\n\nHow to read.\n\n{START}\nold table\n{END}\n\nWhere the time goes.\n",
                      encoding="utf-8")
    merged = run_benchmarks.merge_into_report(report, "new table")
    assert merged == (f"# Benchmarks\n\nHow to read.\n\n{START}\nnew table\n{END}\n\n"
                      "Where the time goes.\n")


def test_a_report_without_markers_becomes_the_marked_figures(tmp_path):
    missing = tmp_path / "missing.md"
    assert run_benchmarks.merge_into_report(missing, "table") == f"# Benchmarks\n\n{START}\ntable\n{END}\n"
    unmarked = tmp_path / "unmarked.md"
    unmarked.write_text("free text only\n", encoding="utf-8")
    assert run_benchmarks.merge_into_report(unmarked, "table") == f"# Benchmarks\n\n{START}\ntable\n{END}\n"


def test_the_repository_report_has_the_markers_in_order():
    text = (REPO_ROOT / "docs" / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1
    assert text.index(START) < text.index(END)


def test_the_opt_in_memory_step_is_reported_with_its_command(tmp_path):
    """`--steps floor run memory` (the in-memory build of ADR 0012, "What the speed targets
    would take") gets its own row, its ratio to the floor, and the command line that
    reproduces it."""
    import argparse
    report = tmp_path / "BENCHMARKS.md"
    figures = {"wall_s": 2.0, "cpu_s": 4.0, "peak_rss_mb": 300.0, "load_avg_1m": 1.0}
    results = {"1000000": {"rows": {"reimbursements": 17_207_126}, "measured": {
        "floor": figures,
        "run": figures | {"wall_s": 100.0, "cpu_s": 200.0},
        "memory": figures | {"wall_s": 60.0, "cpu_s": 110.0, "peak_rss_mb": 12_000.0},
    }}}
    args = argparse.Namespace(sizes=[1_000_000], repeat=3, steps=["floor", "run", "memory"],
                              incremental=False, report=report)
    run_benchmarks.write_report(results, args)
    text = report.read_text(encoding="utf-8")
    assert "--sizes 1000000 --repeat 3 --steps floor run memory`" in text
    assert "| 1,000,000 | 17,207,126 | memory | 60.0 | 110.0 | 30.0x | 27.5x | 12000 | 1.0 |" in text
    assert "Memory: seeds and models built in an in-memory DuckDB" in text
    assert "memory" in run_benchmarks.OPT_IN_STEPS and "memory" not in run_benchmarks.STEPS


_compare_spec = importlib.util.spec_from_file_location(
    "compare_commits", REPO_ROOT / "scripts" / "benchmark" / "compare_commits.py")
compare_commits = importlib.util.module_from_spec(_compare_spec)
_compare_spec.loader.exec_module(compare_commits)


def _warehouse(path: Path, rows: list[tuple], columns: str = "insz varchar, flow_code varchar") -> Path:
    import duckdb
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.fct_transfer_eligibility ({columns})")
    if rows:
        con.executemany(f"insert into marts.fct_transfer_eligibility values ({', '.join('?' * len(rows[0]))})", rows)
    con.close()
    return path


def test_the_commit_comparison_finds_a_changed_a_missing_and_a_duplicated_row(tmp_path):
    """compare_commits.differences compares outputs as multisets: one changed value, one
    row missing on one side and one row duplicated on the other are each counted, and
    identical tables give nothing."""
    before = _warehouse(tmp_path / "before.duckdb", [("1", "C1"), ("2", "C2"), ("3", "C3")])
    same = _warehouse(tmp_path / "same.duckdb", [("3", "C3"), ("1", "C1"), ("2", "C2")])
    after = _warehouse(tmp_path / "after.duckdb", [("1", "C1"), ("2", "C4"), ("1", "C1")])
    outputs = ("marts.fct_transfer_eligibility",)
    assert compare_commits.differences(before, same, outputs) == {}
    assert compare_commits.differences(before, after, outputs) == {
        "marts.fct_transfer_eligibility": {"rows_only_before": 2, "rows_only_after": 2}}


def test_the_commit_comparison_reports_a_changed_column_list(tmp_path):
    before = _warehouse(tmp_path / "before.duckdb", [("1", "C1")])
    after = _warehouse(tmp_path / "after.duckdb", [("1",)], columns="insz varchar")
    found = compare_commits.differences(before, after, ("marts.fct_transfer_eligibility",))
    assert found == {"marts.fct_transfer_eligibility": {"columns_before": ["insz", "flow_code"],
                                                        "columns_after": ["insz"]}}


def test_the_comparison_table_goes_between_its_own_markers(tmp_path):
    current = f"# Benchmarks\n\n{START}\nfigures\n{END}\n"
    merged = compare_commits.merge_block(current, "table one")
    assert merged.endswith(f"{compare_commits.REPORT_START}\ntable one\n{compare_commits.REPORT_END}\n")
    assert f"{START}\nfigures\n{END}" in merged
    again = compare_commits.merge_block(merged, "table two")
    assert "table one" not in again and again.count(compare_commits.REPORT_START) == 1
