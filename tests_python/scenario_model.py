"""What the scenario suite's modules share: the prepared scenario, its vars group, the
outcome of a group's build, the output columns compared, and the insz helpers.

The suite (tests/scenarios/*.yml, format in tests/scenarios/README.md) runs in four steps,
one module each:
- `scenario_files.py`    loads and validates the files (tests/scenarios/scenario.schema.json)
- `scenario_landing.py`  turns a scenario's rows into landing files
- `scenario_dbt.py`      builds the project on a landing folder with the group's vars
- `scenario_compare.py`  reads the marts and compares them with the expectations
`test_scenarios.py` turns them into pytest tests.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import landing_contract  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO_ROOT / "tests" / "scenarios"
PERSON_KEY_SALT = "scenario-suite-salt"

# CONTRACT.md §2, in contract order (this is also the CSV header order): the one
# declaration, read by scripts/landing_contract.py.
LANDING_COLUMNS: dict[str, tuple[str, ...]] = landing_contract.COLUMN_NAMES

# The compared columns of the two marts, in the order of the expected tuples.
ELIGIBILITY_COLUMNS = (
    "insz", "flow_code", "criterion_code", "episode_start", "episode_end",
    "criterion_met_on", "transfer_due_on", "transfer_status", "counted_days",
    "counted_months", "ocmw_nis_code",
)
PERSON_STATUS_COLUMNS = ("insz", "final_status", "exclusion_reason")
EXPECTED_SECTIONS = {"eligibility": ELIGIBILITY_COLUMNS, "person_status": PERSON_STATUS_COLUMNS}


def seed_rows(path: str) -> list[dict[str, str]]:
    """The rows of a seed file (a path below the repository root): the flow and criterion
    codes a scenario may name are the catalogue's, never a pasted list (issue 17)."""
    with (REPO_ROOT / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_FLOWS = seed_rows("seeds/rules/rule_flows.csv")
DEFERRED_FLOW_CODES = tuple(sorted({row["flow_code"] for row in _FLOWS if row["flow_status"] == "deferred"}))
DAY_FLOWS = tuple(sorted({row["flow_code"] for row in _FLOWS if row["counted_unit"] == "day"}))


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


# --------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class VarsKey:
    """The dbt vars of a scenario: scenarios with equal vars are built together."""

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


@dataclass
class GroupResult:
    """The build of one vars group: ok or the failure message, and the marts' rows."""

    vars_key: VarsKey
    workdir: Path
    ok: bool
    message: str = ""
    eligibility: list[dict[str, Any]] = field(default_factory=list)
    person_status: list[dict[str, Any]] = field(default_factory=list)
    read_error: str | None = None
