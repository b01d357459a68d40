"""The scenario suite (tests/scenarios/*.yml, format in tests/scenarios/README.md).

    pytest tests_python/test_scenarios.py                    # everything
    pytest tests_python/test_scenarios.py -m scenario_unit   # runner mechanics + file checks, no dbt
    pytest tests_python/test_scenarios.py -m scenario_e2e    # end to end through dbt build
    DVZ_SCENARIO_FILTER=a05 pytest tests_python/test_scenarios.py   # a subset (file-name substring)

Every scenario's expected rows are derived by hand from RULES.md; the end-to-end test
builds each group of scenarios sharing the same vars once (dbt build into a temporary
DuckDB file) and compares both marts with the expectations as multisets.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scenario_compare as compare  # noqa: E402
import scenario_dbt as dbt_runner  # noqa: E402
import scenario_files as files  # noqa: E402
import scenario_landing as landing  # noqa: E402
import scenario_model as model  # noqa: E402

SUITE = files.load_suite()
SELECTED = files.selected_file_names(SUITE)


# ----------------------------------------------------------------- end to end


@pytest.fixture(scope="session")
def scenario_builds(request, tmp_path_factory):
    """Builds every vars group needed by the collected scenario tests, once."""
    workdir = os.environ.get("DVZ_SCENARIO_WORKDIR")
    base = Path(workdir) if workdir else tmp_path_factory.mktemp("scenario_builds")
    builder = dbt_runner.GroupBuilder(SUITE, base)
    wanted = [
        item.callspec.params["scenario_file"]
        for item in request.session.items
        if hasattr(item, "callspec") and "scenario_file" in item.callspec.params
    ]
    builder.build([name for name in wanted if name not in SUITE.errors])
    return builder


@pytest.mark.scenario_e2e
@pytest.mark.parametrize("scenario_file", SELECTED)
def test_scenario(scenario_file, scenario_builds):
    try:
        scenario = SUITE.get(scenario_file)
    except model.ScenarioFormatError as exc:
        pytest.fail(str(exc), pytrace=False)
    report = compare.compare_scenario(scenario, scenario_builds.result_for(scenario))
    if report:
        pytest.fail(report, pytrace=False)


# ----------------------------------------------------- scenario files (no dbt)


@pytest.mark.scenario_unit
@pytest.mark.parametrize("scenario_file", SELECTED)
def test_scenario_file_is_valid(scenario_file):
    """Format (README.md) and suite-wide uniqueness of the insz numbers."""
    try:
        SUITE.get(scenario_file)
    except model.ScenarioFormatError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.mark.scenario_unit
@pytest.mark.parametrize("scenario_file", SELECTED)
def test_scenario_expectations_are_coherent(scenario_file):
    """Invariants RULES.md states outright, checked on the expectations themselves:
    criterion_met_on <= transfer_due_on <= as_of_date (§6), episode bounds, counted_days
    only for C1/C2 and counted_months only for the other flows (§5), one person_status
    row per person, and every eligibility row's person has a person_status row."""
    if scenario_file in SUITE.errors:
        pytest.skip("invalid file: reported by test_scenario_file_is_valid")
    scenario = SUITE.get(scenario_file)
    as_of = scenario.vars_key.as_of_date
    problems = []
    col = {c: i for i, c in enumerate(model.ELIGIBILITY_COLUMNS)}
    for row in scenario.expected_eligibility:
        label = f"{scenario.display_insz(row[0])} {row[col['flow_code']]}"
        met, due = row[col["criterion_met_on"]], row[col["transfer_due_on"]]
        if not met <= due:
            problems.append(f"{label}: criterion_met_on {met} > transfer_due_on {due}")
        if as_of and due > as_of:
            problems.append(f"{label}: transfer_due_on {due} > as_of_date {as_of}")
        start, end = row[col["episode_start"]], row[col["episode_end"]]
        if not start <= met:
            problems.append(f"{label}: criterion_met_on {met} before episode_start {start}")
        if end is not None and not met <= end:
            problems.append(f"{label}: criterion_met_on {met} after episode_end {end}")
        if as_of and end is not None and end >= as_of:
            problems.append(f"{label}: episode_end {end} must be null when the episode covers as_of")
        days_flow = row[col["flow_code"]] in model.DAY_FLOWS
        if days_flow != (row[col["counted_days"]] is not None):
            problems.append(f"{label}: counted_days must be set exactly for C1/C2")
        if days_flow == (row[col["counted_months"]] is not None):
            problems.append(f"{label}: counted_months must be set exactly for C3/C4/D1-D3")
    people = [r[0] for r in scenario.expected_person_status]
    if len(people) != len(set(people)):
        problems.append("a person has more than one expected person_status row")
    for row in scenario.expected_eligibility:
        if row[0] not in people:
            problems.append(f"{scenario.display_insz(row[0])} has eligibility rows but no person_status row")
    if scenario.name.startswith("a"):
        # This helper's files (a*) never quarantine a decision: every person with a
        # GRANTED decision must have a person_status expectation (RULES.md §7).
        granted = {
            model.normalise_insz(r["insz"])
            for r in scenario.landing["aid_decisions"]
            if (r["status"] or "").strip().upper() == "GRANTED"
        }
        for insz in sorted(granted - set(people)):
            problems.append(f"{scenario.display_insz(insz)} has a GRANTED decision but no person_status row")
    assert not problems, "\n".join(problems)


