"""Robustness suite (issue #6), sized for CI (2-3 minutes on 2 cores):

- 20 generated adversarial landing sets (different seeds, sizes and as_of dates), each
  holding every bad-row kind of RULES.md §2 (asserted from the generator's expectation
  files), build green; every row lands where the generator planted it; the
  reconciliation balances; and no person Belgian or holding a population-register
  permit on `transfer_due_on` is ever TRANSFER — checked against RULES.md §7 computed
  here from the landing rows, not from the warehouse's own flags;
- two builds of the same input give byte-identical DVZ export files;
- appending rows recorded after `as_of_date` changes nothing for that `as_of_date`;
- a landing file with a wrong header, a wrong type, an empty file or a truncated Parquet
  file stops the run with a message naming the file and the column;
- through `scripts/run.sh`: a dashboard reading the served warehouse while a build runs
  neither fails nor blocks the build; a second run.sh on the same warehouse during it
  stops at once naming the first one's pid and touches nothing; a stale `.building` file
  is cleared by the run that holds the lock; the circuit breakers compare with the served
  warehouse; and a failed run leaves the last good warehouse in place and readable.

The builds run two at a time in worker processes that parse the project once
(`robustness_runner.py`). `DVZ_ROBUSTNESS_WORKDIR=/tmp/x` keeps every landing set,
warehouse and log there; with `DVZ_ROBUSTNESS_REUSE=1` as well, a second run reuses
them instead of building again (to work on the checks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import robustness_runner as runner  # noqa: E402
from test_end_to_end import _expected, _read  # noqa: E402

REPO_ROOT = runner.REPO_ROOT
SOURCES = runner.SOURCES
AS_OF_DATES = ("2025-06-30", "2024-02-29", "2023-12-31", "2022-01-31")
# 20 sets: seeds 601..620, 60 to 155 persons, four as_of dates (a month end, a leap day,
# a year end, a January).
SETS = [dict(name=f"set{i + 1:02d}", seed=601 + i, persons=60 + 5 * i, as_of=AS_OF_DATES[i % 4])
        for i in range(20)]
SET_NAMES = [s["name"] for s in SETS]

# Every (source, reason) of RULES.md §2 that can happen: persons have no period, no scheme
# and no parent; permits no scheme; reimbursements no code column and no period.
EVERY_BAD_ROW_KIND = {
    (source, reason)
    for source, reasons in {
        "persons": ("MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE", "CONFLICTING_VERSIONS"),
        "residence_permits": ("MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE",
                              "END_BEFORE_START", "CONFLICTING_VERSIONS", "UNKNOWN_PERSON"),
        "aid_decisions": ("MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE", "END_BEFORE_START",
                          "IMPOSSIBLE_SCHEME_FORM", "CONFLICTING_VERSIONS", "UNKNOWN_PERSON"),
        "reimbursements": ("MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "CONFLICTING_VERSIONS",
                           "UNKNOWN_DECISION", "PERSON_MISMATCH"),
    }.items()
    for reason in reasons
}

# RULES.md §7, written out here on purpose (not read from the project's seeds).
POPULATION_REGISTER_DOCUMENTS = {"C", "D", "E+", "F+", "K", "L", "EU+", "M+"}

# The generator, imported (as test_generator.py does) to skip a Python start per set.
generator = sys.modules.get("generate_landing")
if generator is None:
    _spec = importlib.util.spec_from_file_location("generate_landing", REPO_ROOT / "scripts" / "generate_landing.py")
    generator = importlib.util.module_from_spec(_spec)
    sys.modules["generate_landing"] = generator
    _spec.loader.exec_module(generator)


# ------------------------------------------------------------------ landing files


def _generate(landing: Path, seed: int, persons: int, as_of: str, landing_format: str = "parquet") -> None:
    generator.generate(landing, persons, seed=seed, as_of=dt.date.fromisoformat(as_of), fmt=landing_format,
                       adversarial=True)


def _copy(source_dir: Path, target_dir: Path) -> Path:
    shutil.copytree(source_dir, target_dir)
    return target_dir


def _rewrite_parquet(path: Path, change) -> None:
    table = pq.read_table(path)
    pq.write_table(change(table), path)


def _rewrite_csv(path: Path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def _set_csv_value(lines: list[str], row: int, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    fields = lines[row].split(",")
    fields[header.index(column)] = value
    return lines[:row] + [",".join(fields)] + lines[row + 1:]


def _column_as(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, values)


def _dates_as_integers(table: pa.Table, column: str) -> pa.Table:
    """A date column written as yyyymmdd integers (a wrong Parquet type)."""
    values = [None if d is None else d.year * 10000 + d.month * 100 + d.day for d in table[column].to_pylist()]
    return _column_as(table, column, pa.array(values, pa.int64()))


# Bad landing files: (case, landing format, how to break the base set, words the
# message must hold). Each stops the run; the message names the file and the column.
BAD_FILE_CASES = {
    "parquet_misspelled_column": (
        "parquet",
        lambda d: _rewrite_parquet(d / "reimbursements.parquet",
                                   lambda t: t.rename_columns(["aid_mnth" if c == "aid_month" else c
                                                               for c in t.column_names])),
        ["reimbursements.parquet", "aid_month"]),
    "parquet_date_column_of_integers": (
        "parquet",
        lambda d: _rewrite_parquet(d / "aid_decisions.parquet", lambda t: _dates_as_integers(t, "period_start")),
        ["aid_decisions.parquet", "period_start"]),
    "parquet_empty_file": (
        "parquet",
        lambda d: (d / "persons.parquet").write_bytes(b""),
        ["persons.parquet", "empty"]),
    "parquet_truncated_file": (
        "parquet",
        lambda d: (d / "residence_permits.parquet").write_bytes(
            (d / "residence_permits.parquet").read_bytes()[:(d / "residence_permits.parquet").stat().st_size // 2]),
        ["residence_permits.parquet"]),
    "csv_semicolon_delimited": (
        "csv",
        lambda d: _rewrite_csv(d / "persons.csv", lambda lines: [line.replace(",", ";") for line in lines]),
        ["persons.csv", "nationality_code"]),
    "csv_empty_file": (
        "csv",
        lambda d: (d / "aid_decisions.csv").write_bytes(b""),
        ["aid_decisions.csv", "empty"]),
    "csv_day_first_date": (
        "csv",
        lambda d: _rewrite_csv(d / "reimbursements.csv",
                               lambda lines: _set_csv_value(lines, 5, "paid_on", "31/01/2024")),
        ["reimbursements.csv", "paid_on", "row 5", "31/01/2024"]),
}


def _append_late_rows(landing: Path, as_of: str, seed: int) -> dict[str, int]:
    """Append to each Parquet file rows recorded after `as_of` (from as_of + 1 day
    00:00:00 on): changed copies of existing rows (Belgian nationality, population
    register permits, longer and bigger aid, large reimbursements paid early), new keys and
    broken rows. Returns how many rows were appended per source."""
    rng = random.Random(seed)
    first_late = dt.datetime.combine(dt.date.fromisoformat(as_of) + dt.timedelta(days=1), dt.time())
    changes = {
        "persons": dict(nationality_code="BE", belgian_since=None),
        "residence_permits": dict(register="POPULATION", document_type="K", valid_to=None),
        "aid_decisions": dict(period_end=None, status="GRANTED", legal_scheme="RMI", aid_form="INTEGRATION_INCOME"),
        "reimbursements": dict(amount_eur=Decimal("99999.99"), paid_on=dt.date(2012, 1, 31)),
    }
    key = {"persons": "insz", "residence_permits": "permit_id", "aid_decisions": "decision_id",
           "reimbursements": "reimbursement_id"}
    appended = {}
    for source in SOURCES:
        path = landing / f"{source}.parquet"
        table = pq.read_table(path)
        rows = table.to_pylist()
        picked = rng.sample(rows, k=max(5, len(rows) // 10))
        late = []
        for number, row in enumerate(picked):
            row = dict(row, **changes[source])
            if number % 3 == 1 and source != "persons":  # a new key
                row[key[source]] = f"LATE{number:05d}"
            if number % 7 == 2:  # a broken row
                row["insz"] = "not a number"
            row["recorded_at"] = first_late + dt.timedelta(seconds=0 if number == 0 else rng.randrange(60 * 86400))
            late.append(row)
        pq.write_table(pa.concat_tables([table, pa.Table.from_pylist(late, schema=table.schema)]), path)
        appended[source] = len(late)
    return appended


# ------------------------------------------------------------------ the builds


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """Generates the landing sets and runs every dbt build of the suite (two workers)."""
    root = os.environ.get("DVZ_ROBUSTNESS_WORKDIR")
    base = Path(root) if root else tmp_path_factory.mktemp("robustness")
    saved = base / "suite.json"
    if root and os.environ.get("DVZ_ROBUSTNESS_REUSE") == "1" and saved.exists():
        suite = json.loads(saved.read_text(encoding="utf-8"))
        return dict(suite, base=base, sets={name: dict(spec, landing=Path(spec["landing"]))
                                            for name, spec in suite["sets"].items()})
    if root and base.exists():
        shutil.rmtree(base)
    started = time.perf_counter()
    jobs, sets = [], {}
    for spec in SETS:
        landing = base / spec["name"] / "landing"
        _generate(landing, spec["seed"], spec["persons"], spec["as_of"],
                  "both" if spec["name"] == "set01" else "parquet")
        sets[spec["name"]] = dict(spec, landing=landing)
        jobs.append(runner.job(spec["name"], landing, base / spec["name"], {"as_of_date": spec["as_of"]}))

    first, second = SETS[0], SETS[1]
    # The same input as set01 again, for the byte-identical export.
    jobs.append(runner.job("set01_again", sets["set01"]["landing"], base / "set01_again",
                           {"as_of_date": first["as_of"]}))
    # set02 with rows recorded after its as_of_date appended.
    late_landing = _copy(sets["set02"]["landing"], base / "set02_late" / "landing")
    appended = _append_late_rows(late_landing, second["as_of"], seed=second["seed"])
    jobs.append(runner.job("set02_late", late_landing, base / "set02_late", {"as_of_date": second["as_of"]}))
    # Broken landing files, from set01.
    for case, (landing_format, breaks, _) in BAD_FILE_CASES.items():
        landing = _copy(sets["set01"]["landing"], base / case / "landing")
        breaks(landing)
        jobs.append(runner.job(case, landing, base / case, {"as_of_date": first["as_of"]},
                               landing_format=landing_format))
    generated = time.perf_counter() - started
    with runner.WorkerPool(base / "workers", workers=int(os.environ.get("DVZ_ROBUSTNESS_WORKERS", "2"))) as pool:
        outcomes = pool.run(jobs)
        built = time.perf_counter() - started - generated
    seconds = [o["seconds"] for name, o in outcomes.items() if name in sets and o["seconds"]]
    cpu = sum(o.get("cpu_seconds") or 0 for o in outcomes.values())
    print(f"\nrobustness: generated in {generated:.1f}s; {len(jobs)} builds in {built:.1f}s (set builds "
          f"{min(seconds, default=0):.1f}-{max(seconds, default=0):.1f}s each, {cpu:.0f}s CPU for all the builds "
          f"without parsing)")
    saved.write_text(json.dumps(dict(sets=sets, outcomes=outcomes, appended=appended), default=str), encoding="utf-8")
    return dict(base=base, sets=sets, outcomes=outcomes, appended=appended)


def _built(suite, name: str) -> Path:
    outcome = suite["outcomes"][name]
    if not outcome["ok"]:
        pytest.fail(f"dbt build of {name} failed:\n" + "\n".join(outcome["failed"][:20]) + "\n"
                    + outcome["text"][-6000:], pytrace=False)
    return suite["base"] / name / "warehouse.duckdb"


# ------------------------------------------------------------------ the 20 sets


@pytest.mark.parametrize("name", SET_NAMES)
def test_adversarial_set_builds_green_and_every_row_lands_where_planted(suite, name):
    landing = suite["sets"][name]["landing"]
    expected_quarantine = _expected(landing, "_expected_quarantine.csv")
    expected_late = _expected(landing, "_expected_not_yet_effective.csv")
    planted = {(source, reason) for source, _, reason in expected_quarantine}
    assert sorted(EVERY_BAD_ROW_KIND - planted) == [], "the generator did not plant every bad-row kind"
    assert {source for source, _ in expected_late} == set(SOURCES), "no late row in some source"

    warehouse = _built(suite, name)
    reconciliation = _read(warehouse, """
        select source, landing_rows, staged_rows, superseded_rows, not_yet_effective_rows, quarantined_rows
        from marts.rpt_landing_reconciliation order by source""")
    assert sorted(r[0] for r in reconciliation) == sorted(SOURCES)
    for source, landing_rows, staged, superseded, late, quarantined in reconciliation:
        assert landing_rows == pq.ParquetFile(landing / f"{source}.parquet").metadata.num_rows, source
        assert landing_rows == staged + superseded + late + quarantined, source
        assert staged > 0, source
    quarantined = set(_read(warehouse, "select source, source_row_number, reason_code from marts.rpt_quarantined_rows"))
    assert sorted(expected_quarantine - quarantined) == [], "planted bad rows not quarantined as planted"
    assert sorted(quarantined - expected_quarantine) == [], "rows quarantined that were not planted"
    late = set(_read(warehouse, """
        select source, source_row_number from staging.stg_landing__row_placements
        where place = 'NOT_YET_EFFECTIVE'"""))
    assert late == expected_late


def _ascii_code(value) -> str | None:
    """RULES.md §2: a code loses leading and trailing spaces, ASCII letters upper-cased;
    empty is null."""
    if value is None:
        return None
    text = str(value).strip(" ")
    return "".join(c.upper() if "a" <= c <= "z" else c for c in text) or None


def _digits(value) -> str | None:
    digits = "".join(c for c in str(value or "") if "0" <= c <= "9")
    return digits or None


def _current_rows(landing: Path, source: str, key, as_of: dt.date, quarantined: set) -> dict:
    """RULES.md §2 from the landing rows: per business key, the effective row (recorded by
    as_of) not quarantined with the latest recorded_at. Which rows are quarantined comes
    from the generator's plan (`_expected_quarantine.csv`), not from the warehouse."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    current: dict = {}
    for number, row in enumerate(pq.read_table(landing / f"{source}.parquet").to_pylist(), start=1):
        if (source, number) in quarantined or row["recorded_at"] is None or row["recorded_at"] >= end:
            continue
        business_key = key(row)
        if business_key not in current or row["recorded_at"] > current[business_key]["recorded_at"]:
            current[business_key] = row
    return current


