"""Every dbt YAML file of the project validates against the JSON schemas dbt-core ships
(dbt.jsonschemas). dbt checks them itself only for a few cloud adapters: on DuckDB a
misspelled key (`descripton:`, `tests:` under the wrong parent) is silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from dbt.jsonschemas.jsonschemas import CustomDraft7Validator, project_schema, resources_schema

REPO_ROOT = Path(__file__).resolve().parents[1]
RESOURCE_YAML = sorted(
    p for folder in ("models", "seeds", "macros", "tests", "analyses")
    for p in (REPO_ROOT / folder).rglob("*.yml")
    if "scenarios" not in p.parts
)


# Config values that are one Jinja expression per target (e.g. `enforced: "{{ target.type
# != 'spark' }}"`, ADR 0011) are rendered by dbt at parse time into a boolean or a mapping;
# dbt's JSON schema only knows the rendered form. Such a value is validated as a stand-in
# of the rendered type, so every other key of the same file is still checked.
TEMPLATED_STAND_INS = {"enforced": True, "columns": True, "relation": True, "grants": {}, "+grants": {}}


def _with_stand_ins(node):
    if isinstance(node, dict):
        return {key: (TEMPLATED_STAND_INS[key] if key in TEMPLATED_STAND_INS and isinstance(value, str)
                      and value.strip().startswith("{{") else _with_stand_ins(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_with_stand_ins(item) for item in node]
    return node


def _errors(schema: dict, document: dict) -> list[str]:
    validator = CustomDraft7Validator(schema)
    return [
        f"{'.'.join(str(part) for part in error.path) or '<top>'}: {error.message}"
        for error in validator.iter_errors(_with_stand_ins(document))
    ]


def test_there_are_yaml_files_to_check():
    assert len(RESOURCE_YAML) >= 10


@pytest.mark.parametrize("path", RESOURCE_YAML, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_resource_yaml_matches_dbt_schema(path: Path):
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), f"{path} is empty or not a mapping"
    errors = _errors(resources_schema(), document)
    assert not errors, f"{path}:\n" + "\n".join(errors)


def test_dbt_project_yml_matches_dbt_schema():
    document = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())
    errors = _errors(project_schema(), document)
    assert not errors, "dbt_project.yml:\n" + "\n".join(errors)


def test_a_templated_value_of_the_wrong_key_is_still_caught():
    """Stand-ins apply to the listed keys only: a Jinja string where a list belongs fails."""
    document = {"version": 2, "models": [{"name": "m", "config": {"contract": {"enforced": "{{ true }}"},
                                                                  "tags": {"a": "{{ x }}"}}}]}
    assert _errors(resources_schema(), document)


def test_the_check_catches_a_misspelled_key():
    """The test can fail: a model with a misspelled key is reported."""
    document = {"version": 2, "models": [{"name": "m", "descripton": "typo"}]}
    assert _errors(resources_schema(), document)


# A unit test's name becomes a relation name on PostgreSQL, and dbt-postgres refuses one
# longer than PostgreSQL's 63-character identifiers ("Relation name ... is longer than 63
# characters"): the unit test then errors there while it passes on DuckDB.
POSTGRES_MAX_IDENTIFIER = 63


def _named_resources(kind: str) -> list[tuple[Path, str]]:
    named = []
    for path in RESOURCE_YAML:
        document = yaml.safe_load(path.read_text()) or {}
        named += [(path, item["name"]) for item in document.get(kind) or [] if "name" in item]
    return named


def test_unit_test_names_fit_a_postgres_identifier():
    unit_tests = _named_resources("unit_tests")
    assert unit_tests, "no unit tests found: the check would pass vacuously"
    too_long = [f"{path.relative_to(REPO_ROOT)}: {name} ({len(name)})"
                for path, name in unit_tests if len(name) > POSTGRES_MAX_IDENTIFIER]
    assert not too_long, "unit test names longer than 63 characters fail on PostgreSQL:\n" + "\n".join(too_long)
