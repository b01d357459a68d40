"""The DVZ delivery ledger (RULES.md §8a, CONTRACT.md "DVZ delivery files"), month after
month, sized for CI:

- a simulated year: one generated adversarial landing set (400 persons, history from 2023)
  with hand-made events on top, built twelve times into one export folder, as of the last
  day of each month of 2025, in order. The events, each on a person chosen from an
  independent evaluation of RULES.md (reference_rules.py):
  * H: a quarantined permit row holds a would-be TRANSFER person for data quality from
    January; a repaired version recorded in August lifts the hold (late delivery in 08);
  * R: recoveries recorded in September un-reimburse every month of a delivered person
    (correction NO_LONGER_MET in 09);
  * B: a person record recorded in October makes a delivered person Belgian since 2014
    (correction EXCLUDED_BELGIAN in 10);
  * W: a quarantined person row recorded in May withdraws a delivered person (correction
    HELD_DATA_QUALITY in 05); its repair in September delivers the key again (late);
  * the deferred flows are enabled from July (their backlog goes out late in 07);
  * reimbursements recorded after their month ends (the generator's own) give late rows.
  Checked: the files of each month equal a Python re-derivation of RULES.md §8a from that
  month's fct_transfer_eligibility and the earlier files; every key TRANSFER at the end
  is delivered exactly once since its last withdrawal; every correction is a key
  delivered earlier and no longer TRANSFER; each event above shows where the rule says;
- re-making May after December exists gives byte-identical May files, leaves the later
  months untouched and removes what a killed publication of May left behind;
- a build failing a test (of a dashboard mart, after the batch was built; of the ledger,
  which skips the batch) and a killed build write no file and leave the folder as it was;
- a ledger file that is not Parquet, has other columns, differs from its manifest or has
  no manifest, and an `export_batch_month` after the month of `as_of_date` or malformed,
  stop the run naming the file or the var.

The builds run one after the other in one worker process that parses the project once
(`robustness_runner.py`). `DVZ_LEDGER_WORKDIR=/tmp/x` keeps the landing set, the
warehouses and the export folders there.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference_rules as ref  # noqa: E402
import robustness_runner as runner  # noqa: E402

REPO_ROOT = runner.REPO_ROOT
YEAR = 2025
MONTHS = [f"{YEAR}-{month:02d}" for month in range(1, 13)]
DEFERRED_FROM = f"{YEAR}-07"
PERSONS, SEED, START_YEAR = 400, 7, 2023
# The delivery models and their tests with the robustness suite's selection (models,
# seeds, singular tests, the reconciliation test).
SELECTION = (*runner.BUILD_SELECTION, "tag:dvz_delivery")
BATCH_COLUMNS = ["insz", "flow_code", "criterion_code", "episode_start", "episode_end", "transfer_due_on", "is_late",
                 "aid_period_start", "aid_period_end", "counted_days", "counted_months", "reimbursed_amount_eur",
                 "ocmw_nis_code"]
CORRECTION_COLUMNS = ["insz", "flow_code", "episode_start", "delivered_in_batch", "current_status"]


def month_end(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def month_vars(month: str, **extra) -> dict:
    enabled = ["D1", "D2", "D3"] if month >= DEFERRED_FROM else []
    return {"as_of_date": month_end(month).isoformat(), "enabled_deferred_flows": enabled,
            "landing_format": "csv", **extra}


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of a folder (hidden ones included) with its SHA-256."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


# ------------------------------------------------------------------ the landing set


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _append_csv(path: Path, rows: list[dict]) -> None:
    header, _ = _read_csv(path)
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})


def _plain(insz: str) -> str:
    return "".join(ch for ch in (insz or "") if ch in "0123456789")


def _recorded(row: dict) -> str:
    return (row.get("recorded_at") or "").replace("T", " ")


def _choose_subjects(landing: Path) -> dict[str, dict]:
    """Four persons, each with one C-flow eligibility row that RULES.md (the independent
    reference) makes TRANSFER both on 31 January and on 31 December: R, B and W due by
    the end of 2024 (so delivered in January), H due in the first half of 2025 and not
    before (so its hold decides when it goes out). Each event below must be the latest
    word on its record, so R, B and W have no person row recorded after April and H a
    permit with no version recorded after 14 January."""
    data = ref.read_landing_csv(landing)
    january = ref.evaluate(data, month_end(MONTHS[0]))
    december = ref.evaluate(data, month_end(MONTHS[-1]))
    key = lambda row: (row["insz"], row["flow_code"], row["episode_start"])  # noqa: E731
    transfer_january = {key(r) for r in january.eligibility if r["transfer_status"] == "TRANSFER"}
    rows_per_person = Counter(r["insz"] for r in december.eligibility)
    person_recorded: dict[str, str] = {}
    for row in data["persons"]:
        insz = _plain(row["insz"])
        person_recorded[insz] = max(person_recorded.get(insz, ""), _recorded(row))
    early_permits = {_plain(r["insz"]) for r in data["residence_permits"]
                     if max(_recorded(v) for v in data["residence_permits"] if v["permit_id"] == r["permit_id"])
                     < f"{YEAR}-01-15"}
    candidates = [r for r in december.eligibility
                  if r["transfer_status"] == "TRANSFER" and r["flow_code"].startswith("C")
                  and rows_per_person[r["insz"]] == 1]
    delivered_in_january = sorted((r for r in candidates if key(r) in transfer_january
                                   and r["transfer_due_on"] <= dt.date(YEAR - 1, 12, 31)
                                   and person_recorded.get(r["insz"], "9") < f"{YEAR}-05-01"), key=key)
    due_later = sorted((r for r in candidates if dt.date(YEAR, 1, 1) <= r["transfer_due_on"] <= dt.date(YEAR, 6, 30)
                        and r["insz"] in early_permits), key=key)
    assert len(delivered_in_january) >= 3 and due_later, (
        "the generated year has too few TRANSFER rows to plant the events: change SEED or PERSONS")
    chosen = dict(zip("RBW", delivered_in_january))
    chosen["H"] = due_later[0]
    return chosen


def _plant_events(landing: Path, subjects: dict[str, dict]) -> None:
    """The hand-made events of the simulated year, appended to the landing CSV files."""
    _, persons = _read_csv(landing / "persons.csv")
    _, permits = _read_csv(landing / "residence_permits.csv")
    _, decisions = _read_csv(landing / "aid_decisions.csv")
    _, reimbursements = _read_csv(landing / "reimbursements.csv")

    def latest(rows: list[dict], insz: str) -> dict:
        return max((r for r in rows if _plain(r["insz"]) == insz), key=_recorded)

    new_persons, new_permits, new_reimbursements = [], [], []
    # H: a broken version of one of its permits from 15 January, repaired on 10 August.
    insz_h = subjects["H"]["insz"]
    permit = min((r for r in permits if _plain(r["insz"]) == insz_h and _recorded(r) < f"{YEAR}-01-15"
                  and max(_recorded(v) for v in permits if v["permit_id"] == r["permit_id"]) == _recorded(r)),
                 key=lambda r: r["permit_id"])
    new_permits += [dict(permit, document_type="XX", recorded_at=f"{YEAR}-01-15 09:00:00"),
                    dict(permit, recorded_at=f"{YEAR}-08-10 09:00:00")]
    # W: a broken person version on 4 May (unknown nationality code), repaired on 20 September.
    person_w = latest(persons, subjects["W"]["insz"])
    new_persons += [dict(person_w, nationality_code="1X", recorded_at=f"{YEAR}-05-04 09:00:00"),
                    dict(person_w, recorded_at=f"{YEAR}-09-20 09:00:00")]
    # B: recorded on 3 October as Belgian since 2014 (before its transfer_due_on).
    person_b = latest(persons, subjects["B"]["insz"])
    new_persons.append(dict(person_b, nationality_code="BE", belgian_since="2014-01-01",
                            recorded_at=f"{YEAR}-10-03 09:00:00"))
    # R: a recovery of more than was ever paid, for every decision-month reimbursed, paid
    # on 5 September: no month of R is reimbursed any more (RULES.md §3).
    insz_r = subjects["R"]["insz"]
    decision_insz = {r["decision_id"].strip(): r["insz"] for r in decisions if _plain(r["insz"]) == insz_r}
    months = sorted({(r["decision_id"].strip(), r["aid_month"][:7]) for r in reimbursements
                     if r["decision_id"].strip() in decision_insz})
    assert months, "R has no reimbursement to recover"
    for number, (decision_id, month) in enumerate(months, start=1):
        new_reimbursements.append(dict(
            reimbursement_id=f"SIM-RECOVERY-{number:04d}", decision_id=decision_id, insz=decision_insz[decision_id],
            aid_month=f"{month}-01", amount_eur="-100000.00", paid_on=f"{YEAR}-09-05",
            recorded_at=f"{YEAR}-09-06 09:00:00"))
    _append_csv(landing / "persons.csv", new_persons)
    _append_csv(landing / "residence_permits.csv", new_permits)
    _append_csv(landing / "reimbursements.csv", new_reimbursements)


# ------------------------------------------------------------------ the year


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Generates the landing set, plants the events and builds the twelve months in
    order into one export folder, then the extra builds (re-made May, a failing build,
    the bad ledgers). Returns everything the tests read."""
    root = os.environ.get("DVZ_LEDGER_WORKDIR")
    base = Path(root) if root else tmp_path_factory.mktemp("ledger")
    if root and base.exists():
        shutil.rmtree(base)
    landing = base / "landing"
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "generate_landing.py"), "--out", str(landing),
                    "--persons", str(PERSONS), "--seed", str(SEED), "--as-of", month_end(MONTHS[-1]).isoformat(),
                    "--start-year", str(START_YEAR), "--format", "csv", "--adversarial"],
                   check=True, capture_output=True)
    subjects = _choose_subjects(landing)
    _plant_events(landing, subjects)
    exports = base / "exports"
    outcomes, eligibility, timings = {}, {}, {}
    with runner.WorkerPool(base / "workers", workers=1, timeout=1500) as pool:
        for month in MONTHS:
            workdir = base / "months" / month
            outcome = pool.run([runner.job(month, landing, workdir, month_vars(month), landing_format="csv",
                                           select=SELECTION, export_dir=exports)])[month]
            outcomes[month] = outcome
            assert outcome["ok"], f"the build of {month} failed:\n" + "\n".join(outcome["failed"][:10]) + outcome["text"][-4000:]
            timings[month] = outcome["seconds"]
            with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
                eligibility[month] = {
                    (insz, flow, start): (status, due) for insz, flow, start, status, due in con.execute(
                        "select insz, flow_code, episode_start, transfer_status, transfer_due_on"
                        " from marts.fct_transfer_eligibility").fetchall()}
        after_december = folder_state(exports)
        # May again, after December exists: a new warehouse, the same folder, in which an
        # earlier publication of May killed before its renames left a temporary file.
        (exports / ".dvz_transfer_batch_2025-05.parquet.0123-killed.tmp").write_bytes(b"half a file")
        outcomes["may_again"] = pool.run([runner.job("may_again", landing, base / "may_again", month_vars("2025-05"),
                                                     landing_format="csv", select=SELECTION, export_dir=exports)])["may_again"]
        after_may_again = folder_state(exports)
        # December made again in a copy of the folder, as of the 15th: other content, which
        # replaces the month's files and says so; and `dbt build --empty`, which writes nothing.
        replaced = _ledger_copy(exports, base / "replaced_exports", up_to="2025-12")
        outcomes["december_replaced"] = pool.run([runner.job(
            "december_replaced", landing, base / "december_replaced",
            month_vars("2025-12", as_of_date="2025-12-15"), landing_format="csv", select=SELECTION,
            export_dir=replaced)])["december_replaced"]
        after_replaced = folder_state(replaced)
        empty = _ledger_copy(exports, base / "empty_exports", up_to="2025-04")
        before_empty = folder_state(empty)
        outcomes["empty"] = pool.run([runner.job("empty", landing, base / "empty", month_vars("2025-05"),
                                                 landing_format="csv", select=SELECTION, export_dir=empty,
                                                 extra_args=("--empty",))])["empty"]
        after_empty = folder_state(empty)
        # Two failing builds of May (the manifests agree with the changed files):
        # - January's batch file says none of its rows was late, though most were: only a
        #   test of the dashboard mart fails, after the batch and corrections were built;
        # - January's batch file holds one key twice: the ledger's own test fails, and dbt
        #   skips everything built from the ledger.
        failing_changes = {
            "failing": lambda table: table.set_column(table.column_names.index("is_late"), "is_late",
                                                      pa.array([False] * table.num_rows)),
            "failing_upstream": lambda table: pa.concat_tables([table, table.slice(0, 1)]),
        }
        before_failing, after_failing = {}, {}
        for case, change in failing_changes.items():
            folder = _ledger_copy(exports, base / f"{case}_exports", up_to="2025-04")
            _rewrite_ledger_file(folder / "dvz_transfer_batch_2025-01.parquet", change)
            before_failing[case] = folder_state(folder)
            outcomes[case] = pool.run([runner.job(case, landing, base / case, month_vars("2025-05"),
                                                  landing_format="csv", select=SELECTION, export_dir=folder)])[case]
            after_failing[case] = folder_state(folder)
        bad = {}
        for case, (breaks, _) in BAD_LEDGERS.items():
            folder = _ledger_copy(exports, base / "bad" / case, up_to="2025-04")
            breaks(folder)
            bad[case] = pool.run([runner.job(case, landing, base / "bad_builds" / case, month_vars("2025-05"),
                                             landing_format="csv", select=("stg_dvz_ledger__delivery_events",),
                                             export_dir=folder)])[case]
        for case, extra in BAD_VARS.items():
            bad[case] = pool.run([runner.job(case, landing, base / "bad_builds" / case, month_vars("2025-05", **extra),
                                             landing_format="csv", select=("stg_dvz_ledger__delivery_events",),
                                             export_dir=base / "bad" / case)])[case]
    print(f"\nledger year: {len(MONTHS)} monthly builds, {min(timings.values()):.1f}-{max(timings.values()):.1f}s each")
    return dict(base=base, landing=landing, exports=exports, subjects=subjects, outcomes=outcomes,
                eligibility=eligibility, after_december=after_december, after_may_again=after_may_again,
                after_replaced=after_replaced, before_empty=before_empty, after_empty=after_empty,
                before_failing=before_failing, after_failing=after_failing, bad=bad)


