#!/usr/bin/env python3
"""Load the four landing files into PostgreSQL, every value as text, for the `postgres`
target (README "Other engines", ADR 0011).

PostgreSQL cannot read a file in place the way DuckDB and Spark do, so this step copies
each file into the table `landing.<source>` of the warehouse database: one text column per
file column (lower-cased names; extra columns kept, as the contract allows), empty field =
null, plus `source_row_number`, the 1-based position of the row in the file (header
excluded). That is what DuckDB's `read_csv(all_varchar)` with its row numbering gives
staging, so staging's parsing, normalisation and quarantine stay the same SQL. Parquet
values are written as their text (dates `YYYY-MM-DD`, timestamps
`YYYY-MM-DD HH:MM:SS.ffffff`, decimals as written), which staging parses back.

`landing.load_manifest` records which file filled which table; the dbt run checks it
against DVZ_LANDING_DIR and landing_format, so a run never reads another folder's rows.
The load is one transaction: a missing or unreadable file leaves no landing table at all
(the dbt run then stops naming it), never a mix of old and new files.

The DVZ delivery ledger (RULES.md §8a, ADR 0013) is loaded too, from the export folder
(`--ledger-dir`, default DVZ_EXPORT_DIR or `exports`): the batch and correction files of
every month, each checked against its month's manifest first (SHA-256, size, columns), into
`landing.dvz_transfer_batch_files` and `landing.dvz_transfer_correction_files` with their
`batch_month`, `source_file` and `source_row_number`. The dbt run reads the months before
its batch month from them. A missing or empty folder is an empty ledger.

    python scripts/load_landing_postgres.py [--landing-dir DIR] [--format csv|parquet] [--ledger-dir DIR]

Connection: the `postgres` target's environment variables (DVZ_PG_HOST, DVZ_PG_PORT,
DVZ_PG_USER, DVZ_PG_PASSWORD, DVZ_PG_DATABASE).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from landing_contract import SOURCES  # noqa: E402  (the landing files, CONTRACT.md §2)

PARQUET_BATCH_ROWS = 200_000
# The ledger files' columns and PostgreSQL types, as the warehouse writes them
# (macros/export/dvz_delivery_files.sql).
LEDGER_FILES = {
    "batch": ("dvz_transfer_batch_files", [
        ("insz", "text"), ("flow_code", "text"), ("criterion_code", "text"), ("episode_start", "date"),
        ("episode_end", "date"), ("transfer_due_on", "date"), ("is_late", "boolean"), ("aid_period_start", "date"),
        ("aid_period_end", "date"), ("counted_days", "integer"), ("counted_months", "integer"),
        ("reimbursed_amount_eur", "numeric(12, 2)"), ("ocmw_nis_code", "text")]),
    "corrections": ("dvz_transfer_correction_files", [
        ("insz", "text"), ("flow_code", "text"), ("episode_start", "date"), ("delivered_in_batch", "text"),
        ("current_status", "text")]),
}
LEDGER_NAME = re.compile(r"dvz_transfer_(batch|corrections)_([0-9]{4}-(?:0[1-9]|1[0-2]))\.(parquet|csv|manifest\.json)")


class LandingError(Exception):
    """A landing file that cannot be loaded; the message names it."""


def connect(database: str | None = None):
    return psycopg2.connect(
        host=os.environ.get("DVZ_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("DVZ_PG_PORT", "5432")),
        user=os.environ.get("DVZ_PG_USER", "dvz_builder"),
        password=os.environ.get("DVZ_PG_PASSWORD", ""),
        dbname=database or os.environ.get("DVZ_PG_DATABASE", "dvz_warehouse"),
        connect_timeout=10,
    )


def column_names(header: list[str], path: Path) -> list[str]:
    """Lower-cased header names (DuckDB and Spark resolve columns case-insensitively);
    a blank name becomes column<N>; two names equal once lower-cased are an error."""
    names = []
    for index, raw in enumerate(header, start=1):
        name = raw.strip().lower() or f"column{index}"
        if name in names:
            raise LandingError(f"landing file {path}: column {raw!r} appears twice in the header")
        if name == "source_row_number":
            raise LandingError(f"landing file {path}: a column may not be named source_row_number")
        names.append(name)
    return names


def create_table(cur, source: str, columns: list[str]) -> None:
    cur.execute(sql.SQL("create table landing.{} ({}, source_row_number bigint generated always as identity)").format(
        sql.Identifier(source),
        sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in columns),
    ))


def copy_statement(source: str, columns: list[str], header: bool, quoted_empty_is_null: bool) -> sql.Composed:
    column_list = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    return sql.SQL("copy landing.{} ({}) from stdin with (format csv, header {}, encoding 'UTF8'{})").format(
        sql.Identifier(source),
        column_list,
        sql.SQL("true" if header else "false"),
        sql.SQL(", force_null ({})").format(column_list) if quoted_empty_is_null else sql.SQL(""),
    )


def load_csv(cur, source: str, path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    if header is None:
        raise LandingError(f"landing file {path} is empty (no header row)")
    columns = column_names(header, path)
    create_table(cur, source, columns)
    # COPY's CSV format is DuckDB's: an empty field is null (quoted too, with force_null,
    # as DuckDB reads it), a doubled quote escapes a quote, quoted line breaks belong to
    # the value. Rows keep file order, so the identity column numbers them 1, 2, ... as
    # they stand in the file.
    with path.open("rb") as handle:
        if handle.read(3) != b"\xef\xbb\xbf":
            handle.seek(0)
        cur.copy_expert(copy_statement(source, columns, header=True, quoted_empty_is_null=True), handle)


def load_parquet(cur, source: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise LandingError(f"landing file {path} is not a readable Parquet file: {exc}") from exc
    columns = column_names(parquet.schema_arrow.names, path)
    create_table(cur, source, columns)
    # An empty Parquet text stays an empty text (quoted), a null stays null (unquoted).
    statement = copy_statement(source, columns, header=False, quoted_empty_is_null=False)
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        text_columns = []
        for column in batch.columns:
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                text_columns.append(column)
            else:
                text_columns.append(pc.cast(column, pa.string()))
        table = pa.Table.from_arrays(text_columns, names=columns)
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        buffer.seek(0)
        cur.copy_expert(statement, buffer)


def ledger_months(ledger_dir: Path) -> dict[str, list[str]]:
    """The delivery files of the ledger folder by batch month (an empty dict when the
    folder is missing or holds none)."""
    months: dict[str, list[str]] = {}
    if ledger_dir.is_dir():
        for path in sorted(ledger_dir.iterdir()):
            match = LEDGER_NAME.fullmatch(path.name)
            if match and not (match.group(1) == "corrections" and match.group(3) == "manifest.json"):
                months.setdefault(match.group(2), []).append(path.name)
    return months


def checked_ledger_table(ledger_dir: Path, month: str, names: list[str], kind: str):
    """One month's batch or correction file, read once its manifest vouches for every
    file of the month; a LandingError names the file that cannot be trusted."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest_path = ledger_dir / f"dvz_transfer_batch_{month}.manifest.json"
    if manifest_path.name not in names:
        raise LandingError(f"DVZ delivery ledger: {ledger_dir / sorted(names)[0]} has no manifest "
                           f"({manifest_path.name}): the delivery of {month} is incomplete")
    listed = {item["file"]: item for item in json.loads(manifest_path.read_text(encoding="utf-8"))["files"]}
    for name, item in listed.items():
        path = ledger_dir / name
        if not path.is_file():
            raise LandingError(f"DVZ delivery ledger: {path} is missing ({manifest_path.name} lists it)")
        if hashlib.sha256(path.read_bytes()).hexdigest() != item["sha256"] or path.stat().st_size != item["bytes"]:
            raise LandingError(f"DVZ delivery ledger: {path} does not match its manifest {manifest_path.name}")
    stem = "dvz_transfer_batch" if kind == "batch" else "dvz_transfer_corrections"
    path = ledger_dir / f"{stem}_{month}.parquet"
    if path.name not in listed:
        raise LandingError(f"DVZ delivery ledger: {manifest_path} does not list {path.name}")
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise LandingError(f"DVZ delivery ledger: {path} is not a valid Parquet file: {exc}") from exc
    expected = [name for name, _ in LEDGER_FILES[kind][1]]
    if table.column_names != expected:
        raise LandingError(f"DVZ delivery ledger: {path} has the wrong columns: expected {', '.join(expected)}; "
                           f"found {', '.join(table.column_names)}")
    return path, table


