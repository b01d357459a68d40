"""Load and validate the scenario files (tests/scenarios/*.yml) and group them by vars.

A file is valid when it follows tests/scenarios/scenario.schema.json (a JSON Schema
whose code lists are read from the seeds when it is loaded) and its name is its file
stem; across the suite, an insz number belongs to one scenario and one alias only.
Every problem of a file is reported at once, each with the path of the bad value.

Knob: `DVZ_SCENARIO_FILTER`, a substring of the scenario file name; only matching
scenarios run.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from scenario_landing import ID_COLUMNS, InszResolver, landing_rows, prefix_id
from scenario_model import (
    EXPECTED_SECTIONS, LANDING_COLUMNS, SCENARIO_DIR, Scenario, ScenarioFormatError, VarsKey,
    normalise_insz, seed_rows,
)

SCHEMA_PATH = SCENARIO_DIR / "scenario.schema.json"
# Landing columns whose YAML value must be a string when not null: an unquoted 01001 or
# 85073003328 would be read as a number (leading zeros lost, octal...).
STRING_ONLY_COLUMNS = ("insz", "ocmw_nis_code")


# ------------------------------------------------------------------------ schema


def _inject(node: Any) -> Any:
    """Fill in the schema's x-codes-from (an enum from a seed column, optionally of the
    rows matching `where`) and x-landing-from (the landing files and their columns)."""
    if isinstance(node, list):
        return [_inject(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inject(value) for key, value in node.items()}
    source = node.get("x-codes-from")
    if source:
        where = source.get("where", {})
        rows = [row for row in seed_rows(source["seed"]) if all(row[k] == v for k, v in where.items())]
        node["enum"] = list(dict.fromkeys(row[source["column"]] for row in rows))
    if node.get("x-landing-from"):
        node["properties"] = {
            source: {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "x-hint": f"{source} columns: {list(columns)}",
                    "properties": {
                        column: {"$ref": "#/$defs/landing_text" if column in STRING_ONLY_COLUMNS
                                 else "#/$defs/landing_value"}
                        for column in columns
                    },
                },
            }
            for source, columns in LANDING_COLUMNS.items()
        }
    return node


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """tests/scenarios/scenario.schema.json with its code lists filled in from the seeds."""
    schema = _inject(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        scenario_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _as_json(value: Any) -> Any:
    """The document as the schema sees it: YAML dates and timestamps as their ISO text,
    mapping keys as text."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_path(path: Iterable[Any]) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def schema_errors(document: Any) -> list[str]:
    """Every violation of the schema, as '<path of the bad value>: <what is wrong>'."""
    messages = []
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        message = error.message
        hint = error.schema.get("x-hint") if isinstance(error.schema, dict) else None
        messages.append(f"{_json_path(error.absolute_path)}: {message}" + (f" ({hint})" if hint else ""))
    return messages


# --------------------------------------------------------------------- scenarios


def _expected_row(section: str, row: dict[str, Any], name: str, insz: InszResolver) -> tuple:
    row = dict(row)
    for id_column in ID_COLUMNS:  # ids in expected rows of future sections: as in landing
        if isinstance(row.get(id_column), str):
            row[id_column] = prefix_id(name, row[id_column])
    row["insz"] = normalise_insz(insz.resolve(row["insz"]))
    return tuple(row[column] for column in EXPECTED_SECTIONS[section])


def parse_scenario(path: Path, raw: Any) -> Scenario:
    """Validate one loaded YAML document and prepare it; raise ScenarioFormatError
    listing every problem found."""
    document = _as_json(raw)
    errors = schema_errors(document)
    if isinstance(document, dict) and "name" in document and document["name"] != path.stem:
        errors.append(f"$.name: {document['name']!r} must equal the file stem {path.stem!r}")
    if errors:
        raise ScenarioFormatError(
            f"{path.name}: invalid scenario (see tests/scenarios/README.md, "
            f"{SCHEMA_PATH.relative_to(SCENARIO_DIR.parents[1])}):\n  - " + "\n  - ".join(errors)
        )
    name = path.stem
    raw_vars = document.get("vars") or {}
    vars_key = VarsKey(
        raw_vars.get("as_of_date"),
        raw_vars.get("counting_mode"),
        tuple(sorted(set(raw_vars.get("enabled_deferred_flows") or []))),
    )
    insz = InszResolver(name)
    landing = landing_rows(document.get("landing"), insz)
    expected = {
        section: [_expected_row(section, row, name, insz) for row in document["expected"][section] or []]
        for section in EXPECTED_SECTIONS
    }
    return Scenario(
        path=path,
        name=name,
        raw=raw,
        vars_key=vars_key,
        landing=landing,
        expected_eligibility=expected["eligibility"],
        expected_person_status=expected["person_status"],
        aliases=insz.aliases,
        literal_numbers=insz.literals,
    )


def load_scenario(path: Path) -> Scenario:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2015-02-30
        raise ScenarioFormatError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_scenario(path, raw)


def scenario_files(directory: Path = SCENARIO_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.yml") if p.is_file())


# ------------------------------------------------------------------------- suite


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
        if len(users) > 1:
            text = "; ".join(f"{f}: {k}" for f, k in users)
            for file_name in {f for f, _ in users}:
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
