"""Spark only: bad landing files stop the run with the message DuckDB gives
(CONTRACT.md §1-2, ADR 0006), read in place by spark__check_landing_files and
spark_attach_landing_file. The three builds run in the session's Spark workers (spark_batch).

- a missing file and a file without a contract column are named in one message before
  any model runs;
- a value that cannot be read as its type (`1990-02-30`, a date that does not exist,
  which Spark's lenient cast would otherwise turn into null) stops the run naming the
  file, the column, the 1-based row and the value;
- an `enabled_deferred_flows` code that is no deferred flow of the catalogue stops the
  run at start naming the catalogue's deferred flows, read from the seed file;
- the salt (ADR 0009) never touches disk: no file of any Spark build of the session (the
  workers' parse, every job's target/ and logs/, the Spark warehouse, the console output)
  holds it, and the cross-engine build's person_key is sha256(salt || insz) (the driver
  JVM reads DVZ_PERSON_KEY_SALT from its environment; the SQL names only the variable).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from engine_fixtures import CROSS_ENGINE_AS_OF, CROSS_ENGINE_COMPARED, CROSS_ENGINE_SALT

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import landing_contract  # noqa: E402

HEADERS = {source: ",".join(columns) for source, columns in landing_contract.COLUMN_NAMES.items()}
PERSONS_HEADER = HEADERS["persons"]
OTHER_HEADERS = {source: header for source, header in HEADERS.items() if source != "persons"}


_BATCH: dict[str, Path] = {}


def spark_jobs(request, base):
    """The two builds, run with the session's other Spark builds (spark_batch)."""
    _BATCH["base"] = base
    base = base / "landing_checks"
    base.mkdir()
    jobs = []

    bad_files = base / "bad_files"
    bad_files.mkdir()
    (bad_files / "persons.csv").write_text("insz,birth_date,nationality,belgian_since,recorded_at\n", encoding="utf-8")
    for source in ("residence_permits", "aid_decisions"):
        (bad_files / f"{source}.csv").write_text(OTHER_HEADERS[source] + "\n", encoding="utf-8")
    jobs.append(dict(name="check_bad_files", landing=str(bad_files), landing_format="csv", workdir=str(base / "job1"),
                     vars={"landing_format": "csv"}, select=["ref_code_lists"], read={}))

    bad_value = base / "bad_value"
    bad_value.mkdir()
    (bad_value / "persons.csv").write_text(
        PERSONS_HEADER + "\n85073003328,1985-07-30,FR,,2014-01-01 10:00:00\n"
        "90010112395,1990-02-30,NL,,2014-01-01 10:00:00\n", encoding="utf-8")
    for source, header in OTHER_HEADERS.items():
        (bad_value / f"{source}.csv").write_text(header + "\n", encoding="utf-8")
    jobs.append(dict(name="check_bad_value", landing=str(bad_value), landing_format="csv", workdir=str(base / "job2"),
                     vars={"landing_format": "csv", "as_of_date": CROSS_ENGINE_AS_OF},
                     select=["base_national_register__persons"], read={}))

    headers_only = base / "headers_only"
    headers_only.mkdir()
    (headers_only / "persons.csv").write_text(PERSONS_HEADER + "\n", encoding="utf-8")
    for source, header in OTHER_HEADERS.items():
        (headers_only / f"{source}.csv").write_text(header + "\n", encoding="utf-8")
    jobs.append(dict(name="check_unknown_deferred_flow", landing=str(headers_only), landing_format="csv",
                     workdir=str(base / "job3"),
                     vars={"landing_format": "csv", "as_of_date": CROSS_ENGINE_AS_OF, "enabled_deferred_flows": ["D9"]},
                     select=["ref_code_lists"], read={}))
    return jobs


@pytest.fixture(scope="module")
def spark_outcomes(spark_batch):
    return spark_batch


def test_a_missing_file_and_a_missing_column_are_named_before_any_model_runs(spark_outcomes):
    outcome = spark_outcomes["check_bad_files"]
    assert not outcome["ok"]
    message = outcome["message"]
    assert "missing landing file" in message and "reimbursements.csv" in message, message[-3000:]
    assert "persons.csv lacks column(s) nationality_code" in message, message[-3000:]


def test_an_unreadable_value_stops_the_run_naming_file_column_row_and_value(spark_outcomes):
    outcome = spark_outcomes["check_bad_value"]
    assert not outcome["ok"]
    logs = json.dumps(outcome["message"])
    for word in ("persons.csv", "column birth_date,", "row 2", "1990-02-30"):
        assert word in logs, outcome["message"][-3000:]


def test_an_unknown_deferred_flow_stops_the_run_naming_the_catalogues_deferred_flows(spark_outcomes):
    """enabled_deferred_flows is checked against the seed file rule_flows.csv at run start
    on Spark too (spark__catalogue_deferred_flow_codes): D9 is no deferred flow of the
    catalogue, whose deferred flows are D1, D2 and D3."""
    outcome = spark_outcomes["check_unknown_deferred_flow"]
    assert not outcome["ok"]
    message = outcome["message"]
    assert "Invalid var enabled_deferred_flows: unknown flow code 'D9'" in message, message[-3000:]
    assert "Accepted: a list of D1, D2, D3" in message, message[-3000:]


def test_the_salt_never_touches_disk(spark_outcomes):
    """Every file under the session's Spark batch folder (but worker.json, the test's own
    job list, which names each job's salt) is free of the salt, UTF-8 or UTF-16."""
    base = _BATCH["base"]
    assert list(base.rglob("dbt.log")) and list(base.rglob("partial_parse.msgpack"))
    needles = [CROSS_ENGINE_SALT.encode("utf-8"), CROSS_ENGINE_SALT.encode("utf-16-le")]
    holding = sorted(str(path.relative_to(base)) for path in base.rglob("*")
                     if path.is_file() and path.name != "worker.json"
                     and any(needle in path.read_bytes() for needle in needles))
    assert holding == []
    compiled = list(base.rglob("compiled/**/fct_transfer_eligibility.sql"))
    for path in compiled:
        assert "reflect('java.lang.System', 'getenv', 'DVZ_PERSON_KEY_SALT')" in path.read_text(encoding="utf-8")
    if "cross_engine" in spark_outcomes:  # collected with test_engines_cross.py
        assert compiled and spark_outcomes["cross_engine"]["ok"], spark_outcomes["cross_engine"]["message"][-3000:]
        columns = list(CROSS_ENGINE_COMPARED["marts.fct_transfer_eligibility"])
        rows = [dict(zip(columns, row)) for row in spark_outcomes["cross_engine"]["rows"]["marts.fct_transfer_eligibility"]]
        assert rows and all(row["person_key"] == hashlib.sha256((CROSS_ENGINE_SALT + row["insz"]).encode("utf-8"))
                            .hexdigest() for row in rows)