def _ledger_copy(exports: Path, folder: Path, up_to: str) -> Path:
    """A new export folder holding the files of the months up to `up_to`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in exports.iterdir():
        match = re.search(r"_([0-9]{4}-[0-9]{2})\.", path.name)
        if match and match.group(1) <= up_to:
            shutil.copyfile(path, folder / path.name)
    return folder


def _month_files(folder: Path, month: str) -> dict[str, Path]:
    return {
        "batch": folder / f"dvz_transfer_batch_{month}.parquet",
        "batch_csv": folder / f"dvz_transfer_batch_{month}.csv",
        "corrections": folder / f"dvz_transfer_corrections_{month}.parquet",
        "corrections_csv": folder / f"dvz_transfer_corrections_{month}.csv",
        "manifest": folder / f"dvz_transfer_batch_{month}.manifest.json",
    }


def _rewrite_ledger_file(path: Path, change) -> None:
    """Rewrite a ledger Parquet file and make its month's manifest agree with it, as a
    careless or hostile hand would."""
    pq.write_table(change(pq.read_table(path)), path)
    manifest_path = path.with_name("dvz_transfer_batch_" + path.stem.rsplit("_", 1)[1] + ".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    for item in manifest["files"]:
        if item["file"] == path.name:
            item["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            item["bytes"] = path.stat().st_size
    manifest_path.write_text(json.dumps(manifest))


BAD_LEDGERS = {
    "not_parquet": (lambda folder: (folder / "dvz_transfer_batch_2025-03.parquet").write_bytes(b"not a parquet file\n"),
                    ("dvz_transfer_batch_2025-03.parquet", "is not a valid Parquet file")),
    "wrong_columns": (lambda folder: _rewrite_ledger_file(
                          folder / "dvz_transfer_corrections_2025-02.parquet",
                          lambda table: table.rename_columns([*table.column_names[:-1], "status"])),
                      ("dvz_transfer_corrections_2025-02.parquet", "has the wrong columns")),
    "sha_mismatch": (lambda folder: (folder / "dvz_transfer_batch_2025-02.csv").open("a").write("\n"),
                     ("dvz_transfer_batch_2025-02.csv", "does not match its manifest")),
    "no_manifest": (lambda folder: (folder / "dvz_transfer_batch_2025-04.manifest.json").unlink(),
                    ("dvz_transfer_batch_2025-04", "has no manifest")),
}
BAD_VARS = {
    "month_after_as_of": {"export_batch_month": "2025-06"},
    "month_malformed": {"export_batch_month": "2025-5"},
}


def _read_month(folder: Path, month: str) -> tuple[list[dict], list[dict]]:
    files = _month_files(folder, month)
    return pq.read_table(files["batch"]).to_pylist(), pq.read_table(files["corrections"]).to_pylist()


# ------------------------------------------------------------------ the checks


def test_each_month_matches_a_re_derivation_of_the_rule(year):
    """RULES.md §8a, in Python, from each month's fct_transfer_eligibility and the events
    of the months before it."""
    ledger: dict[tuple, tuple[str, str]] = {}  # key -> (last event, month of the last delivery)
    for month in MONTHS:
        first_day, last_day = dt.date.fromisoformat(f"{month}-01"), month_end(month)
        rows = year["eligibility"][month]
        expected_batch = {key: (due, due < first_day) for key, (status, due) in rows.items()
                          if status == "TRANSFER" and due <= last_day and ledger.get(key, ("", ""))[0] != "DELIVERED"}
        expected_corrections = {key: (delivered, rows[key][0] if key in rows else "NO_LONGER_MET")
                                for key, (event, delivered) in ledger.items()
                                if event == "DELIVERED" and rows.get(key, ("NO_LONGER_MET",))[0] != "TRANSFER"}
        batch, corrections = _read_month(year["exports"], month)
        assert {(r["insz"], r["flow_code"], r["episode_start"]): (r["transfer_due_on"], r["is_late"])
                for r in batch} == expected_batch, month
        assert len(batch) == len(expected_batch), month
        assert {(r["insz"], r["flow_code"], r["episode_start"]): (r["delivered_in_batch"], r["current_status"])
                for r in corrections} == expected_corrections, month
        for key in expected_batch:
            ledger[key] = ("DELIVERED", month)
        for key in expected_corrections:
            ledger[key] = ("WITHDRAWN", ledger[key][1])


def _events(year) -> dict[tuple, list[tuple[str, str]]]:
    """Every key's events in the folder, in month order: ('DELIVERED' | 'WITHDRAWN', month)."""
    events: dict[tuple, list] = {}
    for month in MONTHS:
        batch, corrections = _read_month(year["exports"], month)
        for row in batch:
            events.setdefault((row["insz"], row["flow_code"], row["episode_start"]), []).append(("DELIVERED", month))
        for row in corrections:
            events.setdefault((row["insz"], row["flow_code"], row["episode_start"]), []).append(("WITHDRAWN", month))
    return events


