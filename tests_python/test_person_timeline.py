"""The auditor's timeline and the exclusion evidence of the trace (issue 18), on three
persons written by hand, one of each kind the issue names, with every expected value
worked out from RULES.md below - never read from the warehouse first.

As of 2017-06-30, consecutive counting (the catalogue's default), no deferred flow enabled:

T - transferred, LEEFLOON_AFTER_ANNEX19_AID. Annex 19 (EU_CITIZEN) 2016-09-01..2017-01-31,
    then an E card (EU_CITIZEN) from 2017-02-01. Social assistance (OCMW FINANCIAL_AID) DT1
    in October 2016, reimbursed 900.00 paid 2017-01-27, and DT3 in November 2016, paid
    2016-12-15; leefloon DT2 from 2017-02-01, open, reimbursed February..May (paid 03-10,
    04-10, 05-10, 06-12), June never reimbursed.
    D1 episode 2016-09-01..2017-01-31: October and November count for D1
      (SOCIAL_ASSISTANCE, §4), one run of 2 months. ANNEX19_SOCIAL_ASSISTANCE (1 month) met
      on the first counted day of the first month, 2016-10-01; due when some month exists:
      November, on 2016-12-15 (October only on 01-27); DEFERRED_TECHNICAL (§7 step 4).
      counted_months 2; on 12-15 only November exists -> 1 at transfer.
    C1 episode 2017-02-01..open: counted leefloon days 02-01..05-31 = 28+31+30+31 = 120.
      LEEFLOON_AFTER_ANNEX19_AID: the first counted D1 day is 2016-10-01 (DT1, paid
      2017-01-27 - not November's DT3, paid earlier); met on the first counted leefloon day
      after it, 2017-02-01; due = max(02-01 exists on 03-10, a prior day exists 12-15) =
      2017-03-10 (§6).
      LEEFLOON_90_DAYS: the 90th day of the run is 2017-05-01 (28+31+30+1); every window of
      90 days holds a May day, paid 06-12 -> due 2017-06-12.
      Tie-break (§5): earliest transfer_due_on -> the prior-aid criterion carries the row:
      TRANSFER; counted_days (the run holding 02-01, to as_of) = 120.
      Units at transfer: on 03-10 only February exists (March is paid 04-10) -> 28 days;
      the 90-day criterion on 06-12: February..May all exist -> 120.
    Batch 2017-06 (the month of as_of_date, empty ledger): the C1 row, due 03-10, late.
P - excluded for the population register. An E card (EU_FAMILY) in 2015 (a C1 episode
    without any aid), an F+ card (register POPULATION) from 2016-01-01, open; leefloon DP1
    2016-03..05, reimbursed each month. The C1 episode has no counted aid:
    NO_COUNTED_AID_IN_EPISODE for both C1 criteria; the F+ permit is valid on as_of_date ->
    EXCLUDED / POPULATION_REGISTER (§7, before NO_AUTHORISED_CATEGORY). The leefloon months
    lie in no episode (an F+ card opens none, §4): OUTSIDE_EVERY_EPISODE.
B - below the threshold. An A card (TCN_FAMILY_REUNIFICATION) from 2016-06-01: C3. Social
    assistance DB1 2017-01-01..06-30: January and February reimbursed (paid 02-10, 03-10),
    March never, April paid 05-10, May paid 2017-07-05 (after as_of_date; recorded
    before it), June paid 06-28. Counted months: Jan, Feb | Apr | Jun -> runs of 2, 1, 1:
    the longest run, 2, is below 4 -> CRITERION_NOT_MET; person EXCLUDED /
    THRESHOLD_NOT_MET.

A mutation that breaks any of these (another qualifying prior day, the units at transfer
counted to as_of_date, the exclusion fact not named, a month's reason swapped) fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dbt_compile import REPO_ROOT, dbt_env
from scenario_model import LANDING_COLUMNS, alias_insz

AS_OF = "2017-06-30"
SALT = "timeline-test-salt"
T, P, B = (alias_insz("person_timeline", name) for name in ("t", "p", "b"))
D = dt.date.fromisoformat

LANDING = {
    "persons": [
        dict(insz=T, birth_date="1980-01-01", nationality_code="FR", belgian_since=None, recorded_at="2016-01-01 00:00:00"),
        dict(insz=P, birth_date="1981-02-02", nationality_code="NL", belgian_since=None, recorded_at="2014-12-01 00:00:00"),
        dict(insz=B, birth_date="1982-03-03", nationality_code="MA", belgian_since=None, recorded_at="2016-05-01 00:00:00"),
    ],
    "residence_permits": [
        dict(permit_id="PT1", insz=T, document_type="ANNEX_19", residence_ground="EU_CITIZEN", register="FOREIGNERS",
             valid_from="2016-09-01", valid_to="2017-01-31", recorded_at="2016-09-02 00:00:00"),
        dict(permit_id="PT2", insz=T, document_type="E", residence_ground="EU_CITIZEN", register="FOREIGNERS",
             valid_from="2017-02-01", valid_to=None, recorded_at="2017-02-02 00:00:00"),
        dict(permit_id="PP1", insz=P, document_type="E", residence_ground="EU_FAMILY", register="FOREIGNERS",
             valid_from="2015-01-01", valid_to="2015-12-31", recorded_at="2015-01-02 00:00:00"),
        # landing row 4 of residence_permits: the permit that excludes P
        dict(permit_id="PP2", insz=P, document_type="F+", residence_ground="EU_FAMILY", register="POPULATION",
             valid_from="2016-01-01", valid_to=None, recorded_at="2016-01-02 00:00:00"),
        dict(permit_id="PB1", insz=B, document_type="A", residence_ground="TCN_FAMILY_REUNIFICATION",
             register="FOREIGNERS", valid_from="2016-06-01", valid_to=None, recorded_at="2016-06-02 00:00:00"),
    ],
    "aid_decisions": [
        dict(decision_id="DT1", ocmw_nis_code="21004", insz=T, legal_scheme="OCMW", aid_form="FINANCIAL_AID",
             period_start="2016-10-01", period_end="2016-10-31", monthly_amount_eur="900.00",
             decision_date="2016-09-20", status="GRANTED", recorded_at="2016-09-21 00:00:00"),
        dict(decision_id="DT3", ocmw_nis_code="21004", insz=T, legal_scheme="OCMW", aid_form="FINANCIAL_AID",
             period_start="2016-11-01", period_end="2016-11-30", monthly_amount_eur="900.00",
             decision_date="2016-10-25", status="GRANTED", recorded_at="2016-10-26 00:00:00"),
        dict(decision_id="DT2", ocmw_nis_code="21004", insz=T, legal_scheme="RMI", aid_form="INTEGRATION_INCOME",
             period_start="2017-02-01", period_end=None, monthly_amount_eur="1000.00",
             decision_date="2017-01-25", status="GRANTED", recorded_at="2017-01-26 00:00:00"),
        dict(decision_id="DP1", ocmw_nis_code="44021", insz=P, legal_scheme="RMI", aid_form="INTEGRATION_INCOME",
             period_start="2016-03-01", period_end="2016-05-31", monthly_amount_eur="1000.00",
             decision_date="2016-02-20", status="GRANTED", recorded_at="2016-02-21 00:00:00"),
        dict(decision_id="DB1", ocmw_nis_code="62063", insz=B, legal_scheme="OCMW", aid_form="FINANCIAL_AID",
             period_start="2017-01-01", period_end="2017-06-30", monthly_amount_eur="800.00",
             decision_date="2016-12-20", status="GRANTED", recorded_at="2016-12-21 00:00:00"),
    ],
    "reimbursements": [
        dict(reimbursement_id="RT1", decision_id="DT1", insz=T, aid_month="2016-10-01", amount_eur="900.00",
             paid_on="2017-01-27", recorded_at="2017-01-27 00:00:00"),
        dict(reimbursement_id="RT6", decision_id="DT3", insz=T, aid_month="2016-11-01", amount_eur="900.00",
             paid_on="2016-12-15", recorded_at="2016-12-15 00:00:00"),
        *[dict(reimbursement_id=f"RT{n}", decision_id="DT2", insz=T, aid_month=month, amount_eur="1000.00",
               paid_on=paid, recorded_at=paid + " 00:00:00")
          for n, (month, paid) in enumerate([("2017-02-01", "2017-03-10"), ("2017-03-01", "2017-04-10"),
                                             ("2017-04-01", "2017-05-10"), ("2017-05-01", "2017-06-12")], start=2)],
        *[dict(reimbursement_id=f"RP{n}", decision_id="DP1", insz=P, aid_month=month, amount_eur="1000.00",
               paid_on=paid, recorded_at=paid + " 00:00:00")
          for n, (month, paid) in enumerate([("2016-03-01", "2016-04-10"), ("2016-04-01", "2016-05-10"),
                                             ("2016-05-01", "2016-06-10")], start=1)],
        *[dict(reimbursement_id=f"RB{n}", decision_id="DB1", insz=B, aid_month=month, amount_eur="800.00",
               paid_on=paid, recorded_at=recorded)
          for n, (month, paid, recorded) in enumerate([
              ("2017-01-01", "2017-02-10", "2017-02-10 00:00:00"), ("2017-02-01", "2017-03-10", "2017-03-10 00:00:00"),
              ("2017-04-01", "2017-05-10", "2017-05-10 00:00:00"), ("2017-05-01", "2017-07-05", "2017-06-20 00:00:00"),
              ("2017-06-01", "2017-06-28", "2017-06-28 00:00:00")], start=1)],
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("person_timeline")
    landing = workdir / "landing"
    landing.mkdir()
    for source, columns in LANDING_COLUMNS.items():
        with (landing / f"{source}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in LANDING[source]:
                writer.writerow(["" if row[column] is None else row[column] for column in columns])
    database = workdir / "warehouse.duckdb"
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", "build",
               "--select", "+fct_person_timeline", "+fct_transfer_decision_trace", "+dim_person_keys",
               "--exclude", "test_type:unit", "--indirect-selection", "buildable",
               "--vars", json.dumps({"as_of_date": AS_OF, "landing_format": "csv"}),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True,
                            env=dbt_env(DBT_TARGET="dev", DVZ_LANDING_DIR=str(landing),
                                        DVZ_DUCKDB_PATH=str(database), DVZ_PERSON_KEY_SALT=SALT))
    assert result.returncode == 0, result.stdout[-6000:]
    return database


def rows(database: Path, sql: str, *params) -> list[dict]:
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def key_of(database: Path, insz: str) -> str:
    return rows(database, "select person_key from marts.dim_person_keys where insz = ?", insz)[0]["person_key"]


def events(database: Path, insz: str, event_type: str) -> list[dict]:
    return rows(database, """
        select * from marts.fct_person_timeline where person_key = ? and event_type = ? order by event_sequence""",
                key_of(database, insz), event_type)


def trace(database: Path, insz: str, flow_code: str, criterion_code: str) -> dict:
    found = rows(database, """
        select * from marts.fct_transfer_decision_trace
        where person_key = ? and flow_code = ? and criterion_code = ?""",
                 key_of(database, insz), flow_code, criterion_code)
    assert len(found) == 1, found
    return found[0]


def test_the_lookup_finds_every_person_without_the_salt(warehouse):
    found = {row["insz"]: row for row in rows(warehouse, "select * from marts.dim_person_keys")}
    assert set(found) == {T, P, B}
    assert (found[T]["final_status"], found[P]["exclusion_reason"], found[B]["exclusion_reason"]) == \
        ("TRANSFER", "POPULATION_REGISTER", "THRESHOLD_NOT_MET")
    assert found[P]["nationality_code"] == "NL" and found[P]["person_source_row_number"] == 2


def test_transferred_person_prior_aid_and_units_at_transfer(warehouse):
    carried = trace(warehouse, T, "C1", "LEEFLOON_AFTER_ANNEX19_AID")
    assert (carried["outcome"], carried["criterion_met_on"], carried["transfer_due_on"]) == \
        ("TRANSFER", D("2017-02-01"), D("2017-03-10"))
    assert (carried["prior_aid_day"], carried["prior_aid_decision_id"], carried["prior_aid_paid_date"]) == \
        (D("2016-10-01"), "DT1", D("2017-01-27"))
    assert (carried["counted_days"], carried["counted_days_at_transfer"], carried["counted_months_at_transfer"]) == \
        (120, 28, None)
    assert carried["exclusion_code"] is None and not carried["is_due_before_catalogue_valid_from"]
    other = trace(warehouse, T, "C1", "LEEFLOON_90_DAYS")
    assert (other["outcome"], other["criterion_met_on"], other["transfer_due_on"], other["counted_days_at_transfer"]) == \
        ("MET_BUT_OTHER_CRITERION_CARRIED", D("2017-05-01"), D("2017-06-12"), 120)
    assert other["prior_aid_day"] is None
    deferred = trace(warehouse, T, "D1", "ANNEX19_SOCIAL_ASSISTANCE")
    assert (deferred["outcome"], deferred["criterion_met_on"], deferred["transfer_due_on"],
            deferred["counted_months"], deferred["counted_months_at_transfer"]) == \
        ("DEFERRED_TECHNICAL", D("2016-10-01"), D("2016-12-15"), 2, 1)

    due = {(e["flow_code"], e["event_code"]): (e["event_start"], e["event_status"], e["counted_units"])
           for e in events(warehouse, T, "TRANSFER_DUE")}
    assert due == {
        ("D1", "ANNEX19_SOCIAL_ASSISTANCE"): (D("2016-12-15"), "DEFERRED_TECHNICAL", 1),
        ("C1", "LEEFLOON_AFTER_ANNEX19_AID"): (D("2017-03-10"), "TRANSFER", 28),
        ("C1", "LEEFLOON_90_DAYS"): (D("2017-06-12"), "MET_BUT_OTHER_CRITERION_CARRIED", 120),
    }
    met = {e["event_code"]: e for e in events(warehouse, T, "CRITERION_MET") if e["flow_code"] == "C1"}
    assert met["LEEFLOON_AFTER_ANNEX19_AID"]["event_start"] == D("2017-02-01")
    assert "2016-10-01 (decision DT1, paid 2017-01-27)" in met["LEEFLOON_AFTER_ANNEX19_AID"]["event_detail"]
    months = [(e["decision_id"], e["event_start"], e["event_end"], e["event_status"], e["amount_eur"], e["paid_on"])
              for e in events(warehouse, T, "DECISION_MONTH")]
    assert months == [
        ("DT1", D("2016-10-01"), D("2016-10-31"), "COUNTED", Decimal("900.00"), D("2017-01-27")),
        ("DT3", D("2016-11-01"), D("2016-11-30"), "COUNTED", Decimal("900.00"), D("2016-12-15")),
        ("DT2", D("2017-02-01"), D("2017-02-28"), "COUNTED", Decimal("1000.00"), D("2017-03-10")),
        ("DT2", D("2017-03-01"), D("2017-03-31"), "COUNTED", Decimal("1000.00"), D("2017-04-10")),
        ("DT2", D("2017-04-01"), D("2017-04-30"), "COUNTED", Decimal("1000.00"), D("2017-05-10")),
        ("DT2", D("2017-05-01"), D("2017-05-31"), "COUNTED", Decimal("1000.00"), D("2017-06-12")),
        ("DT2", D("2017-06-01"), D("2017-06-30"), "NOT_REIMBURSED", None, None),
    ]
    runs = {(e["flow_code"], e["event_start"], e["event_end"], e["counted_units"], e["counted_unit"])
            for e in events(warehouse, T, "COUNTED_RUN")}
    assert runs == {("C1", D("2017-02-01"), D("2017-05-31"), 120, "day"),
                    ("D1", D("2016-10-01"), D("2016-11-30"), 2, "month")}
    assert [(e["event_code"], e["event_status"], e["event_start"]) for e in events(warehouse, T, "DELIVERY")] == \
        [("DELIVERED", "LATE", D("2017-06-01"))]
    # each reimbursed month names the reimbursement behind its paid date and its landing row
    behind = [(e["reimbursement_id"], e["source"], e["source_row_number"]) for e in events(warehouse, T, "DECISION_MONTH")]
    assert behind[:3] == [("RT1", "reimbursements", 1), ("RT6", "reimbursements", 2), ("RT2", "reimbursements", 3)]
    assert behind[-1] == (None, None, None)


def test_person_excluded_for_the_population_register_names_the_permit(warehouse):
    for criterion in ("LEEFLOON_90_DAYS", "LEEFLOON_AFTER_ANNEX19_AID"):
        row = trace(warehouse, P, "C1", criterion)
        assert row["outcome"] == "NO_COUNTED_AID_IN_EPISODE"
        assert (row["exclusion_code"], row["exclusion_checked_on"], row["excluding_permit_document_type"],
                row["excluding_permit_valid_from"], row["excluding_permit_valid_to"]) == \
            ("POPULATION_REGISTER", D(AS_OF), "F+", D("2016-01-01"), None)
        assert (row["exclusion_source"], row["exclusion_source_row_number"], row["exclusion_fact_count"]) == \
            ("residence_permits", 4, 1)
        assert "noch over Belgen" in row["exclusion_note_quote_nl"]
        assert "population register" in row["exclusion_note_quote_en"]
    [exclusion] = events(warehouse, P, "EXCLUSION")
    assert (exclusion["event_code"], exclusion["event_status"], exclusion["event_start"], exclusion["source_row_number"]) \
        == ("POPULATION_REGISTER", "PERSON", D(AS_OF), 4)
    assert "F+ valid 2016-01-01 to open" in exclusion["event_detail"]
    permits = {(e["event_code"], e["event_status"]) for e in events(warehouse, P, "PERMIT")}
    assert permits == {("E", "QUALIFYING"), ("F+", "POPULATION_REGISTER")}
    assert {e["event_status"] for e in events(warehouse, P, "DECISION_MONTH")} == {"OUTSIDE_EVERY_EPISODE"}
    [status] = events(warehouse, P, "PERSON_STATUS")
    assert (status["event_code"], status["event_status"]) == ("EXCLUDED", "POPULATION_REGISTER")


def test_person_below_the_threshold_shows_why_the_run_is_two_months(warehouse):
    row = trace(warehouse, B, "C3", "SOCIAL_ASSISTANCE_4_MONTHS")
    assert (row["outcome"], row["longest_run_counted_months"], row["episode_counted_months"]) == \
        ("CRITERION_NOT_MET", 2, 4)
    assert row["exclusion_code"] is None
    months = [(e["event_start"], e["event_status"], e["counted_units"]) for e in events(warehouse, B, "DECISION_MONTH")]
    assert months == [
        (D("2017-01-01"), "COUNTED", 1), (D("2017-02-01"), "COUNTED", 1), (D("2017-03-01"), "NOT_REIMBURSED", 1),
        (D("2017-04-01"), "COUNTED", 1), (D("2017-05-01"), "PAID_AFTER_AS_OF_DATE", 1), (D("2017-06-01"), "COUNTED", 1),
    ]
    may = events(warehouse, B, "DECISION_MONTH")[4]
    assert "net 0.00 EUR paid by as_of_date: not reimbursed" in may["event_detail"]
    assert "800.00 EUR paid after as_of_date" in may["event_detail"]
    runs = [(e["event_start"], e["event_end"], e["counted_units"]) for e in events(warehouse, B, "COUNTED_RUN")]
    assert runs == [(D("2017-01-01"), D("2017-02-28"), 2), (D("2017-04-01"), D("2017-04-30"), 1),
                    (D("2017-06-01"), D("2017-06-30"), 1)]
    [not_met] = events(warehouse, B, "CRITERION_NOT_MET")
    assert (not_met["event_start"], not_met["event_status"], not_met["counted_units"]) == \
        (D(AS_OF), "CRITERION_NOT_MET", 2)
    assert "longest run 2 of the 4 consecutive month(s) needed" in not_met["event_detail"]
    [status] = events(warehouse, B, "PERSON_STATUS")
    assert (status["event_code"], status["event_status"]) == ("EXCLUDED", "THRESHOLD_NOT_MET")


def test_every_event_is_numbered_in_time_order(warehouse):
    for insz in (T, P, B):
        found = rows(warehouse, "select event_sequence, event_start from marts.fct_person_timeline "
                                "where person_key = ? order by event_sequence", key_of(warehouse, insz))
        assert [row["event_sequence"] for row in found] == list(range(1, len(found) + 1))
        assert [row["event_start"] for row in found] == sorted(row["event_start"] for row in found)