@pytest.mark.scenario_unit
def test_scenario_filter_matches_something():
    assert SELECTED or not SUITE.paths, (
        f"DVZ_SCENARIO_FILTER={os.environ.get('DVZ_SCENARIO_FILTER')!r} matches no scenario file"
    )


# ------------------------------------------------------- runner mechanics (no dbt)


def _scenario(tmp_path, name="x01_demo", **overrides):
    doc = {
        "name": name,
        "rules": ["§5"],
        "description": "demo",
        "derivation": "by hand",
        "vars": {"as_of_date": "2015-06-30"},
        "landing": {
            "persons": [
                {"insz": "alice", "birth_date": "1985-07-30", "nationality_code": "FR",
                 "belgian_since": None, "recorded_at": "2014-01-01 00:00:00"},
            ],
            "aid_decisions": [
                {"decision_id": "D1", "ocmw_nis_code": "21004", "insz": "alice",
                 "legal_scheme": "RMI", "aid_form": "INTEGRATION_INCOME",
                 "period_start": "2015-01-01", "period_end": None, "monthly_amount_eur": 1000.5,
                 "decision_date": dt.date(2014, 12, 20), "status": "GRANTED",
                 "recorded_at": dt.datetime(2014, 12, 21, 8, 30)},
            ],
            "reimbursements": [
                {"reimbursement_id": " R1 ", "decision_id": "D1", "insz": "85.07.30-033.28",
                 "aid_month": "2015-01-01", "amount_eur": -12.3, "paid_on": "2015-02-10",
                 "recorded_at": "2015-02-10 00:00:00"},
            ],
        },
        "expected": {
            "eligibility": [
                {"insz": "alice", "flow_code": "C1", "criterion_code": "LEEFLOON_90_DAYS",
                 "episode_start": "2014-06-01", "episode_end": None,
                 "criterion_met_on": "2015-03-31", "transfer_due_on": "2015-04-10",
                 "transfer_status": "TRANSFER", "counted_days": 90, "counted_months": None,
                 "ocmw_nis_code": "21004"},
            ],
            "person_status": [
                {"insz": "alice", "final_status": "TRANSFER", "exclusion_reason": None},
                {"insz": "85.07.30-033.28", "final_status": "EXCLUDED",
                 "exclusion_reason": "NOT_REIMBURSED"},
            ],
        },
    }
    doc.update(overrides)
    path = tmp_path / f"{name}.yml"
    return path, doc


@pytest.mark.scenario_unit
def test_alias_numbers_are_valid_deterministic_and_distinct():
    from stdnum.be import ssn

    seen = {}
    for scenario in ("a01_x", "a02_y", "b07_z"):
        for alias in ("alice", "bob", "carol", "dave", "erin"):
            number = model.alias_insz(scenario, alias)
            assert number == model.alias_insz(scenario, alias)
            assert ssn.is_valid(number), number
            assert len(number) == 11 and number.isdigit()
            assert 50 <= int(number[:2]) <= 89
            assert 1 <= int(number[2:4]) <= 12
            assert 1 <= int(number[4:6]) <= 28
            assert int(number[9:]) == 97 - int(number[:9]) % 97
            assert number not in seen, (scenario, alias, seen.get(number))
            seen[number] = (scenario, alias)


