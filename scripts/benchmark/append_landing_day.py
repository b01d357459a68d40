#!/usr/bin/env python3
"""Append one day of landing rows to the Parquet landing files of a folder: the rows a
daily delivery adds, all recorded on DAY (ISO date), for the incremental-run benchmark
and test (ADR 0012). Deterministic for a given folder, day and seed.

Per source, about --share of the existing rows (at least a few) are copied and changed:
  - corrections: same business key, a changed value (a new version that supersedes);
  - new keys: a copy under a new business key (e.g. a new reimbursement of a decision);
  - a quarantine-worthy row (invalid insz), an exact duplicate pair and a conflicting
    pair (same key and recorded_at, different content) on reimbursements;
  - a row recorded the day after DAY (not yet effective for as_of DAY).
Rows are appended at the end of the file (the file stays append-only); types are kept.

    python scripts/benchmark/append_landing_day.py --landing DIR --day 2026-07-01
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

KEYS = {"persons": "insz", "residence_permits": "permit_id", "aid_decisions": "decision_id",
        "reimbursements": "reimbursement_id"}


def _recorded(day: dt.date, n: int, rng: np.random.Generator, days_after: int = 0) -> pa.Array:
    start = dt.datetime.combine(day + dt.timedelta(days=days_after), dt.time())
    seconds = np.sort(rng.integers(0, 86_400, n))
    return pa.array([start + dt.timedelta(seconds=int(s)) for s in seconds], type=pa.timestamp("us"))


def _with(table: pa.Table, column: str, values) -> pa.Table:
    index = table.schema.get_field_index(column)
    field = table.schema.field(index)
    return table.set_column(index, field, pa.array(values, type=field.type) if not isinstance(values, pa.Array)
                            else values.cast(field.type))


def _changed(source: str, rows: pa.Table, day: dt.date, rng: np.random.Generator) -> pa.Table:
    """A plausible later version of each row (the business key kept)."""
    if source == "reimbursements":
        amounts = [None if a is None else a - (a.__class__("1.00")) for a in rows["amount_eur"].to_pylist()]
        return _with(rows, "amount_eur", amounts)
    if source == "aid_decisions":
        ends = [day + dt.timedelta(days=int(k)) for k in rng.integers(10, 200, rows.num_rows)]
        return _with(rows, "period_end", ends)
    if source == "residence_permits":
        ends = [day + dt.timedelta(days=int(k)) for k in rng.integers(1, 400, rows.num_rows)]
        return _with(rows, "valid_to", ends)
    births = [None if b is None else b + dt.timedelta(days=1) for b in rows["birth_date"].to_pylist()]
    return _with(rows, "birth_date", births)


def append_day(landing: Path, day_iso: str, share: float = 0.001, seed: int = 1) -> dict[str, int]:
    day = dt.date.fromisoformat(day_iso)
    rng = np.random.default_rng(seed)
    appended = {}
    for source, key in KEYS.items():
        path = landing / f"{source}.parquet"
        table = pq.read_table(path)
        n = max(6, int(table.num_rows * share))
        picked = table.take(pa.array(np.sort(rng.choice(table.num_rows, n, replace=False))))
        half = n // 2
        corrections = _changed(source, picked.slice(0, half), day, rng)
        new_keys = picked.slice(half)
        if source != "persons":  # a person's key is the insz: new persons are not made up here
            new_keys = _with(new_keys, key, [f"{v}-D{day:%m%d}-{i}" for i, v in enumerate(new_keys[key].to_pylist())])
        else:
            new_keys = _changed(source, new_keys, day, rng)
        parts = [corrections, new_keys]
        if source == "reimbursements":
            sample = picked.slice(0, 3)
            bad = _with(sample.slice(0, 1), "insz", ["12345678901"])
            bad = _with(bad, key, [f"BAD-D{day:%m%d}"])
            duplicate = _with(sample.slice(1, 1), key, [f"DUP-D{day:%m%d}"])
            conflict = _with(sample.slice(2, 1), key, [f"CONFLICT-D{day:%m%d}"])
            conflict_b = _changed(source, conflict, day, rng)
            parts += [bad, duplicate, duplicate, conflict, conflict_b]
        day_rows = pa.concat_tables(parts)
        recorded = _recorded(day, day_rows.num_rows, rng)
        if source == "reimbursements":  # the duplicate and the conflicting pair share recorded_at
            values = recorded.to_pylist()
            values[-4] = values[-3]
            values[-1] = values[-2]
            recorded = pa.array(values, type=pa.timestamp("us"))
        day_rows = _with(day_rows, "recorded_at", recorded)
        later = _with(picked.slice(0, 1), "recorded_at", _recorded(day, 1, rng, days_after=1))
        if source != "persons":
            later = _with(later, key, [f"LATER-D{day:%m%d}"])
        combined = pa.concat_tables([table, day_rows.cast(table.schema), later.cast(table.schema)])
        pq.write_table(combined, path)
        appended[source] = day_rows.num_rows + later.num_rows
    return appended


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--day", required=True, help="ISO date the appended rows are recorded on")
    parser.add_argument("--share", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(append_day(args.landing, args.day, args.share, args.seed))


if __name__ == "__main__":
    main()
