"""A plain, day-level Python reading of RULES.md §1-§7 and §9, independent of the SQL.

Written from RULES.md and CONTRACT.md only (plus the ADRs under docs/decisions where
RULES.md is ambiguous); it never looks at the warehouse's models or macros. It is
deliberately simple and slow: one Python ``date`` per aid day, sets and dicts, no
interval arithmetic. ``tests_python/test_reference_differential.py`` compares it with
the warehouse on generated adversarial data.

Input: the four landing tables as lists of dicts of raw strings (as read from the CSV
files: an empty field is ``""`` or ``None``), ``as_of_date``, the ``counting_mode``
override (``None`` = the catalogue's mode, ``consecutive`` for every flow) and
``enabled_deferred_flows``.

Output (``evaluate``): a ``Result`` with
- ``eligibility``: rows of ``fct_transfer_eligibility`` (the columns of ELIGIBILITY_COLUMNS);
- ``person_status``: rows of ``fct_person_transfer_status`` keyed by ``insz``;
- ``placements``: one row per landing row: source, source_row_number, place, reason_code;
- ``benefit_durations``: rows of ``fct_person_benefit_durations`` keyed by ``insz`` (§9).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import landing_contract  # noqa: E402

ONE_DAY = dt.timedelta(days=1)

# ---------------------------------------------------------------------------------
# The rule catalogue (RULES.md §4-§5): one version, in force from 2014-05-08, no end.
# ---------------------------------------------------------------------------------
CATALOGUE_VALID_FROM = dt.date(2014, 5, 8)
CATALOGUE_VALID_TO = None  # open

SA_TYPES = ("SOCIAL_ASSISTANCE", "SOCIAL_ASSISTANCE_ART60")
FLOWS = {
    "C1": dict(documents={"E", "F", "EU"}, grounds={"EU_CITIZEN", "EU_FAMILY"},
               counted_types={"LEEFLOON"}, criterion="LEEFLOON_90_DAYS", threshold=90,
               unit="day", deferred=False, prior_aid_flow="D1", counting_mode="consecutive"),
    "C2": dict(documents={"E", "F", "EU"}, grounds={"BELGIAN_FAMILY"},
               counted_types={"LEEFLOON"}, criterion="LEEFLOON_90_DAYS", threshold=90,
               unit="day", deferred=False, prior_aid_flow="D2", counting_mode="consecutive"),
    "C3": dict(documents={"A"}, grounds={"TCN_FAMILY_REUNIFICATION"},
               counted_types=set(SA_TYPES), criterion="SOCIAL_ASSISTANCE_4_MONTHS", threshold=4,
               unit="month", deferred=False, prior_aid_flow=None, counting_mode="consecutive"),
    "C4": dict(documents={"A"}, grounds={"STUDENT"},
               counted_types=set(SA_TYPES), criterion="SOCIAL_ASSISTANCE_4_MONTHS", threshold=4,
               unit="month", deferred=False, prior_aid_flow=None, counting_mode="consecutive"),
    "D1": dict(documents={"ANNEX_19", "ANNEX_19TER"}, grounds={"EU_CITIZEN", "EU_FAMILY"},
               counted_types={"SOCIAL_ASSISTANCE"}, criterion="ANNEX19_SOCIAL_ASSISTANCE",
               threshold=1, unit="month", deferred=True, prior_aid_flow=None,
               counting_mode="consecutive"),
    "D2": dict(documents={"ANNEX_19", "ANNEX_19TER"}, grounds={"BELGIAN_FAMILY"},
               counted_types=set(SA_TYPES), criterion="ANNEX19_SOCIAL_ASSISTANCE",
               threshold=1, unit="month", deferred=True, prior_aid_flow=None,
               counting_mode="consecutive"),
    "D3": dict(documents={"ATTEST_IMMATRICULATION", "ANNEX_15"},
               grounds={"TCN_FAMILY_REUNIFICATION"},
               counted_types=set(SA_TYPES), criterion="REUNIFICATION_APPLICANT_AID",
               threshold=1, unit="month", deferred=True, prior_aid_flow=None,
               counting_mode="consecutive"),
}
PRIOR_AID_CRITERION = "LEEFLOON_AFTER_ANNEX19_AID"

# §7: document types of the population register.
POPULATION_REGISTER_DOCUMENTS = {"C", "D", "E+", "F+", "K", "L", "EU+", "M+"}

# §3: benefit type of (legal_scheme, aid_form).
BENEFIT_TYPES = {
    ("RMI", "INTEGRATION_INCOME"): "LEEFLOON",
    ("RMI", "ART60_EMPLOYMENT"): "LEEFLOON_EMPLOYMENT",
    ("RMI", "OTHER_EMPLOYMENT"): "LEEFLOON_EMPLOYMENT",
    ("OCMW", "FINANCIAL_AID"): "SOCIAL_ASSISTANCE",
    ("OCMW", "ART60_EMPLOYMENT"): "SOCIAL_ASSISTANCE_ART60",
    ("OCMW", "OTHER_EMPLOYMENT"): "SOCIAL_ASSISTANCE_OTHER_EMPLOYMENT",
    ("OCMW", "MEDICAL_AID"): "MEDICAL_AID",
}
IMPOSSIBLE_SCHEME_FORMS = {("RMI", "FINANCIAL_AID"), ("RMI", "MEDICAL_AID"),
                           ("OCMW", "INTEGRATION_INCOME")}

# CONTRACT.md §2: code lists.
CODE_LISTS = {
    "document_type": {"A", "B", "C", "D", "E", "E+", "F", "F+", "H", "K", "L", "EU", "EU+",
                      "M", "M+", "N", "ANNEX_15", "ANNEX_19", "ANNEX_19TER", "ANNEX_35",
                      "ATTEST_IMMATRICULATION", "OTHER"},
    "residence_ground": {"EU_CITIZEN", "EU_FAMILY", "BELGIAN_FAMILY", "TCN_FAMILY_REUNIFICATION",
                         "STUDENT", "STUDENT_FAMILY", "OTHER"},
    "register": {"POPULATION", "FOREIGNERS", "WAITING"},
    "legal_scheme": {"RMI", "OCMW"},
    "aid_form": {"INTEGRATION_INCOME", "FINANCIAL_AID", "MEDICAL_AID", "ART60_EMPLOYMENT",
                 "OTHER_EMPLOYMENT"},
    "status": {"GRANTED", "WITHDRAWN"},
}

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
def _row_defect(source: str, row: dict, as_of: dt.date):
    """The first row-level quarantine reason that applies, or None."""
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
            bad = value not in CODE_LISTS[column]
        if bad:
            return "UNKNOWN_CODE"
    if source == "residence_permits" and row["valid_to"] is not None and row["valid_to"] < row["valid_from"]:
        return "END_BEFORE_START"
    if source == "aid_decisions" and row["period_end"] is not None and row["period_end"] < row["period_start"]:
        return "END_BEFORE_START"
    if source == "aid_decisions" and (row["legal_scheme"], row["aid_form"]) in IMPOSSIBLE_SCHEME_FORMS:
        return "IMPOSSIBLE_SCHEME_FORM"
    return None


def _content(source: str, row: dict) -> tuple:
    return tuple(row[column] for column, _, _ in SOURCES[source])


def _place_source(source, rows, as_of, reference_defect):
    """Places every row of one source; returns the staged rows by business key.

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
        defect = _row_defect(source, row, as_of)
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
# The evaluation
# ---------------------------------------------------------------------------------
@dataclass
class Result:
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


