"""End to end on generated adversarial landing data (issue: foundation, done-when):
the whole `dbt build` (seeds, models, every data test and dbt unit test) is green,
every bad row is quarantined under exactly the reason the generator planted
(`_expected_quarantine.csv`), every late row is NOT_YET_EFFECTIVE, and the
reconciliation balances. The CSV landing format gives the same placements as Parquet.
Bad run knobs and a missing landing file stop the run with a message naming them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dbt_compile import REPO_ROOT, dbt_env
from scenario_model import DEFERRED_FLOW_CODES, LANDING_COLUMNS

from build_fixtures import AS_OF, PERSONS, _dbt  # noqa: F401  (fixtures: conftest.py)


def _copy_landing(source_dir: Path, target_dir: Path, landing_format: str,
                  sources=tuple(LANDING_COLUMNS)) -> Path:
    target_dir.mkdir()
    for source in sources:
        name = f"{source}.{landing_format}"
        (target_dir / name).write_bytes((source_dir / name).read_bytes())
    return target_dir


def _read(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def _expected(landing: Path, name: str) -> set[tuple]:
    with open(landing / name, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {tuple(row[column] if column != "source_row_number" else int(row[column]) for column in row)
            for row in rows}


def test_full_build_is_green_and_reconciles(parquet_build):
    rows = _read(parquet_build, """
        select source, landing_rows, staged_rows + superseded_rows + not_yet_effective_rows + quarantined_rows,
               quarantined_rows, not_yet_effective_rows
        from marts.rpt_landing_reconciliation order by source""")
    assert len(rows) == 4
    for source, landing_rows, placed_rows, quarantined, not_yet_effective in rows:
        assert landing_rows == placed_rows, source
        assert quarantined > 0 and not_yet_effective > 0, source


def test_every_bad_row_is_quarantined_under_its_planted_reason(parquet_build, adversarial_landing):
    expected = _expected(adversarial_landing, "_expected_quarantine.csv")
    actual = set(_read(parquet_build, "select source, source_row_number, reason_code from marts.rpt_quarantined_rows"))
    reasons = {reason for _, _, reason in expected}
    assert reasons >= {
        "MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE", "END_BEFORE_START",
        "IMPOSSIBLE_SCHEME_FORM", "CONFLICTING_VERSIONS", "UNKNOWN_PERSON", "UNKNOWN_DECISION",
        "PERSON_MISMATCH",
    }
    assert sorted(expected - actual) == [], "planted bad rows not quarantined as planned"
    assert sorted(actual - expected) == [], "rows quarantined that the generator did not plant"


def test_every_late_row_is_not_yet_effective(parquet_build, adversarial_landing):
    expected = _expected(adversarial_landing, "_expected_not_yet_effective.csv")
    actual = set(_read(parquet_build, """
        select source, source_row_number from staging.stg_landing__row_placements
        where place = 'NOT_YET_EFFECTIVE'"""))
    assert actual == expected


def test_no_belgian_or_population_register_person_is_transferred(parquet_build):
    """RULES.md §7 re-checked from outside dbt, on the built warehouse."""
    offenders = _read(parquet_build, """
        select e.insz, e.flow_code
        from marts.fct_transfer_eligibility e
        join staging.stg_national_register__persons p on p.insz = e.insz
        where e.transfer_status = 'TRANSFER'
          and p.nationality_code = 'BE' and (p.belgian_since is null or p.belgian_since <= e.transfer_due_on)
        union all
        select e.insz, e.flow_code
        from marts.fct_transfer_eligibility e
        join staging.stg_national_register__residence_permits r on r.insz = e.insz
        where e.transfer_status = 'TRANSFER'
          and (r.register = 'POPULATION' or r.document_type in ('C', 'D', 'E+', 'F+', 'K', 'L', 'EU+', 'M+'))
          and r.valid_from <= e.transfer_due_on and (r.valid_to is null or r.valid_to >= e.transfer_due_on)""")
    assert offenders == []
    assert _read(parquet_build, "select count(*) from marts.fct_transfer_eligibility where transfer_status = 'TRANSFER'")[0][0] > 0


def test_csv_landing_gives_the_same_placements(adversarial_landing, parquet_build, tmp_path):
    result = _dbt(
        ["build", "--select", "+stg_landing__row_placements", "--exclude", "resource_type:unit_test",
         "--indirect-selection", "empty", "--vars", json.dumps({"as_of_date": AS_OF, "landing_format": "csv"})],
        tmp_path, adversarial_landing,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    query = "select source, source_row_number, place, coalesce(reason_code, '') from staging.stg_landing__row_placements"
    csv_rows = set(_read(tmp_path / "warehouse.duckdb", query))
    parquet_rows = set(_read(parquet_build, query))
    assert csv_rows == parquet_rows


@pytest.mark.parametrize(
    ("dbt_vars", "expected_words"),
    [
        ({"as_of_date": "2014-13-45"}, ["as_of_date", "2014-13-45", "YYYY-MM-DD"]),
        ({"as_of_date": "2015-02-29"}, ["as_of_date", "2015-02-29"]),
        ({"landing_format": "xlsx"}, ["landing_format", "xlsx", "csv, parquet"]),
        ({"counting_mode": "rolling"}, ["counting_mode", "rolling", "consecutive, cumulative"]),
        # the accepted codes are the deferred flows of seed rule_flows, read by the hook
        ({"enabled_deferred_flows": ["D1", "D9"]}, ["enabled_deferred_flows", "D9", ", ".join(DEFERRED_FLOW_CODES)]),
        # two bands of one name (fct_threshold_progress names its bands after the shares)
        ({"threshold_pipeline_lower_share": 0.75, "threshold_pipeline_upper_share": 0.75},
         ["threshold_pipeline_lower_share (0.75)", "threshold_pipeline_upper_share (0.75)", "must be below"]),
    ],
)
def test_a_bad_run_knob_stops_the_run_naming_it(adversarial_landing, tmp_path, dbt_vars, expected_words):
    result = _dbt(["build", "--select", "ref_code_lists", "--vars", json.dumps(dbt_vars)], tmp_path, adversarial_landing)
    assert result.returncode != 0
    for word in expected_words:
        assert word in result.stdout, result.stdout[-3000:]


def test_a_missing_landing_file_stops_the_run_naming_it(adversarial_landing, tmp_path):
    landing = _copy_landing(adversarial_landing, tmp_path / "landing", "parquet",
                            sources=("persons", "residence_permits", "aid_decisions"))
    result = _dbt(["build", "--select", "ref_code_lists"], tmp_path, landing)
    assert result.returncode != 0
    assert "reimbursements.parquet" in result.stdout and "missing landing file" in result.stdout, result.stdout[-3000:]


def test_a_landing_file_without_a_contract_column_stops_the_run_naming_it(adversarial_landing, tmp_path):
    landing = _copy_landing(adversarial_landing, tmp_path / "landing", "csv")
    lines = (landing / "persons.csv").read_text().splitlines()
    lines[0] = lines[0].replace("nationality_code", "nationality")
    (landing / "persons.csv").write_text("\n".join(lines) + "\n")
    result = _dbt(["build", "--select", "ref_code_lists", "--vars", json.dumps({"landing_format": "csv"})], tmp_path, landing)
    assert result.returncode != 0
    assert "persons.csv" in result.stdout and "nationality_code" in result.stdout, result.stdout[-3000:]


def test_an_unreadable_value_stops_the_run_naming_file_column_and_row(adversarial_landing, tmp_path):
    landing = _copy_landing(adversarial_landing, tmp_path / "landing", "csv")
    lines = (landing / "aid_decisions.csv").read_text().splitlines()
    header = lines[0].split(",")
    fields = lines[3].split(",")
    fields[header.index("period_start")] = "2014-13-45"
    lines[3] = ",".join(fields)
    (landing / "aid_decisions.csv").write_text("\n".join(lines) + "\n")
    result = _dbt(["build", "--select", "+rpt_quarantined_rows", "--exclude", "resource_type:unit_test",
                   "--indirect-selection", "empty", "--vars", json.dumps({"landing_format": "csv", "as_of_date": AS_OF})],
                  tmp_path, landing)
    assert result.returncode != 0
    for word in ("aid_decisions.csv", "column period_start,", "row 3", "2014-13-45"):
        assert word in result.stdout, result.stdout[-3000:]