def _rules_7_from_landing(landing: Path, as_of: dt.date):
    """RULES.md §7 computed from the landing rows: (is Belgian on t, holds a
    population-register permit valid on t), as two functions of (insz, t)."""
    quarantined = {(source, number) for source, number, _ in _expected(landing, "_expected_quarantine.csv")}
    persons = _current_rows(landing, "persons", lambda r: _digits(r["insz"]), as_of, quarantined)
    permits = _current_rows(landing, "residence_permits", lambda r: (r["permit_id"] or "").strip(" "), as_of,
                            quarantined)
    permits_of: dict[str, list[dict]] = {}
    for permit in permits.values():
        permits_of.setdefault(_digits(permit["insz"]), []).append(permit)

    def belgian(insz: str, day: dt.date) -> bool:
        person = persons.get(insz)
        return (person is not None and _ascii_code(person["nationality_code"]) == "BE"
                and (person["belgian_since"] is None or person["belgian_since"] <= day))

    def population_register(insz: str, day: dt.date) -> bool:
        return any(
            (_ascii_code(p["register"]) == "POPULATION"
             or _ascii_code(p["document_type"]) in POPULATION_REGISTER_DOCUMENTS)
            and p["valid_from"] <= day and (p["valid_to"] is None or day <= p["valid_to"])
            for p in permits_of.get(insz, []))

    return belgian, population_register