def load_ledger(cur, ledger_dir: Path) -> int:
    """The ledger files of every month into landing.dvz_transfer_batch_files and
    landing.dvz_transfer_correction_files (typed as written), checked first."""
    from psycopg2.extras import execute_values

    for kind, (table_name, columns) in LEDGER_FILES.items():
        cur.execute(sql.SQL("create table landing.{} ({}, batch_month text not null, source_file text not null,"
                            " source_row_number bigint not null)").format(
            sql.Identifier(table_name),
            sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns)))
    rows = 0
    for month, names in ledger_months(ledger_dir).items():
        for kind, (table_name, columns) in LEDGER_FILES.items():
            path, table = checked_ledger_table(ledger_dir, month, names, kind)
            values = [tuple(row[c] for c, _ in columns) + (month, path.name, number)
                      for number, row in enumerate(table.to_pylist(), start=1)]
            if values:
                execute_values(cur, sql.SQL("insert into landing.{} values %s").format(
                    sql.Identifier(table_name)).as_string(cur), values)
            rows += len(values)
    return rows


def load(landing_dir: str, landing_format: str, database: str | None = None,
         ledger_dir: str | None = None) -> dict[str, int]:
    landing_dir = landing_dir.rstrip("/") or "/"
    absolute_dir = str(Path(landing_dir).resolve())
    counts: dict[str, int] = {}
    with connect(database) as con, con.cursor() as cur:
        cur.execute("drop schema if exists landing cascade")
        cur.execute("create schema landing")
        cur.execute(
            "create table landing.load_manifest (source text primary key, file_path text not null,"
            " landing_dir text not null, landing_dir_absolute text not null, landing_format text not null,"
            " landing_rows bigint not null, loaded_at timestamptz not null default now())"
        )
        missing = [s for s in SOURCES if not (Path(landing_dir) / f"{s}.{landing_format}").is_file()]
        if missing:
            # Commit the empty schema: no landing table of an earlier load survives.
            con.commit()
            raise LandingError("missing landing file(s) " + ", ".join(
                f"{landing_dir}/{s}.{landing_format}" for s in missing))
        for source in SOURCES:
            path = Path(landing_dir) / f"{source}.{landing_format}"
            try:
                (load_csv if landing_format == "csv" else load_parquet)(cur, source, path)
            except psycopg2.Error as exc:
                con.rollback()
                raise LandingError(f"landing file {path} could not be loaded: {exc}".strip()) from exc
            except UnicodeDecodeError as exc:
                con.rollback()
                raise LandingError(f"landing file {path} is not UTF-8: {exc}") from exc
            cur.execute(sql.SQL("select count(*) from landing.{}").format(sql.Identifier(source)))
            counts[source] = cur.fetchone()[0]
            cur.execute(
                "insert into landing.load_manifest (source, file_path, landing_dir, landing_dir_absolute,"
                " landing_format, landing_rows) values (%s, %s, %s, %s, %s, %s)",
                (source, f"{landing_dir}/{source}.{landing_format}", landing_dir, absolute_dir,
                 landing_format, counts[source]),
            )
        ledger = Path(ledger_dir or os.environ.get("DVZ_EXPORT_DIR") or "exports")
        counts["dvz_delivery_ledger"] = load_ledger(cur, ledger)
        cur.execute(
            "insert into landing.load_manifest (source, file_path, landing_dir, landing_dir_absolute,"
            " landing_format, landing_rows) values (%s, %s, %s, %s, %s, %s)",
            ("dvz_delivery_ledger", str(ledger), str(ledger), os.path.abspath(ledger), "parquet",
             counts["dvz_delivery_ledger"]),
        )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--landing-dir", default=os.environ.get("DVZ_LANDING_DIR", "data/landing"),
                        help="folder of the landing files (default: DVZ_LANDING_DIR or data/landing)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet",
                        help="which file per source to load, as the dbt var landing_format (default parquet)")
    parser.add_argument("--database", default=None, help="database to load into (default: DVZ_PG_DATABASE)")
    parser.add_argument("--ledger-dir", default=None,
                        help="the DVZ export folder, the delivery ledger (default: DVZ_EXPORT_DIR or exports)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        counts = load(args.landing_dir, args.format, args.database, args.ledger_dir)
    except LandingError as exc:
        print(f"load_landing_postgres: {exc}", file=sys.stderr)
        return 1
    except psycopg2.OperationalError as exc:
        print(f"load_landing_postgres: cannot connect to PostgreSQL: {exc}".strip(), file=sys.stderr)
        return 2
    rows = ", ".join(f"{source} {count}" for source, count in counts.items())
    print(f"load_landing_postgres: loaded {rows} rows from {args.landing_dir} ({args.format}) "
          f"in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
