"""Hand-made DVZ delivery ledgers for tests (RULES.md §8a): the files of one batch month
as the warehouse writes them (CONTRACT.md "DVZ delivery files"), so a build can be given
an export folder with a known history.

    write_ledger_month(folder, "2025-04", batch_rows=[...], correction_rows=[...])

A batch row needs insz, flow_code, episode_start (dates as datetime.date) and
transfer_due_on; the other batch columns get plain values unless given. A correction row
needs insz, flow_code, episode_start, delivered_in_batch and current_status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

BATCH_SCHEMA = pa.schema([
    ("insz", pa.string()), ("flow_code", pa.string()), ("criterion_code", pa.string()),
    ("episode_start", pa.date32()), ("episode_end", pa.date32()), ("transfer_due_on", pa.date32()),
    ("is_late", pa.bool_()), ("aid_period_start", pa.date32()), ("aid_period_end", pa.date32()),
    ("counted_days", pa.int32()), ("counted_months", pa.int32()), ("reimbursed_amount_eur", pa.decimal128(12, 2)),
    ("ocmw_nis_code", pa.string()),
])
CORRECTION_SCHEMA = pa.schema([
    ("insz", pa.string()), ("flow_code", pa.string()), ("episode_start", pa.date32()),
    ("delivered_in_batch", pa.string()), ("current_status", pa.string()),
])


def _batch_row(row: dict, month: str) -> dict:
    due = row["transfer_due_on"]
    return {
        "insz": row["insz"], "flow_code": row["flow_code"],
        "criterion_code": row.get("criterion_code", "LEEFLOON_90_DAYS"),
        "episode_start": row["episode_start"], "episode_end": row.get("episode_end"),
        "transfer_due_on": due, "is_late": due < dt.date.fromisoformat(f"{month}-01"),
        "aid_period_start": row.get("aid_period_start", row["episode_start"]),
        "aid_period_end": row.get("aid_period_end", due),
        "counted_days": row.get("counted_days"), "counted_months": row.get("counted_months", 4),
        "reimbursed_amount_eur": Decimal(row.get("reimbursed_amount_eur", "100.00")),
        "ocmw_nis_code": row.get("ocmw_nis_code", "44021"),
    }


def write_ledger_month(folder: Path, month: str, batch_rows: list[dict], correction_rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "batch": pa.Table.from_pylist([_batch_row(r, month) for r in batch_rows], schema=BATCH_SCHEMA),
        "corrections": pa.Table.from_pylist(
            [{c: r[c] for c in CORRECTION_SCHEMA.names} for r in correction_rows], schema=CORRECTION_SCHEMA),
    }
    files = []
    for role, table in tables.items():
        stem = "dvz_transfer_batch" if role == "batch" else "dvz_transfer_corrections"
        for file_format in ("parquet", "csv"):
            path = folder / f"{stem}_{month}.{file_format}"
            if file_format == "parquet":
                pq.write_table(table, path)
            else:
                pacsv.write_csv(table, path)
            files.append({"file": path.name, "role": role, "format": file_format, "rows": table.num_rows,
                          "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "bytes": path.stat().st_size})
    manifest = {"export_name": "dvz_transfer_delivery", "batch_month": month, "rows_delivered": len(batch_rows),
                "late_rows": sum(r["is_late"] for r in tables["batch"].to_pylist()),
                "corrections": len(correction_rows), "files": sorted(files, key=lambda item: item["file"])}
    (folder / f"dvz_transfer_batch_{month}.manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