def test_every_transfer_at_the_end_is_delivered_exactly_once_since_its_last_withdrawal(year):
    events = _events(year)
    december = year["eligibility"][MONTHS[-1]]
    transfers = [key for key, (status, _) in december.items() if status == "TRANSFER"]
    assert len(transfers) > 20
    for key in transfers:
        history = [event for event, _ in events.get(key, [])]
        since_withdrawal = history[len(history) - history[::-1].index("WITHDRAWN"):] if "WITHDRAWN" in history else history
        assert since_withdrawal == ["DELIVERED"], (key, events.get(key))
    for key, history in events.items():
        kinds = [event for event, _ in history]
        assert all(first != second for first, second in zip(kinds, kinds[1:])), (key, history)
        assert kinds[0] == "DELIVERED", (key, history)


def test_every_correction_is_a_key_delivered_earlier_and_no_longer_transfer(year):
    corrections_seen = 0
    events = _events(year)
    for month in MONTHS:
        _, corrections = _read_month(year["exports"], month)
        for row in corrections:
            key = (row["insz"], row["flow_code"], row["episode_start"])
            corrections_seen += 1
            earlier = [m for event, m in events[key] if event == "DELIVERED" and m < month]
            assert earlier and row["delivered_in_batch"] == earlier[-1], (key, events[key])
            assert year["eligibility"][month].get(key, ("NO_LONGER_MET",))[0] != "TRANSFER"
    assert corrections_seen >= 3


