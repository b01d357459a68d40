"""The CSV source's row provenance (macro landing_row_number: row_number() over the bare
scan) is the 1-based line position even when DuckDB reads a large file in parallel:
quarantine reports point auditors at exact lines (CONTRACT.md §3)."""

from __future__ import annotations

import duckdb


def test_row_number_over_a_parallel_csv_scan_is_the_line_position(tmp_path):
    path = tmp_path / "lines.csv"
    con = duckdb.connect()
    con.execute("set threads = 2")
    con.execute(f"copy (select i as line, 'v' || i as value from range(1, 2000001) t(i)) to '{path}' (header)")
    mismatches, rows = con.execute(
        f"""select count(*) filter (where cast(line as bigint) <> row_number_in_scan), count(*)
            from (select line, row_number() over () as row_number_in_scan
                  from read_csv('{path}', header = true, all_varchar = true))"""
    ).fetchone()
    assert rows == 2_000_000
    assert mismatches == 0