@pytest.mark.parametrize("name", SET_NAMES)
def test_no_belgian_or_population_register_person_is_ever_transferred(suite, name):
    """Every eligibility row against RULES.md §7 computed from the landing files: a person
    Belgian on transfer_due_on is EXCLUDED_BELGIAN, else one holding a population-register
    permit valid that day is EXCLUDED_POPULATION_REGISTER, and neither is ever TRANSFER."""
    spec = suite["sets"][name]
    warehouse = _built(suite, name)
    belgian, population_register = _rules_7_from_landing(spec["landing"], dt.date.fromisoformat(spec["as_of"]))
    wrong = []
    for insz, flow, episode_start, due, status in _read(warehouse, """
            select insz, flow_code, episode_start, transfer_due_on, transfer_status
            from marts.fct_transfer_eligibility"""):
        if belgian(insz, due):
            expected = "EXCLUDED_BELGIAN"
        elif population_register(insz, due):
            expected = "EXCLUDED_POPULATION_REGISTER"
        else:
            expected = None
        if (status == "TRANSFER" and expected) or (expected and status != expected) or (
                not expected and status in ("EXCLUDED_BELGIAN", "EXCLUDED_POPULATION_REGISTER")):
            wrong.append(f"{insz} {flow} episode {episode_start} due {due}: {status}, RULES §7 says "
                         f"{expected or 'neither Belgian nor population register'}")
    assert wrong == []