@pytest.mark.scenario_unit
def test_alias_detection_and_normalisation():
    assert model.is_insz_alias("alice")
    assert model.is_insz_alias("mary_ann")
    assert not model.is_insz_alias("85.07.30-033.28")
    assert not model.is_insz_alias("alice2")
    assert not model.is_insz_alias("")
    assert not model.is_insz_alias("  ")
    assert not model.is_insz_alias(None)
    assert model.normalise_insz("85.07.30-033.28") == "85073003328"
    assert model.normalise_insz(None) is None


@pytest.mark.scenario_unit
def test_parse_replaces_aliases_prefixes_ids_and_formats_values(tmp_path):
    path, doc = _scenario(tmp_path)
    scenario = files.parse_scenario(path, doc)
    alice = model.alias_insz("x01_demo", "alice")
    assert scenario.aliases == {"alice": alice}
    assert scenario.literal_numbers == {"85073003328"}
    assert scenario.insz_values == {alice, "85073003328"}
    decision = scenario.landing["aid_decisions"][0]
    assert decision["decision_id"] == "x01_demo__D1"
    assert decision["insz"] == alice
    assert decision["monthly_amount_eur"] == "1000.5"
    assert decision["decision_date"] == "2014-12-20"
    assert decision["recorded_at"] == "2014-12-21 08:30:00"
    assert decision["period_end"] is None
    reimbursement = scenario.landing["reimbursements"][0]
    assert reimbursement["reimbursement_id"] == " x01_demo__R1 "  # spaces kept for trim tests
    assert reimbursement["decision_id"] == "x01_demo__D1"
    assert reimbursement["insz"] == "85.07.30-033.28"  # literal kept as written
    assert reimbursement["amount_eur"] == "-12.3"
    assert scenario.landing["residence_permits"] == []
    # every contract column is present, missing ones as null
    assert set(scenario.landing["persons"][0]) == set(model.LANDING_COLUMNS["persons"])
    assert scenario.expected_eligibility == [
        (alice, "C1", "LEEFLOON_90_DAYS", "2014-06-01", None, "2015-03-31", "2015-04-10",
         "TRANSFER", 90, None, "21004"),
    ]
    assert sorted(scenario.expected_person_status) == sorted([
        (alice, "TRANSFER", None), ("85073003328", "EXCLUDED", "NOT_REIMBURSED"),
    ])


@pytest.mark.scenario_unit
@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("derivation"), "$: 'derivation' is a required property"),
        (lambda d: d.update(name="other"), "$.name: 'other' must equal the file stem 'x01_demo'"),
        (lambda d: d.update(rules=[]), "$.rules: [] should be non-empty"),
        (lambda d: d.update(description="  "), "$.description: '  ' does not match"),
        (lambda d: d["landing"]["persons"][0].update(colour="red"),
         "$.landing.persons[0]: Additional properties are not allowed ('colour' was unexpected)"),
        (lambda d: d["landing"].update(people=[]), "$.landing: Additional properties are not allowed ('people'"),
        (lambda d: d["expected"]["eligibility"][0].pop("counted_days"),
         "$.expected.eligibility[0]: 'counted_days' is a required property"),
        (lambda d: d["expected"]["eligibility"][0].update(extra=1),
         "$.expected.eligibility[0]: Additional properties are not allowed ('extra' was unexpected)"),
        (lambda d: d["expected"].pop("person_status"),
         "$.expected: 'person_status' is a required property (write [] for 'no rows')"),
        (lambda d: d["expected"]["eligibility"][0].update(flow_code="C9"),
         "$.expected.eligibility[0].flow_code: 'C9' is not one of ['C1', 'C2', 'C3', 'C4', 'D1', 'D2', 'D3']"),
        (lambda d: d["expected"]["eligibility"][0].update(criterion_code="LEEFLOON_89_DAYS"),
         "$.expected.eligibility[0].criterion_code: 'LEEFLOON_89_DAYS' is not one of"),
        (lambda d: d["expected"]["eligibility"][0].update(criterion_met_on="2015-02-30"),
         "$.expected.eligibility[0].criterion_met_on: '2015-02-30' is not a 'date'"),
        (lambda d: d["expected"]["eligibility"][0].update(transfer_due_on=None),
         "$.expected.eligibility[0].transfer_due_on: None is not of type 'string'"),
        (lambda d: d["expected"]["eligibility"][0].update(counted_days="90"),
         "$.expected.eligibility[0].counted_days: '90' is not of type 'integer', 'null'"),
        (lambda d: d["expected"]["person_status"][0].update(insz=" "), "$.expected.person_status[0].insz: ' '"),
        (lambda d: d["expected"]["person_status"][0].update(exclusion_reason="BELGIAN"),
         "$.expected.person_status[0].exclusion_reason: 'BELGIAN' is not of type 'null' "
         "(exclusion_reason is set exactly when final_status is EXCLUDED)"),
        (lambda d: d["vars"].update(counting_mode="sometimes"), "$.vars.counting_mode: 'sometimes' is not one of"),
        (lambda d: d["vars"].update(enabled_deferred_flows=["C1"]),
         "$.vars.enabled_deferred_flows[0]: 'C1' is not one of ['D1', 'D2', 'D3']"),
        (lambda d: d["vars"].update(as_of_date=dt.datetime(2015, 6, 30, 12)),
         "$.vars.as_of_date: '2015-06-30 12:00:00' does not match"),
        (lambda d: d["vars"].update(as_of="2015-01-01"),
         "$.vars: Additional properties are not allowed ('as_of' was unexpected)"),
        (lambda d: d["landing"]["persons"][0].update(nationality_code=False),
         "$.landing.persons[0].nationality_code: False is not of type 'string', 'number', 'null' "
         "(YAML reads an unquoted yes/no/NO/true as a boolean"),
        (lambda d: d["landing"]["aid_decisions"][0].update(ocmw_nis_code=21004),
         "$.landing.aid_decisions[0].ocmw_nis_code: 21004 is not of type 'string', 'null' (must be a quoted string"),
    ],
)
def test_validation_errors_are_clear(tmp_path, change, message):
    """Each bad value is reported with the file and the path of the value
    (tests/scenarios/scenario.schema.json); the unchanged document is valid."""
    path, doc = _scenario(tmp_path)
    files.parse_scenario(path, copy.deepcopy(doc))
    change(doc)
    with pytest.raises(model.ScenarioFormatError) as info:
        files.parse_scenario(path, doc)
    assert message in str(info.value)
    assert path.name in str(info.value)


