"""The reference oracle (reference_rules.py) keeps no copy of the rule catalogue (issue 17).

Its flows, lists, criteria, thresholds, benefit types and code lists come from the seed
files, the warehouse's one source; only its algorithms are its own. Here:

- the code of reference_rules.py names no catalogue code (flow, criterion, document type
  of two or more characters, residence ground, benefit type) outside its docstrings and
  comments, and the check
  finds such a code when one is pasted in;
- what it reads is the seeds' rows: a copy of the seed folder with one threshold row
  changed changes its verdict on a small landing set, and a row not yet in force does not.
(test_new_flow_by_seed_rows.py shows it picking up a whole new flow from seed rows.)
"""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import reference_rules as ref

RULES_SEEDS = ("rule_flows", "rule_flow_criteria", "rule_flow_document_types",
               "rule_flow_residence_grounds", "rule_flow_benefit_types")


def _catalogue_codes() -> set[str]:
    codes = set()
    for seed in RULES_SEEDS:
        for row in ref.seed_rows(f"rules/{seed}"):
            codes.update(row[column] for column in ("flow_code", "criterion_code", "document_type",
                                                    "residence_ground", "benefit_type") if row.get(column))
    codes.update(row["benefit_type"] for row in ref.seed_rows("reference/ref_benefit_types"))
    codes.update(row["document_type"] for row in ref.seed_rows("reference/ref_document_types"))
    codes.update(row["residence_ground"] for row in ref.seed_rows("reference/ref_residence_grounds"))
    # One-letter document types (A, C, ...) are also the bounds of a letter check ("A" <= ch).
    return {code for code in codes if len(code) > 1}


def _code_literals(source: str, codes: set[str]) -> list[tuple[int, str]]:
    """(line, value) of the string constants that are catalogue codes, docstrings aside."""
    tree = ast.parse(source)
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and node.value in codes]


def test_the_oracle_names_no_catalogue_code():
    codes = _catalogue_codes()
    assert {"C1", "D3", "LEEFLOON_90_DAYS", "ANNEX_19", "STUDENT", "SOCIAL_ASSISTANCE"} <= codes
    source = Path(ref.__file__).read_text(encoding="utf-8")
    assert _code_literals(source, codes) == []
    pasted = source + '\nSA_TYPES = ("SOCIAL_ASSISTANCE", "SOCIAL_ASSISTANCE_ART60")\n'
    assert [value for _, value in _code_literals(pasted, codes)] == ["SOCIAL_ASSISTANCE", "SOCIAL_ASSISTANCE_ART60"]


# One C3 person: A card, TCN_FAMILY_REUNIFICATION, from 2024-01-01 (open); OCMW
# FINANCIAL_AID (SOCIAL_ASSISTANCE, counted by C3) 2024-01-01..2024-03-31, each month
# reimbursed on the 10th of the next. As of 2024-12-31: 3 consecutive counted months,
# below the catalogue's 4 -> no row, THRESHOLD_NOT_MET. With C3's threshold row set to 3
# months: met on the first counted day of the 3rd month, 2024-03-01; the three months
# exist from their paid dates, the last 2024-04-10 = transfer_due_on; counted_months 3.
INSZ = "850315123" + f"{97 - 850315123 % 97:02d}"
AS_OF = dt.date(2024, 12, 31)


def _landing() -> dict:
    recorded = "2023-12-01 00:00:00"
    return {
        "persons": [dict(insz=INSZ, birth_date="1985-03-15", nationality_code="MA", belgian_since="",
                         recorded_at=recorded)],
        "residence_permits": [dict(permit_id="P1", insz=INSZ, document_type="A",
                                   residence_ground="TCN_FAMILY_REUNIFICATION", register="FOREIGNERS",
                                   valid_from="2024-01-01", valid_to="", recorded_at=recorded)],
        "aid_decisions": [dict(decision_id="S1", ocmw_nis_code="21004", insz=INSZ, legal_scheme="OCMW",
                               aid_form="FINANCIAL_AID", period_start="2024-01-01", period_end="2024-03-31",
                               monthly_amount_eur="700.00", decision_date="2023-12-20", status="GRANTED",
                               recorded_at=recorded)],
        "reimbursements": [dict(reimbursement_id=f"R{month}", decision_id="S1", insz=INSZ,
                                aid_month=f"2024-{month:02d}-01", amount_eur="700.00",
                                paid_on=f"2024-{month + 1:02d}-10", recorded_at=f"2024-{month + 1:02d}-10 00:00:00")
                           for month in (1, 2, 3)],
    }


def _seeds_with_c3_threshold(tmp_path: Path, threshold: str, valid_from: str) -> Path:
    """A copy of the seed folder where C3's threshold row says `threshold` from `valid_from`."""
    seeds = shutil.copytree(ref.SEEDS_DIR, tmp_path / "seeds")
    path = seeds / "rules" / "rule_flow_criteria.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith("C3,SOCIAL_ASSISTANCE_4_MONTHS,threshold,4,")]
    lines[index] = lines[index].replace(",threshold,4,month,,1,2014-05-08,",
                                        f",threshold,{threshold},month,,1,{valid_from},")
    assert lines[index] != path.read_text(encoding="utf-8").splitlines(keepends=True)[index]
    path.write_text("".join(lines), encoding="utf-8")
    return seeds


def _verdict(seeds: Path):
    result = ref.evaluate(_landing(), AS_OF, seeds_dir=seeds)
    eligibility = [(r["flow_code"], r["criterion_met_on"], r["transfer_due_on"], r["counted_months"],
                    r["transfer_status"]) for r in result.eligibility]
    return eligibility, [(r["final_status"], r["exclusion_reason"]) for r in result.person_status]


def test_the_oracle_applies_the_threshold_row_of_the_seed_folder(tmp_path):
    assert _verdict(ref.SEEDS_DIR) == ([], [("EXCLUDED", "THRESHOLD_NOT_MET")])
    three_months = _seeds_with_c3_threshold(tmp_path / "three", "3", "2014-05-08")
    assert _verdict(three_months) == (
        [("C3", dt.date(2024, 3, 1), dt.date(2024, 4, 10), 3, "TRANSFER")], [("TRANSFER", None)])


def test_a_catalogue_row_not_yet_in_force_does_not_apply(tmp_path):
    """The row in force on as_of_date applies (RULES.md §4): C3's only threshold row
    starting after as_of_date leaves C3 without a criterion, so no row."""
    later = _seeds_with_c3_threshold(tmp_path / "later", "3", "2025-01-01")
    assert ref.read_catalogue(AS_OF, later).flows["C3"].criteria == ()
    assert _verdict(later) == ([], [("EXCLUDED", "THRESHOLD_NOT_MET")])
