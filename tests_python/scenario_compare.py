"""The comparer of the scenario suite: read a group's two marts, keep each scenario's
rows (by its insz and their person_key) and compare them, as multisets, with the
scenario's expectations; a difference is reported as missing and unexpected rows, with a
hint naming the columns that differ where one row seems to stand for another.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from scenario_model import (
    ELIGIBILITY_COLUMNS, PERSON_STATUS_COLUMNS, GroupResult, Scenario, person_key,
)

# What is read of the marts: the compared columns and those whose invariants are checked.
ELIGIBILITY_READ_COLUMNS = ELIGIBILITY_COLUMNS + ("legal_reference", "person_key")
STATUS_READ_COLUMNS = ("person_key", "final_status", "exclusion_reason")


def _normalise_db_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_marts(result: GroupResult) -> None:
    import duckdb

    path = result.workdir / "warehouse.duckdb"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception as exc:  # noqa: BLE001 - reported to every scenario of the group
        result.read_error = f"cannot open {path}: {exc}"
        return
    try:
        columns = ELIGIBILITY_READ_COLUMNS
        try:
            rows = con.execute(
                f"select {', '.join(columns)} from marts.fct_transfer_eligibility"
            ).fetchall()
            result.eligibility = [
                dict(zip(columns, (_normalise_db_value(v) for v in row))) for row in rows
            ]
        except Exception as exc:  # noqa: BLE001
            result.read_error = f"cannot read marts.fct_transfer_eligibility in {path}: {exc}"
            return
        status_columns = STATUS_READ_COLUMNS
        try:
            rows = con.execute(
                f"select {', '.join(status_columns)} from marts.fct_person_transfer_status"
            ).fetchall()
            result.person_status = [dict(zip(status_columns, row)) for row in rows]
        except Exception as exc:  # noqa: BLE001
            result.read_error = f"cannot read marts.fct_person_transfer_status in {path}: {exc}"
    finally:
        con.close()


def actual_rows(scenario: Scenario, result: GroupResult) -> tuple[list[tuple], list[tuple], list[str]]:
    """The scenario's rows of both marts, as tuples comparable with the expectations,
    plus the violations of the column invariants (legal_reference, person_key)."""
    insz_values = scenario.insz_values
    problems: list[str] = []
    eligibility: list[tuple] = []
    for row in result.eligibility:
        if row["insz"] not in insz_values:
            continue
        eligibility.append(tuple(row[c] for c in ELIGIBILITY_COLUMNS))
        label = f"{scenario.display_insz(row['insz'])} {row['flow_code']} episode {row['episode_start']}"
        if row["legal_reference"] is None or str(row["legal_reference"]).strip() == "":
            problems.append(f"{label}: legal_reference is null/empty")
        if row["person_key"] != person_key(row["insz"]):
            problems.append(
                f"{label}: person_key {row['person_key']!r} != sha256(salt + insz) {person_key(row['insz'])!r}"
            )
    keys = {person_key(insz): insz for insz in insz_values}
    person_status = [
        (keys[row["person_key"]], row["final_status"], row["exclusion_reason"])
        for row in result.person_status
        if row["person_key"] in keys
    ]
    return eligibility, person_status, problems


def _format_row(scenario: Scenario, columns: tuple[str, ...], row: tuple) -> str:
    parts = []
    for column, value in zip(columns, row):
        if column == "insz":
            value = scenario.display_insz(value)
        parts.append(f"{column}={value}")
    return "{" + ", ".join(parts) + "}"


def multiset_diff(
    scenario: Scenario, title: str, columns: tuple[str, ...], expected: list[tuple], actual: list[tuple]
) -> str | None:
    """None when equal as multisets, else a readable diff."""
    exp, act = Counter(expected), Counter(actual)
    if exp == act:
        return None
    missing = list((exp - act).elements())
    unexpected = list((act - exp).elements())
    lines = [f"{title}: {len(expected)} expected row(s), {len(actual)} actual row(s)"]
    if missing:
        lines.append(f"  missing ({len(missing)}): expected but not produced")
        lines += [f"    - {_format_row(scenario, columns, r)}" for r in sorted(missing, key=repr)]
    if unexpected:
        lines.append(f"  unexpected ({len(unexpected)}): produced but not expected")
        lines += [f"    + {_format_row(scenario, columns, r)}" for r in sorted(unexpected, key=repr)]
    # Hints: pair a missing row with an unexpected row of the same person (and flow).
    for m in missing:
        for u in unexpected:
            if m[0] == u[0] and (len(columns) < 2 or columns[1] != "flow_code" or m[1] == u[1]):
                diffs = [
                    f"{c}: expected {mv!r}, got {uv!r}"
                    for c, mv, uv in zip(columns, m, u)
                    if mv != uv
                ]
                lines.append(f"  hint {scenario.display_insz(m[0])}: " + "; ".join(diffs))
                break
    return "\n".join(lines)


def compare_scenario(scenario: Scenario, result: GroupResult) -> str | None:
    """None when the warehouse matches the scenario, else the failure report."""
    if not result.ok:
        return result.message
    if result.read_error:
        return f"{result.read_error}\n(workdir {result.workdir}, group {result.vars_key.label()})"
    eligibility, person_status, problems = actual_rows(scenario, result)
    reports = []
    diff = multiset_diff(
        scenario, "marts.fct_transfer_eligibility", ELIGIBILITY_COLUMNS,
        scenario.expected_eligibility, eligibility,
    )
    if diff:
        reports.append(diff)
    diff = multiset_diff(
        scenario, "marts.fct_person_transfer_status", PERSON_STATUS_COLUMNS,
        scenario.expected_person_status, person_status,
    )
    if diff:
        reports.append(diff)
    if problems:
        reports.append("column invariants:\n  " + "\n  ".join(problems))
    if not reports:
        return None
    header = (
        f"scenario {scenario.name} ({scenario.path.name}); group {result.vars_key.label()}; "
        f"workdir {result.workdir}\naliases: "
        + ", ".join(f"{a}={n}" for a, n in sorted(scenario.aliases.items()))
    )
    return header + "\n" + "\n".join(reports)
