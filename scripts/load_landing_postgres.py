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

    python scripts/load_landing_postgres.py [--landing-dir DIR] [--format csv|parquet]

Connection: the `postgres` target's environment variables (DVZ_PG_HOST, DVZ_PG_PORT,
DVZ_PG_USER, DVZ_PG_PASSWORD, DVZ_PG_DATABASE).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

SOURCES = ("persons", "residence_permits", "aid_decisions", "reimbursements")
PARQUET_BATCH_ROWS = 200_000


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


def load(landing_dir: str, landing_format: str, database: str | None = None) -> dict[str, int]:
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
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--landing-dir", default=os.environ.get("DVZ_LANDING_DIR", "data/landing"),
                        help="folder of the landing files (default: DVZ_LANDING_DIR or data/landing)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet",
                        help="which file per source to load, as the dbt var landing_format (default parquet)")
    parser.add_argument("--database", default=None, help="database to load into (default: DVZ_PG_DATABASE)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        counts = load(args.landing_dir, args.format, args.database)
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