def test_the_sets_do_transfer_and_do_exclude(suite):
    """The §7 check above is not vacuous: the 20 sets together transfer persons and
    exclude Belgians and population-register holders."""
    statuses = Counter()
    for name in SET_NAMES:
        warehouse = _built(suite, name)
        statuses.update(dict(_read(warehouse, """
            select transfer_status, count(*) from marts.fct_transfer_eligibility group by all""")))
    assert statuses["TRANSFER"] > 0 and statuses["EXCLUDED_BELGIAN"] > 0 and \
        statuses["EXCLUDED_POPULATION_REGISTER"] > 0, statuses


# ------------------------------------------------------------------ reproducibility


def _export_files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same_exports(one: Path, two: Path) -> int:
    """The delivery files of two builds (data files and manifest) are byte-identical
    (RULES.md §8a: same landing files, as_of_date and ledger, same files). Returns the
    number of rows delivered."""
    first, second = _export_files(one), _export_files(two)
    data = [name for name in first if name.endswith((".parquet", ".csv"))]
    assert {Path(n).suffix for n in data} == {".parquet", ".csv"}, f"no export files in {one}: {sorted(first)}"
    assert any("manifest" in name for name in first), f"no export manifest in {one}: {sorted(first)}"
    assert set(first) == set(second)
    for name in sorted(first):
        assert first[name].read_bytes() == second[name].read_bytes(), f"{name} differs between the two builds"
    return sum(pq.ParquetFile(first[name]).metadata.num_rows for name in data
               if name.startswith("dvz_transfer_batch_") and name.endswith(".parquet"))


