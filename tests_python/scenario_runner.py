"""Scenario suite runner: load, validate and land the YAML scenarios of
`tests/scenarios/`, build them through `dbt build`, and compare the marts with the
hand-derived expectations.

The format is described in `tests/scenarios/README.md`. This module holds the
mechanics only; `test_scenarios.py` turns them into pytest tests.

Knobs (environment variables):
- `DVZ_SCENARIO_FILTER`   substring of the scenario file name; only matching scenarios run.
- `DVZ_SCENARIO_WORKERS`  how many dbt builds (one per vars group) run in parallel (default 2).
- `DVZ_SCENARIO_WORKDIR`  keep the landing files / warehouses there instead of pytest's tmp dir.
- `DVZ_SCENARIO_DBT_TIMEOUT` seconds before a dbt build is abandoned (default 1800).

The suite runs on DuckDB by default; `GroupBuilder(..., engine="postgres"|"spark")` runs
the same groups on another engine through long-lived worker processes (`engine_worker.py`)
(`test_engines_scenarios.py`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import landing_contract  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO_ROOT / "tests" / "scenarios"
PERSON_KEY_SALT = "scenario-suite-salt"

# CONTRACT.md §2, in contract order (this is also the CSV header order): the one
# declaration, read by scripts/landing_contract.py.
LANDING_COLUMNS: dict[str, tuple[str, ...]] = landing_contract.COLUMN_NAMES
# Business keys and references to them: local to a scenario, prefixed by the runner.
ID_COLUMNS = ("permit_id", "decision_id", "reimbursement_id")
# Columns whose YAML value must be a string when not null: an unquoted 01001 or 85073003328
# would be read as a number (leading zeros lost, octal...), an unquoted NO as a boolean.
STRING_ONLY_COLUMNS = ("insz", "ocmw_nis_code")

ELIGIBILITY_COLUMNS = (
    "insz", "flow_code", "criterion_code", "episode_start", "episode_end",
    "criterion_met_on", "transfer_due_on", "transfer_status", "counted_days",
    "counted_months", "ocmw_nis_code",
)
ELIGIBILITY_DATE_COLUMNS = (
    "episode_start", "episode_end", "criterion_met_on", "transfer_due_on",
)
ELIGIBILITY_INT_COLUMNS = ("counted_days", "counted_months")
ELIGIBILITY_NULLABLE = ("episode_end", "counted_days", "counted_months")
PERSON_STATUS_COLUMNS = ("insz", "final_status", "exclusion_reason")



def _rule_rows(seed: str) -> list[dict[str, str]]:
    """The rows of a rule catalogue seed (seeds/rules/<seed>.csv): the flow and criterion
    codes a scenario may name are the catalogue's, never a pasted list (issue 17)."""
    with (REPO_ROOT / "seeds" / "rules" / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_FLOWS = _rule_rows("rule_flows")
FLOW_CODES = tuple(sorted({row["flow_code"] for row in _FLOWS}))
DEFERRED_FLOW_CODES = tuple(sorted({row["flow_code"] for row in _FLOWS if row["flow_status"] == "deferred"}))
DAY_FLOWS = tuple(sorted({row["flow_code"] for row in _FLOWS if row["counted_unit"] == "day"}))
CRITERION_CODES = tuple(dict.fromkeys(row["criterion_code"] for row in _rule_rows("rule_flow_criteria")))
TRANSFER_STATUSES = (
    "TRANSFER", "DEFERRED_TECHNICAL", "HELD_DATA_QUALITY", "EXCLUDED_BELGIAN",
    "EXCLUDED_POPULATION_REGISTER",
)
FINAL_STATUSES = ("TRANSFER", "HELD_DATA_QUALITY", "DEFERRED_TECHNICAL", "EXCLUDED")
EXCLUSION_REASONS = (
    "BELGIAN", "POPULATION_REGISTER", "NO_AUTHORISED_CATEGORY", "NO_COUNTING_AID",
    "NOT_REIMBURSED", "THRESHOLD_NOT_MET",
)
COUNTING_MODES = ("consecutive", "cumulative")

TOP_LEVEL_REQUIRED = ("name", "rules", "description", "derivation", "landing", "expected")
TOP_LEVEL_OPTIONAL = ("vars",)
VAR_KEYS = ("as_of_date", "counting_mode", "enabled_deferred_flows")
EXPECTED_SECTIONS = {"eligibility": ELIGIBILITY_COLUMNS, "person_status": PERSON_STATUS_COLUMNS}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ScenarioFormatError(Exception):
    """A scenario file does not follow tests/scenarios/README.md."""


# --------------------------------------------------------------------------- insz


def normalise_insz(value: str | None) -> str | None:
    """RULES.md §2: keep only the ASCII digits 0-9 (null stays null)."""
    if value is None:
        return None
    return "".join(ch for ch in value if "0" <= ch <= "9")


def is_insz_alias(value: Any) -> bool:
    """An alias is a text value holding at least one letter and no digit."""
    return (
        isinstance(value, str)
        and not any(ch.isdigit() for ch in value)
        and any(ch.isalpha() for ch in value)
    )


def alias_insz(scenario_name: str, alias: str) -> str:
    """A valid Belgian national number, deterministic per (scenario, alias).

    Birth year 1950-1989 (so only the pre-2000 check applies), month 01-12, day 01-28,
    serial 001-997; check digits = 97 - (first 9 digits mod 97).
    """
    digest = hashlib.sha256(f"{scenario_name}\x00{alias.strip()}".encode("utf-8")).digest()
    n = int.from_bytes(digest[:12], "big")
    year = 1950 + n % 40
    n //= 40
    month = 1 + n % 12
    n //= 12
    day = 1 + n % 28
    n //= 28
    serial = 1 + n % 997
    first9 = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    number = first9 + f"{97 - int(first9) % 97:02d}"
    from stdnum.be import ssn  # imported lazily: only needed here

    if not ssn.is_valid(number):  # pragma: no cover - guards the construction above
        raise AssertionError(f"generated insz {number} for {scenario_name}/{alias} is not valid")
    return number


def person_key(insz: str, salt: str = PERSON_KEY_SALT) -> str:
    """RULES.md §8: lower-case hex SHA-256 of salt immediately followed by the insz."""
    return hashlib.sha256((salt + insz).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ value helpers


def _to_iso_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date, got a timestamp {value!r}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        dt.date.fromisoformat(value)  # raises on 2015-02-30
        return value
    raise ValueError(f"expected an ISO date 'YYYY-MM-DD' or null, got {value!r}")


def _format_decimal(value: float | int) -> str:
    text = format(Decimal(repr(value)), "f")
    return text


def landing_text(value: Any, column: str) -> str | None:
    """The text written to a landing CSV for one YAML value (None = empty field)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(
            f"{column}: YAML read {value!r} as a boolean; quote it (e.g. nationality_code: \"NO\")"
        )
    if column in STRING_ONLY_COLUMNS and not isinstance(value, str):
        raise ValueError(f"{column}: {value!r} must be a quoted string (leading zeros, formats)")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_decimal(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"{column}: unsupported value {value!r} ({type(value).__name__})")


def prefix_id(scenario_name: str, value: str | None) -> str | None:
    """Prefix a local business key with `<scenario>__`, keeping surrounding spaces (so a
    scenario can still test trimming) and leaving null / blank values alone."""
    if value is None or value.strip() == "":
        return value
    stripped = value.lstrip()
    leading = value[: len(value) - len(stripped)]
    return f"{leading}{scenario_name}__{stripped}"


# --------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class VarsKey:
    as_of_date: str | None
    counting_mode: str | None
    enabled_deferred_flows: tuple[str, ...]

    def dbt_vars(self) -> dict[str, Any]:
        result: dict[str, Any] = {"landing_format": "csv"}
        if self.as_of_date is not None:
            result["as_of_date"] = self.as_of_date
        if self.counting_mode is not None:
            result["counting_mode"] = self.counting_mode
        result["enabled_deferred_flows"] = list(self.enabled_deferred_flows)
        return result

    def label(self) -> str:
        return (
            f"as_of_date={self.as_of_date or '(today)'} "
            f"counting_mode={self.counting_mode or '(catalogue)'} "
            f"enabled_deferred_flows=[{','.join(self.enabled_deferred_flows)}]"
        )


@dataclass
class Scenario:
    path: Path
    name: str
    raw: dict[str, Any]
    vars_key: VarsKey
    # source -> rows, each a dict column -> text|None, ready for CSV (aliases replaced,
    # ids prefixed), every contract column present.
    landing: dict[str, list[dict[str, str | None]]]
    # tuples in ELIGIBILITY_COLUMNS / PERSON_STATUS_COLUMNS order, insz normalised
    expected_eligibility: list[tuple]
    expected_person_status: list[tuple]
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> number
    literal_numbers: set[str] = field(default_factory=set)  # normalised literal insz

    @property
    def insz_values(self) -> set[str]:
        """Every normalised insz the scenario mentions (landing and expected)."""
        values: set[str] = set(self.aliases.values()) | set(self.literal_numbers)
        for rows in self.landing.values():
            for row in rows:
                normalised = normalise_insz(row.get("insz"))
                if normalised:
                    values.add(normalised)
        for row in self.expected_eligibility + self.expected_person_status:
            if row[0]:
                values.add(row[0])
        return values

    def display_insz(self, insz: str | None) -> str:
        for alias, number in self.aliases.items():
            if number == insz:
                return f"{alias}({insz})"
        return str(insz)


def scenario_files(directory: Path = SCENARIO_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.yml") if p.is_file())


def _normalise_vars(raw_vars: Any, errors: list[str]) -> VarsKey:
    if raw_vars is None:
        raw_vars = {}
    if not isinstance(raw_vars, dict):
        errors.append(f"vars must be a mapping, got {type(raw_vars).__name__}")
        return VarsKey(None, None, ())
    unknown = sorted(set(raw_vars) - set(VAR_KEYS))
    if unknown:
        errors.append(f"vars: unknown key(s) {unknown}; known: {list(VAR_KEYS)}")
    as_of = raw_vars.get("as_of_date")
    try:
        as_of = _to_iso_date(as_of)
    except ValueError as exc:
        errors.append(f"vars.as_of_date: {exc}")
        as_of = None
    mode = raw_vars.get("counting_mode")
    if mode is not None and mode not in COUNTING_MODES:
        errors.append(f"vars.counting_mode: {mode!r} not in {list(COUNTING_MODES)}")
        mode = None
    flows = raw_vars.get("enabled_deferred_flows") or []
    if not isinstance(flows, list) or any(f not in DEFERRED_FLOW_CODES for f in flows):
        errors.append(
            f"vars.enabled_deferred_flows: {flows!r} must be a list of {list(DEFERRED_FLOW_CODES)}"
        )
        flows = []
    return VarsKey(as_of, mode, tuple(sorted(set(flows))))


def _resolve_insz(value: Any, name: str, aliases: dict[str, str], literals: set[str]) -> Any:
    """Alias -> generated number (recorded); literal -> kept (normalised form recorded)."""
    if is_insz_alias(value):
        alias = value.strip()
        if alias not in aliases:
            aliases[alias] = alias_insz(name, alias)
        return aliases[alias]
    if isinstance(value, str):
        normalised = normalise_insz(value)
        if normalised:
            literals.add(normalised)
    return value


def parse_scenario(path: Path, raw: Any) -> Scenario:
    """Validate one loaded YAML document and prepare it; raise ScenarioFormatError
    listing every problem found."""
    errors: list[str] = []
    if not isinstance(raw, dict):
        raise ScenarioFormatError(f"{path.name}: the document must be a mapping")

    missing = [k for k in TOP_LEVEL_REQUIRED if k not in raw]
    if missing:
        errors.append(f"missing required key(s) {missing}")
    unknown = sorted(set(raw) - set(TOP_LEVEL_REQUIRED) - set(TOP_LEVEL_OPTIONAL))
    if unknown:
        errors.append(f"unknown top-level key(s) {unknown}")
    name = raw.get("name")
    if name != path.stem:
        errors.append(f"name {name!r} must equal the file stem {path.stem!r}")
    name = path.stem
    rules = raw.get("rules")
    if "rules" in raw and (
        not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules)
    ):
        errors.append("rules must be a non-empty list of strings (RULES.md rows covered)")
    for key in ("description", "derivation"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            errors.append(f"{key} must be a non-empty text")

    vars_key = _normalise_vars(raw.get("vars"), errors)
    aliases: dict[str, str] = {}
    literals: set[str] = set()

    # ---- landing
    landing: dict[str, list[dict[str, str | None]]] = {s: [] for s in LANDING_COLUMNS}
    raw_landing = raw.get("landing")
    if raw_landing is None:
        raw_landing = {}
    if not isinstance(raw_landing, dict):
        errors.append("landing must be a mapping source -> list of rows")
        raw_landing = {}
    for source, rows in raw_landing.items():
        if source not in LANDING_COLUMNS:
            errors.append(f"landing: unknown source {source!r}; known: {list(LANDING_COLUMNS)}")
            continue
        if rows is None:
            continue
        if not isinstance(rows, list):
            errors.append(f"landing.{source} must be a list of rows")
            continue
        columns = LANDING_COLUMNS[source]
        for index, row in enumerate(rows, start=1):
            where = f"landing.{source}[{index}]"
            if not isinstance(row, dict):
                errors.append(f"{where}: a row must be a mapping column -> value")
                continue
            bad = sorted(set(map(str, row)) - set(columns))
            if bad:
                errors.append(f"{where}: unknown column(s) {bad}; {source} columns: {list(columns)}")
            prepared: dict[str, str | None] = {}
            for column in columns:
                try:
                    text = landing_text(row.get(column), column)
                except ValueError as exc:
                    errors.append(f"{where}: {exc}")
                    text = None
                if column == "insz":
                    text = _resolve_insz(text, name, aliases, literals)
                elif column in ID_COLUMNS:
                    text = prefix_id(name, text)
                prepared[column] = text
            landing[source].append(prepared)

    # ---- expected
    expected_eligibility: list[tuple] = []
    expected_person_status: list[tuple] = []
    raw_expected = raw.get("expected")
    if "expected" in raw:
        if not isinstance(raw_expected, dict):
            errors.append("expected must be a mapping with eligibility and person_status")
            raw_expected = {}
        missing_sections = [s for s in EXPECTED_SECTIONS if s not in raw_expected]
        if missing_sections:
            errors.append(
                f"expected: missing section(s) {missing_sections} (write [] for 'no rows')"
            )
        unknown_sections = sorted(set(raw_expected) - set(EXPECTED_SECTIONS))
        if unknown_sections:
            errors.append(f"expected: unknown section(s) {unknown_sections}")
        for section, columns in EXPECTED_SECTIONS.items():
            rows = raw_expected.get(section) or []
            if not isinstance(rows, list):
                errors.append(f"expected.{section} must be a list of rows")
                continue
            for index, row in enumerate(rows, start=1):
                where = f"expected.{section}[{index}]"
                parsed = _parse_expected_row(section, row, where, name, aliases, literals, errors)
                if parsed is not None:
                    target = expected_eligibility if section == "eligibility" else expected_person_status
                    target.append(parsed)

    if errors:
        raise ScenarioFormatError(
            f"{path.name}: invalid scenario (see tests/scenarios/README.md):\n  - "
            + "\n  - ".join(errors)
        )
    return Scenario(
        path=path,
        name=name,
        raw=raw,
        vars_key=vars_key,
        landing=landing,
        expected_eligibility=expected_eligibility,
        expected_person_status=expected_person_status,
        aliases=aliases,
        literal_numbers=literals,
    )


def _parse_expected_row(section, row, where, name, aliases, literals, errors) -> tuple | None:
    columns = EXPECTED_SECTIONS[section]
    if not isinstance(row, dict):
        errors.append(f"{where}: a row must be a mapping")
        return None
    row = dict(row)
    # Ids may appear in expected rows of future sections: prefix them like landing ids.
    for id_column in ID_COLUMNS:
        if isinstance(row.get(id_column), str):
            row[id_column] = prefix_id(name, row[id_column])
    keys = set(map(str, row))
    missing = [c for c in columns if c not in keys]
    unknown = sorted(keys - set(columns))
    if missing:
        errors.append(f"{where}: missing column(s) {missing} (write null explicitly)")
    if unknown:
        errors.append(f"{where}: unknown column(s) {unknown}; columns: {list(columns)}")
    if missing or unknown:
        return None
    values: dict[str, Any] = {}
    insz = row["insz"]
    if not isinstance(insz, str) or not insz.strip():
        errors.append(f"{where}: insz must be an alias or a quoted literal number")
        return None
    resolved = _resolve_insz(insz, name, aliases, literals)
    values["insz"] = normalise_insz(resolved)
    if section == "eligibility":
        checks = {
            "flow_code": FLOW_CODES,
            "criterion_code": CRITERION_CODES,
            "transfer_status": TRANSFER_STATUSES,
        }
        for column, allowed in checks.items():
            if row[column] not in allowed:
                errors.append(f"{where}: {column} {row[column]!r} not in {list(allowed)}")
            values[column] = row[column]
        for column in ELIGIBILITY_DATE_COLUMNS:
            try:
                values[column] = _to_iso_date(row[column])
            except ValueError as exc:
                errors.append(f"{where}: {column}: {exc}")
                values[column] = None
            if values[column] is None and column not in ELIGIBILITY_NULLABLE:
                errors.append(f"{where}: {column} may not be null")
        for column in ELIGIBILITY_INT_COLUMNS:
            value = row[column]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                errors.append(f"{where}: {column} must be an integer or null, got {value!r}")
            values[column] = value
        ocmw = row["ocmw_nis_code"]
        if not isinstance(ocmw, str):
            errors.append(f"{where}: ocmw_nis_code must be a quoted string, got {ocmw!r}")
        values["ocmw_nis_code"] = ocmw
    else:
        if row["final_status"] not in FINAL_STATUSES:
            errors.append(f"{where}: final_status {row['final_status']!r} not in {list(FINAL_STATUSES)}")
        reason = row["exclusion_reason"]
        if reason is not None and reason not in EXCLUSION_REASONS:
            errors.append(f"{where}: exclusion_reason {reason!r} not in {list(EXCLUSION_REASONS)}")
        if (row["final_status"] == "EXCLUDED") != (reason is not None):
            errors.append(f"{where}: exclusion_reason is set exactly when final_status is EXCLUDED")
        values["final_status"] = row["final_status"]
        values["exclusion_reason"] = reason
    return tuple(values[c] for c in columns)


def load_scenario(path: Path) -> Scenario:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise ScenarioFormatError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_scenario(path, raw)


@dataclass
class Suite:
    """Every scenario file of the folder, parsed; errors are kept per file so that one
    broken file fails its own test only."""

    scenarios: dict[str, Scenario]  # file name -> scenario
    errors: dict[str, str]  # file name -> message (format or cross-scenario problem)
    paths: list[Path]

    def get(self, file_name: str) -> Scenario:
        if file_name in self.errors:
            raise ScenarioFormatError(self.errors[file_name])
        return self.scenarios[file_name]

    def groups(self, file_names: Iterable[str] | None = None) -> dict[VarsKey, list[Scenario]]:
        wanted = set(file_names) if file_names is not None else None
        result: dict[VarsKey, list[Scenario]] = {}
        for file_name, scenario in sorted(self.scenarios.items()):
            if file_name in self.errors:
                continue
            if wanted is not None and file_name not in wanted:
                continue
            result.setdefault(scenario.vars_key, []).append(scenario)
        return result


def load_suite(directory: Path = SCENARIO_DIR) -> Suite:
    paths = scenario_files(directory)
    scenarios: dict[str, Scenario] = {}
    errors: dict[str, str] = {}
    for path in paths:
        try:
            scenarios[path.name] = load_scenario(path)
        except ScenarioFormatError as exc:
            errors[path.name] = str(exc)
    for file_name, message in cross_scenario_errors(scenarios).items():
        errors[file_name] = (errors.get(file_name, "") + "\n" + message).strip()
    return Suite(scenarios=scenarios, errors=errors, paths=paths)


def cross_scenario_errors(scenarios: dict[str, Scenario]) -> dict[str, str]:
    """Literal numbers must be unique across the suite; generated alias numbers must
    not collide with each other nor with a literal."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for file_name, scenario in scenarios.items():
        for literal in scenario.literal_numbers:
            owners.setdefault(literal, []).append((file_name, f"literal {literal}"))
        for alias, number in scenario.aliases.items():
            owners.setdefault(number, []).append((file_name, f"alias {alias!r} -> {number}"))
    problems: dict[str, list[str]] = {}
    for number, users in owners.items():
        # Entries are unique per (file, literal) and per (file, alias): any second
        # user of a number is a clash (two scenarios, two aliases, alias vs literal).
        distinct_files = {f for f, _ in users}
        if len(users) > 1:
            text = "; ".join(f"{f}: {k}" for f, k in users)
            for file_name in distinct_files:
                problems.setdefault(file_name, []).append(
                    f"insz {number} is used by more than one scenario/alias ({text}); "
                    "literal numbers must be unique across the suite"
                )
    return {f: f"{f}: " + " | ".join(msgs) for f, msgs in problems.items()}


def selected_file_names(suite: Suite, pattern: str | None = None) -> list[str]:
    """File names kept by DVZ_SCENARIO_FILTER (a substring of the file name)."""
    if pattern is None:
        pattern = os.environ.get("DVZ_SCENARIO_FILTER", "")
    return [p.name for p in suite.paths if pattern in p.name]


# ------------------------------------------------------------------ landing files


def write_landing_files(directory: Path, scenarios: list[Scenario]) -> dict[str, int]:
    """Write the four landing CSVs of one group; returns row counts per source."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for source, columns in LANDING_COLUMNS.items():
        rows = [row for scenario in scenarios for row in scenario.landing[source]]
        with (directory / f"{source}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row[c] is None else row[c] for c in columns])
        counts[source] = len(rows)
    return counts


# ----------------------------------------------------------------------- dbt runs


@dataclass
class GroupResult:
    vars_key: VarsKey
    workdir: Path
    ok: bool
    message: str = ""
    eligibility: list[dict[str, Any]] = field(default_factory=list)
    person_status: list[dict[str, Any]] = field(default_factory=list)
    read_error: str | None = None


def dbt_executable() -> list[str]:
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("dbt")
    if found:
        return [found]
    return [sys.executable, "-m", "dbt.cli.main"]


# What a scenario build runs: seeds and models, the singular tests (the exclusion rules
# of RULES.md §7 among them) and the generic tests of the marts. The generic tests of
# staging and intermediate models and the dbt unit tests run once, in the end-to-end
# test on generated data; here they would only multiply the build time by eight.
SCENARIO_SELECTION = (
    "resource_type:seed",
    "resource_type:model",
    "test_type:singular",
    "test_type:generic,path:models/marts",
    "test_type:generic,path:models/reporting",
)


# On Spark every statement costs about a second (planning, a job, Parquet files), so its
# scenario builds run only what the comparison reads - the seeds, the models the two
# marts are built from and the exclusion tests of RULES.md §7; the generic tests run on
# DuckDB and PostgreSQL (ADR 0011).
ENGINE_SCENARIO_SELECTION = {
    "spark": (
        "resource_type:seed",
        "+fct_transfer_eligibility",
        "+fct_person_transfer_status",
        "path:tests/exclusions",
    ),
}


def dbt_command(vars_key: VarsKey, workdir: Path) -> list[str]:
    return dbt_executable() + [
        "build",
        "--select", *SCENARIO_SELECTION,
        "--indirect-selection", "empty",
        "--project-dir", str(REPO_ROOT),
        "--profiles-dir", str(REPO_ROOT),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
        "--no-use-colors",
        "--vars", json.dumps(vars_key.dbt_vars()),
    ]


def dbt_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DVZ_LANDING_DIR=str(workdir / "landing"),
        DVZ_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
        DVZ_PERSON_KEY_SALT=PERSON_KEY_SALT,
        DBT_TARGET="dev",
        DVZ_EXPORT_DIR=str(workdir / "exports"),
    )
    (workdir / "exports").mkdir(parents=True, exist_ok=True)
    env.setdefault("DVZ_DUCKDB_MEMORY_LIMIT", "2GB")
    return env


def _failed_nodes(target: Path) -> list[str]:
    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    lines = []
    for result in results.get("results", []):
        if result.get("status") in ("error", "fail", "runtime error"):
            message = (result.get("message") or "").strip().replace("\n", " ")
            lines.append(f"{result.get('status')}: {result.get('unique_id')}: {message[:400]}")
    return lines


def build_group(vars_key: VarsKey, scenarios: list[Scenario], workdir: Path) -> GroupResult:
    """Land the group's rows, run dbt build, read the two marts into memory."""
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "landing").mkdir(parents=True)
    counts = write_landing_files(workdir / "landing", scenarios)
    command = dbt_command(vars_key, workdir)
    (workdir / "group.json").write_text(
        json.dumps(
            {
                "vars": vars_key.dbt_vars(),
                "scenarios": [s.name for s in scenarios],
                "landing_rows": counts,
                "command": command,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    timeout = int(os.environ.get("DVZ_SCENARIO_DBT_TIMEOUT", "1800"))
    try:
        completed = subprocess.run(
            command, cwd=REPO_ROOT, env=dbt_env(workdir), capture_output=True,
            text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        return GroupResult(vars_key, workdir, False, f"dbt build timed out after {timeout}s: {exc}")
    output = (completed.stdout or "") + (completed.stderr or "")
    (workdir / "dbt_build.log").write_text(output, encoding="utf-8")
    if completed.returncode != 0:
        tail = "\n".join(output.splitlines()[-60:])
        failed = _failed_nodes(workdir / "target")
        message = (
            f"dbt build failed (exit {completed.returncode}) for the group {vars_key.label()}\n"
            f"scenarios of the group: {', '.join(s.name for s in scenarios)}\n"
            f"workdir: {workdir}\ncommand: {' '.join(command)}\n"
        )
        if failed:
            message += "failed nodes:\n  " + "\n  ".join(failed[:30]) + "\n"
        message += "--- tail of the dbt log ---\n" + tail
        return GroupResult(vars_key, workdir, False, message)
    result = GroupResult(vars_key, workdir, True)
    read_marts(result)
    return result


def engine_group_jobs(groups: dict[VarsKey, tuple[list[Scenario], Path]], engine: str):
    """Worker jobs (engines.run_worker_jobs) building the groups on PostgreSQL or Spark:
    the same landing CSVs, vars and comparison as on DuckDB. Returns the jobs and a
    function turning their outcomes into {VarsKey: GroupResult}."""
    eligibility_columns = ELIGIBILITY_COLUMNS + ("legal_reference", "person_key")
    status_columns = ("person_key", "final_status", "exclusion_reason")
    selection = list(ENGINE_SCENARIO_SELECTION.get(engine, SCENARIO_SELECTION))
    jobs, keys = [], {}
    for key, (scenarios, workdir) in groups.items():
        if workdir.exists():
            shutil.rmtree(workdir)
        (workdir / "landing").mkdir(parents=True)
        counts = write_landing_files(workdir / "landing", scenarios)
        name = f"scenarios_{workdir.name}"
        keys[name] = key
        jobs.append(dict(name=name, landing=str(workdir / "landing"), landing_format="csv", workdir=str(workdir),
                         vars=key.dbt_vars(), select=selection, env={"DVZ_PERSON_KEY_SALT": PERSON_KEY_SALT},
                         read={"marts.fct_transfer_eligibility": list(eligibility_columns),
                               "marts.fct_person_transfer_status": list(status_columns)}))
        (workdir / "group.json").write_text(json.dumps(
            {"engine": engine, "vars": key.dbt_vars(), "scenarios": [s.name for s in scenarios],
             "landing_rows": counts, "select": selection}, indent=2), encoding="utf-8")

    def finish(outcomes: dict[str, dict]) -> dict[VarsKey, GroupResult]:
        results = {}
        for name, key in keys.items():
            outcome = outcomes[name]
            scenarios, workdir = groups[key]
            if not outcome["ok"]:
                results[key] = GroupResult(key, workdir, False, (
                    f"{engine}: group {key.label()}\nscenarios of the group: "
                    f"{', '.join(s.name for s in scenarios)}\nworkdir: {workdir}\n{outcome['message']}"))
                continue
            result = GroupResult(key, workdir, True)
            result.eligibility = [dict(zip(eligibility_columns, row))
                                  for row in outcome["rows"]["marts.fct_transfer_eligibility"]]
            result.person_status = [dict(zip(status_columns, row))
                                    for row in outcome["rows"]["marts.fct_person_transfer_status"]]
            results[key] = result
        return results

    return jobs, finish


def build_groups_on_engine(groups: dict[VarsKey, tuple[list[Scenario], Path]], engine: str,
                           workers: int) -> dict[VarsKey, GroupResult]:
    """The groups on PostgreSQL or Spark, built by long-lived worker processes
    (engines.run_worker_jobs: one parse and one Spark session per worker)."""
    from engines import run_worker_jobs

    jobs, finish = engine_group_jobs(groups, engine)
    base = next(iter(groups.values()))[1].parent
    return finish(run_worker_jobs(engine, jobs, base, workers=workers, salt=PERSON_KEY_SALT,
                                  timeout=int(os.environ.get("DVZ_SCENARIO_DBT_TIMEOUT", "3600"))))


def _normalise_db_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_marts(result: GroupResult) -> None:
    import duckdb

    path = result.workdir / "warehouse.duckdb"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception as exc:  # noqa: BLE001 - reported to every scenario of the group
        result.read_error = f"cannot open {path}: {exc}"
        return
    try:
        columns = ELIGIBILITY_COLUMNS + ("legal_reference", "person_key")
        try:
            rows = con.execute(
                f"select {', '.join(columns)} from marts.fct_transfer_eligibility"
            ).fetchall()
            result.eligibility = [
                dict(zip(columns, (_normalise_db_value(v) for v in row))) for row in rows
            ]
        except Exception as exc:  # noqa: BLE001
            result.read_error = f"cannot read marts.fct_transfer_eligibility in {path}: {exc}"
            return
        status_columns = ("person_key", "final_status", "exclusion_reason")
        try:
            rows = con.execute(
                f"select {', '.join(status_columns)} from marts.fct_person_transfer_status"
            ).fetchall()
            result.person_status = [dict(zip(status_columns, row)) for row in rows]
        except Exception as exc:  # noqa: BLE001
            result.read_error = f"cannot read marts.fct_person_transfer_status in {path}: {exc}"
    finally:
        con.close()


class GroupBuilder:
    """Builds each vars group once per session (lazily, several in parallel)."""

    def __init__(self, suite: Suite, base_dir: Path, workers: int | None = None, engine: str = "duckdb"):
        self.suite = suite
        self.base_dir = base_dir
        self.workers = workers or int(os.environ.get("DVZ_SCENARIO_WORKERS", "2"))
        self.engine = engine
        self.results: dict[VarsKey, GroupResult] = {}
        self._index: dict[VarsKey, int] = {}

    def _workdir(self, key: VarsKey) -> Path:
        if key not in self._index:
            self._index[key] = len(self._index) + 1
        flows = "-".join(key.enabled_deferred_flows) or "none"
        label = f"g{self._index[key]:02d}_{key.as_of_date or 'today'}_{key.counting_mode or 'catalogue'}_{flows}"
        return self.base_dir / label

    def build(self, file_names: Iterable[str]) -> None:
        groups = self.suite.groups(file_names)
        todo = {k: v for k, v in groups.items() if k not in self.results}
        if not todo:
            return
        # The group members are the whole suite's scenarios with those vars, so a
        # group's landing set does not depend on the filter.
        all_groups = self.suite.groups()
        jobs = {k: (all_groups[k], self._workdir(k)) for k in sorted(todo, key=lambda k: k.label())}
        if self.engine != "duckdb":
            self.results.update(build_groups_on_engine(jobs, self.engine, self.workers))
            return
        self._build_on_duckdb(jobs)

    def pending_groups(self, file_names: Iterable[str]) -> dict[VarsKey, tuple[list[Scenario], Path]]:
        """The groups `build` would build for these files, with their members and work
        folders, for a caller that builds them itself (then sets `results`)."""
        all_groups = self.suite.groups()
        return {k: (all_groups[k], self._workdir(k))
                for k in sorted(self.suite.groups(file_names), key=lambda k: k.label()) if k not in self.results}

    def _build_on_duckdb(self, jobs: dict[VarsKey, tuple[list[Scenario], Path]]) -> None:
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            futures = {
                k: pool.submit(build_group, k, members, workdir)
                for k, (members, workdir) in jobs.items()
            }
            for key, future in futures.items():
                try:
                    self.results[key] = future.result()
                except Exception as exc:  # noqa: BLE001
                    self.results[key] = GroupResult(key, jobs[key][1], False, f"runner error: {exc!r}")

    def result_for(self, scenario: Scenario) -> GroupResult:
        if scenario.vars_key not in self.results:
            self.build([scenario.path.name])
        return self.results[scenario.vars_key]


# --------------------------------------------------------------------- comparison


def actual_rows(scenario: Scenario, result: GroupResult) -> tuple[list[tuple], list[tuple], list[str]]:
    """The scenario's rows of both marts, as tuples comparable with the expectations,
    plus the violations of the column invariants (legal_reference, person_key)."""
    insz_values = scenario.insz_values
    problems: list[str] = []
    eligibility: list[tuple] = []
    for row in result.eligibility:
        if row["insz"] not in insz_values:
            continue
        eligibility.append(tuple(row[c] for c in ELIGIBILITY_COLUMNS))
        label = f"{scenario.display_insz(row['insz'])} {row['flow_code']} episode {row['episode_start']}"
        if row["legal_reference"] is None or str(row["legal_reference"]).strip() == "":
            problems.append(f"{label}: legal_reference is null/empty")
        if row["person_key"] != person_key(row["insz"]):
            problems.append(
                f"{label}: person_key {row['person_key']!r} != sha256(salt + insz) {person_key(row['insz'])!r}"
            )
    keys = {person_key(insz): insz for insz in insz_values}
    person_status = [
        (keys[row["person_key"]], row["final_status"], row["exclusion_reason"])
        for row in result.person_status
        if row["person_key"] in keys
    ]
    return eligibility, person_status, problems


def _format_row(scenario: Scenario, columns: tuple[str, ...], row: tuple) -> str:
    parts = []
    for column, value in zip(columns, row):
        if column == "insz":
            value = scenario.display_insz(value)
        parts.append(f"{column}={value}")
    return "{" + ", ".join(parts) + "}"


def multiset_diff(
    scenario: Scenario, title: str, columns: tuple[str, ...], expected: list[tuple], actual: list[tuple]
) -> str | None:
    """None when equal as multisets, else a readable diff."""
    exp, act = Counter(expected), Counter(actual)
    if exp == act:
        return None
    missing = list((exp - act).elements())
    unexpected = list((act - exp).elements())
    lines = [f"{title}: {len(expected)} expected row(s), {len(actual)} actual row(s)"]
    if missing:
        lines.append(f"  missing ({len(missing)}): expected but not produced")
        lines += [f"    - {_format_row(scenario, columns, r)}" for r in sorted(missing, key=repr)]
    if unexpected:
        lines.append(f"  unexpected ({len(unexpected)}): produced but not expected")
        lines += [f"    + {_format_row(scenario, columns, r)}" for r in sorted(unexpected, key=repr)]
    # Hints: pair a missing row with an unexpected row of the same person (and flow).
    for m in missing:
        for u in unexpected:
            if m[0] == u[0] and (len(columns) < 2 or columns[1] != "flow_code" or m[1] == u[1]):
                diffs = [
                    f"{c}: expected {mv!r}, got {uv!r}"
                    for c, mv, uv in zip(columns, m, u)
                    if mv != uv
                ]
                lines.append(f"  hint {scenario.display_insz(m[0])}: " + "; ".join(diffs))
                break
    return "\n".join(lines)


def compare_scenario(scenario: Scenario, result: GroupResult) -> str | None:
    """None when the warehouse matches the scenario, else the failure report."""
    if not result.ok:
        return result.message
    if result.read_error:
        return f"{result.read_error}\n(workdir {result.workdir}, group {result.vars_key.label()})"
    eligibility, person_status, problems = actual_rows(scenario, result)
    reports = []
    diff = multiset_diff(
        scenario, "marts.fct_transfer_eligibility", ELIGIBILITY_COLUMNS,
        scenario.expected_eligibility, eligibility,
    )
    if diff:
        reports.append(diff)
    diff = multiset_diff(
        scenario, "marts.fct_person_transfer_status", PERSON_STATUS_COLUMNS,
        scenario.expected_person_status, person_status,
    )
    if diff:
        reports.append(diff)
    if problems:
        reports.append("column invariants:\n  " + "\n  ".join(problems))
    if not reports:
        return None
    header = (
        f"scenario {scenario.name} ({scenario.path.name}); group {result.vars_key.label()}; "
        f"workdir {result.workdir}\naliases: "
        + ", ".join(f"{a}={n}" for a, n in sorted(scenario.aliases.items()))
    )
    return header + "\n" + "\n".join(reports)
