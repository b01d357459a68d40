"""Scenario -> landing files: a scenario's YAML rows become rows of the four landing CSVs
of CONTRACT.md §2 (aliases replaced by numbers, local ids prefixed with the scenario's
name), and the rows of a vars group are written to one landing folder.

The rows reach this module validated (scenario_files.py): every value is a text, a
number or null, dates and timestamps already as their ISO text.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from scenario_model import LANDING_COLUMNS, Scenario, alias_insz, is_insz_alias, normalise_insz

# Business keys and references to them: local to a scenario, prefixed by the runner.
ID_COLUMNS = ("permit_id", "decision_id", "reimbursement_id")


def landing_text(value: Any) -> str | None:
    """The text written to a landing CSV for one validated YAML value (None = empty field)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")  # 1000.5, never 1.0005e3
    return str(value)


def prefix_id(scenario_name: str, value: str | None) -> str | None:
    """Prefix a local business key with `<scenario>__`, keeping surrounding spaces (so a
    scenario can still test trimming) and leaving null / blank values alone."""
    if value is None or value.strip() == "":
        return value
    stripped = value.lstrip()
    leading = value[: len(value) - len(stripped)]
    return f"{leading}{scenario_name}__{stripped}"


class InszResolver:
    """Aliases -> generated numbers and literal numbers, as a scenario names them."""

    def __init__(self, scenario_name: str):
        self.scenario_name = scenario_name
        self.aliases: dict[str, str] = {}  # alias -> number
        self.literals: set[str] = set()  # normalised literal numbers

    def resolve(self, value: str | None) -> str | None:
        """Alias -> its number (recorded); literal -> kept as written (normalised form recorded)."""
        if is_insz_alias(value):
            alias = value.strip()
            if alias not in self.aliases:
                self.aliases[alias] = alias_insz(self.scenario_name, alias)
            return self.aliases[alias]
        if isinstance(value, str) and normalise_insz(value):
            self.literals.add(normalise_insz(value))
        return value


def landing_rows(raw_landing: dict[str, list[dict[str, Any]] | None] | None,
                 insz: InszResolver) -> dict[str, list[dict[str, str | None]]]:
    """source -> rows ready for CSV, every contract column present (a left-out column is null)."""
    landing: dict[str, list[dict[str, str | None]]] = {source: [] for source in LANDING_COLUMNS}
    for source, rows in (raw_landing or {}).items():
        for row in rows or []:
            prepared: dict[str, str | None] = {}
            for column in LANDING_COLUMNS[source]:
                text = landing_text(row.get(column))
                if column == "insz":
                    text = insz.resolve(text)
                elif column in ID_COLUMNS:
                    text = prefix_id(insz.scenario_name, text)
                prepared[column] = text
            landing[source].append(prepared)
    return landing


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