def test_two_builds_of_the_same_input_give_byte_identical_exports(suite):
    _built(suite, "set01")
    _built(suite, "set01_again")
    base = suite["base"]
    # The first batch of an empty ledger holds every TRANSFER row due by its month's end.
    assert _assert_same_exports(base / "set01" / "export", base / "set01_again" / "export") > 0


def _table_rows(warehouse: Path) -> dict[str, list]:
    """Every row of every marts table, sorted, by table name."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [r[0] for r in con.execute("""
            select table_name from information_schema.tables
            where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1""").fetchall()]
        return {t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in tables}


# Marts that count landing rows by place, as the reconciliation does (CONTRACT.md §3):
# rows recorded after as_of_date are in them as NOT_YET_EFFECTIVE, and only there.
_PLACE_COUNTS = {"rpt_landing_reconciliation", "fct_landing_quality_over_time", "rpt_circuit_breakers"}


def _rows_not_late(warehouse: Path, table: str) -> list:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if table == "rpt_landing_reconciliation":
            sql = """select source, as_of_date, landing_rows - not_yet_effective_rows, staged_rows, superseded_rows,
                            quarantined_rows from marts.rpt_landing_reconciliation"""
        elif table == "rpt_circuit_breakers":
            sql = """select * exclude (row_count, shrink_share, tripped_message), coalesce(effective_rows, row_count)
                     from marts.rpt_circuit_breakers"""
        else:
            sql = f"select * exclude (landing_rows), landing_rows from marts.{table} where place <> 'NOT_YET_EFFECTIVE'"
        return sorted(con.execute(sql).fetchall(), key=repr)


def _late_rows(warehouse: Path, table: str) -> dict:
    if table == "rpt_circuit_breakers":
        return dict(_read(warehouse, """select subject, row_count - effective_rows from marts.rpt_circuit_breakers
                                        where effective_rows is not null"""))
    column = "not_yet_effective_rows" if table == "rpt_landing_reconciliation" else "landing_rows"
    where = "" if table == "rpt_landing_reconciliation" else "where place = 'NOT_YET_EFFECTIVE'"
    return dict(_read(warehouse, f"select source, sum({column}) from marts.{table} {where} group by source"))


def test_rows_recorded_after_as_of_change_nothing(suite):
    """RULES.md §1: the same files plus rows recorded later give the same output for the
    same as_of_date. Every marts table is compared whole, except that the tables counting
    landing rows by place count the appended rows, as NOT_YET_EFFECTIVE."""
    original, late = _built(suite, "set02"), _built(suite, "set02_late")
    before, after = _table_rows(original), _table_rows(late)
    assert set(before) == set(after)
    assert before["fct_transfer_eligibility"], "set02 transfers nobody: the comparison would say little"
    changed = [t for t in before if t not in _PLACE_COUNTS and before[t] != after[t]]
    assert changed == [], f"marts changed by rows recorded after as_of_date: {changed}"
    appended = suite["appended"]
    for table in sorted(_PLACE_COUNTS & set(before)):
        assert _rows_not_late(original, table) == _rows_not_late(late, table), table
        late_before, late_after = _late_rows(original, table), _late_rows(late, table)
        assert {s: late_after[s] - late_before.get(s, 0) for s in late_after} == appended, table
    base = suite["base"]
    assert _assert_same_exports(base / "set02" / "export", base / "set02_late" / "export") > 0


# ------------------------------------------------------------------ bad landing files


@pytest.mark.parametrize("case", list(BAD_FILE_CASES))
def test_a_bad_landing_file_stops_the_run_naming_file_and_column(suite, case):
    outcome = suite["outcomes"][case]
    assert not outcome["ok"], f"{case}: the build did not stop"
    missing = [word for word in BAD_FILE_CASES[case][2] if word not in outcome["text"]]
    assert missing == [], f"{case}: the message lacks {missing}:\n{outcome['text'][-3000:]}"


# ------------------------------------------------------------------ scripts/run.sh: serving


_TOTAL_ROWS = "select sum(landing_rows) from marts.rpt_landing_reconciliation"

# A dashboard process that keeps one read-only connection open for the whole build.
_HOLDER = """
import json, os, pathlib, sys, time, duckdb
path, stop, out = sys.argv[1:4]
reads, errors, values = 0, [], set()
con = duckdb.connect(path, read_only=True)
values.add(con.execute(%r).fetchone()[0])
pathlib.Path(out + ".ready").touch()
while not os.path.exists(stop):
    try:
        values.add(con.execute(%r).fetchone()[0]); reads += 1
    except Exception as error:
        errors.append(repr(error))
    time.sleep(0.2)
