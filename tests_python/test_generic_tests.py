"""The project's generic tests (macros/generic_tests) on rows made here. A dbt test fails on
any returned row.

- `columns_are_never_null` returns one row per listed column that holds a null, with the
  number of null rows, and nothing when every listed column holds a value;
- `relationships_where` returns one row per code of the column missing from the parent's
  rows that match `to_condition` (the code list read from its seed), nulls passing."""

from __future__ import annotations

import duckdb

from dbt_compile import compile_inline

ROWS = "(select * from (values (1, 'x', null), (2, null, null), (3, 'z', 5)) as t(a, b, c))"


def _failures(columns: list[str]) -> list[tuple]:
    sql = compile_inline(
        "{{ test_columns_are_never_null(model=" + repr(ROWS) + ", columns=" + repr(columns) + ") }}")
    return sorted(duckdb.sql(sql).fetchall())


def test_only_the_columns_with_nulls_are_named_with_their_null_rows():
    # a always holds a value: not named; b has one null row, c two.
    assert _failures(["a", "b", "c"]) == [("b", 1), ("c", 2)]


CODE_LISTS = ("(select * from (values ('register', 'POPULATION'), ('register', 'WAITING'), "
              "('decision_status', 'GRANTED')) as t(code_list, code))")


def _codes_missing(values: list[str | None], to_condition: str | None) -> list[tuple]:
    rows = ", ".join("(null)" if value is None else f"('{value}')" for value in values)
    model = f"(select * from (values {rows}) as t(register))"
    sql = compile_inline(
        "{{ test_relationships_where(model=" + repr(model) + ", column_name='register', to="
        + repr(CODE_LISTS) + ", field='code', to_condition=" + repr(to_condition) + ") }}")
    return sorted(duckdb.sql(sql).fetchall())


def test_codes_of_the_filtered_list_pass_and_nulls_pass():
    assert _codes_missing(["POPULATION", "WAITING", "POPULATION", None], "code_list = 'register'") == []


def test_a_code_of_another_list_or_of_none_fails_with_its_rows():
    # GRANTED is a code of the seed, but of another list; FOREIGNERS of no list at all.
    assert _codes_missing(["POPULATION", "GRANTED", "FOREIGNERS", "FOREIGNERS"], "code_list = 'register'") == [
        ("FOREIGNERS", 2), ("GRANTED", 1)]


def test_without_a_condition_every_row_of_the_parent_is_the_list():
    assert _codes_missing(["GRANTED", "WAITING", "FOREIGNERS"], None) == [("FOREIGNERS", 1)]


def _periods_not_apart(periods: list[tuple[str, str, str]]) -> list[tuple]:
    rows = ", ".join(f"('{key}', date '{start}', date '{end}')" for key, start, end in periods)
    model = f"(select * from (values {rows}) as t(insz, episode_start, episode_last_day))"
    sql = compile_inline(
        "{{ test_periods_are_apart(model=" + repr(model) + ", partition_columns=['insz'], "
        "start_column='episode_start', end_column='episode_last_day') }}")
    return sorted((row[0], str(row[1])) for row in duckdb.sql(sql).fetchall())


def test_periods_a_day_apart_pass_in_every_partition():
    # A: 01-01..01-10 and 01-12..01-31 leave 01-11 free; B may overlap A (another person).
    assert _periods_not_apart([("A", "2024-01-01", "2024-01-10"), ("A", "2024-01-12", "2024-01-31"),
                               ("B", "2024-01-05", "2024-01-20")]) == []


def test_touching_overlapping_and_identical_periods_fail():
    # A touches (01-11 follows 01-10), B overlaps, C has two identical periods: one of each
    # pair is returned, whatever the order of the identical rows.
    assert _periods_not_apart([
        ("A", "2024-01-01", "2024-01-10"), ("A", "2024-01-11", "2024-01-31"),
        ("B", "2024-01-01", "2024-01-10"), ("B", "2024-01-05", "2024-02-10"),
        ("C", "2024-03-01", "2024-03-31"), ("C", "2024-03-01", "2024-03-31"),
    ]) == [("A", "2024-01-11"), ("B", "2024-01-05"), ("C", "2024-03-01")]
