"""The project's generic test `columns_are_never_null` (macros/generic_tests) on rows made
here: it returns one row per listed column that holds a null, with the number of null rows,
and nothing when every listed column holds a value. A dbt test fails on any returned row."""

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
