"""Hardening (issue #15), in small builds that share one pool of dbt workers
(robustness_runner.py: one parse per worker):

- quoting: every path knob names a folder holding a quote, a semicolon, spaces and `--`
  (`x' (format csv); create schema pwned; -- y`): the landing folder (DVZ_LANDING_DIR: the
  pool's own folder has that name, so every build reads from such a folder), the warehouse
  folder (DVZ_DUCKDB_PATH), the export folder (DVZ_EXPORT_DIR) and the last good warehouse
  (DVZ_LAST_GOOD_DUCKDB_PATH). The builds work with those folders (the export lands where it
  was asked to), and no injected statement ran: no warehouse has a schema `pwned`;
- shape checks before anything is staged: a Parquet `insz` of integers, a contract column
  named twice in a CSV header or a Parquet schema, a Parquet amount of doubles and a
  timestamp with a time zone each stop the run naming the file, the column and the type;
  text, a DATE, a wider DECIMAL, nanosecond timestamps and an all-null column are accepted;
- circuit breakers: an empty source stops a first build; against the last good build (in
  place, as a plain `dbt build` finds it, or attached, as run.sh names it), a source that
  shrank, a quarantined share above 20 % and TRANSFER rows that shrank each stop the build
  naming the source, the two counts and the var; each var lets a deliberate build through,
  which then becomes the last good build. A tripped build leaves the last good record as
  it was.

`DVZ_HARDENING_WORKDIR=/tmp/x` keeps every landing set, warehouse and log there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import robustness_runner as runner  # noqa: E402

REPO_ROOT = runner.REPO_ROOT
AS_OF = "2025-06-30"
EARLY_AS_OF = "2016-01-31"  # far fewer TRANSFER rows than on AS_OF, the same landing rows
# A folder name that ends a SQL string, starts a statement and comments out the rest.
HOSTILE = "x' (format csv); create schema pwned; -- y"
# What a breaker build runs: the breakers, everything they read, and their test.
BREAKER_SELECTION = ("resource_type:seed", "+rpt_circuit_breakers", "assert_circuit_breakers_hold")
SHAPE_SELECTION = ("resource_type:seed", "+stg_landing__row_placements")


# ------------------------------------------------------------------ landing sets


def _rewrite(path: Path, change) -> None:
    pq.write_table(change(pq.read_table(path)), path)


def _set_column(table: pa.Table, column: str, values) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, values)


def _insz_as_integers(table: pa.Table) -> pa.Table:
    digits = [int("".join(c for c in value if c.isdigit()) or 0) for value in table["insz"].to_pylist()]
    return _set_column(table, "insz", pa.array(digits, pa.int64()))


def _insz_twice(table: pa.Table) -> pa.Table:
    return pa.Table.from_arrays([*table.columns, table["insz"]], names=[*table.column_names, "insz"])


def _accepted_shapes(landing: Path) -> None:
    """Other physical types the contract allows: an all-null column (Parquet's null type),
    dates as text, a wider DECIMAL with 2 decimals, nanosecond timestamps."""
    _rewrite(landing / "persons.parquet",
             lambda t: _set_column(t, "belgian_since", pa.nulls(t.num_rows)))
    _rewrite(landing / "residence_permits.parquet",
             lambda t: _set_column(t, "valid_from", pc.cast(t["valid_from"], pa.string())))
    _rewrite(landing / "reimbursements.parquet",
             lambda t: _set_column(t, "amount_eur", pc.cast(t["amount_eur"], pa.decimal128(18, 2))))
    _rewrite(landing / "aid_decisions.parquet",
             lambda t: _set_column(t, "recorded_at", pc.cast(t["recorded_at"], pa.timestamp("ns"))))


def _duplicate_csv_header(landing: Path) -> None:
    """persons.csv with a last column `INSZ` (the same column to DuckDB) holding other values."""
    lines = (landing / "persons.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",INSZ"] + [line + ",00000000000" for line in lines[1:]]
    (landing / "persons.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


# Bad shapes: (case, landing format, how to break the base set, words the message holds).
SHAPE_CASES = {
    "parquet_insz_of_integers": (
        "parquet", lambda d: _rewrite(d / "persons.parquet", _insz_as_integers),
        ["persons.parquet", "column insz", "BIGINT"]),
    "parquet_column_named_twice": (
        "parquet", lambda d: _rewrite(d / "residence_permits.parquet", _insz_twice),
        ["residence_permits.parquet", "named more than once", "insz (2 times)"]),
    "csv_header_naming_insz_twice": (
        "csv", _duplicate_csv_header,
        ["persons.csv", "named more than once", "insz (2 times)"]),
    "parquet_amount_of_doubles": (
        "parquet", lambda d: _rewrite(d / "reimbursements.parquet",
                                      lambda t: _set_column(t, "amount_eur", pc.cast(t["amount_eur"], pa.float64()))),
        ["reimbursements.parquet", "column amount_eur", "DOUBLE"]),
    "parquet_timestamp_with_time_zone": (
        "parquet", lambda d: _rewrite(d / "aid_decisions.parquet",
                                      lambda t: _set_column(t, "recorded_at",
                                                            pc.cast(t["recorded_at"], pa.timestamp("us", "UTC")))),
        ["aid_decisions.parquet", "column recorded_at", "TIMESTAMP WITH TIME ZONE"]),
}


def _no_persons(landing: Path) -> None:
    _rewrite(landing / "persons.parquet", lambda t: t.slice(0, 0))


def _fewer_reimbursements(landing: Path) -> None:
    _rewrite(landing / "reimbursements.parquet", lambda t: t.slice(0, t.num_rows * 3 // 10))


def _extra_bad_persons(landing: Path) -> None:
    """Append as many persons rows with an invalid insz as half the file holds: about a
    third of the rows quarantined, nothing else changed (no row lost, no transfer lost)."""
    def change(table: pa.Table) -> pa.Table:
        extra = table.slice(0, table.num_rows // 2)
        return pa.concat_tables([table, _set_column(extra, "insz", pa.array(["not-an-insz"] * extra.num_rows))])
    _rewrite(landing / "persons.parquet", change)


# ------------------------------------------------------------------ the builds


@pytest.fixture(scope="module")
def hardening(tmp_path_factory):
    root = os.environ.get("DVZ_HARDENING_WORKDIR")
    base = Path(root) if root else tmp_path_factory.mktemp("hardening")
    if root and base.exists():
        shutil.rmtree(base)
    landings = base / "landing"
    good = landings / "good"
    from test_robustness import generator  # noqa: PLC0415 - the generator module, loaded once there

    generator.generate(good, 100, seed=1515, as_of=dt.date.fromisoformat(AS_OF), fmt="both", adversarial=False)

    def variant(name: str, change) -> Path:
        folder = landings / name
        shutil.copytree(good, folder)
        change(folder)
        return folder

    def workdir(name: str) -> Path:
        return base / "builds" / f"{name} {HOSTILE}"

    def job(name: str, landing: Path, extra_vars: dict | None = None, **options) -> dict:
        return runner.job(name, landing, workdir(options.pop("workdir", name)),
                          {"as_of_date": AS_OF, **(extra_vars or {})}, **options)

    shrink_landing = variant("fewer_reimbursements", _fewer_reimbursements)
    quarantine_landing = variant("extra_bad_persons", _extra_bad_persons)
    no_persons = variant("no_persons", _no_persons)
    override_shrink = {"circuit_breaker_max_shrink_share": 1}
    first = [
        job("quoted_paths", good, export_dir=base / "exports" / HOSTILE),
        job("accepted_shapes", variant("accepted_shapes", _accepted_shapes), select=SHAPE_SELECTION),
        *[job(case, variant(case, breaks), landing_format=landing_format, select=SHAPE_SELECTION)
          for case, (landing_format, breaks, _) in SHAPE_CASES.items()],
        job("first_build_empty_source", no_persons, select=BREAKER_SELECTION),
        job("first_build_empty_source_override", no_persons, override_shrink, select=BREAKER_SELECTION),
        *[job(f"{kind}_last_good", good, select=BREAKER_SELECTION) for kind in ("shrink", "quarantine", "transfer")],
    ]
    with runner.WorkerPool(base / f"pool {HOSTILE}", workers=int(os.environ.get("DVZ_HARDENING_WORKERS", "2"))) as pool:
        outcomes = pool.run(first)
        # The last good warehouse as run.sh names it: another file, attached read-only.
        attached = base / "served" / HOSTILE / "dvz.duckdb"
        attached.parent.mkdir(parents=True)
        shutil.copyfile(workdir("shrink_last_good") / "warehouse.duckdb", attached)
        attached_sha = hashlib.sha256(attached.read_bytes()).hexdigest()
        in_place = dict(select=BREAKER_SELECTION, fresh=False)
        outcomes.update(pool.run([
            job("shrink_tripped", shrink_landing, workdir="shrink_last_good", **in_place),
            job("quarantine_tripped", quarantine_landing, workdir="quarantine_last_good", **in_place),
            job("transfer_tripped", good, {"as_of_date": EARLY_AS_OF}, workdir="transfer_last_good", **in_place),
            job("shrink_tripped_attached", shrink_landing, select=BREAKER_SELECTION,
                env={"DVZ_LAST_GOOD_DUCKDB_PATH": str(attached)}),
            # The same trip in a whole build (every model, the DVZ delivery included): the
            # batch is built, and no delivery file is written (RULES.md §8a).
            job("shrink_tripped_whole_build", shrink_landing, export_dir=base / "tripped_exports" / HOSTILE,
                env={"DVZ_LAST_GOOD_DUCKDB_PATH": str(attached)}),
        ]))
        records_after_trip = {kind: _last_good(workdir(f"{kind}_last_good"))
                              for kind in ("shrink", "quarantine", "transfer")}
        outcomes.update(pool.run([
            job("shrink_override", shrink_landing, override_shrink, workdir="shrink_last_good", **in_place),
            job("quarantine_override", quarantine_landing, {"circuit_breaker_max_quarantined_share": 1},
                workdir="quarantine_last_good", **in_place),
            job("transfer_override", good, {"as_of_date": EARLY_AS_OF, **override_shrink},
                workdir="transfer_last_good", **in_place),
        ]))
    return dict(base=base, outcomes=outcomes, workdir=workdir, records_after_trip=records_after_trip,
                attached=attached, attached_sha=attached_sha, landings=landings)


def _read(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def _last_good(workdir: Path) -> dict[str, int]:
    return dict(_read(workdir / "warehouse.duckdb", "select subject, row_count from audit.last_good_build"))


def _ok(hardening, name: str) -> Path:
    outcome = hardening["outcomes"][name]
    assert outcome["ok"], f"{name} failed:\n" + "\n".join(outcome["failed"][:10]) + "\n" + outcome["text"][-4000:]
    return hardening["workdir"](name) / "warehouse.duckdb"


def _stopped(hardening, name: str, words: list[str]) -> str:
    outcome = hardening["outcomes"][name]
    assert not outcome["ok"], f"{name}: the build did not stop"
    missing = [word for word in words if word not in outcome["text"]]
    assert missing == [], f"{name}: the message lacks {missing}:\n{outcome['text'][-4000:]}"
    return outcome["text"]


def _landing_rows(landing: Path, source: str) -> int:
    return pq.ParquetFile(landing / f"{source}.parquet").metadata.num_rows


# ------------------------------------------------------------------ quoting


def test_hostile_folder_names_are_data_and_no_injected_statement_runs(hardening):
    warehouse = _ok(hardening, "quoted_paths")
    export = hardening["base"] / "exports" / HOSTILE
    written = sorted(path.name for path in export.iterdir())
    assert f"dvz_transfer_batch_{AS_OF[:7]}.parquet" in written, written
    assert _read(warehouse, "select count(*) from marts.rpt_landing_reconciliation where landing_rows > 0")[0][0] == 4
    builds = sorted((hardening["base"] / "builds").glob("*/warehouse.duckdb"))
    assert len(builds) >= 5
    for database in builds:
        schemas = {name for (name,) in _read(database, "select schema_name from information_schema.schemata")}
        assert not any("pwned" in name for name in schemas), (database, schemas)
    assert not [path for path in hardening["base"].rglob("*") if path.name.startswith("pwned")]


# ------------------------------------------------------------------ shape checks


@pytest.mark.parametrize("case", list(SHAPE_CASES))
def test_a_landing_file_of_the_wrong_shape_stops_the_run_naming_file_column_and_type(hardening, case):
    _stopped(hardening, case, SHAPE_CASES[case][2])
    assert not (hardening["workdir"](case) / "warehouse.duckdb").exists() or not _read(
        hardening["workdir"](case) / "warehouse.duckdb",
        "select * from information_schema.tables where table_schema = 'staging'"), "something was staged"


def test_the_physical_types_the_contract_allows_are_accepted(hardening):
    warehouse = _ok(hardening, "accepted_shapes")
    placed = dict(_read(warehouse, "select source, count(*) from staging.stg_landing__row_placements group by all"))
    landing = hardening["landings"] / "accepted_shapes"
    assert placed == {source: _landing_rows(landing, source) for source in runner.SOURCES}


# ------------------------------------------------------------------ circuit breakers


def test_an_empty_source_stops_a_first_build_and_its_var_lets_it_through(hardening):
    _stopped(hardening, "first_build_empty_source",
             ["Circuit breaker", "persons: the landing file has no row", "no last good build",
              "circuit_breaker_max_shrink_share"])
    warehouse = _ok(hardening, "first_build_empty_source_override")
    # A first build checks emptiness only: everyone is UNKNOWN_PERSON, and nothing stops it.
    breakers = _read(warehouse, "select subject, quarantined_share_breaker from marts.rpt_circuit_breakers")
    assert {breaker for _, breaker in breakers} == {"NOT_CHECKED"}


def test_a_source_that_shrank_stops_the_build_naming_both_counts(hardening):
    before = _landing_rows(hardening["landings"] / "good", "reimbursements")
    after = _landing_rows(hardening["landings"] / "fewer_reimbursements", "reimbursements")
    for name in ("shrink_tripped", "shrink_tripped_attached", "shrink_tripped_whole_build"):
        _stopped(hardening, name, [f"reimbursements: {after} landing rows", f"as of {AS_OF}, had {before}",
                                   "circuit_breaker_max_shrink_share (50 %)"])
    # A tripped whole build built its DVZ batch and published nothing.
    tripped_exports = hardening["base"] / "tripped_exports" / HOSTILE
    assert not tripped_exports.exists() or list(tripped_exports.iterdir()) == []
    assert not any("dvz_transfer_batch" in line for line in hardening["outcomes"]["shrink_tripped_whole_build"]["failed"])
    # run.sh's last good warehouse is read, never written.
    assert hashlib.sha256(hardening["attached"].read_bytes()).hexdigest() == hardening["attached_sha"]


def _effective_rows(landing: Path, source: str) -> tuple[int, int]:
    """(rows recorded by AS_OF, of which with an insz that is not a number), from the file."""
    cutoff = dt.datetime.fromisoformat(AS_OF) + dt.timedelta(days=1)
    rows = pq.read_table(landing / f"{source}.parquet", columns=["insz", "recorded_at"]).to_pylist()
    effective = [row for row in rows if row["recorded_at"] < cutoff]
    return len(effective), sum(row["insz"] == "not-an-insz" for row in effective)


def test_a_quarantined_share_above_the_threshold_stops_the_build(hardening):
    effective, bad = _effective_rows(hardening["landings"] / "extra_bad_persons", "persons")
    assert bad > 0.2 * effective
    text = _stopped(hardening, "quarantine_tripped",
                    [f"persons: {bad} of {effective} rows quarantined",
                     "circuit_breaker_max_quarantined_share (20 %)"])
    assert "landing rows" not in text and "TRANSFER rows" not in text, "only the quarantine breaker trips"


def test_transfer_rows_that_shrank_stop_the_build(hardening):
    _stopped(hardening, "transfer_tripped", ["transfer_rows: ", "TRANSFER rows", f"as of {AS_OF}, had ",
                                             "circuit_breaker_max_shrink_share"])


def test_a_tripped_build_keeps_the_last_good_record_and_an_override_replaces_it(hardening):
    good_landing = hardening["landings"] / "good"
    expected_first = {source: _landing_rows(good_landing, source) for source in runner.SOURCES}
    for kind, record in hardening["records_after_trip"].items():
        assert {s: n for s, n in record.items() if s != "transfer_rows"} == expected_first, kind
    for name in ("shrink_override", "quarantine_override", "transfer_override"):
        _ok(hardening, name)
    shrunk = _last_good(hardening["workdir"]("shrink_last_good"))
    assert shrunk["reimbursements"] == _landing_rows(hardening["landings"] / "fewer_reimbursements", "reimbursements")
    early = _read(hardening["workdir"]("transfer_last_good") / "warehouse.duckdb",
                  "select distinct as_of_date from audit.last_good_build")
    assert early == [(dt.date.fromisoformat(EARLY_AS_OF),)]
