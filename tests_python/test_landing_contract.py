"""The landing contract (CONTRACT.md §2) is declared once: the sources YAML
`models/staging/_landing__sources.yml` (columns in contract order, `data_type`, and
`config.meta` for nullability, value kind and business key). The dbt macro
`landing_contract_columns()` reads it from the graph, the Python modules through
`scripts/landing_contract.py`.

Proved two ways: a column added to the declaration in a copy of the project reaches the
macro and every Python module of that copy; and no other file of the repository holds a
source's column list again (the guard that keeps a second copy from coming back).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dbt_compile import REPO_ROOT, copy_project, dbt_env

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import landing_contract  # noqa: E402

DECLARATION = landing_contract.SOURCES_YAML.relative_to(REPO_ROOT).as_posix()
PROBE = "probe_extra_column"

# Files that name a source's columns in order without declaring the contract, each argued.
NOT_DECLARATIONS = {
    # dbt models select and parse the columns they read by name (that is the SQL); dbt
    # resolves them against the source, and a renamed column fails the build.
    "models/": "the staging SQL names the columns it selects",
    # prose: CONTRACT.md is the human spec the declaration implements (fixed), and the ADRs
    # quote it.
    "docs/": "the specification and the decisions, in prose",
}
ALLOWED = {
    # the engine test loads a hand-written persons.csv with an extra `remark` column and
    # queries those columns back: a query of its own test data.
    ("tests_python/test_engines_postgres.py", "persons"): "query of its hand-written file",
}


def _copy_pattern(columns: tuple[str, ...]) -> re.Pattern[str]:
    """All of a source's columns in contract order, separated only by what a declaration puts
    between names (quotes, commas, brackets, colons, spaces, type words), never a value."""
    between = r"\b[\s\"'(),:\[\]{}A-Za-z_]{0,40}?\b"
    return re.compile(r"\b" + between.join(map(re.escape, columns)) + r"\b")


def _repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split() if (REPO_ROOT / name).is_file()]


def _copies(name: str, text: str) -> list[str]:
    return [source for source, columns in landing_contract.COLUMN_NAMES.items()
            if _copy_pattern(columns).search(text) and (name, source) not in ALLOWED]


def test_declaration_reads_as_the_contract():
    """The declaration as Python reads it: four files, their business keys, contract types."""
    assert landing_contract.SOURCES == ("persons", "residence_permits", "aid_decisions", "reimbursements")
    assert landing_contract.BUSINESS_KEYS == {"persons": "insz", "residence_permits": "permit_id",
                                              "aid_decisions": "decision_id",
                                              "reimbursements": "reimbursement_id"}
    for source, columns in landing_contract.LANDING_COLUMNS.items():
        assert columns[-1].name == "recorded_at" and columns[-1].contract_type == "timestamp", source
        assert landing_contract.BUSINESS_KEYS[source] in landing_contract.COLUMN_NAMES[source]


@pytest.mark.parametrize("source", landing_contract.SOURCES)
def test_guard_recognises_the_old_copies(source):
    """The guard's pattern finds a column list in each shape the old copies had: a tuple of
    names, (name, type, nullable) rows, a {name: type} dict, a CSV header."""
    columns = landing_contract.COLUMN_NAMES[source]
    shapes = [
        repr(columns),
        ", ".join(f'("{c}", TEXT, False)' for c in columns),
        "{" + ", ".join(f"'{c}': 'text'" for c in columns) + "}",
        '"' + ",".join(columns) + '"',
    ]
    for shape in shapes:
        assert source in _copies("any.py", shape), shape


def test_no_second_copy_of_a_landing_column_list():
    """No file but the declaration lists a source's columns in contract order (argued
    exceptions in NOT_DECLARATIONS and ALLOWED), so a duplicate cannot come back."""
    found = []
    for name in _repository_files():
        if name == DECLARATION or name.startswith(tuple(NOT_DECLARATIONS)):
            continue
        try:
            text = (REPO_ROOT / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}: {source}" for source in _copies(name, text)]
    assert not found, "the landing columns are declared again (read scripts/landing_contract.py):\n" + "\n".join(found)


def test_a_column_added_to_the_declaration_reaches_dbt_and_python(tmp_path):
    """A copy of the project with one more persons column, changed in the declaration only:
    the dbt macro (what check_landing_files reads) and every Python module see it."""
    project = copy_project(tmp_path / "project", extra=("scripts", "tests_python"))
    declaration = project / DECLARATION
    text = declaration.read_text(encoding="utf-8")
    anchor = "      - name: residence_permits\n"
    assert text.count(anchor) == 1
    declaration.write_text(text.replace(anchor, (
        f"          - name: {PROBE}\n"
        "            description: A column added by the test.\n"
        "            data_type: date\n"
        "            config:\n"
        "              meta: {nullable: true}\n") + anchor), encoding="utf-8")

    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "--quiet", "--no-use-colors", "compile",
         "--target-path", str(tmp_path / "target"), "--inline", "{{ tojson(landing_contract_columns()) }}"],
        cwd=project, env=dbt_env(DBT_PROFILES_DIR=str(project)), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    dbt_contract = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(dbt_contract) == list(landing_contract.SOURCES)
    assert list(dbt_contract["persons"]["columns"].items())[-1] == (PROBE, "date")
    assert dbt_contract["persons"]["source"] == "national_register"

    probe = (
        "import sys, json\n"
        "sys.path[:0] = ['scripts', 'scripts/benchmark', 'tests_python']\n"
        "import landing_contract, generate_landing, scenario_model, reference_rules, run_benchmarks\n"
        "print(json.dumps({\n"
        "  'landing_contract': landing_contract.COLUMN_NAMES['persons'][-1],\n"
        "  'generate_landing': [generate_landing.COLUMNS['persons'][-1][0], str(generate_landing.COLUMNS['persons'][-1][1])],\n"
        "  'scenario_model': scenario_model.LANDING_COLUMNS['persons'][-1],\n"
        "  'reference_rules': list(reference_rules.SOURCES['persons'][-1]),\n"
        "  'run_benchmarks': run_benchmarks.FLOOR_COLUMNS['persons'][-1],\n"
        "}))\n")
    seen = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True)
    assert seen.returncode == 0, seen.stderr
    assert json.loads(seen.stdout.strip().splitlines()[-1]) == {
        "landing_contract": PROBE,
        "generate_landing": [PROBE, "date32[day]"],
        "scenario_model": PROBE,
        "reference_rules": [PROBE, "date", True],
        "run_benchmarks": PROBE,
    }