con.close()
open(out, "w").write(json.dumps(dict(reads=reads, errors=errors, values=sorted(values))))
""" % (_TOTAL_ROWS, _TOTAL_ROWS)


def _dashboard_query():
    """The dashboard's own reader (one short-lived read-only connection per query) when
    dashboard/warehouse.py exists, else the same thing written out here."""
    if (REPO_ROOT / "dashboard" / "warehouse.py").exists():
        if str(REPO_ROOT / "dashboard") not in sys.path:
            sys.path.insert(0, str(REPO_ROOT / "dashboard"))
        import warehouse  # noqa: PLC0415 - the dashboard module, imported only when present

        return lambda path: warehouse._query(Path(path), _TOTAL_ROWS, ()).iloc[0, 0]

    def query(path):
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(_TOTAL_ROWS).fetchone()[0]

    return query


def _start_run_sh(landing: Path, served: Path, workdir: Path, as_of: str) -> subprocess.Popen:
    env = runner.worker_env(
        DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(served), DVZ_EXPORT_DIR=str(workdir / "export"),
        DBT_TARGET_PATH=str(workdir / "target"), DBT_LOG_PATH=str(workdir / "logs"))
    # These runs are about serving, and build unrelated sets one after the other: a third
    # of a small adversarial set's rows may be quarantined, and a handful of TRANSFER rows
    # may halve from one set to the next. The circuit breakers (test_hardening.py) would
    # refuse that against the served build; here they are let through.
    dbt_vars = {"as_of_date": as_of, "circuit_breaker_max_quarantined_share": 1, "circuit_breaker_max_shrink_share": 1}
    return subprocess.Popen(
        ["bash", "scripts/run.sh", "--select", *runner.BUILD_SELECTION, "--indirect-selection", "empty",
         "--no-use-colors", "--vars", json.dumps(dbt_vars)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen, timeout: float = 600) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _run_sh(landing: Path, served: Path, workdir: Path, as_of: str) -> subprocess.CompletedProcess:
    return _finish(_start_run_sh(landing, served, workdir, as_of))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served_runs(suite):
    """Serves set03's warehouse, then: `scripts/run.sh` on set04 while a dashboard reads
    (a thread with short-lived connections, a process holding one connection open), over a
    stale `.building` file, and, once its dbt has started, a second `scripts/run.sh` on the
    same warehouse; then `scripts/run.sh` on a broken landing set, which must fail."""
    base = suite["base"] / "served"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir()
    served = base / "dvz.duckdb"
    shutil.copyfile(_built(suite, "set03"), served)
    _built(suite, "set04")
    query = _dashboard_query()
    old_total = query(served)

    stop, holder_out = base / "stop", base / "holder.json"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(served), str(stop), str(holder_out)])
    for _ in range(600):  # it holds the old file open before the build starts
        if Path(f"{holder_out}.ready").exists() or holder.poll() is not None:
            break
        time.sleep(0.05)
    seen, errors, finished = [], [], threading.Event()

    def read_all_the_time():
        while not finished.is_set():
            try:
                seen.append(query(served))
            except Exception as error:  # noqa: BLE001 - every reader error is reported
                errors.append(repr(error))
            time.sleep(0.05)

    reader = threading.Thread(target=read_all_the_time, daemon=True)
    reader.start()
    started, cpu_started = time.perf_counter(), _children_cpu()
    building, stale = Path(f"{served}.building"), b"left by a killed run"
    building.write_bytes(stale)

    def building_by_dbt() -> bool:
        try:
            return building.read_bytes()[:len(stale)] != stale
        except FileNotFoundError:
            return False

    first = _start_run_sh(suite["sets"]["set04"]["landing"], served, base / "good_run", SETS[3]["as_of"])
    while not building_by_dbt() and first.poll() is None:  # its dbt is building, under the lock
        time.sleep(0.1)
    second_started = time.perf_counter()
    second = _run_sh(suite["sets"]["set05"]["landing"], served, base / "second_run", SETS[4]["as_of"])
    second_seconds = time.perf_counter() - second_started
    building_after_second = building_by_dbt()
    good = _finish(first)
    building_after_good = building.exists()
    good_seconds, good_cpu = time.perf_counter() - started, _children_cpu() - cpu_started
    time.sleep(0.5)
    finished.set()
    reader.join(timeout=30)
    stop.touch()
    holder.wait(timeout=60)
    holder_result = json.loads(holder_out.read_text()) if holder_out.exists() else None
    served_after_good = _sha256(served)

    broken = _copy(suite["base"] / "parquet_date_column_of_integers" / "landing", base / "broken_landing")
    started, cpu_started = time.perf_counter(), _children_cpu()
    failed = _run_sh(broken, served, base / "failed_run", SETS[0]["as_of"])
    failed_seconds, failed_cpu = time.perf_counter() - started, _children_cpu() - cpu_started
    print(f"\nrobustness: run.sh {good_seconds:.1f}s ({good_cpu:.1f}s CPU) succeeding, "
          f"{failed_seconds:.1f}s ({failed_cpu:.1f}s CPU) failing")
    return dict(served=served, query=query, old_total=old_total, good=good, seen=seen, errors=errors,
                first_pid=first.pid, second=second, second_seconds=second_seconds,
                building_after_second=building_after_second, second_workdir=base / "second_run",
                building_after_good=building_after_good,
                holder=holder_result, served_after_good=served_after_good, failed=failed,
                new_total=_read(_built(suite, "set04"), _TOTAL_ROWS)[0][0])


def test_a_dashboard_reading_while_a_build_runs_neither_fails_nor_blocks_it(served_runs):
    runs = served_runs
    assert runs["good"].returncode == 0, runs["good"].stdout[-4000:] + runs["good"].stderr[-2000:]
    assert runs["old_total"] != runs["new_total"]
    assert runs["errors"] == [], "a dashboard read failed while the build ran"
    # It read the old warehouse while the build ran, then the new one.
    assert runs["seen"][0] == runs["old_total"] and runs["seen"][-1] == runs["new_total"], runs["seen"][::20]
    assert runs["seen"].count(runs["old_total"]) > 20
    assert set(runs["seen"]) == {runs["old_total"], runs["new_total"]}
    # The process that held its connection open all along kept its snapshot and did not
    # stop the build from replacing the file.
    holder = runs["holder"]
    assert holder is not None and holder["errors"] == [] and holder["reads"] > 5, holder
    assert holder["values"] == [runs["old_total"]], holder
    assert runs["query"](runs["served"]) == runs["new_total"]


def test_a_second_run_on_the_same_warehouse_stops_at_once_and_touches_nothing(served_runs):
    runs = served_runs
    second = runs["second"]
    assert second.returncode == 75, second.stdout[-2000:] + second.stderr[-2000:]
    message = f"a build of {runs['served']} is already running (pid {runs['first_pid']})"
    assert message in second.stderr, second.stderr[-2000:]
    assert runs["second_seconds"] < 30
    assert not (runs["second_workdir"] / "logs").exists(), "the second run started dbt"
    # The first run's .building file (its dbt's, the stale one cleared under the lock) is
    # still there after the second run, and the first run finished green.
    assert runs["building_after_second"]
    assert runs["good"].returncode == 0, runs["good"].stdout[-4000:] + runs["good"].stderr[-2000:]
    assert not runs["building_after_good"], "the swap leaves no .building file"


def test_run_sh_compares_with_the_served_warehouse(served_runs, suite):
    """The circuit breakers of a run.sh build compare with the warehouse it replaces."""
    runs = served_runs
    assert f"last good build: {runs['served']}" in runs["good"].stdout
    last_good = dict(_read(runs["served"], """
        select subject, last_good_row_count from marts.rpt_circuit_breakers"""))
    served_before = dict(_read(_built(suite, "set03"), """
        select source, landing_rows from marts.rpt_landing_reconciliation"""))
    assert {s: n for s, n in last_good.items() if s in served_before} == served_before


def test_a_failed_run_leaves_the_last_good_warehouse_readable(served_runs):
    runs = served_runs
    failed = runs["failed"]
    assert failed.returncode != 0, "run.sh on a broken landing file succeeded"
    for word in ("aid_decisions.parquet", "period_start"):
        assert word in failed.stdout, failed.stdout[-4000:]
    assert _sha256(runs["served"]) == runs["served_after_good"], "the served warehouse changed"
    assert runs["query"](runs["served"]) == runs["new_total"]
    # Every relation of the served file reads, views included.
    with duckdb.connect(str(runs["served"]), read_only=True) as con:
        relations = con.execute("""
            select table_schema, table_name from information_schema.tables
            where table_schema in ('staging', 'intermediate', 'marts')""").fetchall()
        for schema, name in relations:
            con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
    assert len(relations) > 20