def test_the_planted_events_show_where_the_rule_says(year):
    subjects, events = year["subjects"], _events(year)
    key = {name: (row["insz"], row["flow_code"], row["episode_start"]) for name, row in subjects.items()}
    # H: held from January, the repair of 10 August lifts the hold: delivered late in August.
    assert events[key["H"]] == [("DELIVERED", "2025-08")]
    august, _ = _read_month(year["exports"], "2025-08")
    assert [r["is_late"] for r in august if (r["insz"], r["flow_code"], r["episode_start"]) == key["H"]] == [True]
    # R, B, W: delivered in January (due by the end of 2024, TRANSFER on 31 January).
    for name in "RBW":
        assert events[key[name]][0] == ("DELIVERED", "2025-01"), name
    statuses = {}
    for month in MONTHS:
        for row in _read_month(year["exports"], month)[1]:
            statuses[(row["insz"], row["flow_code"], row["episode_start"]), month] = (row["current_status"],
                                                                                     row["delivered_in_batch"])
    assert events[key["R"]] == [("DELIVERED", "2025-01"), ("WITHDRAWN", "2025-09")]
    assert statuses[key["R"], "2025-09"] == ("NO_LONGER_MET", "2025-01")
    assert events[key["B"]] == [("DELIVERED", "2025-01"), ("WITHDRAWN", "2025-10")]
    assert statuses[key["B"], "2025-10"] == ("EXCLUDED_BELGIAN", "2025-01")
    assert events[key["W"]] == [("DELIVERED", "2025-01"), ("WITHDRAWN", "2025-05"), ("DELIVERED", "2025-09")]
    assert statuses[key["W"], "2025-05"] == ("HELD_DATA_QUALITY", "2025-01")
    # The deferred flows' backlog goes out in July, late; none of their rows before.
    deferred = Counter((m, r["is_late"]) for m in MONTHS for r in _read_month(year["exports"], m)[0]
                       if r["flow_code"].startswith("D"))
    assert deferred[("2025-07", True)] > 5 and not any(m < DEFERRED_FROM for m, _ in deferred)
    # Reimbursements recorded after their month ended (the generator's own): late rows of
    # the active flows in later months too.
    late_active = [(m, r["insz"]) for m in MONTHS[1:] for r in _read_month(year["exports"], m)[0]
                   if r["is_late"] and r["flow_code"].startswith("C") and r["insz"] not in {k[0] for k in key.values()}]
    assert late_active