def evaluate(landing: dict, as_of_date, counting_mode=None, enabled_deferred_flows=()) -> Result:
    as_of = dt.date.fromisoformat(as_of_date) if isinstance(as_of_date, str) else as_of_date
    enabled = set(enabled_deferred_flows or ())
    result = Result()

    # ---- §2 normalise and place, parents before children
    rows = {}
    for source, columns in SOURCES.items():
        rows[source] = []
        for number, raw in enumerate(landing.get(source, []), start=1):
            row = {column: _parse(raw.get(column), kind, source, column, number)
                   for column, kind, _ in columns}
            row["_row"] = number
            rows[source].append(row)
    staged = {}
    staged["persons"] = _place_source("persons", rows["persons"], as_of, lambda row: None)

    def unknown_person(row):
        return None if row["insz"] in staged["persons"] else "UNKNOWN_PERSON"

    staged["residence_permits"] = _place_source("residence_permits", rows["residence_permits"],
                                                as_of, unknown_person)
    staged["aid_decisions"] = _place_source("aid_decisions", rows["aid_decisions"], as_of,
                                            unknown_person)

    def decision_reference(row):
        decision = staged["aid_decisions"].get(row["decision_id"])
        if decision is None:
            return "UNKNOWN_DECISION"
        if decision["insz"] != row["insz"]:
            return "PERSON_MISMATCH"
        return None

    staged["reimbursements"] = _place_source("reimbursements", rows["reimbursements"], as_of,
                                             decision_reference)
    for source in SOURCES:
        for row in rows[source]:
            result.placements.append(dict(source=source, source_row_number=row["_row"],
                                          place=row["_place"], reason_code=row["_reason"]))
    result.staged, result.rows = staged, rows

    # ---- §7 held for data quality
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

    # ---- §4 flows in force on as_of_date (all seven rows from 2014-05-08, no end)
    in_force = CATALOGUE_VALID_FROM <= as_of and (CATALOGUE_VALID_TO is None or as_of <= CATALOGUE_VALID_TO)
    flows = FLOWS if in_force else {}

    # ---- §3 reimbursed decision-months and their paid dates
    net = {}
    paid_dates = {}
    for reimbursement in staged["reimbursements"].values():
        if reimbursement["paid_on"] > as_of:
            continue
        month_key = (reimbursement["decision_id"], reimbursement["aid_month"])
        net[month_key] = net.get(month_key, Decimal(0)) + reimbursement["amount_eur"]
        if reimbursement["amount_eur"] > 0:
            paid_dates.setdefault(month_key, []).append(reimbursement["paid_on"])
    month_paid_on = {k: min(paid_dates[k]) for k, total in net.items() if total > 0}

    persons = staged["persons"]
    permits_of, decisions_of = {}, {}
    for permit in staged["residence_permits"].values():
        permits_of.setdefault(permit["insz"], []).append(permit)
    for decision in staged["aid_decisions"].values():
        decisions_of.setdefault(decision["insz"], []).append(decision)

    def is_population_register(permit):
        return permit["register"] == "POPULATION" or permit["document_type"] in POPULATION_REGISTER_DOCUMENTS

    def valid_on(permit, day):
        return permit["valid_from"] <= day and (permit["valid_to"] is None or day <= permit["valid_to"])

    for insz in sorted(persons):
        person = persons[insz]
        permits = permits_of.get(insz, [])
        granted = [d for d in decisions_of.get(insz, []) if d["status"] == "GRANTED"]

        def belgian_on(day):
            return person["nationality_code"] == "BE" and (
                person["belgian_since"] is None or person["belgian_since"] <= day)

        def population_register_on(day):
            return any(is_population_register(p) and valid_on(p, day) for p in permits)

        # aid days: day -> list of (benefit type, decision, paid date or None)
        aid = {}
        for decision in granted:
            benefit_type = BENEFIT_TYPES[(decision["legal_scheme"], decision["aid_form"])]
            last = min(decision["period_end"] or as_of, as_of)
            for day in days_between(decision["period_start"], last):
                paid = month_paid_on.get((decision["decision_id"], month_of(day)))
                aid.setdefault(day, []).append((benefit_type, decision, paid))

        # §4 episodes per flow: lists of sorted day lists
        episodes = {}
        for code, flow in flows.items():
            qualifying_days = set()
            for permit in permits:
                if (permit["document_type"] in flow["documents"]
                        and permit["residence_ground"] in flow["grounds"]
                        and not is_population_register(permit)):
                    last = min(permit["valid_to"] or as_of, as_of)
                    qualifying_days.update(days_between(permit["valid_from"], last))
            episodes[code] = runs_of(qualifying_days, lambda d: d + ONE_DAY)

        def counted_days(code, episode_days):
            """day -> (paid date, decision) of the deciding decision (ADR 0005: among the
            reimbursed decisions of the flow's counted types, earliest paid date, then
            smallest decision_id)."""
            types = flows[code]["counted_types"]
            counted = {}
            for day in episode_days:
                options = [(paid, d["decision_id"], d) for (bt, d, paid) in aid.get(day, [])
                           if bt in types and paid is not None]
                if options:
                    paid, _, decision = min(options, key=lambda o: (o[0], o[1]))
                    counted[day] = (paid, decision)
            return counted

        def exists_on(day, counted):
            return max(day, counted[day][0])

        person_rows = []
        for code, flow in flows.items():
            mode = counting_mode or flow["counting_mode"]
            for episode in episodes[code]:
                counted = counted_days(code, episode)
                if not counted:
                    continue
                candidates = []  # (transfer_due_on, criterion_met_on, tiebreak, criterion, count)
                n = flow["threshold"]
                if flow["unit"] == "day":
                    days = sorted(counted)
                    runs = runs_of(days, lambda d: d + ONE_DAY)
                    exist = {d: exists_on(d, counted) for d in days}

                    def count_for(met):
                        if mode == "consecutive":
                            return len(next(r for r in runs if met in r))
                        return len(days)

                    met = due = None
                    if mode == "consecutive":
                        first_long = next((r for r in runs if len(r) >= n), None)
                        if first_long:
                            met = first_long[n - 1]
                            due = min(max(exist[d] for d in run[i:i + n])
                                      for run in runs for i in range(len(run) - n + 1))
                    elif len(days) >= n:
                        met = days[n - 1]
                        due = sorted(exist.values())[n - 1]
                    if met is not None:
                        candidates.append((due, met, 0, flow["criterion"], count_for(met)))
                    # LEEFLOON_AFTER_ANNEX19_AID: prior aid counting for the deferred flow
                    prior_flow = flow["prior_aid_flow"]
                    if prior_flow in flows:
                        prior = {}
                        for prior_episode in episodes[prior_flow]:
                            prior_counted = counted_days(prior_flow, prior_episode)
                            for day in prior_counted:
                                prior[day] = exists_on(day, prior_counted)
                        # for each leefloon day L (ascending): the earliest existence date
                        # of the prior aid days A < L, kept as a running minimum
                        prior_days = sorted(prior)
                        qualifying, earliest_prior, k = [], None, 0
                        for L in days:
                            while k < len(prior_days) and prior_days[k] < L:
                                A = prior_days[k]
                                earliest_prior = prior[A] if earliest_prior is None else min(earliest_prior, prior[A])
                                k += 1
                            if earliest_prior is not None:
                                qualifying.append((L, max(exist[L], earliest_prior)))
                        if qualifying:
                            met2 = qualifying[0][0]
                            due2 = min(when for _, when in qualifying)
                            candidates.append((due2, met2, 1, PRIOR_AID_CRITERION, count_for(met2)))
                else:
                    months = {}
                    for day in counted:
                        months.setdefault(month_of(day), []).append(day)
                    month_list = sorted(months)
                    runs = runs_of(month_list, next_month)
                    exist = {m: min(exists_on(d, counted) for d in months[m]) for m in month_list}
                    met = due = count = None
                    if mode == "consecutive":
                        first_long = next((r for r in runs if len(r) >= n), None)
                        if first_long:
                            met = min(months[first_long[n - 1]])
                            due = min(max(exist[m] for m in run[i:i + n])
                                      for run in runs for i in range(len(run) - n + 1))
                            count = len(next(r for r in runs if month_of(met) in r))
                    elif len(month_list) >= n:
                        met = min(months[month_list[n - 1]])
                        due = sorted(exist.values())[n - 1]
                        count = len(month_list)
                    if met is not None:
                        candidates.append((due, met, 0, flow["criterion"], count))
                if not candidates:
                    continue
                due, met, _, criterion, count = min(candidates)
                if belgian_on(due):
                    status = "EXCLUDED_BELGIAN"
                elif population_register_on(due):
                    status = "EXCLUDED_POPULATION_REGISTER"
                elif insz in held:
                    status = "HELD_DATA_QUALITY"
                elif flow["deferred"] and code not in enabled:
                    status = "DEFERRED_TECHNICAL"
                else:
                    status = "TRANSFER"
                person_rows.append(dict(
                    insz=insz, flow_code=code, criterion_code=criterion,
                    episode_start=episode[0],
                    episode_end=None if episode[-1] >= as_of else episode[-1],
                    criterion_met_on=met, transfer_due_on=due, transfer_status=status,
                    counted_days=count if flow["unit"] == "day" else None,
                    counted_months=count if flow["unit"] == "month" else None,
                    ocmw_nis_code=counted[met][1]["ocmw_nis_code"]))
        result.eligibility.extend(person_rows)

        # ---- §7 person status
        if granted:
            statuses = {r["transfer_status"] for r in person_rows}
            reason = None
            if "TRANSFER" in statuses:
                final = "TRANSFER"
            elif "HELD_DATA_QUALITY" in statuses:
                final = "HELD_DATA_QUALITY"
            elif "DEFERRED_TECHNICAL" in statuses:
                final = "DEFERRED_TECHNICAL"
            else:
                final = "EXCLUDED"
                episode_days = {code: {d for ep in episodes[code] for d in ep} for code in flows}
                in_episode = [(code, day) for code in flows for day in aid if day in episode_days[code]]
                counting = [(code, day) for code, day in in_episode
                            if any(bt in flows[code]["counted_types"] for bt, _, _ in aid[day])]
                reimbursed = [(code, day) for code, day in counting
                              if any(bt in flows[code]["counted_types"] and paid is not None
                                     for bt, _, paid in aid[day])]
                if belgian_on(as_of) or "EXCLUDED_BELGIAN" in statuses:
                    reason = "BELGIAN"
                elif population_register_on(as_of) or "EXCLUDED_POPULATION_REGISTER" in statuses:
                    reason = "POPULATION_REGISTER"
                elif not in_episode:
                    reason = "NO_AUTHORISED_CATEGORY"
                elif not counting:
                    reason = "NO_COUNTING_AID"
                elif not reimbursed:
                    reason = "NOT_REIMBURSED"
                else:
                    reason = "THRESHOLD_NOT_MET"
            result.person_status.append(dict(insz=insz, final_status=final, exclusion_reason=reason))

        # ---- §9 benefit durations (every benefit type of the person's GRANTED decisions)
        by_type = {}
        for decision in granted:
            by_type.setdefault(BENEFIT_TYPES[(decision["legal_scheme"], decision["aid_form"])], []).append(decision)
        for benefit_type, decisions in sorted(by_type.items()):
            ids = {d["decision_id"] for d in decisions}
            type_days = sorted(day for day, entries in aid.items()
                               if any(bt == benefit_type for bt, _, _ in entries))
            reimbursed_days = sorted(day for day, entries in aid.items()
                                     if any(bt == benefit_type and paid is not None
                                            for bt, _, paid in entries))
            amount = sum((r["amount_eur"] for r in staged["reimbursements"].values()
                          if r["decision_id"] in ids and r["paid_on"] <= as_of), Decimal("0.00"))
            result.benefit_durations.append(dict(
                insz=insz, benefit_type=benefit_type, aid_days=len(type_days),
                reimbursed_days=len(reimbursed_days),
                reimbursed_months=len({month_of(d) for d in reimbursed_days}),
                reimbursed_amount_eur=amount,
                first_aid_day=type_days[0] if type_days else None,
                last_aid_day=type_days[-1] if type_days else None))
    return result