@pytest.mark.scenario_unit
def test_suite_rejects_shared_literal_numbers_and_alias_collisions(tmp_path, monkeypatch):
    import yaml

    for name in ("x01_one", "x02_two"):
        path, doc = _scenario(tmp_path, name=name)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    suite = files.load_suite(tmp_path)
    # both files use the literal 85.07.30-033.28
    assert set(suite.errors) == {"x01_one.yml", "x02_two.yml"}
    assert "85073003328" in suite.errors["x01_one.yml"]

    # force two aliases onto one number
    monkeypatch.setattr(landing, "alias_insz", lambda scenario, alias: "85073003328")
    path, doc = _scenario(tmp_path, name="x01_one")
    doc["landing"]["reimbursements"] = []
    doc["expected"]["person_status"] = doc["expected"]["person_status"][:1]
    doc["landing"]["persons"].append(dict(doc["landing"]["persons"][0], insz="bob"))
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    (tmp_path / "x02_two.yml").unlink()
    suite = files.load_suite(tmp_path)
    assert "x01_one.yml" in suite.errors and "alias" in suite.errors["x01_one.yml"]


@pytest.mark.scenario_unit
def test_grouping_and_dbt_vars(tmp_path):
    scenarios = []
    for name, vars_ in [
        ("x01_a", {"as_of_date": "2015-06-30", "enabled_deferred_flows": ["D2", "D1"]}),
        ("x02_b", {"as_of_date": "2015-06-30", "enabled_deferred_flows": ["D1", "D2"]}),
        ("x03_c", {"as_of_date": "2015-06-30", "counting_mode": "cumulative"}),
        ("x04_d", {"as_of_date": "2015-06-30"}),
    ]:
        path, doc = _scenario(tmp_path, name=name, vars=vars_)
        doc["landing"]["reimbursements"] = []
        doc["expected"]["person_status"] = doc["expected"]["person_status"][:1]
        scenarios.append(files.parse_scenario(path, doc))
    suite = files.Suite({s.path.name: s for s in scenarios}, {}, [s.path for s in scenarios])
    groups = suite.groups()
    assert len(groups) == 3
    key = scenarios[0].vars_key
    assert [s.name for s in groups[key]] == ["x01_a", "x02_b"]
    assert key.dbt_vars() == {
        "landing_format": "csv", "as_of_date": "2015-06-30", "enabled_deferred_flows": ["D1", "D2"],
    }
    assert "counting_mode" not in scenarios[3].vars_key.dbt_vars()
    assert scenarios[2].vars_key.dbt_vars()["counting_mode"] == "cumulative"
    assert suite.groups(["x03_c.yml"]) == {scenarios[2].vars_key: [scenarios[2]]}
    command = dbt_runner.dbt_command(key, tmp_path)
    assert command[1] == "build" and "--exclude" not in command
    assert json.loads(command[command.index("--vars") + 1])["landing_format"] == "csv"
    env = dbt_runner.dbt_env(tmp_path)
    assert env["DVZ_LANDING_DIR"] == str(tmp_path / "landing")
    assert env["DVZ_DUCKDB_PATH"] == str(tmp_path / "warehouse.duckdb")
    assert env["DVZ_PERSON_KEY_SALT"] == "scenario-suite-salt"
    assert env["DBT_TARGET"] == "dev"


