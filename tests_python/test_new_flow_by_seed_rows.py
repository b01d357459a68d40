"""A new flow and a threshold change are seed rows only (issue 17, part 2).

A copy of the project changes only files under `seeds/`:

- a new deferred flow `D4` (family members of students: A card, ground
  `STUDENT_FAMILY`, the benefit types C4 counts, the 4-month criterion of C4), in force
  from 2015-03-01, with clearly-test legal reference and note quotes;
- C1's `LEEFLOON_90_DAYS` threshold lowered from 90 to 60 days from 2026-01-01: the
  existing row closes on 2025-12-31 (`valid_to` is inclusive: a row is in force on
  as_of_date when valid_from <= as_of_date <= valid_to, macro `is_in_force`) and a new
  row starts on 2026-01-01. The row in force on as_of_date applies to the whole
  evaluation (RULES.md §4), so aid of 2025 is judged by 60 days as of 2026-06-30.

The copy changes 8 files, all under seeds/rules/: the six rule CSVs (rule_flows,
rule_flow_document_types, rule_flow_residence_grounds, rule_flow_benefit_types,
rule_flow_criteria, rule_authorised_categories), plus the flow's doc block
(rule_flow_d4.md, beside its rows: `seeds` is a docs path) and its reference in
_rules__seeds.yml. Before issue 17 a new flow touched about twenty files outside seeds/.

Two small builds of the copy on a hand-written landing set (as_of 2026-06-30 with D4
enabled; as_of 2025-12-31 without) check the outcome worked out by hand from RULES.md
(the comment above PERSONS), the decision trace, the dashboard's flow list,
the docs, and that the exclusion tests of RULES.md §7 ran and passed on the D4 rows.
The independent reading of RULES.md (reference_rules.py), given the copy's seed folder,
finds the same outcome without a build, and the old one with the project's seeds: it
reads the catalogue from the seeds, it keeps no copy of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import reference_rules as ref
from dbt_compile import PROJECT_PARTS, REPO_ROOT, copy_project, dbt_env
from scenario_dbt import SCENARIO_SELECTION
from scenario_model import LANDING_COLUMNS, person_key

DASHBOARD_DIR = REPO_ROOT / "dashboard"
TEST_LEGAL_REFERENCE = "TEST ONLY (issue 17): imagined authorisation for family members of students"
TEST_QUOTE_NL = "TEST ONLY: familieleden van studenten, 4 maanden maatschappelijke dienstverlening"
TEST_QUOTE_EN = "TEST ONLY: family members of students, 4 months of social assistance"
D4_DOC_TITLE = "**Rule: flow D4 - family members of students** (TEST ONLY, deferred)."
TEST_C1_QUOTE_EN = "TEST ONLY: received at least 60 days of leefloon"
D4_VALID_FROM = "2015-03-01"
LATE_AS_OF, EARLY_AS_OF = "2026-06-30", "2025-12-31"
SALT = "new-flow-test-salt"


def _insz(first9: str) -> str:
    """A valid pre-2000 national number (RULES.md §2): check = 97 - (first 9 digits mod 97)."""
    return first9 + f"{97 - int(first9) % 97:02d}"


# D4: A card, STUDENT_FAMILY, from 2025-01-01 (open). OCMW FINANCIAL_AID (SOCIAL_ASSISTANCE,
#   counted by D4) 2025-02-01..2025-06-30, each month reimbursed on the 15th of the next.
#   Counted months Feb..Jun 2025: 5 consecutive; the 4th (May) -> criterion_met_on
#   2025-05-01; counted_months = the run = 5. §6: a month exists from its paid date
#   (Feb 03-15, Mar 04-15, Apr 05-15, May 06-15): Feb-May exist on 2025-06-15 =
#   transfer_due_on. Episode 2025-01-01..open -> episode_end null.
#   Not Belgian, no population-register permit, not held -> TRANSFER with D4 enabled,
#   DEFERRED_TECHNICAL without (RULES.md §7 steps 4-5).
# D4_BE: same facts, nationality BE -> EXCLUDED_BELGIAN (step 1), enabled or not.
# D4_POP: same facts plus a C card (population register) from 2024-01-01 -> the A card
#   still qualifies (it is not a population-register permit), but on transfer_due_on
#   a population-register permit is valid -> EXCLUDED_POPULATION_REGISTER (step 2).
# C1: E card, EU_CITIZEN, from 2025-01-01 (open). RMI INTEGRATION_INCOME (LEEFLOON)
#   2025-09-01..2025-11-09 = 30 + 31 + 9 = 70 days, months reimbursed on the 10th of the
#   next. As of 2026-06-30 (60 days in force): the 60th consecutive day = 2025-10-30 =
#   criterion_met_on; counted_days = 70; any 60-day window holds October days, which
#   exist from 2025-11-10 -> transfer_due_on 2025-11-10 -> TRANSFER.
#   As of 2025-12-31 (90 days still in force, valid_to inclusive): 70 < 90 -> no row;
#   person EXCLUDED, THRESHOLD_NOT_MET.
PERSONS = {
    "D4": dict(insz=_insz("850315123"), nationality="MA", extra_permit=None),
    "D4_BE": dict(insz=_insz("860412234"), nationality="BE", extra_permit=None),
    "D4_POP": dict(insz=_insz("870520345"), nationality="TN", extra_permit="C"),
    "C1": dict(insz=_insz("880625456"), nationality="FR", extra_permit=None),
}
OCMW = "21004"


def _landing_rows() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {source: [] for source in LANDING_COLUMNS}
    for alias, person in PERSONS.items():
        insz = person["insz"]
        rows["persons"].append(dict(insz=insz, birth_date="1985-03-15", nationality_code=person["nationality"],
                                    belgian_since=None, recorded_at="2024-12-01 00:00:00"))
        is_c1 = alias == "C1"
        rows["residence_permits"].append(dict(
            permit_id=f"P_{alias}", insz=insz, document_type="E" if is_c1 else "A",
            residence_ground="EU_CITIZEN" if is_c1 else "STUDENT_FAMILY", register="FOREIGNERS",
            valid_from="2025-01-01", valid_to=None, recorded_at="2025-01-01 00:00:00"))
        if person["extra_permit"]:
            rows["residence_permits"].append(dict(
                permit_id=f"P_{alias}_POP", insz=insz, document_type=person["extra_permit"],
                residence_ground="OTHER", register="POPULATION", valid_from="2024-01-01", valid_to=None,
                recorded_at="2024-01-01 00:00:00"))
        if is_c1:
            decision = dict(legal_scheme="RMI", aid_form="INTEGRATION_INCOME", period_start="2025-09-01",
                            period_end="2025-11-09")
            months = [("2025-09-01", "2025-10-10"), ("2025-10-01", "2025-11-10"), ("2025-11-01", "2025-12-10")]
        else:
            decision = dict(legal_scheme="OCMW", aid_form="FINANCIAL_AID", period_start="2025-02-01",
                            period_end="2025-06-30")
            months = [(f"2025-{m:02d}-01", f"2025-{m + 1:02d}-15") for m in range(2, 7)]
        rows["aid_decisions"].append(dict(
            decision_id=f"S_{alias}", ocmw_nis_code=OCMW, insz=insz, **decision, monthly_amount_eur="700.00",
            decision_date="2025-01-20", status="GRANTED", recorded_at="2025-01-21 00:00:00"))
        for number, (aid_month, paid_on) in enumerate(months, start=1):
            rows["reimbursements"].append(dict(
                reimbursement_id=f"R_{alias}_{number}", decision_id=f"S_{alias}", insz=insz, aid_month=aid_month,
                amount_eur="700.00", paid_on=paid_on, recorded_at=f"{paid_on} 00:00:00"))
    return rows


def _write_landing(folder: Path) -> None:
    folder.mkdir(parents=True)
    for source, columns in LANDING_COLUMNS.items():
        with (folder / f"{source}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in _landing_rows()[source]:
                writer.writerow(["" if row[c] is None else row[c] for c in columns])


# ----------------------------------------------------------------- the seed rows


def _append(path: Path, rows: list[list[str]]) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _edit_rows(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    records = edit([dict(zip(header, row, strict=True)) for row in body])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[record[column] for column in header] for record in records])


def change_seeds(project: Path) -> None:
    """The whole change: seed rows, nothing else."""
    rules = project / "seeds" / "rules"
    _append(rules / "rule_flows.csv", [[
        "D4", "Family members of third-country students", "Familieleden van studenten",
        "Students and their family members", "deferred", "consecutive", "month", D4_VALID_FROM, "",
        TEST_LEGAL_REFERENCE, TEST_QUOTE_NL, TEST_QUOTE_EN]])
    _append(rules / "rule_flow_document_types.csv", [["D4", "A", D4_VALID_FROM, ""]])
    _append(rules / "rule_flow_residence_grounds.csv", [["D4", "STUDENT_FAMILY", D4_VALID_FROM, ""]])
    _append(rules / "rule_flow_benefit_types.csv", [
        ["D4", "SOCIAL_ASSISTANCE", D4_VALID_FROM, ""], ["D4", "SOCIAL_ASSISTANCE_ART60", D4_VALID_FROM, ""]])
    _append(rules / "rule_flow_criteria.csv", [[
        "D4", "SOCIAL_ASSISTANCE_4_MONTHS", "threshold", "4", "month", "", "1", D4_VALID_FROM, "",
        TEST_QUOTE_NL, TEST_QUOTE_EN]])

    def authorise_d4(records):
        for record in records:
            if record["residence_ground"] == "STUDENT_FAMILY":
                record.update(flow_codes="D4", comment="TEST ONLY: deferred flow D4 (issue 17 proof).")
        return records

    _edit_rows(rules / "rule_authorised_categories.csv", authorise_d4)

    def lower_c1_threshold(records):
        result = []
        for record in records:
            result.append(record)
            if (record["flow_code"], record["criterion_code"]) == ("C1", "LEEFLOON_90_DAYS"):
                record["valid_to"] = "2025-12-31"
                result.append({**record, "threshold_value": "60", "valid_from": "2026-01-01", "valid_to": "",
                               "note_quote_nl": "TEST ONLY: minstens 60 dagen leefloon",
                               "note_quote_en": TEST_C1_QUOTE_EN})
        return result

    _edit_rows(rules / "rule_flow_criteria.csv", lower_c1_threshold)

    # The flow's documentation beside its rows: a doc block in seeds/ (docs-paths) and a
    # reference to it in the catalogue's description.
    (rules / "rule_flow_d4.md").write_text(
        "{% docs rule_flow_d4 %}\n" + D4_DOC_TITLE + "\n\n> " + TEST_QUOTE_EN + "\n{% enddocs %}\n", encoding="utf-8")
    yml = rules / "_rules__seeds.yml"
    anchor = "      {{ doc('rule_flow_d3') }}\n"
    text = yml.read_text(encoding="utf-8")
    assert text.count(anchor) == 1
    yml.write_text(text.replace(anchor, anchor + "\n\n      {{ doc('rule_flow_d4') }}\n"), encoding="utf-8")


# --------------------------------------------------------------------- the builds


def _dbt(project: Path, workdir: Path, args: list[str]) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", *args,
               "--project-dir", str(project), "--profiles-dir", str(project),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=dbt_env(
        DBT_TARGET="dev", DVZ_LANDING_DIR=str(workdir.parent / "landing"),
        DVZ_DUCKDB_PATH=str(workdir / "warehouse.duckdb"), DVZ_PERSON_KEY_SALT=SALT))


def _build(project: Path, workdir: Path, dbt_vars: dict) -> Path:
    workdir.mkdir()
    result = _dbt(project, workdir, ["build", "--select", *SCENARIO_SELECTION, "--indirect-selection", "empty",
                                     "--vars", json.dumps({"landing_format": "csv", **dbt_vars})])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return workdir


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    copy = copy_project(tmp_path_factory.mktemp("new_flow") / "project")
    change_seeds(copy)
    _write_landing(copy.parent / "landing")
    return copy


@pytest.fixture(scope="module")
def late(project) -> Path:
    """As of 2026-06-30 (60 days in force), D4 enabled."""
    return _build(project, project.parent / "late", {"as_of_date": LATE_AS_OF, "enabled_deferred_flows": ["D4"]})


@pytest.fixture(scope="module")
def early(project) -> Path:
    """As of 2025-12-31 (90 days still in force), no deferred flow enabled."""
    return _build(project, project.parent / "early", {"as_of_date": EARLY_AS_OF})


def _query(workdir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _eligibility(workdir: Path) -> dict[str, tuple]:
    by_insz = {person["insz"]: alias for alias, person in PERSONS.items()}
    rows = _query(workdir, """
        select insz, flow_code, criterion_code, cast(episode_start as varchar), cast(episode_end as varchar),
               cast(criterion_met_on as varchar), cast(transfer_due_on as varchar), transfer_status,
               counted_days, counted_months, ocmw_nis_code
        from marts.fct_transfer_eligibility""")
    assert len(rows) == len({row[0] for row in rows}), rows
    return {by_insz[row[0]]: row[1:] for row in rows}


def _person_status(workdir: Path) -> dict[str, tuple]:
    by_key = {person_key(person["insz"], SALT): alias for alias, person in PERSONS.items()}
    rows = _query(workdir, "select person_key, final_status, exclusion_reason from marts.fct_person_transfer_status")
    return {by_key[row[0]]: row[1:] for row in rows}


# ----------------------------------------------------------------------- the checks


def test_the_copy_differs_from_the_project_in_seed_files_only(project):
    changed = []

    def walk(comparison: filecmp.dircmp, prefix: str) -> None:
        changed.extend(prefix + name for name in comparison.diff_files + comparison.left_only + comparison.right_only)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    for part in PROJECT_PARTS:
        if (REPO_ROOT / part).is_dir():
            walk(filecmp.dircmp(REPO_ROOT / part, project / part, ignore=["__pycache__"]), f"{part}/")
        elif not filecmp.cmp(REPO_ROOT / part, project / part, shallow=False):
            changed.append(part)
    assert changed and all(path.startswith("seeds/") for path in changed), changed
    assert set(changed) == {"seeds/rules/_rules__seeds.yml", "seeds/rules/rule_flow_d4.md", *(
        f"seeds/rules/{name}.csv" for name in (
            "rule_authorised_categories", "rule_flow_benefit_types", "rule_flow_criteria",
            "rule_flow_document_types", "rule_flow_residence_grounds", "rule_flows"))}, changed


LATE_ELIGIBILITY = {
    "D4": ("D4", "SOCIAL_ASSISTANCE_4_MONTHS", "2025-01-01", None, "2025-05-01", "2025-06-15", "TRANSFER",
           None, 5, OCMW),
    "D4_BE": ("D4", "SOCIAL_ASSISTANCE_4_MONTHS", "2025-01-01", None, "2025-05-01", "2025-06-15",
              "EXCLUDED_BELGIAN", None, 5, OCMW),
    "D4_POP": ("D4", "SOCIAL_ASSISTANCE_4_MONTHS", "2025-01-01", None, "2025-05-01", "2025-06-15",
               "EXCLUDED_POPULATION_REGISTER", None, 5, OCMW),
    "C1": ("C1", "LEEFLOON_90_DAYS", "2025-01-01", None, "2025-10-30", "2025-11-10", "TRANSFER", 70, None, OCMW),
}


def test_d4_transfers_when_enabled_and_c1_meets_60_days_from_2026(late):
    assert _eligibility(late) == LATE_ELIGIBILITY
    assert _person_status(late) == {
        "D4": ("TRANSFER", None), "D4_BE": ("EXCLUDED", "BELGIAN"),
        "D4_POP": ("EXCLUDED", "POPULATION_REGISTER"), "C1": ("TRANSFER", None)}


def test_before_2026_c1_still_needs_90_days_and_d4_is_deferred(early):
    expected = {alias: row for alias, row in LATE_ELIGIBILITY.items() if alias != "C1"}
    expected["D4"] = expected["D4"][:6] + ("DEFERRED_TECHNICAL",) + expected["D4"][7:]
    assert _eligibility(early) == expected
    assert _person_status(early) == {
        "D4": ("DEFERRED_TECHNICAL", None), "D4_BE": ("EXCLUDED", "BELGIAN"),
        "D4_POP": ("EXCLUDED", "POPULATION_REGISTER"), "C1": ("EXCLUDED", "THRESHOLD_NOT_MET")}
    # The trace shows why: the 90-day row in force, 70 counted days.
    assert _query(early, """
        select threshold_value, is_criterion_met, longest_run_counted_days, cast(criterion_valid_from as varchar)
        from marts.fct_transfer_decision_trace
        where flow_code = 'C1' and criterion_code = 'LEEFLOON_90_DAYS'""") == [(90, False, 70, "2014-05-08")]


def _oracle(project: Path, as_of: str, seeds: Path, enabled: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """The independent reading of RULES.md (reference_rules) on the landing set, with the
    rule catalogue of the seed folder `seeds`: (eligibility, person status) by alias, in
    the shapes of the dbt checks above."""
    alias_of = {person["insz"]: alias for alias, person in PERSONS.items()}
    result = ref.evaluate(ref.read_landing_csv(project.parent / "landing"), as_of,
                          enabled_deferred_flows=enabled, seeds_dir=seeds)
    eligibility = {alias_of[row["insz"]]: tuple(
        row[column].isoformat() if hasattr(row[column], "isoformat") else row[column]
        for column in ref.ELIGIBILITY_COLUMNS[1:]) for row in result.eligibility}
    assert len(eligibility) == len(result.eligibility), result.eligibility
    statuses = {alias_of[row["insz"]]: (row["final_status"], row["exclusion_reason"]) for row in result.person_status}
    return eligibility, statuses


def test_the_reference_oracle_reads_d4_and_the_60_day_row_from_the_seeds(project):
    """reference_rules keeps no copy of the catalogue: given the copy's seed folder it finds
    the outcome worked out by hand (the dbt checks above); given the project's own seeds,
    the same landing set has no D4 row and C1 still needs 90 days. No dbt build needed."""
    late = _oracle(project, LATE_AS_OF, project / "seeds", enabled=("D4",))
    assert late == (LATE_ELIGIBILITY, {
        "D4": ("TRANSFER", None), "D4_BE": ("EXCLUDED", "BELGIAN"),
        "D4_POP": ("EXCLUDED", "POPULATION_REGISTER"), "C1": ("TRANSFER", None)})
    early_eligibility, early_status = _oracle(project, EARLY_AS_OF, project / "seeds")
    assert set(early_eligibility) == {"D4", "D4_BE", "D4_POP"}
    assert early_eligibility["D4"][6] == "DEFERRED_TECHNICAL"
    assert early_status["C1"] == ("EXCLUDED", "THRESHOLD_NOT_MET")
    # One C1 threshold row in force on each side of 2026-01-01 (valid_to inclusive).
    for as_of, threshold in ((EARLY_AS_OF, 90), (LATE_AS_OF, 60)):
        c1 = ref.read_catalogue(dt.date.fromisoformat(as_of), project / "seeds").flows["C1"]
        assert [(c.code, c.threshold) for c in c1.criteria] == [
            ("LEEFLOON_90_DAYS", threshold), ("LEEFLOON_AFTER_ANNEX19_AID", None)], as_of
    # The project's own catalogue: STUDENT_FAMILY has no flow, C1's threshold is 90 days.
    assert _oracle(project, LATE_AS_OF, REPO_ROOT / "seeds", enabled=("D4",)) == ({}, {
        "D4": ("EXCLUDED", "NO_AUTHORISED_CATEGORY"), "D4_BE": ("EXCLUDED", "BELGIAN"),
        "D4_POP": ("EXCLUDED", "POPULATION_REGISTER"), "C1": ("EXCLUDED", "THRESHOLD_NOT_MET")})


def test_the_trace_quotes_the_d4_catalogue_row_and_the_c1_row_in_force(late):
    d4 = _query(late, """
        select distinct flow_status, is_flow_applied, threshold_value, threshold_unit,
               cast(catalogue_valid_from as varchar), cast(criterion_valid_from as varchar), legal_reference,
               note_quote_nl, note_quote_en
        from marts.fct_transfer_decision_trace where flow_code = 'D4'""")
    assert d4 == [("deferred", True, 4, "month", D4_VALID_FROM, D4_VALID_FROM, TEST_LEGAL_REFERENCE, TEST_QUOTE_NL,
                   TEST_QUOTE_EN)]
    c1 = _query(late, """
        select threshold_value, is_criterion_met, cast(criterion_met_on as varchar), note_quote_en,
               cast(criterion_valid_from as varchar), cast(catalogue_valid_from as varchar)
        from marts.fct_transfer_decision_trace
        where flow_code = 'C1' and criterion_code = 'LEEFLOON_90_DAYS'""")
    assert c1 == [(60, True, "2025-10-30", TEST_C1_QUOTE_EN, "2026-01-01", "2014-05-08")]


def test_the_dashboard_lists_d4(late, monkeypatch):
    """The Flows filter (dashboard/filters.py, from marts.dim_flows) offers D4, and the
    deferred-flow page shows it, enabled in this run."""
    if str(DASHBOARD_DIR) not in sys.path:
        sys.path.insert(0, str(DASHBOARD_DIR))
    import filters  # noqa: PLC0415 - dashboard/filters.py: the Flows filter's own query
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - only this test runs a page

    assert ("D4", "Family members of third-country students") in _query(late, filters.FLOWS_SQL)
    monkeypatch.setenv("DVZ_DUCKDB_PATH", str(late / "warehouse.duckdb"))
    monkeypatch.setenv("DVZ_DBT_MANIFEST", str(late / "target" / "manifest.json"))
    app = AppTest.from_file(str(DASHBOARD_DIR / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("views/deferred.py").run()
    assert not app.exception, [error.value for error in app.exception]
    assert "D4: persons newly transferred" in {metric.label for metric in app.metric}
    assert any("D1, D2, D3, D4 are authorised" in caption.value for caption in app.caption)
    (d4,) = [row for row in app.dataframe[0].value.to_dict("records") if row["flow_code"] == "D4"]
    assert d4["is_enabled_in_run"] == "yes"


def test_the_exclusion_tests_ran_on_the_d4_rows(late):
    """Every exclusion test of RULES.md §7 (tests/exclusions) ran in the build and passed,
    with D4 rows among those they read: a TRANSFER (enabled), a Belgian, a
    population-register person. None of them names a flow code."""
    manifest = json.loads((late / "target" / "manifest.json").read_text())
    exclusion_tests = {uid for uid, node in manifest["nodes"].items()
                       if node["resource_type"] == "test" and node["original_file_path"].startswith("tests/exclusions/")}
    assert len(exclusion_tests) >= 9
    results = json.loads((late / "target" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"]: r["status"] for r in results if r["unique_id"] in exclusion_tests}
    assert statuses == dict.fromkeys(exclusion_tests, "pass")
    assert {row[6] for alias, row in _eligibility(late).items() if row[0] == "D4"} == {
        "TRANSFER", "EXCLUDED_BELGIAN", "EXCLUDED_POPULATION_REGISTER"}


def test_the_docs_list_d4(project, late):
    """dbt docs generate on the late build: the catalogue page of seed rule_flows shows
    D4's doc block (kept beside its rows in seeds/), and the docs catalog describes the
    seed and dim_flows, the flow list the dashboard reads."""
    result = _dbt(project, late, ["docs", "generate", "--no-compile", "--select", "rule_flows", "dim_flows",
                                  "--vars", json.dumps({"as_of_date": LATE_AS_OF, "landing_format": "csv"})])
    assert result.returncode == 0, result.stdout[-4000:]
    manifest = json.loads((late / "target" / "manifest.json").read_text())
    description = manifest["nodes"]["seed.dvz_transfer_warehouse.rule_flows"]["description"]
    assert D4_DOC_TITLE in description and TEST_QUOTE_EN in description
    catalog = json.loads((late / "target" / "catalog.json").read_text())
    assert {"seed.dvz_transfer_warehouse.rule_flows", "model.dvz_transfer_warehouse.dim_flows"} <= set(catalog["nodes"])