def test_files_and_manifest_describe_each_other(year):
    for month in MONTHS:
        files = _month_files(year["exports"], month)
        manifest = json.loads(files["manifest"].read_text())
        batch, corrections = _read_month(year["exports"], month)
        assert manifest["batch_month"] == month and manifest["as_of_date"] == month_end(month).isoformat()
        assert manifest["rows_delivered"] == len(batch) and manifest["corrections"] == len(corrections)
        assert manifest["late_rows"] == sum(r["is_late"] for r in batch)
        assert manifest["ledger_months"] == MONTHS[:MONTHS.index(month)]
        assert {item["file"] for item in manifest["files"]} == {p.name for kind, p in files.items() if kind != "manifest"}
        for item in manifest["files"]:
            path = year["exports"] / item["file"]
            assert item["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() and item["bytes"] == path.stat().st_size
        assert pq.read_schema(files["batch"]).names == BATCH_COLUMNS
        assert pq.read_schema(files["corrections"]).names == CORRECTION_COLUMNS
        with open(files["batch_csv"], newline="", encoding="utf-8") as handle:
            assert len(list(csv.DictReader(handle))) == len(batch)
    assert not [name for name in year["after_december"] if name.startswith(".")], "a temporary file was left"


def test_re_making_may_after_december_gives_byte_identical_files(year):
    assert year["outcomes"]["may_again"]["ok"], year["outcomes"]["may_again"]["text"][-3000:]
    assert year["after_may_again"] == year["after_december"]
    assert any("2025-05" in name for name in year["after_may_again"])
    assert "has been replaced" not in year["outcomes"]["may_again"]["text"]


def test_re_making_a_month_with_other_inputs_replaces_it_and_says_so(year):
    """December as of the 15th instead of the 31st: its files change (and only its files),
    and the build warns that a month already in the folder was replaced."""
    outcome = year["outcomes"]["december_replaced"]
    assert outcome["ok"], outcome["text"][-3000:]
    assert "batch 2025-12 was already in" in outcome["text"] and "has been replaced" in outcome["text"]
    changed = {name for name, digest in year["after_replaced"].items() if year["after_december"].get(name) != digest}
    assert "dvz_transfer_batch_2025-12.manifest.json" in changed and all("2025-12" in name for name in changed)


def test_a_build_with_empty_writes_no_file(year):
    """`dbt build --empty` builds every model with no row: it must not overwrite a month."""
    assert year["outcomes"]["empty"]["ok"], year["outcomes"]["empty"]["text"][-3000:]
    assert year["after_empty"] == year["before_empty"]


@pytest.mark.parametrize("case, failing_test", [
    ("failing", "expression_is_true_fct_monthly_deliveries"),
    ("failing_upstream", "unique_combination_of_columns_stg_dvz_ledger__delivery_events"),
])
def test_a_build_failing_a_test_writes_no_file(year, case, failing_test):
    outcome = year["outcomes"][case]
    assert not outcome["ok"]
    failed = [line for line in outcome["failed"] if line.startswith("fail:")]
    assert failed and all(failing_test in line for line in failed), outcome["failed"]
    if case == "failing":
        # Only the mart's test failed: the batch and corrections were built, and still nothing
        # was written.
        assert not any(model in line for line in outcome["failed"]
                       for model in (".dvz_transfer_batch:", ".dvz_transfer_corrections:")), outcome["failed"]
    assert year["after_failing"][case] == year["before_failing"][case]


@pytest.mark.parametrize("case", list(BAD_LEDGERS))
def test_a_bad_ledger_file_stops_the_run_naming_it(year, case):
    outcome = year["bad"][case]
    assert not outcome["ok"]
    for expected in BAD_LEDGERS[case][1]:
        assert expected in outcome["text"], outcome["text"][-2000:]


@pytest.mark.parametrize("case", list(BAD_VARS))
def test_a_bad_batch_month_stops_the_run_naming_the_var(year, case):
    outcome = year["bad"][case]
    assert not outcome["ok"]
    assert "Invalid var export_batch_month" in outcome["text"], outcome["text"][-2000:]
    assert not (year["base"] / "bad" / case).exists() or not list((year["base"] / "bad" / case).iterdir())


def test_a_killed_build_writes_no_file(year, tmp_path):
    """`dbt build` killed (SIGKILL) once it is building models: the folder is as it was."""
    folder = _ledger_copy(year["exports"], tmp_path / "exports", up_to="2025-04")
    before = folder_state(folder)
    env = runner.worker_env(DVZ_LANDING_DIR=str(year["landing"]), DVZ_DUCKDB_PATH=str(tmp_path / "warehouse.duckdb"),
                            DVZ_EXPORT_DIR=str(folder))
    log = tmp_path / "build.log"
    with open(log, "w") as output:
        build = subprocess.Popen(
            [str(Path(sys.executable).with_name("dbt")), "build", "--no-use-colors", "--vars",
             json.dumps(month_vars("2025-05")), "--target-path", str(tmp_path / "target"),
             "--log-path", str(tmp_path / "logs")],
            cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and build.poll() is None and "OK created sql table model exports." not in log.read_text():
            time.sleep(0.2)
        assert build.poll() is None, "the build ended before it could be killed:\n" + log.read_text()[-3000:]
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    assert folder_state(folder) == before
