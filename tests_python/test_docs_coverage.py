"""Documentation coverage (issue #4, lineage docs for auditors).

From the manifest of `dbt parse` (isolated target path), every project model and model
column, every seed and every column of its CSV, every project macro, every data test
(singular, and instances of the project's own generic tests), every unit test and every
exposure has a non-empty description, and every `rule_*` doc block is referenced at least
once. The rule blocks quote the synthesis note character for character (Dutch original
and English rendering), and the auditor's SQL on the docs home page binds against the
documented columns. Each assertion lists everything missing.

Instances of dbt's own generic tests (`not_null`, `unique`, `accepted_values`,
`relationships`) are exempt: dbt documents them and their node name states what they
assert on which column (`not_null_<model>_<column>`), and that column must be described.
Set SELF_DESCRIBING_TESTS to an empty set to require a description on those as well.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTE_DIR = REPO_ROOT / "docs" / "note"  # copies of ../shared/seed/
NOTE_NL = NOTE_DIR / "synthesis-note-2014-06-11.nl.txt"
NOTE_EN = NOTE_DIR / "synthesis-note-2014-06-11.en.md"
RULE_BLOCK_FILES = sorted((REPO_ROOT / "docs" / "blocks").glob("rules_*.md"))
OVERVIEW = REPO_ROOT / "docs" / "blocks" / "overview.md"

SELF_DESCRIBING_TESTS = frozenset({"not_null", "unique", "accepted_values", "relationships"})
OMISSION = "[…]"


# --------------------------------------------------------------------------- the checks

def _described(entry: dict) -> bool:
    return bool((entry.get("description") or "").strip())


def missing_descriptions(manifest: dict, project_root: Path = REPO_ROOT) -> list[str]:
    """Every resource of the project that lacks a description, one line each."""
    project = manifest["metadata"]["project_name"]
    missing: list[str] = []
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node.get("package_name") != project:
            continue
        kind = node["resource_type"]
        if kind == "model":
            if not _described(node):
                missing.append(f"model {node['name']} ({node['original_file_path']})")
            for column in node.get("columns", {}).values():
                if not _described(column):
                    missing.append(f"model column {node['name']}.{column['name']}")
        elif kind == "seed":
            if not _described(node):
                missing.append(f"seed {node['name']} ({node['original_file_path']})")
            csv_path = project_root / node["original_file_path"]
            columns = dict(node.get("columns", {}))
            names = list(columns)
            if csv_path.exists():
                with csv_path.open(encoding="utf-8", newline="") as handle:
                    names = next(csv.reader(handle), names)
            for name in names:
                if not _described(columns.get(name, {})):
                    missing.append(f"seed column {node['name']}.{name}")
        elif kind == "test":
            generic = (node.get("test_metadata") or {}).get("name")
            if generic in SELF_DESCRIBING_TESTS and not (node.get("test_metadata") or {}).get("namespace"):
                continue
            if not _described(node):
                label = f"generic test {generic}" if generic else "singular test"
                missing.append(f"{label} {node['name']} ({node['original_file_path']})")
    for unique_id, macro in sorted(manifest["macros"].items()):
        if macro.get("package_name") != project or not macro["original_file_path"].startswith("macros/"):
            continue
        if not _described(macro):
            missing.append(f"macro {macro['name']} ({macro['original_file_path']})")
    for unique_id, test in sorted(manifest.get("unit_tests", {}).items()):
        if test.get("package_name") == project and not _described(test):
            missing.append(f"unit test {test['model']}.{test['name']}")
    for unique_id, exposure in sorted(manifest.get("exposures", {}).items()):
        if exposure.get("package_name") == project and not _described(exposure):
            missing.append(f"exposure {exposure['name']}")
    return missing


def unreferenced_rule_blocks(manifest: dict) -> list[str]:
    """The rule_* doc blocks no model, column, seed, test, exposure or macro refers to."""
    project = manifest["metadata"]["project_name"]
    rule_blocks = {
        doc["unique_id"] for doc in manifest["docs"].values()
        if doc.get("package_name") == project and doc["name"].startswith("rule_")
    }
    referenced: set[str] = set()
    rendered: list[str] = []
    for group in ("nodes", "sources", "exposures", "macros", "unit_tests"):
        for entry in manifest.get(group, {}).values():
            referenced.update(entry.get("doc_blocks") or [])
            rendered.append(entry.get("description") or "")
            for column in (entry.get("columns") or {}).values():
                referenced.update(column.get("doc_blocks") or [])
    # Exposures and macros record no doc_blocks (dbt 1.11): there, a block counts as
    # referenced when its rendered text is part of a description.
    for block in rule_blocks - referenced:
        contents = (manifest["docs"][block].get("block_contents") or "").strip()
        if contents and any(contents in description for description in rendered):
            referenced.add(block)
    return sorted(block.split(".")[-1] for block in rule_blocks - referenced)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse_doc_blocks(text: str) -> dict[str, str]:
    return dict(re.findall(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", text, re.S))


def quote_mismatches(block_name: str, body: str, note_nl: str, note_en: str) -> list[str]:
    """Quote lines ('> ...' after a '**Note (nl)**' / '**Note (en)**' marker) that are not
    in the note. Dutch: an exact substring of the original; English: of the rendering
    with its line wrapping collapsed. A leading '- ' (list item) is markup; '[…]' marks an
    omission. A rule block must quote the Dutch note at least once."""
    problems: list[str] = []
    language = None
    dutch_lines = 0
    for line in body.splitlines():
        if line.startswith("**Note (nl)**"):
            language = "nl"
            continue
        if line.startswith("**Note (en)**"):
            language = "en"
            continue
        if not line.startswith(">"):
            continue
        quoted = line[1:].strip()
        if quoted.startswith("- "):
            quoted = quoted[2:]
        if language is None:
            problems.append(f"{block_name}: quote before any **Note (nl)** / **Note (en)** marker: {quoted!r}")
            continue
        for fragment in (part.strip() for part in quoted.split(OMISSION)):
            if not fragment:
                continue
            if language == "nl":
                dutch_lines += 1
                if fragment not in note_nl:
                    problems.append(f"{block_name}: Dutch quote not in the note: {fragment!r}")
            elif _collapse(fragment) not in _collapse(note_en):
                problems.append(f"{block_name}: English quote not in the rendering: {fragment!r}")
    if dutch_lines == 0:
        problems.append(f"{block_name}: quotes no sentence of the Dutch note")
    return problems


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    """`dbt parse` into a scratch target: no database is opened, no repo folder written."""
    scratch = tmp_path_factory.mktemp("docs_coverage")
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
        DBT_TARGET="lint",
        DBT_TARGET_PATH=str(scratch / "target"),
        DBT_LOG_PATH=str(scratch / "logs"),
        DVZ_DUCKDB_PATH=str(scratch / "unused.duckdb"),
    )
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", "parse", "--no-partial-parse"]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"dbt parse failed:\n{result.stdout}\n{result.stderr}"
    return json.loads((scratch / "target" / "manifest.json").read_text())


# --------------------------------------------------------------------------- tests on the project

def test_every_resource_is_described(manifest):
    missing = missing_descriptions(manifest)
    assert not missing, f"{len(missing)} resources without a description:\n" + "\n".join(missing)


def test_every_rule_block_is_referenced(manifest):
    rule_blocks = [d for d in manifest["docs"].values() if d["name"].startswith("rule_")]
    assert len(rule_blocks) >= 20, "the rule blocks of docs/blocks/rules_*.md are missing"
    unreferenced = unreferenced_rule_blocks(manifest)
    assert not unreferenced, (
        "rule doc blocks never referenced with {{ doc('...') }} by a model, column, seed, test "
        "or exposure:\n" + "\n".join(unreferenced)
    )


def test_there_are_two_exposures(manifest):
    names = {e["name"] for e in manifest["exposures"].values()}
    assert {"dvz_batch_export", "bi_dashboard"} <= names


def test_rule_blocks_quote_the_note_exactly():
    note_nl = NOTE_NL.read_text(encoding="utf-8")
    note_en = NOTE_EN.read_text(encoding="utf-8")
    assert RULE_BLOCK_FILES, "no docs/blocks/rules_*.md"
    problems: list[str] = []
    blocks = {}
    for path in RULE_BLOCK_FILES:
        blocks.update(parse_doc_blocks(path.read_text(encoding="utf-8")))
    for name, body in sorted(blocks.items()):
        assert name.startswith("rule_"), f"{name}: blocks in rules_*.md are named rule_<name>"
        problems += quote_mismatches(name, body, note_nl, note_en)
        if "RULES.md §" not in body:
            problems.append(f"{name}: names no RULES.md section")
        if "**In the warehouse:**" not in body:
            problems.append(f"{name}: does not say how the warehouse applies it")
    assert not problems, "\n".join(problems)


def _stub_type(column: str) -> str:
    if column.startswith(("is_", "has_")):
        return "boolean"
    return "varchar"


def test_overview_sql_binds_against_documented_columns(manifest):
    """The auditor's queries on the docs home page name only documented models and
    columns: run on empty stand-ins built from the manifest, a misspelled column or
    relation fails here."""
    sql_blocks = re.findall(r"```sql\n(.*?)```", OVERVIEW.read_text(encoding="utf-8"), re.S)
    assert len(sql_blocks) >= 4, "the overview lost its 'Why was this person (not) transferred?' queries"
    connection = _documented_stand_ins(manifest)
    for statement in "\n".join(sql_blocks).split(";"):
        if statement.strip():
            connection.execute(statement)


def _documented_stand_ins(manifest: dict) -> duckdb.DuckDBPyConnection:
    """An in-memory database with one empty table per documented model and seed, holding
    exactly its documented columns, in its schema."""
    connection = duckdb.connect()
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed") or not node.get("columns"):
            continue
        schema = node["schema"]
        connection.execute(f'create schema if not exists "{schema}"')
        columns = ", ".join(f'"{name}" {_stub_type(name)}' for name in node["columns"])
        connection.execute(f'create or replace table "{schema}"."{node["name"]}" ({columns})')
    return connection


def test_a_misspelled_column_in_auditor_sql_is_caught(manifest):
    connection = _documented_stand_ins(manifest)
    connection.execute("select outcome from marts.fct_transfer_decision_trace")
    with pytest.raises(duckdb.BinderException):
        connection.execute("select outcomes from marts.fct_transfer_decision_trace")


def test_overview_answers_the_auditor_question():
    text = OVERVIEW.read_text(encoding="utf-8")
    assert "{% docs __overview__ %}" in text
    assert "Why was this person (not) transferred?" in text
    for outcome in ("NO_COUNTED_AID_IN_EPISODE", "CRITERION_NOT_MET", "MET_BUT_OTHER_CRITERION_CARRIED",
                    "NO_AUTHORISED_CATEGORY", "NO_COUNTING_AID", "NOT_REIMBURSED", "THRESHOLD_NOT_MET"):
        assert outcome in text, f"the overview does not explain {outcome}"


# --------------------------------------------------------------------------- the checks can fail

def _synthetic_manifest() -> dict:
    project = "p"
    return {
        "metadata": {"project_name": project},
        "nodes": {
            "model.p.m": {"resource_type": "model", "package_name": project, "name": "m",
                          "original_file_path": "models/m.sql", "description": "A model.",
                          "columns": {"a": {"name": "a", "description": "A."},
                                      "b": {"name": "b", "description": "  "}},
                          "doc_blocks": ["doc.p.rule_used"]},
            "model.p.n": {"resource_type": "model", "package_name": project, "name": "n",
                          "original_file_path": "models/n.sql", "description": "", "columns": {}},
            "model.other.x": {"resource_type": "model", "package_name": "other", "name": "x",
                              "original_file_path": "models/x.sql", "description": "", "columns": {}},
            "seed.p.s": {"resource_type": "seed", "package_name": project, "name": "s",
                         "original_file_path": "seeds/missing.csv", "description": "A seed.",
                         "columns": {"c": {"name": "c", "description": ""}}},
            "test.p.assert_x": {"resource_type": "test", "package_name": project, "name": "assert_x",
                                "original_file_path": "tests/assert_x.sql", "description": ""},
            "test.p.not_null_m_a": {"resource_type": "test", "package_name": project, "name": "not_null_m_a",
                                    "original_file_path": "models/m.yml", "description": "",
                                    "test_metadata": {"name": "not_null", "namespace": None}},
            "test.p.expression_is_true_m": {"resource_type": "test", "package_name": project,
                                            "name": "expression_is_true_m", "original_file_path": "models/m.yml",
                                            "description": "", "test_metadata": {"name": "expression_is_true"}},
        },
        "macros": {
            "macro.p.mine": {"package_name": project, "name": "mine", "original_file_path": "macros/mine.sql",
                             "description": ""},
            "macro.dbt.builtin": {"package_name": "dbt", "name": "builtin",
                                  "original_file_path": "macros/x.sql", "description": ""},
        },
        "unit_tests": {"unit_test.p.m.t": {"package_name": project, "model": "m", "name": "t", "description": ""}},
        "exposures": {"exposure.p.e": {"package_name": project, "name": "e", "description": ""},
                      "exposure.p.f": {"package_name": project, "name": "f",
                                       "description": "The export. Rendered in e."}},
        "docs": {
            "doc.p.rule_used": {"unique_id": "doc.p.rule_used", "package_name": project, "name": "rule_used"},
            "doc.p.rule_orphan": {"unique_id": "doc.p.rule_orphan", "package_name": project, "name": "rule_orphan",
                                  "block_contents": "Quoted nowhere."},
            "doc.p.rule_in_exposure": {"unique_id": "doc.p.rule_in_exposure", "package_name": project,
                                       "name": "rule_in_exposure", "block_contents": "Rendered in e."},
            "doc.p.col_x": {"unique_id": "doc.p.col_x", "package_name": project, "name": "col_x"},
        },
    }


def test_missing_descriptions_are_listed():
    missing = missing_descriptions(_synthetic_manifest(), project_root=Path("/nonexistent"))
    assert missing == [
        "model column m.b",
        "model n (models/n.sql)",
        "seed column s.c",
        "singular test assert_x (tests/assert_x.sql)",
        "generic test expression_is_true expression_is_true_m (models/m.yml)",
        "macro mine (macros/mine.sql)",
        "unit test m.t",
        "exposure e",
    ]


def test_a_complete_manifest_passes():
    manifest = _synthetic_manifest()
    for group in ("nodes", "macros", "unit_tests", "exposures"):
        for entry in manifest[group].values():
            entry["description"] = "Described."
            for column in entry.get("columns", {}).values():
                column["description"] = "Described."
    assert missing_descriptions(manifest, project_root=Path("/nonexistent")) == []


def test_unreferenced_rule_blocks_are_listed():
    assert unreferenced_rule_blocks(_synthetic_manifest()) == ["rule_orphan"]


def test_a_misquoted_note_is_caught():
    note_nl = "De POD MI bezorgt geen gegevens over Belgen. Het gaat om:\n • Familieleden van Belgen\n"
    note_en = "- Never transferred: persons registered in the population\n  register, and Belgians.\n"
    good = ("**Note (nl)**:\n\n> De POD MI bezorgt geen gegevens over Belgen. […] Het gaat om:\n"
            "> - Familieleden van Belgen\n\n**Note (en)**:\n\n"
            "> Never transferred: persons registered in the population register, and Belgians.\n")
    assert quote_mismatches("rule_x", good, note_nl, note_en) == []
    bad = good.replace("Belgen.", "Belgen!").replace("and Belgians", "or Belgians")
    problems = quote_mismatches("rule_x", bad, note_nl, note_en)
    assert len(problems) == 2 and "Dutch" in problems[0] and "English" in problems[1]
    curly = good.replace("Het gaat om:", "Het gaat om’:")
    assert quote_mismatches("rule_x", curly, note_nl, note_en)
    assert quote_mismatches("rule_x", "no quote at all", note_nl, note_en) == [
        "rule_x: quotes no sentence of the Dutch note"]