@pytest.mark.scenario_unit
def test_landing_csv_files(tmp_path):
    path, doc = _scenario(tmp_path)
    scenario = files.parse_scenario(path, doc)
    counts = landing.write_landing_files(tmp_path / "landing", [scenario])
    assert counts == {"persons": 1, "residence_permits": 0, "aid_decisions": 1, "reimbursements": 1}
    for source, columns in model.LANDING_COLUMNS.items():
        with (tmp_path / "landing" / f"{source}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == columns
        assert len(rows) == 1 + counts[source]
    text = (tmp_path / "landing" / "aid_decisions.csv").read_text(encoding="utf-8")
    assert text.splitlines()[1] == (
        f"x01_demo__D1,21004,{model.alias_insz('x01_demo', 'alice')},RMI,INTEGRATION_INCOME,"
        "2015-01-01,,1000.5,2014-12-20,GRANTED,2014-12-21 08:30:00"
    )
    # DuckDB reads the files as the warehouse does: empty field = null, header-only = 0 rows
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(
            "select period_end, monthly_amount_eur from read_csv(?, header = true, delim = ',', all_varchar = true)",
            [str(tmp_path / "landing" / "aid_decisions.csv")],
        ).fetchall()
        assert rows == [(None, "1000.5")]
        empty = con.execute(
            "select count(*) from read_csv(?, header = true, delim = ',', all_varchar = true)",
            [str(tmp_path / "landing" / "residence_permits.csv")],
        ).fetchall()
        assert empty == [(0,)]
    finally:
        con.close()


@pytest.mark.scenario_unit
def test_comparison_reports_missing_and_unexpected_rows(tmp_path):
    path, doc = _scenario(tmp_path)
    scenario = files.parse_scenario(path, doc)
    alice = scenario.aliases["alice"]
    good = dict(zip(model.ELIGIBILITY_COLUMNS, scenario.expected_eligibility[0]))
    good.update(legal_reference="art. 1", person_key=model.person_key(alice))
    result = model.GroupResult(scenario.vars_key, tmp_path, True)
    result.eligibility = [good, dict(good, insz="11111111111")]  # other scenario's row: ignored
    result.person_status = [
        {"person_key": model.person_key(alice), "final_status": "TRANSFER", "exclusion_reason": None},
        {"person_key": model.person_key("85073003328"), "final_status": "EXCLUDED",
         "exclusion_reason": "NOT_REIMBURSED"},
        {"person_key": model.person_key("22222222222"), "final_status": "TRANSFER", "exclusion_reason": None},
    ]
    assert compare.compare_scenario(scenario, result) is None

    late = dict(good, transfer_due_on="2015-04-11", legal_reference=None)
    result.eligibility = [late, late]
    report = compare.compare_scenario(scenario, result)
    assert "missing (1)" in report and "unexpected (2)" in report
    assert "transfer_due_on: expected '2015-04-10', got '2015-04-11'" in report
    assert "legal_reference is null" in report
    assert f"alice({alice})" in report

    result.eligibility = [dict(good, person_key="nope")]
    assert "person_key" in compare.compare_scenario(scenario, result)

    failed = model.GroupResult(scenario.vars_key, tmp_path, False, "dbt build failed (exit 1)")
    assert compare.compare_scenario(scenario, failed).startswith("dbt build failed")


@pytest.mark.scenario_unit
def test_person_key_matches_contract():
    import hashlib

    assert model.person_key("85073003328") == hashlib.sha256(b"scenario-suite-salt85073003328").hexdigest()
    assert model.person_key("85073003328") == model.person_key("85073003328").lower()
