"""A plain, day-level Python reading of RULES.md §1-§7 and §9, independent of the SQL.

Written from RULES.md and CONTRACT.md only (plus the ADRs under docs/decisions where
RULES.md is ambiguous); it never looks at the warehouse's models or macros. It is
deliberately simple and slow: one Python ``date`` per aid day, sets and dicts, no
interval arithmetic. ``tests_python/test_reference_differential.py`` compares it with
the warehouse on generated adversarial data.

Only the data is shared with the warehouse: the rule catalogue (flows, their lists,
criteria and thresholds, each row with ``valid_from``/``valid_to``) and the reference
code lists are read from the seed CSV files under ``seeds/`` (issue 17: one source), the
landing columns from the contract declaration (``scripts/landing_contract.py``). The
algorithms below are this module's own.

Input: the four landing tables as lists of dicts of raw strings (as read from the CSV
files: an empty field is ``""`` or ``None``), ``as_of_date``, the ``counting_mode``
override (``None`` = each flow's mode in the catalogue), ``enabled_deferred_flows`` and
the seeds folder (the project's unless told).

Output (``evaluate``): a ``Result`` with
- ``eligibility``: rows of ``fct_transfer_eligibility`` (the columns of ELIGIBILITY_COLUMNS);
- ``person_status``: rows of ``fct_person_transfer_status`` keyed by ``insz``;
- ``placements``: one row per landing row: source, source_row_number, place, reason_code;
- ``benefit_durations``: rows of ``fct_person_benefit_durations`` keyed by ``insz`` (§9).

§8 and §8a (what goes out, the delivery ledger) are not read here:
``tests_python/test_delivery_ledger.py`` derives the batches from this module's
eligibility rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import landing_contract  # noqa: E402

ONE_DAY = dt.timedelta(days=1)
SEEDS_DIR = REPO_ROOT / "seeds"

# CONTRACT.md §2: columns (kind, nullable) per source, in contract order, and each source's
# business key, from the one declaration (scripts/landing_contract.py reads the sources YAML).
TEXT, CODE, KEY, INSZ, DATE, TS, AMOUNT, MONTH = (
    "text", "code", "key", "insz", "date", "timestamp", "amount", "month")
SOURCES = {source: [(column.name, column.kind, column.nullable) for column in columns]
           for source, columns in landing_contract.LANDING_COLUMNS.items()}
BUSINESS_KEY = dict(landing_contract.BUSINESS_KEYS)

ELIGIBILITY_COLUMNS = ("insz", "flow_code", "criterion_code", "episode_start", "episode_end",
                       "criterion_met_on", "transfer_due_on", "transfer_status",
                       "counted_days", "counted_months", "ocmw_nis_code")
PERSON_STATUS_COLUMNS = ("insz", "final_status", "exclusion_reason")
PLACEMENT_COLUMNS = ("source", "source_row_number", "place", "reason_code")
BENEFIT_DURATION_COLUMNS = ("insz", "benefit_type", "aid_days", "reimbursed_days",
                            "reimbursed_months", "reimbursed_amount_eur", "first_aid_day",
                            "last_aid_day")


# ---------------------------------------------------------------------------------
# The rule catalogue and the code lists, read from the seeds (the one source, issue 17)
# ---------------------------------------------------------------------------------
# Where the code list of each landing code column lives (CONTRACT.md §2): (seed, code
# column, code_list value or None for a seed that is one list). nationality_code and
# ocmw_nis_code are checked by shape (RULES.md §2), not against a list.
CODE_LIST_SEEDS = {
    "document_type": ("reference/ref_document_types", "document_type", None),
    "residence_ground": ("reference/ref_residence_grounds", "residence_ground", None),
    "register": ("reference/ref_code_lists", "code", "register"),
    "legal_scheme": ("reference/ref_code_lists", "code", "legal_scheme"),
    "aid_form": ("reference/ref_code_lists", "code", "aid_form"),
    "status": ("reference/ref_code_lists", "code", "decision_status"),
}


def seed_rows(seed: str, seeds_dir=SEEDS_DIR) -> list[dict[str, str]]:
    """The rows of one seed file, e.g. ``seed_rows("rules/rule_flows")``: raw strings,
    an empty field is ``""``."""
    with (Path(seeds_dir) / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def in_force(row: dict, as_of: dt.date) -> bool:
    """RULES.md §4: a catalogue row applies when valid_from <= as_of_date <= valid_to (an
    empty valid_to: no end)."""
    return (dt.date.fromisoformat(row["valid_from"]) <= as_of
            and (row["valid_to"] == "" or as_of <= dt.date.fromisoformat(row["valid_to"])))


@dataclass(frozen=True)
class Criterion:
    """A row of rule_flow_criteria (RULES.md §5): a threshold of N units, or the prior-aid
    criterion naming the deferred flow whose aid must come first."""
    code: str
    kind: str                    # "threshold" or "prior_aid"
    threshold: int | None        # threshold criteria: N
    unit: str | None             # threshold criteria: "day" or "month"
    prior_aid_flow: str | None   # prior-aid criteria: the flow of the earlier aid
    tie_break_rank: int          # RULES.md §5: among criteria met on one episode


@dataclass(frozen=True)
class Flow:
    """A flow of the catalogue in force (RULES.md §4) with its lists in force."""
    code: str
    documents: frozenset
    grounds: frozenset
    counted_types: frozenset
    deferred: bool
    counting_mode: str           # the catalogue's; the counting_mode var overrides it
    unit: str                    # "day" (counted_days) or "month" (counted_months)
    criteria: tuple


@dataclass(frozen=True)
class Catalogue:
    """What the rules read from the seeds on as_of_date."""
    flows: dict                            # flow code -> Flow, in seed order
    benefit_types: dict                    # (legal_scheme, aid_form) -> benefit type (§3)
    population_register_documents: frozenset  # §7
    code_lists: dict                       # landing column -> its codes (CONTRACT.md §2)

    @property
    def impossible_scheme_forms(self) -> set:
        """RULES.md §2 IMPOSSIBLE_SCHEME_FORM: a known legal_scheme with a known aid_form
        that has no benefit type (§3's table lists every possible pair)."""
        return {(scheme, form) for scheme in self.code_lists["legal_scheme"]
                for form in self.code_lists["aid_form"]} - set(self.benefit_types)


def _codes_in_force(seed: str, column: str, as_of: dt.date, seeds_dir) -> dict[str, set]:
    """flow code -> the values of `column` in the dated list seed's rows in force."""
    lists = {}
    for row in seed_rows(seed, seeds_dir):
        if in_force(row, as_of):
            lists.setdefault(row["flow_code"], set()).add(row[column])
    return lists


def read_catalogue(as_of: dt.date, seeds_dir=SEEDS_DIR) -> Catalogue:
    """RULES.md §2-§5 and §7, the data: the flows, lists and criteria rows in force on
    as_of_date (each row by its own valid_from/valid_to), the benefit types, the
    population-register document types and the code lists."""
    documents = _codes_in_force("rules/rule_flow_document_types", "document_type", as_of, seeds_dir)
    grounds = _codes_in_force("rules/rule_flow_residence_grounds", "residence_ground", as_of, seeds_dir)
    counted_types = _codes_in_force("rules/rule_flow_benefit_types", "benefit_type", as_of, seeds_dir)
    criteria = {}
    for row in seed_rows("rules/rule_flow_criteria", seeds_dir):
        if in_force(row, as_of):
            criteria.setdefault(row["flow_code"], []).append(Criterion(
                code=row["criterion_code"], kind=row["criterion_kind"],
                threshold=int(row["threshold_value"]) if row["threshold_value"] else None,
                unit=row["threshold_unit"] or None, prior_aid_flow=row["prior_aid_flow_code"] or None,
                tie_break_rank=int(row["tie_break_rank"])))
    flows = {}
    for row in seed_rows("rules/rule_flows", seeds_dir):
        if in_force(row, as_of):
            code = row["flow_code"]
            flows[code] = Flow(
                code=code, documents=frozenset(documents.get(code, ())),
                grounds=frozenset(grounds.get(code, ())),
                counted_types=frozenset(counted_types.get(code, ())),
                deferred=row["flow_status"] == "deferred", counting_mode=row["counting_mode"],
                unit=row["counted_unit"], criteria=tuple(criteria.get(code, ())))
    code_lists = {}
    for column, (seed, code_column, code_list) in CODE_LIST_SEEDS.items():
        code_lists[column] = {row[code_column] for row in seed_rows(seed, seeds_dir)
                              if code_list is None or row["code_list"] == code_list}
    return Catalogue(
        flows=flows,
        benefit_types={(row["legal_scheme"], row["aid_form"]): row["benefit_type"]
                       for row in seed_rows("reference/ref_benefit_types", seeds_dir)},
        population_register_documents=frozenset(
            row["document_type"] for row in seed_rows("reference/ref_document_types", seeds_dir)
            if row["is_population_register"] == "true"),
        code_lists=code_lists)
# ---------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------
def days_between(first: dt.date, last: dt.date):
    """Every day from first to last, both included (nothing when last < first)."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + 1, 1, 1) if month.month == 12 else dt.date(month.year, month.month + 1, 1)


def runs_of(units, following):
    """Sorted units cut into runs of consecutive units (following(u) is the next unit)."""
    runs = []
    for unit in sorted(units):
        if runs and following(runs[-1][-1]) == unit:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    return runs


def ascii_upper(text: str) -> str:
    return "".join(ch.upper() if "a" <= ch <= "z" else ch for ch in text)


def insz_is_valid(insz: str, as_of: dt.date) -> bool:
    """RULES.md §2 (python-stdnum's be.ssn with 'today' = as_of_date)."""
    if len(insz) != 11 or not insz.isdigit() or insz == "0" * 11:
        return False
    check = int(insz[9:])
    ok = check == 97 - int(insz[:9]) % 97
    if not ok and 2000 + int(insz[:2]) <= as_of.year:
        ok = check == 97 - int("2" + insz[:9]) % 97
    month = int(insz[2:4])
    return ok and (0 <= month <= 12 or 20 <= month <= 32 or 40 <= month <= 52)


class UnreadableValue(ValueError):
    """ADR 0006: a present value that is not of its contract type stops the run."""


def _parse(value, kind, source, column, row_number):
    """Normalise one raw landing value (RULES.md §2); None for null."""
    if value is None:
        return None
    value = str(value)
    if kind == INSZ:
        digits = "".join(ch for ch in value if "0" <= ch <= "9")
        return digits or None
    value = value.strip(" ")
    if value == "":
        return None
    try:
        if kind == CODE:
            return ascii_upper(value)
        if kind in (KEY, TEXT):
            return value
        if kind == DATE:
            return dt.date.fromisoformat(value)
        if kind == MONTH:
            return month_of(dt.date.fromisoformat(value))
        if kind == TS:
            return dt.datetime.fromisoformat(value.replace("T", " "))
        if kind == AMOUNT:
            return Decimal(value).quantize(Decimal("0.01"))
    except ValueError as exc:
        raise UnreadableValue(f"{source} row {row_number} column {column}: {value!r}") from exc
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------
# §2: validation, versions, quarantine
# ---------------------------------------------------------------------------------
def _row_defect(source: str, row: dict, as_of: dt.date, catalogue: Catalogue):
    """RULES.md §2: the first row-level quarantine reason that applies, or None."""
    if row[BUSINESS_KEY[source]] is None or row["insz"] is None:
        return "MISSING_KEY"
    if not insz_is_valid(row["insz"], as_of):
        return "INVALID_INSZ"
    if any(row[column] is None for column, _, nullable in SOURCES[source] if not nullable):
        return "MISSING_VALUE"
    for column, kind, _ in SOURCES[source]:
        if kind != CODE:
            continue
        value = row[column]
        if column == "nationality_code":
            bad = not (len(value) == 2 and all("A" <= ch <= "Z" for ch in value))
        elif column == "ocmw_nis_code":
            bad = not (len(value) == 5 and all("0" <= ch <= "9" for ch in value))
        else:
            bad = value not in catalogue.code_lists[column]
        if bad:
            return "UNKNOWN_CODE"
    if source == "residence_permits" and row["valid_to"] is not None and row["valid_to"] < row["valid_from"]:
        return "END_BEFORE_START"
    if source == "aid_decisions" and row["period_end"] is not None and row["period_end"] < row["period_start"]:
        return "END_BEFORE_START"
    if source == "aid_decisions" and (row["legal_scheme"], row["aid_form"]) in catalogue.impossible_scheme_forms:
        return "IMPOSSIBLE_SCHEME_FORM"
    return None


def _content(source: str, row: dict) -> tuple:
    return tuple(row[column] for column, _, _ in SOURCES[source])


def _place_source(source, rows, as_of, catalogue, reference_defect):
    """RULES.md §2: places every row of one source; returns the staged rows by business key.

    rows: normalised rows with "_row" (1-based row number) and "_place"/"_reason" set here.
    reference_defect(row) -> reason or None, against the parents' staged versions."""
    cutoff = dt.datetime.combine(as_of + ONE_DAY, dt.time())
    key = BUSINESS_KEY[source]
    passed = []
    for row in rows:
        row["_place"], row["_reason"] = None, None
        if row["recorded_at"] is not None and row["recorded_at"] >= cutoff:
            row["_place"] = "NOT_YET_EFFECTIVE"
            continue
        defect = _row_defect(source, row, as_of, catalogue)
        if defect:
            row["_place"], row["_reason"] = "QUARANTINED", defect
        else:
            passed.append(row)
    # CONFLICTING_VERSIONS among the rows that passed the row checks
    groups = {}
    for row in passed:
        groups.setdefault((row[key], row["recorded_at"]), []).append(row)
    for group in groups.values():
        if len({_content(source, row) for row in group}) > 1:
            for row in group:
                row["_place"], row["_reason"] = "QUARANTINED", "CONFLICTING_VERSIONS"
    # references against the parents' current staged versions
    for row in passed:
        if row["_place"] is None:
            defect = reference_defect(row)
            if defect:
                row["_place"], row["_reason"] = "QUARANTINED", defect
    # STAGED = latest non-quarantined row per key (exact duplicates: the first row)
    staged = {}
    for row in passed:
        if row["_place"] is not None:
            continue
        best = staged.get(row[key])
        if best is None or (row["recorded_at"], -row["_row"]) > (best["recorded_at"], -best["_row"]):
            staged[row[key]] = row
    for row in passed:
        if row["_place"] is None:
            row["_place"] = "STAGED" if staged[row[key]] is row else "SUPERSEDED"
    return staged



# ---------------------------------------------------------------------------------
# The evaluation: one function per section of RULES.md, in the order evaluate() calls them
# ---------------------------------------------------------------------------------
@dataclass
class Result:
    """What evaluate() returns: the rows of the four outputs the differential test compares."""
    eligibility: list = field(default_factory=list)
    person_status: list = field(default_factory=list)
    placements: list = field(default_factory=list)
    benefit_durations: list = field(default_factory=list)
    # internals kept for explaining differences
    staged: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)


def read_landing_csv(folder) -> dict:
    """The four landing CSV files as lists of dicts of raw strings."""
    landing = {}
    for source in SOURCES:
        with open(Path(folder) / f"{source}.csv", newline="", encoding="utf-8") as handle:
            landing[source] = list(csv.DictReader(handle))
    return landing


def evaluate(landing: dict, as_of_date, counting_mode=None, enabled_deferred_flows=(),
             seeds_dir=SEEDS_DIR) -> Result:
    """RULES.md §1-§7 and §9 on the landing rows, with the rule catalogue of `seeds_dir`:
    the evaluation date (§1) and the catalogue rows in force on it; every landing row placed
    (§2); the persons held for data quality (§7); the reimbursed decision-months (§3); then
    per staged person: aid days (§3), residence episodes (§4), the eligibility rows with
    their criterion, due date and status (§5-§7), the person's status (§7) and benefit
    durations (§9)."""
    as_of = evaluation_date(as_of_date)
    catalogue = read_catalogue(as_of, seeds_dir)
    enabled = set(enabled_deferred_flows or ())
    result = Result()
    result.rows, result.staged, result.placements = place_landing_rows(landing, as_of, catalogue)
    held = held_for_data_quality(result.rows, result.staged, as_of)
    month_paid_on = reimbursed_decision_months(result.staged["reimbursements"], as_of)
    for person in persons_with_facts(result.staged, month_paid_on, catalogue, as_of):
        rows = eligibility_rows(person, catalogue.flows, counting_mode, enabled, held, as_of)
        result.eligibility.extend(rows)
        if person.granted:
            result.person_status.append(person_status(person, rows, catalogue.flows, as_of))
        result.benefit_durations.extend(
            benefit_durations(person, result.staged["reimbursements"], catalogue, as_of))
    return result


# ---- §1 evaluation date
def evaluation_date(as_of_date) -> dt.date:
    """RULES.md §1: everything is evaluated as of `as_of_date` (a date or ISO text); the
    cut-offs it sets are applied where each fact is read (§2 recorded_at, §3 paid_on and
    aid days)."""
    return dt.date.fromisoformat(as_of_date) if isinstance(as_of_date, str) else as_of_date


# ---- §2 validation, versions and quarantine
def place_landing_rows(landing: dict, as_of: dt.date, catalogue: Catalogue):
    """RULES.md §2: normalise every landing row and give it its place, parents before
    children (the reference checks read the parents' staged versions).

    Returns (rows by source, staged rows by source and business key, placements)."""
    rows = {}
    for source, columns in SOURCES.items():
        rows[source] = []
        for number, raw in enumerate(landing.get(source, []), start=1):
            row = {column: _parse(raw.get(column), kind, source, column, number)
                   for column, kind, _ in columns}
            row["_row"] = number
            rows[source].append(row)
    staged = {}

    def place(source, reference_defect):
        staged[source] = _place_source(source, rows[source], as_of, catalogue, reference_defect)

    def unknown_person(row):
        return None if row["insz"] in staged["persons"] else "UNKNOWN_PERSON"

    def decision_reference(row):
        decision = staged["aid_decisions"].get(row["decision_id"])
        if decision is None:
            return "UNKNOWN_DECISION"
        if decision["insz"] != row["insz"]:
            return "PERSON_MISMATCH"
        return None

    place("persons", lambda row: None)
    place("residence_permits", unknown_person)
    place("aid_decisions", unknown_person)
    place("reimbursements", decision_reference)
    placements = [dict(source=source, source_row_number=row["_row"], place=row["_place"],
                       reason_code=row["_reason"])
                  for source in SOURCES for row in rows[source]]
    return rows, staged, placements


# ---- §7 held for data quality (needs only §2's placements)
def held_for_data_quality(rows: dict, staged: dict, as_of: dt.date) -> set:
    """RULES.md §7: the insz named (validly) by a quarantined persons or residence_permits
    row with a business key and a recorded_at, unless a staged row of the same key was
    recorded after it."""
    held = set()
    for source in ("persons", "residence_permits"):
        key = BUSINESS_KEY[source]
        for row in rows[source]:
            if row["_place"] != "QUARANTINED":
                continue
            if row[key] is None or row["recorded_at"] is None:
                continue
            if row["insz"] is None or not insz_is_valid(row["insz"], as_of):
                continue
            repaired = staged[source].get(row[key])
            if repaired is not None and repaired["recorded_at"] > row["recorded_at"]:
                continue
            held.add(row["insz"])
    return held


# ---- §3 aid days, benefit types and reimbursement
def reimbursed_decision_months(reimbursements: dict, as_of: dt.date) -> dict:
    """RULES.md §3: (decision_id, aid_month) -> paid date, for the decision-months whose
    reimbursements paid by as_of_date sum to > 0; the paid date is the earliest paid_on
    among those with a positive amount."""
    net = {}
    paid_dates = {}
    for reimbursement in reimbursements.values():
        if reimbursement["paid_on"] > as_of:
            continue
        month_key = (reimbursement["decision_id"], reimbursement["aid_month"])
        net[month_key] = net.get(month_key, Decimal(0)) + reimbursement["amount_eur"]
        if reimbursement["amount_eur"] > 0:
            paid_dates.setdefault(month_key, []).append(reimbursement["paid_on"])
    return {k: min(paid_dates[k]) for k, total in net.items() if total > 0}


@dataclass
class PersonFacts:
    """One staged person with what the rules read about them."""
    insz: str
    person: dict
    permits: list
    granted: list        # staged decisions with status GRANTED (§2: WITHDRAWN grants nothing)
    aid: dict            # §3: day -> [(benefit type, decision, paid date or None)]
    episodes: dict       # §4: flow code -> episodes, each a sorted list of days
    population_register_documents: frozenset

    def is_population_register(self, permit) -> bool:
        """RULES.md §7: a permit with register POPULATION or a population-register document."""
        return (permit["register"] == "POPULATION"
                or permit["document_type"] in self.population_register_documents)

    def belgian_on(self, day) -> bool:
        """RULES.md §7: nationality BE and belgian_since null or <= day."""
        return self.person["nationality_code"] == "BE" and (
            self.person["belgian_since"] is None or self.person["belgian_since"] <= day)

    def population_register_on(self, day) -> bool:
        """RULES.md §7: holds a population-register permit valid on day."""
        return any(self.is_population_register(p) and _valid_on(p, day) for p in self.permits)


def _valid_on(permit, day) -> bool:
    """A permit is valid from valid_from to valid_to, both included (open: no end)."""
    return permit["valid_from"] <= day and (permit["valid_to"] is None or day <= permit["valid_to"])


def persons_with_facts(staged: dict, month_paid_on: dict, catalogue: Catalogue, as_of: dt.date):
    """Every staged person in insz order, with their permits, GRANTED decisions, aid days
    (§3) and residence episodes per flow (§4)."""
    permits_of, decisions_of = {}, {}
    for permit in staged["residence_permits"].values():
        permits_of.setdefault(permit["insz"], []).append(permit)
    for decision in staged["aid_decisions"].values():
        decisions_of.setdefault(decision["insz"], []).append(decision)
    for insz in sorted(staged["persons"]):
        person = PersonFacts(
            insz=insz, person=staged["persons"][insz], permits=permits_of.get(insz, []),
            granted=[d for d in decisions_of.get(insz, []) if d["status"] == "GRANTED"],
            aid={}, episodes={},
            population_register_documents=catalogue.population_register_documents)
        person.aid = aid_days(person.granted, month_paid_on, catalogue.benefit_types, as_of)
        person.episodes = residence_episodes(person, catalogue.flows, as_of)
        yield person


def aid_days(granted: list, month_paid_on: dict, benefit_types: dict, as_of: dt.date) -> dict:
    """RULES.md §3: day -> [(benefit type, decision, paid date or None)] over the aid days
    [period_start, period_end] (open end and any end: up to as_of_date); the paid date is
    that of the day's decision-month, None when the month is not reimbursed."""
    aid = {}
    for decision in granted:
        benefit_type = benefit_types[(decision["legal_scheme"], decision["aid_form"])]
        last = min(decision["period_end"] or as_of, as_of)
        for day in days_between(decision["period_start"], last):
            paid = month_paid_on.get((decision["decision_id"], month_of(day)))
            aid.setdefault(day, []).append((benefit_type, decision, paid))
    return aid


# ---- §4 flows
def residence_episodes(person: PersonFacts, flows: dict, as_of: dt.date) -> dict:
    """RULES.md §4: flow code -> the person's residence episodes of the flow (sorted lists
    of days): maximal runs of days holding a permit whose document type and ground are in
    the flow's lists and that is not a population-register permit (§7); up to as_of_date."""
    episodes = {}
    for code, flow in flows.items():
        qualifying_days = set()
        for permit in person.permits:
            if (permit["document_type"] in flow.documents
                    and permit["residence_ground"] in flow.grounds
                    and not person.is_population_register(permit)):
                last = min(permit["valid_to"] or as_of, as_of)
                qualifying_days.update(days_between(permit["valid_from"], last))
        episodes[code] = runs_of(qualifying_days, lambda d: d + ONE_DAY)
    return episodes


# ---- §5 criteria and §6 transfer_due_on
# RULES.md §5: a counted unit is a day or a calendar month: (the unit of a day, the next unit).
UNITS = {"day": (lambda day: day, lambda day: day + ONE_DAY), "month": (month_of, next_month)}


def counted_days(flow: Flow, episode_days, aid: dict) -> dict:
    """RULES.md §5: the counted days of a flow in one episode: day -> (paid date, decision)
    of the deciding decision (ADR 0005: among the reimbursed decisions of the flow's counted
    types, earliest paid date, then smallest decision_id)."""
    counted = {}
    for day in episode_days:
        options = [(paid, d["decision_id"], d) for (bt, d, paid) in aid.get(day, [])
                   if bt in flow.counted_types and paid is not None]
        if options:
            paid, _, decision = min(options, key=lambda o: (o[0], o[1]))
            counted[day] = (paid, decision)
    return counted


def exists_on(day, counted: dict):
    """RULES.md §6: a counted day exists from the later of itself and its paid date."""
    return max(day, counted[day][0])


def counted_units(counted: dict, unit: str):
    """RULES.md §5-§6: the counted units (days or calendar months) of an episode, sorted:
    (unit -> its counted days, the runs of consecutive units, unit -> the date it exists:
    the earliest existence date over its counted days)."""
    unit_of, following = UNITS[unit]
    units = {}
    for day in counted:
        units.setdefault(unit_of(day), []).append(day)
    runs = runs_of(units, following)
    exist = {u: min(exists_on(d, counted) for d in units[u]) for u in units}
    return units, runs, exist


def threshold_criterion(counted: dict, threshold: int, unit: str, mode: str):
    """RULES.md §5 (day and month criteria) and §6: (criterion_met_on, transfer_due_on) or
    None. Met on the first counted day of the Nth unit: of the first run reaching N
    (consecutive), of the episode (cumulative). Due on the earliest date by which some N
    consecutive units (consecutive) or any N units (cumulative) all exist."""
    units, runs, exist = counted_units(counted, unit)
    if mode == "consecutive":
        first_long = next((run for run in runs if len(run) >= threshold), None)
        if first_long is None:
            return None
        met = min(units[first_long[threshold - 1]])
        due = min(max(exist[u] for u in run[i:i + threshold])
                  for run in runs for i in range(len(run) - threshold + 1))
        return met, due
    if len(units) < threshold:
        return None
    return min(units[sorted(units)[threshold - 1]]), sorted(exist.values())[threshold - 1]


def prior_aid_criterion(counted: dict, prior_flow: Flow, prior_episodes: list, aid: dict):
    """RULES.md §5 LEEFLOON_AFTER_ANNEX19_AID and §6: (criterion_met_on, transfer_due_on) or
    None. A counted day L qualifies when an earlier reimbursed aid day A < L counts for the
    prior (deferred) flow, in any of its episodes, enabled or not. Met on the first such L;
    due on the earliest, over those L, of the later of the date L exists and the earliest
    date on which some A before L exists."""
    prior = {}
    for prior_episode in prior_episodes:
        prior_counted = counted_days(prior_flow, prior_episode, aid)
        for day in prior_counted:
            prior[day] = exists_on(day, prior_counted)
    # for each counted day L (ascending): the earliest existence date of the prior aid
    # days A < L, kept as a running minimum
    prior_days = sorted(prior)
    qualifying, earliest_prior, k = [], None, 0
    for L in sorted(counted):
        while k < len(prior_days) and prior_days[k] < L:
            A = prior_days[k]
            earliest_prior = prior[A] if earliest_prior is None else min(earliest_prior, prior[A])
            k += 1
        if earliest_prior is not None:
            qualifying.append((L, max(exists_on(L, counted), earliest_prior)))
    if not qualifying:
        return None
    return qualifying[0][0], min(when for _, when in qualifying)


def counted_duration(counted: dict, unit: str, mode: str, met) -> int:
    """RULES.md §5 counted_days / counted_months: consecutive - the length of the run of
    counted units holding criterion_met_on; cumulative - all counted units of the episode."""
    units, runs, _ = counted_units(counted, unit)
    if mode == "consecutive":
        return len(next(run for run in runs if UNITS[unit][0](met) in run))
    return len(units)


def episode_criterion(person: PersonFacts, flow: Flow, flows: dict, episode, mode: str):
    """RULES.md §5-§6 for one episode: the criterion the row carries, as (transfer_due_on,
    criterion_met_on, criterion code, counted duration, counted days), or None when no
    criterion is met. Several met: the earliest transfer_due_on, then criterion_met_on,
    then the catalogue's tie-break rank."""
    counted = counted_days(flow, episode, person.aid)
    candidates = []
    for criterion in flow.criteria:
        if criterion.kind == "threshold":
            met_due = threshold_criterion(counted, criterion.threshold, criterion.unit, mode)
        elif criterion.prior_aid_flow in flows:
            met_due = prior_aid_criterion(counted, flows[criterion.prior_aid_flow],
                                          person.episodes[criterion.prior_aid_flow], person.aid)
        else:
            met_due = None
        if met_due is not None:
            met, due = met_due
            candidates.append((due, met, criterion.tie_break_rank, criterion.code))
    if not candidates:
        return None
    due, met, _, code = min(candidates)
    return due, met, code, counted_duration(counted, flow.unit, mode, met), counted


# ---- §7 who is never transferred
def transfer_status(person: PersonFacts, flow: Flow, due, held: set, enabled: set) -> str:
    """RULES.md §7: the eligibility row's status, first match wins."""
    if person.belgian_on(due):
        return "EXCLUDED_BELGIAN"
    if person.population_register_on(due):
        return "EXCLUDED_POPULATION_REGISTER"
    if person.insz in held:
        return "HELD_DATA_QUALITY"
    if flow.deferred and flow.code not in enabled:
        return "DEFERRED_TECHNICAL"
    return "TRANSFER"


def eligibility_rows(person: PersonFacts, flows: dict, counting_mode, enabled: set, held: set,
                     as_of: dt.date) -> list:
    """RULES.md §5-§7: one fct_transfer_eligibility row per episode of a flow whose
    criterion is met, with its status; the counting_mode var overrides each flow's mode."""
    rows = []
    for code, flow in flows.items():
        mode = counting_mode or flow.counting_mode
        for episode in person.episodes[code]:
            chosen = episode_criterion(person, flow, flows, episode, mode)
            if chosen is None:
                continue
            due, met, criterion, count, counted = chosen
            rows.append(dict(
                insz=person.insz, flow_code=code, criterion_code=criterion,
                episode_start=episode[0],
                episode_end=None if episode[-1] >= as_of else episode[-1],
                criterion_met_on=met, transfer_due_on=due,
                transfer_status=transfer_status(person, flow, due, held, enabled),
                counted_days=count if flow.unit == "day" else None,
                counted_months=count if flow.unit == "month" else None,
                ocmw_nis_code=counted[met][1]["ocmw_nis_code"]))
    return rows


def person_status(person: PersonFacts, rows: list, flows: dict, as_of: dt.date) -> dict:
    """RULES.md §7 fct_person_transfer_status (a person with a GRANTED decision): the best
    status of their rows, else EXCLUDED with the first reason that applies."""
    statuses = {r["transfer_status"] for r in rows}
    for final in ("TRANSFER", "HELD_DATA_QUALITY", "DEFERRED_TECHNICAL"):
        if final in statuses:
            return dict(insz=person.insz, final_status=final, exclusion_reason=None)
    aid = person.aid
    episode_days = {code: {d for ep in person.episodes[code] for d in ep} for code in flows}
    in_episode = [(code, day) for code in flows for day in aid if day in episode_days[code]]
    counting = [(code, day) for code, day in in_episode
                if any(bt in flows[code].counted_types for bt, _, _ in aid[day])]
    reimbursed = [(code, day) for code, day in counting
                  if any(bt in flows[code].counted_types and paid is not None
                         for bt, _, paid in aid[day])]
    if person.belgian_on(as_of) or "EXCLUDED_BELGIAN" in statuses:
        reason = "BELGIAN"
    elif person.population_register_on(as_of) or "EXCLUDED_POPULATION_REGISTER" in statuses:
        reason = "POPULATION_REGISTER"
    elif not in_episode:
        reason = "NO_AUTHORISED_CATEGORY"
    elif not counting:
        reason = "NO_COUNTING_AID"
    elif not reimbursed:
        reason = "NOT_REIMBURSED"
    else:
        reason = "THRESHOLD_NOT_MET"
    return dict(insz=person.insz, final_status="EXCLUDED", exclusion_reason=reason)


# ---- §9 benefit durations
def benefit_durations(person: PersonFacts, reimbursements: dict, catalogue: Catalogue,
                      as_of: dt.date) -> list:
    """RULES.md §9: one row per benefit type of the person's GRANTED decisions (every type,
    the never-counted ones included)."""
    by_type = {}
    for decision in person.granted:
        benefit_type = catalogue.benefit_types[(decision["legal_scheme"], decision["aid_form"])]
        by_type.setdefault(benefit_type, []).append(decision)
    rows = []
    for benefit_type, decisions in sorted(by_type.items()):
        ids = {d["decision_id"] for d in decisions}
        type_days = sorted(day for day, entries in person.aid.items()
                           if any(bt == benefit_type for bt, _, _ in entries))
        reimbursed_days = sorted(day for day, entries in person.aid.items()
                                 if any(bt == benefit_type and paid is not None
                                        for bt, _, paid in entries))
        amount = sum((r["amount_eur"] for r in reimbursements.values()
                      if r["decision_id"] in ids and r["paid_on"] <= as_of), Decimal("0.00"))
        rows.append(dict(
            insz=person.insz, benefit_type=benefit_type, aid_days=len(type_days),
            reimbursed_days=len(reimbursed_days),
            reimbursed_months=len({month_of(d) for d in reimbursed_days}),
            reimbursed_amount_eur=amount,
            first_aid_day=type_days[0] if type_days else None,
            last_aid_day=type_days[-1] if type_days else None))
    return rows
