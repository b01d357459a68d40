"""The rule catalogue seeds quote the 2014 synthesis note exactly.

`seeds/rules/rule_flows.csv`, `seeds/rules/rule_flow_criteria.csv` and
`seeds/rules/rule_exclusions.csv` carry `note_quote_nl` / `note_quote_en`, shown to
auditors in the decision trace. Every
non-empty `note_quote_nl` must be a substring of the Dutch note
(`synthesis-note-2014-06-11.nl.txt`), every `note_quote_en` a substring of its English
rendering (`synthesis-note-2014-06-11.en.md`), except an English value that starts with
"[translation]" (a working translation of a Dutch sentence the rendering has no line for).

Normalisation, the same function on both sides, and nothing else:
  1. a list marker at the start of a line ("•", "-", "*" or "1.", with its indentation)
     is removed, so a bullet list quoted on one line (items joined by a space) matches;
  2. every run of ASCII whitespace (space, tab, CR, LF) becomes one space.
Quotes, case, punctuation and non-breaking spaces (U+00A0) stay significant: a straight
' for the note's curly ‘ ’, a lower-cased "familieleden" or a paraphrase fails.
A criterion's Dutch quote must also lie inside its own flow's Dutch quote (C2's criterion
"leefloon genieten, terwijl ..." has a comma that C1's has not).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = REPO_ROOT / "seeds" / "rules"
SEED_FILES = ("rule_flows.csv", "rule_flow_criteria.csv", "rule_exclusions.csv")
NOTE_DIR = REPO_ROOT / "docs" / "note"  # copies of ../shared/seed/
NOTE_NL = NOTE_DIR / "synthesis-note-2014-06-11.nl.txt"
NOTE_EN = NOTE_DIR / "synthesis-note-2014-06-11.en.md"
TRANSLATION = "[translation]"

_LIST_MARKER = re.compile(r"^[ \t]*(?:•|[-*]|\d+\.)[ \t]+", re.M)
_ASCII_WHITESPACE = re.compile(r"[ \t\r\n]+")


def normalise(text: str) -> str:
    return _ASCII_WHITESPACE.sub(" ", _LIST_MARKER.sub("", text)).strip()


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, strict=True))


def quote_problems(seed_dir: Path, note_nl: str, note_en: str) -> tuple[list[str], int]:
    """(problems, number of quotes checked) for the seeds in seed_dir."""
    nl, en = normalise(note_nl), normalise(note_en)
    problems: list[str] = []
    checked = 0
    flow_quotes_nl: dict[str, list[str]] = {}
    for name in SEED_FILES:
        for line, row in enumerate(read_rows(seed_dir / name), start=2):
            label = " ".join(filter(None, (row.get("flow_code"), row.get("criterion_code"), row.get("exclusion_code"))))
            where = f"{name}:{line} ({label})"
            quote_nl = row["note_quote_nl"] or ""
            quote_en = row["note_quote_en"] or ""
            if quote_nl.strip():
                checked += 1
                if normalise(quote_nl) not in nl:
                    problems.append(f"{where}: note_quote_nl not in the Dutch note: {quote_nl!r}")
                if name == "rule_flows.csv":
                    flow_quotes_nl.setdefault(row["flow_code"], []).append(normalise(quote_nl))
            if quote_en.startswith(TRANSLATION):
                if not quote_en[len(TRANSLATION):].strip():
                    problems.append(f"{where}: empty {TRANSLATION} value")
            elif quote_en.strip():
                checked += 1
                if normalise(quote_en) not in en:
                    problems.append(f"{where}: note_quote_en not in the English rendering: {quote_en!r}")
    for line, row in enumerate(read_rows(seed_dir / "rule_flow_criteria.csv"), start=2):
        quote = normalise(row["note_quote_nl"] or "")
        if quote and not any(quote in flow for flow in flow_quotes_nl.get(row["flow_code"], [])):
            problems.append(f"rule_flow_criteria.csv:{line} ({row['flow_code']} {row['criterion_code']}): "
                            f"note_quote_nl not inside flow {row['flow_code']}'s note_quote_nl")
    return problems, checked


def _notes() -> tuple[str, str]:
    return NOTE_NL.read_text(encoding="utf-8"), NOTE_EN.read_text(encoding="utf-8")


def test_seed_quotes_are_in_the_note():
    problems, checked = quote_problems(SEED_DIR, *_notes())
    assert checked >= 20, f"only {checked} quotes checked: seeds or columns missing?"
    assert not problems, "\n".join(problems)


def test_normalisation_is_minimal():
    assert normalise(" • a,\n  • b\n1. c\n- d") == "a, b c d"
    assert normalise("a\u00a0b") == "a\u00a0b"  # a non-breaking space is not collapsed
    assert normalise("‘x’") == "‘x’"


def test_an_altered_quote_is_caught(tmp_path):
    """A temporary copy of the seeds with one quote altered at a time fails."""
    note_nl, note_en = _notes()
    alterations = [  # (file, old, new): each one alone must be reported
        ("rule_flow_criteria.csv", "‘artikel 60 tewerkstelling’", "'artikel 60 tewerkstelling'"),
        ("rule_flow_criteria.csv", ",Familieleden van een derdelander", ",familieleden van een derdelander"),
        ("rule_flow_criteria.csv", '"leefloon genieten, terwijl', '"leefloon genieten terwijl'),
        ("rule_flows.csv", "(except article 60 employment);\"",
         "(except article 60 employment); the transfer will take place once technically possible.\""),
        ("rule_exclusions.csv", 'Belgian on the day,EXCLUDED_BELGIAN,2014-05-08,,"POD MI synthesis note of 8 May 2014, '
         '""Gegevensoverdracht in de praktijk""","De POD MI bezorgt aan de DVZ',
         'Belgian on the day,EXCLUDED_BELGIAN,2014-05-08,,"POD MI synthesis note of 8 May 2014, '
         '""Gegevensoverdracht in de praktijk""","De POD MI bezorgt aan DVZ'),
    ]
    for file_name, old, new in alterations:
        for name in SEED_FILES:
            shutil.copy(SEED_DIR / name, tmp_path / name)
        target = tmp_path / file_name
        text = target.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"alteration {old!r} does not apply to {file_name}"
        target.write_text(text.replace(old, new), encoding="utf-8")
        problems, _ = quote_problems(tmp_path, note_nl, note_en)
        assert problems and all(file_name in problem for problem in problems), (old, problems)
    # A bracketed working translation is exempt from the English check.
    for name in SEED_FILES:
        shutil.copy(SEED_DIR / name, tmp_path / name)
    target = tmp_path / "rule_flows.csv"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('"EU citizens and family members with an annex',
                                   '"[translation] EU citizens and family members, with an annex'), encoding="utf-8")
    assert quote_problems(tmp_path, note_nl, note_en)[0] == []
