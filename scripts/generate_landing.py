#!/usr/bin/env python3
"""Generate realistic, deterministic landing files for the POD MI -> DVZ warehouse.

The four sources of CONTRACT.md §2 (``persons``, ``residence_permits``,
``aid_decisions``, ``reimbursements``) are written with exactly the contract's
columns, in the contract's order, as CSV and/or Parquet. The same ``--seed`` (with
the same ``--as-of``, ``--persons``, ``--start-year`` and the same reference seeds)
gives byte-identical files. The bulk is vectorised (numpy + pyarrow): loops run over
small things only (steps of a permit history, decisions per person, kinds of bad
rows), never over persons or rows.

Usage
-----
    python scripts/generate_landing.py --out data/landing --persons 10000 \\
        [--seed 42] [--as-of 2026-06-30] [--format csv|parquet|both] \\
        [--adversarial] [--start-year 2012]

Options
-------
--out DIR        folder to write into (created if missing; files are overwritten).
--persons N      number of persons in the clean data (N >= 50).
--seed S         seed of every random draw (default 42).
--as-of DATE     evaluation date (ISO, default: today). Every clean event lies between
                 1 January of --start-year and this date, except a small tail of rows
                 recorded after it (NOT_YET_EFFECTIVE, RULES.md §1) and some permits and
                 decisions starting shortly after it (issued in advance).
--format F       ``csv``, ``parquet`` or ``both`` (default ``both``).
--adversarial    add bad and tricky rows on top of the clean data (see below) and
                 write the expectation files.
--start-year Y   first year of the history (default 2012).

Outputs (in DIR)
----------------
<source>.csv       comma separated, header, UTF-8, no quoting (no value needs it),
                   ISO dates, timestamps ``YYYY-MM-DD HH:MM:SS`` (a few with ``T``),
                   empty field = null, ``.`` decimal mark.
<source>.parquet   same rows in the same order; dates date32, timestamps
                   timestamp[us], amounts decimal128(10,2), text string.
_generation.json   seed, persons, as_of, start_year, adversarial flag, row counts per
                   source, and which reference lists were used.
_expected_quarantine.csv         (--adversarial) ``source,source_row_number,reason_code``:
                   every row RULES.md §2 must quarantine (row numbers are 1-based,
                   header excluded), with its first reason.
_expected_not_yet_effective.csv  (--adversarial) ``source,source_row_number``: every
                   row with ``recorded_at`` >= as_of + 1 day.

The data model (clean part)
---------------------------
persons (one row per person, plus later versions)
  * ~19 % Belgians from birth (``BE``, ``belgian_since`` null, no permits), ~3 %
    Belgians naturalised before the history starts (``BE`` + ``belgian_since``, no
    permits), ~78 % foreigners with a residence profile (below). EU/EEA/CH
    nationals come from ``seeds/reference/ref_eu_eea_countries.csv`` (fallback: the
    EU-27), third-country nationals from a weighted list (MA, TR, CD, SY, AF, UA, ...).
  * insz: yymmdd + serial (odd = male) + check digits (97 - n mod 97, with the
    "2" prefix for births from 2000), ~15 % of foreigners get a BIS number (month
    + 20 or + 40). Birth years 1940-2008 (never after as_of - 16 years). Unique per
    person; every clean insz passes ``stdnum.be.ssn``. ~10 % of insz values (in
    every source) arrive formatted: ``85.07.30-033.28``, ``85 07 30 033 28``,
    ``850730-033-28``, or with surrounding spaces.
  * birth_date = the insz date (93 %), null (5 %), or a slightly different date (2 %).
  * Later versions (SUPERSEDED older rows): naturalisation of ~1/3 of the foreigners
    who stayed 5-9 years (second row ``BE`` + ``belgian_since``; their permits stop at
    naturalisation), a birth date filled in later, a corrected nationality.
  * ~0.4 % of persons are first recorded after as_of; all their permits, decisions and
    reimbursements are then recorded after as_of too.
residence_permits (a history of consecutive documents per foreigner)
  * EU citizen: ANNEX_19 (3-5 months) -> E (5 y) -> E+; EU family: ANNEX_19TER -> F
    -> F+; family of Belgians: ANNEX_19TER -> F -> F+ (ground BELGIAN_FAMILY);
    third-country family reunification: ATTEST_IMMATRICULATION or ANNEX_15 -> A
    (yearly renewals) -> B; students: A (STUDENT) renewals; students' family: A
    (STUDENT_FAMILY); settled persons: C or D (ground OTHER, POPULATION register);
    others: ANNEX_35 -> H / M / N / OTHER. From 2021-10-11 the reformed codes are
    issued instead: E -> EU, E+ -> EU+, C -> K, D -> L.
  * register follows the document (``ref_document_types.csv``: POPULATION for C, D,
    E+, F+, K, L, EU+, M+; WAITING for ATTEST_IMMATRICULATION; FOREIGNERS otherwise,
    with ANNEX_15/ANNEX_35 half WAITING); ~12 % of EU citizens are in the population
    register already with their E/EU card.
  * Between documents: mostly touching (next day), some gaps (2-20 days), some
    overlaps (up to 30 days). A person's history stops at random (leaving), at
    naturalisation, or at as_of; the next document may start up to 60 days after
    as_of (issued in advance). The last permanent card is often open (valid_to
    null); a last pending annex sometimes too. ~4 % of permits get a correction
    (same permit_id, later recorded_at, e.g. a corrected valid_to).
aid_decisions (0-6 per person, mean ~1.5)
  * every allowed legal_scheme x aid_form; leefloon (RMI/INTEGRATION_INCOME) dominates
    for Belgians, EU citizens and families of Belgians, OCMW/FINANCIAL_AID for A-card
    holders and others. Periods of 1-36 months, chained (renewals), overlapping (e.g.
    medical aid beside financial aid) or after a gap; the last decision of a person is
    sometimes open-ended; ~4 % WITHDRAWN; monthly amounts by aid form (leefloon ~
    700-1700 EUR indexed by year), 3 % null; decision_date a few days before
    period_start (sometimes after, sometimes null); OCMW NIS codes from
    ``ref_ocmw_municipalities.csv`` (one OCMW per person, sometimes another).
    ~20 % of the persons whose history starts with an annex 19/19ter or a
    reunification application get social assistance during it, followed by leefloon
    (EU citizens, families) or more assistance. ~5 % of the decisions get a correction
    (extension, amount, withdrawal).
reimbursements (~17 rows per person)
  * one positive row per GRANTED decision-month for ~93 % of the months (aid_month
    the first of the month, 3 % a mid-month date), amount pro rata of the days
    covered; paid_on 1-4 months after the month (4 % up to a year late), some after
    as_of (recorded before or after as_of); ~4 % negative corrections (new
    reimbursement_id, sometimes netting the month to zero) and ~0.6 % corrected
    versions (same reimbursement_id). insz is the decision's, sometimes formatted
    differently; decision_id sometimes has surrounding spaces.
  * Codes sometimes arrive lower-case or with spaces (valid after normalisation).
  * recorded_at follows its event by days to weeks, and a child is never recorded
    before its parent's first version: a row recorded by as_of always has an
    effective parent. Clean rows never trigger any quarantine reason.
  * The files are an extract taken 45 days after as_of: rows recorded later are left
    out, so the not-yet-effective tail is short (a few % of the rows).

--adversarial (on top of the clean data, at random positions)
------------------------------------------------------------
For every reason of RULES.md §2 and every source where it applies, at least 3 rows
(``max(3, N // 10000)`` per kind), made by the reason's recipe (``RECIPES``: one row a
reason, naming the files it is planted in and the function that makes the bad rows):
MISSING_KEY (null, blank or digit-less keys and insz), INVALID_INSZ (bad check digits, 10 or 12 digits, month 13, BIS month 35, all
zeros, formatted), MISSING_VALUE (each required column nulled or blank, recorded_at
included), UNKNOWN_CODE, END_BEFORE_START, IMPOSSIBLE_SCHEME_FORM,
CONFLICTING_VERSIONS (two rows of a key with one recorded_at and different content:
new keys and newer pairs of existing keys), UNKNOWN_PERSON (insz with no person row,
a person whose only row is quarantined, a person recorded only after as_of),
UNKNOWN_DECISION (non-existent or lower-case decision_id, a decision whose only row
is quarantined or not yet effective), PERSON_MISMATCH (new rows and corrections),
rows with several faults (the first reason wins), exact and formatted duplicates
(SUPERSEDED), bad rows recorded after as_of (NOT_YET_EFFECTIVE wins), rows at
as_of 23:59:59 (effective) and as_of + 1 day 00:00:00 (not yet), timestamps with a
``T`` in the CSV. Bad corrections of good records are newer versions: the older good
version stays staged, so no other row changes place.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
import landing_contract  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = REPO_ROOT / "seeds" / "reference"

DAY = 86_400
EPOCH = dt.date(1970, 1, 1)
NULL = np.iinfo(np.int64).min  # sentinel of a null date / timestamp in the int64 arrays
CHUNK_ROWS = 4_000_000
EXTRACT_LAG_DAYS = 45  # the files are extracted this many days after as_of

# ---------------------------------------------------------------------------------
# Contract (CONTRACT.md §2)
# ---------------------------------------------------------------------------------
# The landing files and their columns in contract order, from the one declaration
# (scripts/landing_contract.py reads the sources YAML), each with its Parquet type.
SOURCES = landing_contract.SOURCES
_TXT, _DATE, _TS, _AMT = pa.string(), pa.date32(), pa.timestamp("us"), pa.decimal128(10, 2)
_ARROW_TYPES = {"text": _TXT, "date": _DATE, "timestamp": _TS, "amount": _AMT}
COLUMNS = {s: [(column.name, _ARROW_TYPES[column.contract_type]) for column in columns]
           for s, columns in landing_contract.LANDING_COLUMNS.items()}
SCHEMAS = {s: pa.schema(cols) for s, cols in COLUMNS.items()}
# Internal schema: the contract plus a flag "write this recorded_at with a T in the CSV".
INTERNAL = {s: SCHEMAS[s].append(pa.field("_t", pa.bool_())) for s in SOURCES}

DOC_TYPES = [
    "A", "B", "C", "D", "E", "E+", "F", "F+", "H", "K", "L", "EU", "EU+", "M", "M+", "N",
    "ANNEX_15", "ANNEX_19", "ANNEX_19TER", "ANNEX_35", "ATTEST_IMMATRICULATION", "OTHER",
]
DOC = {d: i for i, d in enumerate(DOC_TYPES)}
GROUNDS = [
    "EU_CITIZEN", "EU_FAMILY", "BELGIAN_FAMILY", "TCN_FAMILY_REUNIFICATION", "STUDENT",
    "STUDENT_FAMILY", "OTHER",
]
GROUND = {g: i for i, g in enumerate(GROUNDS)}
REGISTERS = ["POPULATION", "FOREIGNERS", "WAITING"]
POPULATION, FOREIGNERS, WAITING = 0, 1, 2
STATUSES = ["GRANTED", "WITHDRAWN"]
# (legal_scheme, aid_form) allowed combinations; weights for "leefloon-heavy" persons
# (Belgians, EU citizens, families of Belgians / EU citizens) and "OCMW-heavy" ones.
COMBOS = [
    ("RMI", "INTEGRATION_INCOME"), ("RMI", "ART60_EMPLOYMENT"), ("RMI", "OTHER_EMPLOYMENT"),
    ("OCMW", "FINANCIAL_AID"), ("OCMW", "MEDICAL_AID"), ("OCMW", "ART60_EMPLOYMENT"),
    ("OCMW", "OTHER_EMPLOYMENT"),
]
SCHEMES = ["RMI", "OCMW"]
FORMS = ["INTEGRATION_INCOME", "FINANCIAL_AID", "MEDICAL_AID", "ART60_EMPLOYMENT", "OTHER_EMPLOYMENT"]
COMBO_SCHEME = np.array([SCHEMES.index(s) for s, _ in COMBOS])
COMBO_FORM = np.array([FORMS.index(f) for _, f in COMBOS])
W_LEEFLOON = np.array([0.58, 0.05, 0.03, 0.18, 0.09, 0.04, 0.03])
W_OCMW = np.array([0.07, 0.01, 0.01, 0.53, 0.20, 0.13, 0.05])

REFORM_2021 = (dt.date(2021, 10, 11) - EPOCH).days
RENAMED_2021 = {"E": "EU", "E+": "EU+", "C": "K", "D": "L"}
DOC_REGISTER_FALLBACK = {
    "A": "FOREIGNERS", "B": "FOREIGNERS", "C": "POPULATION", "D": "POPULATION",
    "E": "FOREIGNERS", "E+": "POPULATION", "F": "FOREIGNERS", "F+": "POPULATION",
    "H": "FOREIGNERS", "K": "POPULATION", "L": "POPULATION", "EU": "FOREIGNERS",
    "EU+": "POPULATION", "M": "FOREIGNERS", "M+": "POPULATION", "N": "FOREIGNERS",
    "ANNEX_15": "FOREIGNERS", "ANNEX_19": "FOREIGNERS", "ANNEX_19TER": "FOREIGNERS",
    "ANNEX_35": "FOREIGNERS", "ATTEST_IMMATRICULATION": "WAITING", "OTHER": "FOREIGNERS",
}
PERMANENT_DOCS = ["B", "C", "D", "E+", "F+", "K", "L", "EU+"]
PENDING_DOCS = ["ANNEX_15", "ANNEX_19", "ANNEX_19TER", "ANNEX_35", "ATTEST_IMMATRICULATION"]

EU27 = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]
EU_WEIGHTS = {"RO": 10, "FR": 8, "NL": 8, "PL": 6, "IT": 6, "ES": 5, "BG": 5, "PT": 4, "DE": 3, "GR": 2}
TCN_WEIGHTS = {
    "MA": 18, "TR": 8, "CD": 8, "SY": 8, "AF": 7, "UA": 6, "CM": 6, "IN": 5, "BR": 5,
    "GN": 5, "DZ": 5, "CN": 4, "TN": 3, "RU": 3, "ER": 3, "IQ": 3, "PS": 3, "US": 2,
    "PK": 2, "NG": 2, "SN": 2, "SO": 2,
}
NIS_FALLBACK = [
    "11002", "21004", "21001", "21015", "44021", "31005", "24062", "52011", "62063",
    "92094", "53053", "71016",
]

# Residence profiles of foreigners: (name, share, probability of skipping the first
# step, steps). A step is (document options, ground, duration); a duration is a number
# of months or a (min, max) number of days. The document option is chosen once per
# person (C or D, ATTEST_IMMATRICULATION or ANNEX_15, H / M / N / OTHER). A history
# continues to the next step with probability CONTINUE_P (else the person leaves).
PROFILES = [
    ("EU_CITIZEN", 0.27, 0.15, [
        (("ANNEX_19",), "EU_CITIZEN", (90, 150)), (("E",), "EU_CITIZEN", 60),
        (("E+",), "EU_CITIZEN", 120)]),
    ("EU_FAMILY", 0.09, 0.10, [
        (("ANNEX_19TER",), "EU_FAMILY", (120, 180)), (("F",), "EU_FAMILY", 60),
        (("F+",), "EU_FAMILY", 120)]),
    ("BELGIAN_FAMILY", 0.15, 0.10, [
        (("ANNEX_19TER",), "BELGIAN_FAMILY", (120, 180)), (("F",), "BELGIAN_FAMILY", 60),
        (("F+",), "BELGIAN_FAMILY", 120)]),
    ("TCN_FAMILY_REUNIFICATION", 0.22, 0.25, [
        (("ATTEST_IMMATRICULATION", "ANNEX_15"), "TCN_FAMILY_REUNIFICATION", (60, 270))]
        + [(("A",), "TCN_FAMILY_REUNIFICATION", 12)] * 5
        + [(("B",), "TCN_FAMILY_REUNIFICATION", 60)]),
    ("STUDENT", 0.10, 0.0, [(("A",), "STUDENT", 12)] * 5),
    ("STUDENT_FAMILY", 0.03, 0.0, [(("A",), "STUDENT_FAMILY", 12)] * 4),
    ("POPULATION", 0.07, 0.0, [(("C", "D"), "OTHER", 60)] * 2),
    ("OTHER", 0.07, 0.5, [
        (("ANNEX_35",), "OTHER", (60, 180)),
        (("H", "M", "N", "OTHER"), "OTHER", (365, 1826)),
        (("H", "M", "N", "OTHER"), "OTHER", (365, 1826))]),
]
PROFILE = {p[0]: i for i, p in enumerate(PROFILES)}
CONTINUE_P = 0.62
P_EU_NATIONAL = np.array([1.0, 0.4, 0.1, 0.0, 0.0, 0.0, 0.3, 0.0])  # per profile, in order
OCMW_HEAVY_PROFILES = [PROFILE[p] for p in ("TCN_FAMILY_REUNIFICATION", "STUDENT", "STUDENT_FAMILY", "OTHER")]
LEEFLOON_AFTER_ANNEX_PROFILES = [PROFILE[p] for p in ("EU_CITIZEN", "EU_FAMILY", "BELGIAN_FAMILY")]
ANNEX_PHASE_PROFILES = LEEFLOON_AFTER_ANNEX_PROFILES + [PROFILE["TCN_FAMILY_REUNIFICATION"]]
STUDENT_PROFILE, OTHER_PROFILE = PROFILE["STUDENT"], PROFILE["OTHER"]
N_OPTIONS = 4
MONTHS = np.array([1, 2, 3, 4, 5, 6, 9, 12, 18, 24, 36])
MONTHS_P = np.array([0.06, 0.06, 0.12, 0.06, 0.04, 0.17, 0.06, 0.22, 0.06, 0.08, 0.07])
N_DECISIONS_P = np.array([0.15, 0.47, 0.21, 0.10, 0.04, 0.02, 0.01])


# ---------------------------------------------------------------------------------
# Small helpers: dates, strings, arrow arrays
# ---------------------------------------------------------------------------------
def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _date(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def _ts(secs: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(secs))


def _month_idx(days):
    return np.asarray(days, np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(mi):
    return np.asarray(mi, np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _add_months(days, k):
    """Same day of month k months later (clipped to the month's last day)."""
    days = np.asarray(days, np.int64)
    mi = _month_idx(days)
    dom = days - _month_start(mi)
    first = _month_start(mi + k)
    dim = _month_start(mi + k + 1) - first
    return first + np.minimum(dom, dim - 1)


def _year(days):
    return np.asarray(days, np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _digits(values, width: int) -> np.ndarray:
    """ASCII digits of non-negative integers, zero-padded: uint8 matrix (n, width)."""
    v = np.asarray(values, np.int64).copy()
    out = np.empty((len(v), width), np.uint8)
    for j in range(width - 1, -1, -1):
        out[:, j] = v % 10 + 48
        v //= 10
    return out


def _strings(mat: np.ndarray) -> pa.ChunkedArray:
    """Fixed-width ASCII rows of a uint8 matrix as an arrow string column (zero copy)."""
    n, w = mat.shape
    chunks = []
    for a in range(0, n, CHUNK_ROWS):
        sub = np.ascontiguousarray(mat[a:a + CHUNK_ROWS])
        offsets = (np.arange(len(sub) + 1, dtype=np.int64) * w).astype(np.int32)
        chunks.append(pa.Array.from_buffers(
            pa.string(), len(sub), [None, pa.py_buffer(offsets), pa.py_buffer(sub)]))
    return pa.chunked_array(chunks, pa.string())


def _ids(prefix: str, numbers, width: int = 9) -> pa.ChunkedArray:
    numbers = np.asarray(numbers, np.int64)
    mat = np.empty((len(numbers), len(prefix) + width), np.uint8)
    mat[:, :len(prefix)] = np.frombuffer(prefix.encode(), np.uint8)
    mat[:, len(prefix):] = _digits(numbers, width)
    return _strings(mat)


def _id_str(prefix: str, number: int, width: int = 9) -> str:
    return f"{prefix}{int(number):0{width}d}"


def _pad_some(rng, arr, p: float):
    """Surround a few values with a space on the left or right (trimmed by staging)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    u = rng.random(len(arr))
    left = pa.array(u < p / 2)
    right = pa.array((u >= p / 2) & (u < p))
    # binary_join_element_wise: the last argument is the separator
    return pc.if_else(left, pc.binary_join_element_wise(" ", arr, ""),
                      pc.if_else(right, pc.binary_join_element_wise(arr, " ", ""), arr))


def _coded(rng, idx, vocab, p_variant: float = 0.03) -> pa.Array:
    """Codes as text; a few arrive lower-case and/or with surrounding spaces."""
    forms = []
    for v in vocab:
        forms += [v, v.lower(), " " + v, v + " ", " " + v.lower() + " "]
    idx = np.asarray(idx, np.int64)
    var = np.zeros(len(idx), np.int64)
    m = rng.random(len(idx)) < p_variant
    var[m] = rng.integers(1, 5, int(m.sum()))
    return pc.take(pa.array(forms, pa.string()), pa.array(idx * 5 + var))


def _date_arr(days) -> pa.Array:
    days = np.asarray(days, np.int64)
    null = days == NULL
    return pa.array(np.where(null, 0, days).astype("datetime64[D]"), type=pa.date32(),
                    mask=null if null.any() else None)


def _ts_arr(secs) -> pa.Array:
    secs = np.asarray(secs, np.int64)
    null = secs == NULL
    return pa.array(np.where(null, 0, secs) * 1_000_000, type=pa.timestamp("us"),
                    mask=null if null.any() else None)


def _dec_arr(cents) -> pa.Array:
    cents = np.ascontiguousarray(cents, np.int64)
    null = cents == NULL
    words = np.empty(2 * len(cents), np.int64)
    words[0::2] = np.where(null, 0, cents)
    words[1::2] = words[0::2] >> 63  # sign extension: 128-bit two's complement
    validity = pa.array(~null).buffers()[1] if null.any() else None
    return pa.Array.from_buffers(_AMT, len(cents), [validity, pa.py_buffer(words)],
                                 null_count=int(null.sum()))


def _rand_secs(rng, n):
    return rng.integers(0, DAY, n)


def _cut(rows: dict, ctx, key: str) -> dict:
    """Drop the rows recorded after the extract was taken (as_of + EXTRACT_LAG_DAYS):
    the files hold only a short tail of not-yet-effective rows. A child is never
    recorded before its parent, so no kept row loses its parent. Entries starting
    with "_" are not per-row. Adds "single": the row's key has one version."""
    keep = rows["rec"] < ctx.asof_end + EXTRACT_LAG_DAYS * DAY
    out = {k: (v if k.startswith("_") else v[keep]) for k, v in rows.items()}
    versions = np.bincount(out[key], minlength=int(out[key].max(initial=0)) + 1)
    out["single"] = versions[out[key]] == 1
    return out


# ---------------------------------------------------------------------------------
# insz
# ---------------------------------------------------------------------------------
def _insz_numbers(birth, bis, serial):
    """11-digit insz as int64: yymmdd (month + 20/40 for BIS) + serial + check digits."""
    bd = np.asarray(birth, np.int64).astype("datetime64[D]")
    year = bd.astype("datetime64[Y]").astype(np.int64) + 1970
    month = bd.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (bd - bd.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    prefix = (year % 100) * 10**7 + (month + bis) * 10**5 + day * 1000 + serial
    check = np.where(year >= 2000, 97 - (2 * 10**9 + prefix) % 97, 97 - prefix % 97)
    return prefix * 100 + check


def _draw_serial(rng, male):
    n = len(male)
    return np.where(male, 2 * rng.integers(0, 499, n) + 1, 2 * rng.integers(0, 498, n) + 2)


def _unique_insz(rng, birth, bis, male):
    serial = _draw_serial(rng, male)
    num = _insz_numbers(birth, bis, serial)
    for _ in range(200):
        _, first = np.unique(num, return_index=True)
        dup = np.ones(len(num), bool)
        dup[first] = False
        if not dup.any():
            return num
        serial[dup] = _draw_serial(rng, male[dup])
        num[dup] = _insz_numbers(birth[dup], bis[dup], serial[dup])
    raise RuntimeError("could not draw unique insz numbers")


INSZ_TEMPLATES = [
    list(range(11)),                                         # 85073003328
    [0, 1, ".", 2, 3, ".", 4, 5, "-", 6, 7, 8, ".", 9, 10],  # 85.07.30-033.28
    [0, 1, " ", 2, 3, " ", 4, 5, " ", 6, 7, 8, " ", 9, 10],  # 85 07 30 033 28
    [0, 1, 2, 3, 4, 5, "-", 6, 7, 8, "-", 9, 10],            # 850730-033-28
    [" "] + list(range(11)) + [" "],                         # " 85073003328 "
]


def _insz_pool(numbers) -> pa.Array:
    """All formatting variants of every insz, concatenated: variant v of person i is
    element v * len(numbers) + i."""
    d = _digits(numbers, 11)
    parts = []
    for tpl in INSZ_TEMPLATES:
        mat = np.empty((len(numbers), len(tpl)), np.uint8)
        for j, t in enumerate(tpl):
            mat[:, j] = d[:, t] if isinstance(t, int) else ord(t)
        parts.append(_strings(mat))
    return pa.chunked_array([c for p in parts for c in p.chunks], pa.string()).combine_chunks()


def _insz_variant(rng, n, p_formatted):
    var = np.zeros(n, np.int64)
    m = rng.random(n) < p_formatted
    var[m] = rng.integers(1, len(INSZ_TEMPLATES), int(m.sum()))
    return var


def _format_insz(plain: str, variant: int) -> str:
    return "".join(plain[t] if isinstance(t, int) else t for t in INSZ_TEMPLATES[variant])


# ---------------------------------------------------------------------------------
# Reference lists
# ---------------------------------------------------------------------------------
def _read_csv_column(path: Path, column: str) -> list[str] | None:
    if not path.exists():
        return None
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if column not in (reader.fieldnames or []):
            return None
        return [row[column].strip() for row in reader if row[column]]


def load_reference():
    eu = _read_csv_column(REFERENCE_DIR / "ref_eu_eea_countries.csv", "country_code")
    eu_source = "seeds/reference/ref_eu_eea_countries.csv"
    if not eu:
        eu, eu_source = list(EU27), "built-in EU-27"
    eu = sorted({c.upper() for c in eu if len(c) == 2 and c.isascii() and c.isalpha()} - {"BE"})
    nis = _read_csv_column(REFERENCE_DIR / "ref_ocmw_municipalities.csv", "nis_code")
    nis_source = "seeds/reference/ref_ocmw_municipalities.csv"
    nis = [c for c in (nis or []) if len(c) == 5 and c.isascii() and c.isdigit()]
    if not nis:
        nis, nis_source = list(NIS_FALLBACK), "built-in fallback list"
    nis = sorted(set(nis))
    reg = dict(DOC_REGISTER_FALLBACK)
    path = REFERENCE_DIR / "ref_document_types.csv"
    if path.exists():
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("document_type") in reg and row.get("register") in REGISTERS:
                    reg[row["document_type"]] = row["register"]
    return {"eu": eu, "eu_source": eu_source, "nis": nis, "nis_source": nis_source,
            "doc_register": reg}


# ---------------------------------------------------------------------------------
# Clean data
# ---------------------------------------------------------------------------------
class Ctx:
    """Parameters shared by the generation steps."""

    def __init__(self, n, seed, as_of: dt.date, start_year, ref):
        self.n = n
        self.seed = seed
        self.as_of = as_of
        self.asof = _days(as_of)
        self.asof_end = (self.asof + 1) * DAY  # first second that is not yet effective
        self.start = _days(dt.date(start_year, 1, 1))
        self.ref = ref
        self.k = max(3, n // 10_000)  # bad rows per kind
        self.n_fresh = 20 * self.k + 20  # valid insz of nobody, for --adversarial
        ss = np.random.SeedSequence(seed)
        names = ["persons", "permits", "decisions", "reimb", "format", "order", "adv", "insert"]
        self.rng = dict(zip(names, (np.random.default_rng(s) for s in ss.spawn(len(names)))))
        tcn = [c for c in TCN_WEIGHTS if c not in ref["eu"] and c != "BE"]
        self.countries = ["BE"] + ref["eu"] + tcn + (["GB"] if "GB" not in ref["eu"] else [])
        self.c_idx = {c: i for i, c in enumerate(self.countries)}
        self.eu_idx = np.array([self.c_idx[c] for c in ref["eu"]])
        w = np.array([EU_WEIGHTS.get(c, 1.0) for c in ref["eu"]], float)
        self.eu_w = w / w.sum()
        self.tcn_idx = np.array([self.c_idx[c] for c in tcn])
        w = np.array([TCN_WEIGHTS[c] for c in tcn], float)
        self.tcn_w = w / w.sum()


def gen_persons(ctx: Ctx):
    rng, n, M = ctx.rng["persons"], ctx.n, ctx.n + ctx.n_fresh
    asof, start = ctx.asof, ctx.start
    group = rng.choice(3, size=M, p=[0.19, 0.03, 0.78])  # native BE, naturalised before, foreign
    profile = rng.choice(len(PROFILES), size=M, p=[p[1] for p in PROFILES])
    profile[group != 2] = -1
    option = rng.integers(0, N_OPTIONS, M)
    entry = start + rng.integers(0, max(asof - start - 30, 1), M)
    late = rng.random(M) < 0.004  # first recorded after as_of
    entry[late] = asof - rng.integers(0, 30, int(late.sum()))
    student = profile == STUDENT_PROFILE
    age = np.where(student, 17.5 + rng.gamma(2.0, 1.8, M), 18.0 + rng.gamma(2.2, 6.5, M))
    birth = entry - (age * 365.25).astype(np.int64)
    hi = min(_days(dt.date(2008, 12, 31)), asof - 16 * 365)
    lo = _days(dt.date(1940, 1, 1))
    # spread the ones out of range over a few years (a pile-up on one date would exhaust
    # the insz serial numbers of that date)
    birth = np.where(birth < lo, lo + rng.integers(0, 3 * 365, M), birth)
    birth = np.where(birth > hi, hi - rng.integers(0, 2 * 365, M), birth)
    bis = np.zeros(M, np.int64)
    fb = (group == 2) & (rng.random(M) < 0.15)
    bis[fb] = rng.choice([20, 40], int(fb.sum()))
    male = rng.random(M) < 0.5
    insz = _unique_insz(rng, birth, bis, male)

    is_eu = (group == 2) & (rng.random(M) < P_EU_NATIONAL[np.maximum(profile, 0)])
    nat = np.where(is_eu, rng.choice(ctx.eu_idx, M, p=ctx.eu_w), rng.choice(ctx.tcn_idx, M, p=ctx.tcn_w))
    nat[(profile == OTHER_PROFILE) & (option == 1)] = ctx.c_idx["GB"]  # M cards: Brexit
    nat[group != 2] = ctx.c_idx["BE"]

    # Belgians naturalised before the history: belgian_since between 18 years old and entry.
    since_v1 = np.full(M, NULL, np.int64)
    g1 = group == 1
    lo, hi_ = birth + 18 * 365, entry - 30
    frac = rng.random(M)
    since_v1[g1] = np.where(lo < hi_, lo + (frac * (hi_ - lo)).astype(np.int64), np.maximum(birth + 1, entry - 365))[g1]
    # Naturalised during the history: 5-9 years after entry.
    nat_day = entry + rng.integers(5 * 365, 9 * 365, M)
    naturalised = (group == 2) & ~late & (nat_day <= asof - 10) & (rng.random(M) < 0.35)
    nat_day[~naturalised] = NULL

    bmode = rng.random(M)
    birth_col = birth.copy()
    birth_col[bmode < 0.05] = NULL
    shifted = (bmode >= 0.05) & (bmode < 0.07)
    birth_col[shifted] += rng.choice([-1, 1], int(shifted.sum())) * rng.integers(1, 400, int(shifted.sum()))
    birth_col[shifted] = np.clip(birth_col[shifted], _days(dt.date(1940, 1, 1)), _days(dt.date(2008, 12, 31)))

    rec1 = (entry + rng.integers(1, 30, M)) * DAY + _rand_secs(rng, M)
    rec1[late] = ctx.asof_end + rng.integers(0, 20 * DAY, int(late.sum()))

    P = dict(group=group, profile=profile, option=option, entry=entry, late=late, birth=birth,
             insz=insz, nat=nat, since_v1=since_v1, nat_day=nat_day, naturalised=naturalised,
             rec1=rec1, pop_reg=rng.random(M) < 0.12)

    # Rows: version 1 of every (clean) person, then later versions.
    idx = np.arange(n)
    v2_nat = naturalised[:n]
    u = rng.random(n)
    v2_bd = ~v2_nat & ~late[:n] & (birth_col[:n] == NULL) & (u < 0.4)
    v2_nf = ~v2_nat & ~v2_bd & ~late[:n] & (group[:n] == 2) & (u > 0.99)
    rec_nat = (np.where(v2_nat, nat_day[:n], 0) + rng.integers(5, 60, n)) * DAY + _rand_secs(rng, n)
    rec_bd = rec1[:n] + rng.integers(30, 500, n) * DAY
    rec_nf = rec1[:n] + rng.integers(10, 400, n) * DAY
    pos = rng.integers(0, len(ctx.tcn_idx), n)
    other_nat = ctx.tcn_idx[pos]
    same = other_nat == nat[:n]
    other_nat[same] = ctx.tcn_idx[(pos[same] + 1) % len(ctx.tcn_idx)]

    rows_p = [idx, idx[v2_nat], idx[v2_bd], idx[v2_nf]]
    rows = dict(
        person=np.concatenate(rows_p),
        birth=np.concatenate([birth_col[:n], birth_col[:n][v2_nat], birth[:n][v2_bd], birth_col[:n][v2_nf]]),
        nat=np.concatenate([nat[:n], np.full(int(v2_nat.sum()), ctx.c_idx["BE"]), nat[:n][v2_bd], other_nat[v2_nf]]),
        since=np.concatenate([since_v1[:n], nat_day[:n][v2_nat], since_v1[:n][v2_bd], since_v1[:n][v2_nf]]),
        rec=np.concatenate([rec1[:n], rec_nat[v2_nat], rec_bd[v2_bd], rec_nf[v2_nf]]),
    )
    return P, _cut(rows, ctx, "person")


def gen_permits(ctx: Ctx, P):
    rng, n, asof = ctx.rng["permits"], ctx.n, ctx.asof
    n_steps = max(len(p[3]) for p in PROFILES)
    n_prof = len(PROFILES)
    doc_t = np.zeros((n_prof, n_steps, N_OPTIONS), np.int64)
    ground_t = np.zeros((n_prof, n_steps), np.int64)
    months_t = np.zeros((n_prof, n_steps), np.int64)
    dlo_t = np.ones((n_prof, n_steps), np.int64)
    dhi_t = np.ones((n_prof, n_steps), np.int64)
    length = np.array([len(p[3]) for p in PROFILES])
    skip_first = np.array([p[2] for p in PROFILES])
    for pi, (_, _, _, steps) in enumerate(PROFILES):
        for si, (docs, ground, dur) in enumerate(steps):
            doc_t[pi, si] = [DOC[docs[o % len(docs)]] for o in range(N_OPTIONS)]
            ground_t[pi, si] = GROUND[ground]
            if isinstance(dur, tuple):
                dlo_t[pi, si], dhi_t[pi, si] = dur
            else:
                months_t[pi, si] = dur
    rename = np.arange(len(DOC_TYPES))
    for a, b in RENAMED_2021.items():
        rename[DOC[a]] = DOC[b]
    reg_of_doc = np.array([REGISTERS.index(ctx.ref["doc_register"][d]) for d in DOC_TYPES])

    prof = P["profile"][:n]
    pc_ = np.maximum(prof, 0)
    option = P["option"][:n]
    nat_day = P["nat_day"][:n]
    first = (rng.random(n) < skip_first[pc_]).astype(np.int64)
    alive = prof >= 0
    start = P["entry"][:n].copy()
    prev_start = start.copy()
    prev_end = start.copy()
    out = {k: [] for k in ("person", "step", "doc", "ground", "start", "end", "future")}
    for k in range(n_steps):
        s = first + k
        alive &= s < length[pc_]
        if k > 0:
            alive &= rng.random(n) < CONTINUE_P
            u = rng.random(n)
            delta = np.where(u < 0.6, 1, np.where(u < 0.8, rng.integers(2, 21, n), -rng.integers(0, 31, n)))
            start = np.maximum(prev_end + delta, prev_start + 1)
        if not alive.any():
            break
        sc = np.minimum(s, n_steps - 1)
        future = start > asof
        keep = alive & (~future | ((start <= asof + 60) & (rng.random(n) < 0.5) & (k > 0)))
        keep &= (nat_day == NULL) | (start < nat_day)
        doc = doc_t[pc_, sc, option]
        doc = np.where(start >= REFORM_2021, rename[doc], doc)
        dm = months_t[pc_, sc]
        end = np.where(dm > 0, _add_months(start, dm) - 1,
                       start + rng.integers(dlo_t[pc_, sc], dhi_t[pc_, sc] + 1) - 1)
        sel = np.flatnonzero(keep)
        out["person"].append(sel)
        out["step"].append(np.full(len(sel), k))
        out["doc"].append(doc[sel])
        out["ground"].append(ground_t[pc_, sc][sel])
        out["start"].append(start[sel])
        out["end"].append(end[sel])
        out["future"].append(future[sel])
        alive = keep & ~future
        prev_start, prev_end = start, end
    R = {k: np.concatenate(v) for k, v in out.items()}
    order = np.lexsort((R["step"], R["person"]))
    R = {k: v[order] for k, v in R.items()}
    m = len(R["person"])
    last = np.ones(m, bool)
    last[:-1] = R["person"][:-1] != R["person"][1:]
    u = rng.random(m)
    is_perm = np.isin(R["doc"], [DOC[d] for d in PERMANENT_DOCS])
    is_pend = np.isin(R["doc"], [DOC[d] for d in PENDING_DOCS])
    open_ = last & ((is_perm & (u < 0.45)) | (is_pend & (u < 0.15)))
    R["end"][open_] = NULL
    reg = reg_of_doc[R["doc"]]
    eu_card = np.isin(R["doc"], [DOC["E"], DOC["EU"]])
    reg[eu_card & P["pop_reg"][R["person"]]] = POPULATION
    wait_ok = np.isin(R["doc"], [DOC["ANNEX_15"], DOC["ANNEX_35"]])
    reg[wait_ok & (rng.random(m) < 0.5)] = WAITING
    R["register"] = reg
    rec = (R["start"] + rng.integers(2, 36, m)) * DAY + _rand_secs(rng, m)
    rec_future = (asof - rng.integers(0, 10, m)) * DAY + _rand_secs(rng, m)
    rec = np.where(R["future"], rec_future, rec)
    rec = np.maximum(rec, P["rec1"][R["person"]] + rng.integers(3600, 3 * DAY, m))
    R["rec"] = rec
    R["id"] = np.arange(1, m + 1)

    # Corrections: same permit_id, later recorded_at, corrected valid_to (or register).
    corr = np.flatnonzero(~R["future"] & (rng.random(m) < 0.04))
    C = {k: v[corr].copy() for k, v in R.items()}
    nc = len(corr)
    shift = rng.integers(1, 61, nc) * rng.choice([-1, 1], nc)
    had_end = C["end"] != NULL
    C["end"] = np.where(had_end, np.maximum(C["end"] + shift, C["start"]), C["start"] + rng.integers(180, 1000, nc))
    flip = np.isin(C["doc"], [DOC["E"], DOC["EU"]]) & (rng.random(nc) < 0.3)
    C["end"][flip] = R["end"][corr][flip]
    C["register"][flip] = np.where(C["register"][flip] == POPULATION, FOREIGNERS, POPULATION)
    C["rec"] = C["rec"] + rng.integers(5, 300, nc) * DAY + _rand_secs(rng, nc)
    R = {k: np.concatenate([R[k], C[k]]) for k in R}
    R["_n_keys"] = m
    return _cut(R, ctx, "id")


def _monthly_amount_cents(rng, combo, start):
    n = len(combo)
    form = COMBO_FORM[combo]
    year = _year(start)
    index = np.clip(0.85 + 0.0115 * (year - 2012), 0.80, 1.02)
    leef = rng.choice([0.65, 1.0, 1.3], n, p=[0.3, 0.5, 0.2]) * 1300 * index
    amt = np.select(
        [form == 0, form == 1, form == 2, form == 3],
        [leef, rng.uniform(300, 1400, n), rng.uniform(40, 500, n), rng.uniform(1500, 1750, n)],
        rng.uniform(250, 900, n))
    return np.round(amt * 100).astype(np.int64)


def gen_decisions(ctx: Ctx, P):
    rng, n, asof = ctx.rng["decisions"], ctx.n, ctx.asof
    n_dec = rng.choice(len(N_DECISIONS_P), n, p=N_DECISIONS_P)
    profile = P["profile"][:n]
    heavy = np.isin(profile, OCMW_HEAVY_PROFILES)
    entry = P["entry"][:n]
    # Social assistance while on an annex 19/19ter or a reunification application (the
    # first document), then leefloon (EU citizens and families) or more assistance.
    annex_phase = np.isin(profile, ANNEX_PHASE_PROFILES) & (rng.random(n) < 0.2)
    n_dec = np.where(annex_phase, np.maximum(n_dec, 2), n_dec)
    leefloon_after = annex_phase & np.isin(profile, LEEFLOON_AFTER_ANNEX_PROFILES)
    w = np.array([25.0 if c in NIS_FALLBACK else 1.0 for c in ctx.ref["nis"]])  # big cities
    home = rng.choice(len(ctx.ref["nis"]), n, p=w / w.sum())
    alive = np.ones(n, bool)
    prev_s = entry.copy()
    prev_e = entry.copy()
    prev_c = np.zeros(n, np.int64)
    out = {k: [] for k in ("person", "step", "combo", "start", "end")}
    for k in range(len(N_DECISIONS_P) - 1):
        alive &= n_dec > k
        if not alive.any():
            break
        if k == 0:
            start = entry + (rng.random(n) ** 1.2 * (asof + 20 - entry)).astype(np.int64)
            start = np.where(annex_phase, entry + rng.integers(0, 75, n), start)
        else:
            u = rng.random(n)
            open_prev = prev_e == NULL
            length = np.where(open_prev, asof, prev_e) - prev_s + 1
            cont = np.where(open_prev, prev_s + rng.integers(0, np.maximum(length, 1)), prev_e + 1)
            over = prev_s + rng.integers(0, np.maximum(length, 1))
            gap = np.where(open_prev, prev_s, prev_e) + rng.integers(15, 700, n)
            start = np.where(u < 0.45, cont, np.where(u < 0.70, over, gap))
            if k == 1:
                start = np.where(annex_phase, cont, start)
        keep = alive & (start <= asof + 20)
        new_combo = np.where(heavy, rng.choice(len(COMBOS), n, p=W_OCMW), rng.choice(len(COMBOS), n, p=W_LEEFLOON))
        combo = np.where((k == 0) | (rng.random(n) < 0.3), new_combo, prev_c)
        months = rng.choice(MONTHS, n, p=MONTHS_P)
        if k == 0:
            combo = np.where(annex_phase, np.where(rng.random(n) < 0.85, 3, 5), combo)  # OCMW aid
            months = np.where(annex_phase, rng.integers(1, 4, n), months)
        if k == 1:
            combo = np.where(leefloon_after, 0, np.where(annex_phase, 3, combo))
        end = np.where(rng.random(n) < 0.75, _add_months(start, months) - 1,
                       np.maximum(start + months * 30 + rng.integers(-10, 11, n), start))
        sel = np.flatnonzero(keep)
        for key, val in (("person", sel), ("step", np.full(len(sel), k)), ("combo", combo[sel]),
                         ("start", start[sel]), ("end", end[sel])):
            out[key].append(val)
        alive = keep
        prev_s, prev_e, prev_c = start, end, combo
    D = {k: np.concatenate(v) for k, v in out.items()}
    order = np.lexsort((D["step"], D["person"]))
    D = {k: v[order] for k, v in D.items()}
    m = len(D["person"])
    last = np.ones(m, bool)
    last[:-1] = D["person"][:-1] != D["person"][1:]
    D["end"][last & (rng.random(m) < 0.18)] = NULL
    D["status"] = (rng.random(m) < 0.04).astype(np.int64)  # 1 = WITHDRAWN
    amount = _monthly_amount_cents(rng, D["combo"], D["start"])
    D["amount_fallback"] = amount.copy()
    amount[rng.random(m) < 0.03] = NULL
    D["amount"] = amount
    u = rng.random(m)
    ddate = np.where(u < 0.85, D["start"] - rng.integers(1, 22, m), D["start"] + rng.integers(0, 31, m))
    ddate[u > 0.95] = NULL
    D["ddate"] = ddate
    other = rng.integers(0, len(ctx.ref["nis"]), m)
    D["nis"] = np.where(rng.random(m) < 0.10, other, home[D["person"]])
    base = np.where(ddate == NULL, D["start"], np.maximum(ddate, D["start"] - 30))
    rec = (base + rng.integers(2, 31, m)) * DAY + _rand_secs(rng, m)
    D["rec"] = np.maximum(rec, P["rec1"][D["person"]] + rng.integers(3600, 3 * DAY, m))
    D["id"] = np.arange(1, m + 1)

    # Corrections: extension, amount, withdrawal.
    corr = np.flatnonzero(rng.random(m) < 0.05)
    C = {k: v[corr].copy() for k, v in D.items()}
    nc = len(corr)
    kind = rng.choice(3, nc, p=[0.5, 0.35, 0.15])
    extend = (kind == 0) & (C["end"] != NULL)
    C["end"][extend] = _add_months(C["end"][extend] + 1, rng.integers(1, 7, int(extend.sum()))) - 1
    amt = (kind == 1) | ((kind == 0) & ~extend)
    C["amount"][amt] = np.round(C["amount_fallback"][amt] * rng.uniform(0.9, 1.1, int(amt.sum()))).astype(np.int64)
    C["status"][kind == 2] = 1
    C["rec"] = C["rec"] + rng.integers(10, 250, nc) * DAY + _rand_secs(rng, nc)
    final = {k: v.copy() for k, v in D.items()}  # the last version of each decision
    for key in ("end", "amount", "status"):
        final[key][corr] = C[key]
    D = {k: np.concatenate([D[k], C[k]]) for k in D}
    D["_n_keys"] = m
    D["_key_person"] = D["person"][:m].copy()
    D["_key_rec"] = D["rec"][:m].copy()
    return _cut(D, ctx, "id"), final


def gen_reimbursements(ctx: Ctx, D, final):
    rng, asof = ctx.rng["reimb"], ctx.asof
    dec_rec1 = D["_key_rec"]
    ok = (final["status"] == 0) & (final["start"] <= asof)
    d_idx = np.flatnonzero(ok)
    start = final["start"][d_idx]
    end = np.where(final["end"][d_idx] == NULL, asof, np.minimum(final["end"][d_idx], asof))
    ms, me = _month_idx(start), _month_idx(end)
    count = me - ms + 1
    rows_dec = np.repeat(d_idx, count)
    offs = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    mi = np.repeat(ms, count) + offs
    t = len(mi)
    asof_mi = _month_idx(np.array([asof]))[0]
    p_paid = np.where(mi == asof_mi, 0.4, np.where(mi == asof_mi - 1, 0.75, 0.93))
    paid_mask = rng.random(t) < p_paid
    rows_dec, mi = rows_dec[paid_mask], mi[paid_mask]
    t = len(mi)
    m_first = _month_start(mi)
    m_last = _month_start(mi + 1) - 1
    d_start, d_end = final["start"][rows_dec], final["end"][rows_dec]
    cov_end = np.where(d_end == NULL, m_last, np.minimum(d_end, m_last))
    covered = cov_end - np.maximum(d_start, m_first) + 1
    dim = m_last - m_first + 1
    monthly = np.where(final["amount"][rows_dec] == NULL, final["amount_fallback"][rows_dec], final["amount"][rows_dec])
    jitter = np.where(rng.random(t) < 0.15, rng.uniform(0.9, 1.0, t), 1.0)
    amount = np.maximum(np.round(monthly * covered / dim * jitter).astype(np.int64), 1)
    paid = m_last + 1 + rng.integers(0, 100, t)
    late = rng.random(t) < 0.04
    paid[late] += rng.integers(100, 330, int(late.sum()))
    rec = (paid + rng.integers(0, 13, t)) * DAY + _rand_secs(rng, t)
    early = (paid > asof) & (rng.random(t) < 0.5)  # a scheduled payment, recorded before paid_on
    rec[early] = (paid[early] - rng.integers(1, 26, int(early.sum()))) * DAY + _rand_secs(rng, int(early.sum()))
    aid_month = m_first.copy()
    mid = rng.random(t) < 0.03
    aid_month[mid] += rng.integers(1, 28, int(mid.sum()))

    # Negative corrections: new reimbursement_id, later paid_on.
    neg = np.flatnonzero(rng.random(t) < 0.04)
    nn_ = len(neg)
    full = rng.random(nn_) < 0.45
    neg_amount = -np.where(full, amount[neg], np.maximum(np.round(amount[neg] * rng.uniform(0.1, 0.6, nn_)), 1).astype(np.int64))
    neg_paid = paid[neg] + rng.integers(20, 200, nn_)
    neg_rec = np.maximum((neg_paid + rng.integers(0, 13, nn_)) * DAY + _rand_secs(rng, nn_), rec[neg] + DAY)

    R = dict(
        dec=np.concatenate([rows_dec, rows_dec[neg]]),
        aid_month=np.concatenate([aid_month, m_first[neg]]),
        amount=np.concatenate([amount, neg_amount]),
        paid=np.concatenate([paid, neg_paid]),
        rec=np.concatenate([rec, neg_rec]),
    )
    k = len(R["dec"])
    R["rec"] = np.maximum(R["rec"], dec_rec1[R["dec"]] + rng.integers(3600, 2 * DAY, k))
    R["id"] = np.arange(1, k + 1)
    # Corrected versions: same reimbursement_id, amount adjusted, recorded later.
    corr = np.flatnonzero((R["amount"] > 0) & (rng.random(k) < 0.006))
    C = {key: v[corr].copy() for key, v in R.items()}
    nc = len(corr)
    C["amount"] = np.maximum(C["amount"] + rng.integers(100, 5000, nc) * rng.choice([-1, 1], nc), 1)
    C["rec"] = C["rec"] + rng.integers(3, 90, nc) * DAY + _rand_secs(rng, nc)
    R = {key: np.concatenate([R[key], C[key]]) for key in R}
    R["_n_keys"] = k
    return _cut(R, ctx, "id")


def build_clean_tables(ctx: Ctx):
    """Generate the clean data; return arrow tables (generation order) and metadata."""
    t0 = time.perf_counter()
    P, PR = gen_persons(ctx)
    R = gen_permits(ctx, P)
    D, final = gen_decisions(ctx, P)
    B = gen_reimbursements(ctx, D, final)
    _log(f"  drawn in {time.perf_counter() - t0:.1f}s")
    rng = ctx.rng["format"]
    M = ctx.n + ctx.n_fresh
    pool = _insz_pool(P["insz"])

    def insz_col(person_idx, p_formatted):
        var = _insz_variant(rng, len(person_idx), p_formatted)
        return pc.take(pool, pa.array(var * M + person_idx))

    def t_flag(n):
        return pa.array(rng.random(n) < 0.005)

    tables = {}
    tables["persons"] = pa.table([
        insz_col(PR["person"], 0.06), _date_arr(PR["birth"]), _coded(rng, PR["nat"], ctx.countries),
        _date_arr(PR["since"]), _ts_arr(PR["rec"]), t_flag(len(PR["rec"])),
    ], schema=INTERNAL["persons"])
    tables["residence_permits"] = pa.table([
        _pad_some(rng, _ids("P", R["id"]), 0.005), insz_col(R["person"], 0.10),
        _coded(rng, R["doc"], DOC_TYPES), _coded(rng, R["ground"], GROUNDS),
        _coded(rng, R["register"], REGISTERS), _date_arr(R["start"]), _date_arr(R["end"]),
        _ts_arr(R["rec"]), t_flag(len(R["rec"])),
    ], schema=INTERNAL["residence_permits"])
    tables["aid_decisions"] = pa.table([
        _pad_some(rng, _ids("D", D["id"]), 0.005),
        _coded(rng, D["nis"], ctx.ref["nis"], 0.02), insz_col(D["person"], 0.10),
        _coded(rng, COMBO_SCHEME[D["combo"]], SCHEMES), _coded(rng, COMBO_FORM[D["combo"]], FORMS),
        _date_arr(D["start"]), _date_arr(D["end"]), _dec_arr(D["amount"]), _date_arr(D["ddate"]),
        _coded(rng, D["status"], STATUSES), _ts_arr(D["rec"]), t_flag(len(D["rec"])),
    ], schema=INTERNAL["aid_decisions"])
    dec_person = D["_key_person"]
    tables["reimbursements"] = pa.table([
        _pad_some(rng, _ids("R", B["id"]), 0.002), _pad_some(rng, _ids("D", B["dec"] + 1), 0.005),
        insz_col(dec_person[B["dec"]], 0.12), _date_arr(B["aid_month"]), _dec_arr(B["amount"]),
        _date_arr(B["paid"]), _ts_arr(B["rec"]), t_flag(len(B["rec"])),
    ], schema=INTERNAL["reimbursements"])
    _log(f"  tables built in {time.perf_counter() - t0:.1f}s")
    meta = {"P": P, "persons": PR, "residence_permits": R, "aid_decisions": D, "reimbursements": B}
    return tables, meta


# ---------------------------------------------------------------------------------
# Adversarial rows
# ---------------------------------------------------------------------------------
class Adversary:
    """Builds bad and tricky rows as small python dicts, each with its expected place:
    a reason code (QUARANTINED), "NYE" (not yet effective) or None (staged/superseded)."""

    def __init__(self, ctx: Ctx, tables, meta):
        self.ctx, self.tables, self.meta = ctx, tables, meta
        self.rng = ctx.rng["adv"]
        self.rows = {s: [] for s in SOURCES}
        P = meta["P"]
        self._insz = P["insz"]
        self.fresh = list(range(ctx.n, ctx.n + ctx.n_fresh))
        self.next_id = {
            "residence_permits": meta["residence_permits"]["_n_keys"] + 1,
            "aid_decisions": meta["aid_decisions"]["_n_keys"] + 1,
            "reimbursements": meta["reimbursements"]["_n_keys"] + 1,
        }
        limit = ctx.asof_end - 3 * DAY
        self.pools = {}
        self.effective = {}
        for s in SOURCES:
            rec = meta[s]["rec"]
            eff = np.flatnonzero((rec < limit) & (rec > ctx.start * DAY))
            self.effective[s] = eff
            single = eff[meta[s]["single"][eff]]
            size = min(len(single), 60 * ctx.k + 200)  # more than the kinds below use
            self.pools[s] = self.rng.choice(single, size, replace=False)
        self.used = {s: 0 for s in SOURCES}

    def plain(self, person: int) -> str:
        """The 11-digit insz of a person (clean or fresh)."""
        return f"{int(self._insz[person]):011d}"

    # -- picking rows -------------------------------------------------------------
    def target(self, s):
        """A clean key with a single, effective version: its row index."""
        pool = self.pools[s]
        if self.used[s] >= len(pool):  # never reuse a key: its bad rows could then collide
            raise SystemExit(f"--adversarial: too few clean {s} rows; use more --persons")
        self.used[s] += 1
        return int(pool[self.used[s] - 1])

    def any_row(self, s):
        eff = self.effective[s]
        return int(eff[self.rng.integers(0, len(eff))])

    def row(self, s, i):
        r = self.tables[s].slice(i, 1).to_pylist()[0]
        r["_t"] = False
        return r

    def fresh_insz(self):
        return self.plain(self.fresh.pop())

    def new_id(self, s):
        prefix = {"residence_permits": "P", "aid_decisions": "D", "reimbursements": "R"}[s]
        i = self.next_id[s]
        self.next_id[s] += 1
        return _id_str(prefix, i)

    def person_of(self, s, i):
        m = self.meta[s]
        if s == "persons":
            return int(m["person"][i])
        if s == "reimbursements":
            return int(self.meta["aid_decisions"]["_key_person"][m["dec"][i]])
        return int(m["person"][i])

    # -- timestamps ---------------------------------------------------------------
    def later(self, s, i):
        """A recorded_at after the key's version, still effective (and before the
        as_of 23:59:59 edge rows)."""
        lo = int(self.meta[s]["rec"][i]) + DAY
        return _ts(self.rng.integers(lo, self.ctx.asof_end - 2))

    def eff_ts(self):
        lo = max(self.ctx.start, self.ctx.asof - 300) * DAY
        return _ts(self.rng.integers(lo, self.ctx.asof_end - DAY))

    def nye_ts(self):
        return _ts(self.ctx.asof_end + self.rng.integers(0, 30 * DAY))

    def add(self, s, r, expect):
        self.rows[s].append((r, expect))

    def corrupt_insz(self, plain: str, kind: int) -> str:
        p = int(plain[:9])
        if kind in (0, 4):  # wrong check digits (under both the 1900 and the 2000 rule)
            valid = {97 - p % 97, 97 - (2 * 10**9 + p) % 97}
            c = int(plain[9:])
            while c in valid:
                c = (c + int(self.rng.integers(1, 97))) % 100
            bad = plain[:9] + f"{c:02d}"
            return bad if kind == 0 else _format_insz(bad, 1)
        if kind == 1:
            return plain[:10]  # 10 digits
        if kind == 2:  # month 13, check digits right
            q = plain[:2] + "13" + plain[4:9]
            return q + f"{97 - int(q) % 97:02d}"
        if kind == 3:
            return "00000000000"
        if kind == 5:  # BIS month 35 (15 + 20), check digits right
            q = plain[:2] + "35" + plain[4:9]
            return q + f"{97 - int(q) % 97:02d}"
        return plain + "7"  # 12 digits

    # -- the plan -----------------------------------------------------------------
    def build(self):
        """The parents of the cascades, the tricky rows of every source, then every recipe
        of RECIPES in every file it names: max(k, recipe.variants) times each."""
        k = self.ctx.k
        self.q_persons, self.nye_persons = [], []
        self.bad_decisions, self.nye_decisions = [], []
        self._cascade_parents(k)
        for s in SOURCES:
            self._tricky_rows(s, k)
        for recipe in RECIPES:
            for s in recipe.sources:
                for j in range(max(k, recipe.variants)):
                    recipe.plant(self, s, j)
        for s in SOURCES:
            for j in range(max(1, k // 3)):  # a few bad rows written with a T in the CSV
                self.rows[s][int(self.rng.integers(0, len(self.rows[s])))][0]["_t"] = True
        return self.rows

    def _cascade_parents(self, k):
        """Persons whose only row is quarantined or recorded after as_of, and decisions
        recorded only after as_of: the parents UNKNOWN_PERSON and UNKNOWN_DECISION point at."""
        s = "persons"
        for _ in range(k):
            r = self.row(s, self.any_row(s))
            r.update(insz=self.fresh_insz(), nationality_code="BEL", recorded_at=self.eff_ts())
            self.q_persons.append(r["insz"])
            self.add(s, r, "UNKNOWN_CODE")
            r = self.row(s, self.any_row(s))
            r.update(insz=self.fresh_insz(), recorded_at=self.nye_ts())
            self.nye_persons.append(r["insz"])
            self.add(s, r, "NYE")
        s = "aid_decisions"
        for _ in range(k):
            r = self.new_child(s, None, self.nye_ts())
            self.add(s, r, "NYE")
            self.nye_decisions.append((r["decision_id"], r["insz"]))

    def _tricky_rows(self, s, k):
        """Rows whose place is not one reason: bad corrections recorded after as_of (not
        yet effective wins), valid corrections at the as_of edges, duplicates, rows with
        several faults (the first reason wins)."""
        for j in range(k):
            i = self.target(s)
            r = self.row(s, i)
            r.update(LATE_BAD_CORRECTION[s], recorded_at=self.nye_ts())
            self.add(s, r, "NYE")
            if s == "residence_permits":  # a new permit of a late person, itself late
                self.add(s, self.new_child(s, self.nye_persons[j], self.nye_ts()), "NYE")
        if s == "reimbursements":
            for dec_id, insz in self.nye_decisions[:2]:  # recorded after as_of like its decision
                r = self.new_child(s, insz, self.nye_ts())
                r["decision_id"] = dec_id
                self.add(s, r, "NYE")
        self._edges_and_duplicates(s, k, EDGE_COLUMN[s])
        for changes, expect in SEVERAL_FAULTS[s]:
            if s == "persons":
                r = self.row(s, self.any_row(s))
                r["recorded_at"] = self.eff_ts()
            else:
                r = self.new_child(s, self.fresh_insz() if expect == "IMPOSSIBLE_SCHEME_FORM" else None)
            for column, value in changes.items():
                r[column] = value(self, r) if callable(value) else value
            self.add(s, r, expect)
            if s == "aid_decisions" and expect == "IMPOSSIBLE_SCHEME_FORM":
                self.bad_decisions.append((r["decision_id"], r["insz"]))
        if s == "persons":
            i = self.target(s)
            r = self.row(s, i)
            r.update(nationality_code=None, recorded_at=_ts(self.ctx.asof_end - 1))
            self.add(s, r, "MISSING_VALUE")
        if s == "residence_permits":
            # one key, one recorded_at: a row failing a row check and a good one -> the good
            # one is the only candidate, no conflict, it is staged
            r1 = self.new_child(s, None)
            self.add(s, r1, None)
            self.add(s, dict(r1, register="XYZ"), "UNKNOWN_CODE")

    def _edges_and_duplicates(self, s, k, col):
        """Valid corrections at as_of 23:59:59 (staged) and as_of + 1 day 00:00:00 (not
        yet effective); exact and formatted duplicates (superseded)."""
        for when, expect in ((self.ctx.asof_end - 1, None), (self.ctx.asof_end, "NYE")):
            for _ in range(2):
                i = self.target(s)
                r = self.row(s, i)
                if col == "birth_date":
                    r[col] = _date(self.meta["P"]["birth"][self.person_of(s, i)])
                elif col == "valid_to":
                    r[col] = (r["valid_from"] + dt.timedelta(days=400))
                elif col == "monthly_amount_eur":
                    r[col] = Decimal("1234.56")
                else:
                    r[col] = (r[col] or Decimal("0")) + Decimal("1.00")
                r["recorded_at"] = _ts(when)
                self.add(s, r, expect)
        for j in range(k):
            i = self.any_row(s)
            r = self.row(s, i)
            if j % 3 == 1:  # same content after normalisation: still a duplicate
                r["insz"] = _format_insz(self.plain(self.person_of(s, i)), 1 + j % 4)
            if j % 3 == 2:
                r["_t"] = True
            self.add(s, r, "NYE" if self.meta[s]["rec"][i] >= self.ctx.asof_end else None)

    def new_child(self, s, insz, when=None):
        """A new key of a child source for the given insz (copy of a clean row)."""
        r = self.row(s, self.any_row(s))
        r[COLUMNS[s][0][0]] = self.new_id(s)
        if insz is not None:
            r["insz"] = insz
        r["recorded_at"] = when or self.eff_ts()
        return r

    def correction(self, s):
        """A newer, effective version of a clean key with one version: (row, its index)."""
        i = self.target(s)
        r = self.row(s, i)
        r["recorded_at"] = self.later(s, i)
        return r, i


# The tricky rows of each source (Adversary._tricky_rows): the column its as_of-edge
# corrections change, the bad correction it gets after as_of, and its rows with several
# faults (changes to a new row; a callable takes the adversary and the row).
EDGE_COLUMN = {"persons": "birth_date", "residence_permits": "valid_to", "aid_decisions": "monthly_amount_eur",
               "reimbursements": "amount_eur"}
LATE_BAD_CORRECTION = {"persons": {"nationality_code": "BEL"}, "residence_permits": {"document_type": "Z"},
                       "aid_decisions": {"status": "PENDING"}, "reimbursements": {"amount_eur": None}}
SEVERAL_FAULTS = {
    "persons": [
        ({"insz": lambda a, r: a.corrupt_insz(a.plain(0), 0), "nationality_code": None}, "INVALID_INSZ"),
        ({"insz": None, "nationality_code": "BEL"}, "MISSING_KEY"),
    ],
    "residence_permits": [
        ({"permit_id": None, "document_type": "Z"}, "MISSING_KEY"),
        ({"document_type": None, "register": "XYZ"}, "MISSING_VALUE"),
        ({"document_type": "Z", "valid_to": lambda a, r: r["valid_from"] - dt.timedelta(days=5)}, "UNKNOWN_CODE"),
    ],
    "aid_decisions": [
        ({"period_end": lambda a, r: r["period_start"] - dt.timedelta(days=3), "legal_scheme": "RMI",
          "aid_form": "FINANCIAL_AID"}, "END_BEFORE_START"),
        ({"legal_scheme": "OCMW", "aid_form": "INTEGRATION_INCOME"}, "IMPOSSIBLE_SCHEME_FORM"),
        ({"status": "PENDING", "ocmw_nis_code": None}, "MISSING_VALUE"),
        ({"legal_scheme": "CPAS", "period_end": lambda a, r: r["period_start"] - dt.timedelta(days=1)},
         "UNKNOWN_CODE"),
    ],
    "reimbursements": [
        ({"insz": lambda a, r: a.corrupt_insz(re.sub(r"\D", "", r["insz"]), 0),
          "decision_id": _id_str("D", 999_100_000)}, "INVALID_INSZ"),
        ({"amount_eur": None, "decision_id": _id_str("D", 999_100_001)}, "MISSING_VALUE"),
    ],
}


# ---------------------------------------------------------------------------------
# The bad-row recipes: one per reason of RULES.md §2
# ---------------------------------------------------------------------------------
# Each plants bad row(s) number j of one landing file (a, the Adversary; s, the file).
# A correction is a newer version of a good key: the older good version stays staged, so
# no other row changes place.
_KEY = {s: COLUMNS[s][0][0] for s in SOURCES}
# Every column of CONTRACT.md §2 not marked nullable, but the key and insz (MISSING_KEY).
_REQUIRED = {s: [c.name for c in columns if c.name not in landing_contract.NULLABLE_COLUMNS
                 and c.name not in (_KEY[s], "insz")]
             for s, columns in landing_contract.LANDING_COLUMNS.items()}
_TEXT = {c.name for columns in landing_contract.LANDING_COLUMNS.values() for c in columns
         if c.contract_type == "text"}
NO_DIGITS = (None, "   ", "onbekend", "..-..", "n.v.t.", "---", "geen")
BAD_CODES = {
    "nationality_code": ("BEL", "1A", "B", "B E", "be1"),
    "document_type": ("Z",), "residence_ground": ("TOURIST",), "register": ("XYZ",),
    "legal_scheme": ("CPAS",), "aid_form": ("CASH",), "status": ("PENDING",),
    "ocmw_nis_code": ("1234", "ABCDE", "210041", "2100 4"),
}
PERIODS = {"residence_permits": ("valid_from", "valid_to"), "aid_decisions": ("period_start", "period_end")}
IMPOSSIBLE_PAIRS = (("RMI", "FINANCIAL_AID"), ("rmi", " medical_aid"), ("OCMW", "INTEGRATION_INCOME"))


def _missing_key(a: Adversary, s: str, j: int) -> None:
    if s == "persons":
        r = a.row(s, a.any_row(s))
        r.update(insz=NO_DIGITS[j % len(NO_DIGITS)], recorded_at=a.eff_ts())
        a.add(s, r, "MISSING_KEY")
        return
    r = a.new_child(s, None)
    r[_KEY[s]] = [None, "   "][j % 2]
    a.add(s, r, "MISSING_KEY")
    r, _ = a.correction(s)
    r["insz"] = NO_DIGITS[j % len(NO_DIGITS)]
    a.add(s, r, "MISSING_KEY")


def _invalid_insz(a: Adversary, s: str, j: int) -> None:
    if s == "persons":  # a new person
        i = a.any_row(s)
        r = a.row(s, i)
        r["recorded_at"] = a.eff_ts()
    else:
        r, i = a.correction(s)
    r["insz"] = a.corrupt_insz(a.plain(a.person_of(s, i)), j % 7)
    a.add(s, r, "INVALID_INSZ")


def _missing_value(a: Adversary, s: str, j: int) -> None:
    for column in _REQUIRED[s]:
        r, _ = a.correction(s)
        r[column] = "  " if column in _TEXT and j % 2 else None  # blank text is null too
        a.add(s, r, "MISSING_VALUE")


def _unknown_code(a: Adversary, s: str, j: int) -> None:
    for column, values in BAD_CODES.items():
        if any(name == column for name, _ in COLUMNS[s]):
            r, _ = a.correction(s)
            r[column] = values[j % len(values)]
            a.add(s, r, "UNKNOWN_CODE")


def _end_before_start(a: Adversary, s: str, j: int) -> None:
    start, end = PERIODS[s]
    r, _ = a.correction(s)
    r[end] = r[start] - dt.timedelta(days=int(a.rng.integers(1, 200)))
    a.add(s, r, "END_BEFORE_START")


def _impossible_scheme_form(a: Adversary, s: str, j: int) -> None:
    for pair in IMPOSSIBLE_PAIRS:
        r, _ = a.correction(s)
        r["legal_scheme"], r["aid_form"] = pair
        a.add(s, r, "IMPOSSIBLE_SCHEME_FORM")


def _conflicting_versions(a: Adversary, s: str, j: int) -> None:
    """Two rows of one key with one recorded_at and different content: a new key and,
    for persons, a newer pair of an existing key (the older version stays staged)."""
    pairs = []
    if s == "persons":
        r1 = a.row(s, a.any_row(s))
        r1.update(insz=_format_insz(a.fresh_insz(), j % 2), recorded_at=a.eff_ts())
        other = "MA" if (r1["nationality_code"] or "").strip().upper() != "MA" else "TR"
        pairs.append((r1, dict(r1, nationality_code=other)))
        r1, i = a.correction(s)
        birth = r1["birth_date"] or _date(a.meta["P"]["birth"][a.person_of(s, i)])
        pairs.append((r1, dict(r1, birth_date=birth + dt.timedelta(days=1 + j))))
    elif s == "reimbursements":  # of an existing decision and of an unknown one
        for decision in (None, _id_str("D", 999_999_999 - j)):
            r1 = a.new_child(s, None)
            r1["decision_id"] = decision or r1["decision_id"]
            pairs.append((r1, dict(r1, amount_eur=r1["amount_eur"] + Decimal("5.00"))))
    else:  # of an existing person and of an unknown one
        for insz in (None, a.fresh_insz()):
            r1 = a.new_child(s, insz)
            if s == "residence_permits":
                end = r1["valid_to"] or r1["valid_from"] + dt.timedelta(days=365)
                r2 = dict(r1, valid_to=end + dt.timedelta(days=31))
            else:
                r2 = dict(r1, monthly_amount_eur=(r1["monthly_amount_eur"] or Decimal("900.00")) + Decimal("10.00"))
                a.bad_decisions.append((r1["decision_id"], r1["insz"]))
            pairs.append((r1, r2))
    for r1, r2 in pairs:
        a.add(s, r1, "CONFLICTING_VERSIONS")
        a.add(s, r2, "CONFLICTING_VERSIONS")


def _unknown_person(a: Adversary, s: str, j: int) -> None:
    """A new permit or decision of nobody, of a person whose only row is quarantined, of
    one recorded only after as_of."""
    for insz in (_format_insz(a.fresh_insz(), j % 5), a.q_persons[j], a.nye_persons[j]):
        r = a.new_child(s, insz)
        a.add(s, r, "UNKNOWN_PERSON")
        if s == "aid_decisions":
            a.bad_decisions.append((r["decision_id"], r["insz"]))


def _unknown_decision(a: Adversary, s: str, j: int) -> None:
    """A decision_id nobody has, a lower-case one (ids are not upper-cased); once, the
    cascades: a reimbursement of every decision whose rows are all quarantined or late."""
    for decision in (lambda r: _id_str("D", 999_000_000 + j), lambda r: r["decision_id"].strip().lower()):
        r = a.new_child(s, None)
        r["decision_id"] = decision(r)
        a.add(s, r, "UNKNOWN_DECISION")
    if j == 0:
        for decision_id, insz in a.bad_decisions + a.nye_decisions:
            r = a.new_child(s, insz)
            r["decision_id"] = decision_id
            a.add(s, r, "UNKNOWN_DECISION")


def _person_mismatch(a: Adversary, s: str, j: int) -> None:
    """A new reimbursement naming another known person, and a correction naming nobody."""
    r = a.new_child(s, None)
    me = re.sub(r"\D", "", r["insz"])
    other = me
    while other == me:
        other = a.plain(a.person_of("persons", a.any_row("persons")))
    r["insz"] = _format_insz(other, j % 5)
    a.add(s, r, "PERSON_MISMATCH")
    r, _ = a.correction(s)
    r["insz"] = a.fresh_insz()
    a.add(s, r, "PERSON_MISMATCH")


@dataclass(frozen=True)
class Recipe:
    """How rows that RULES.md §2 quarantines for one reason are made."""

    reason: str  # the reason code
    sources: tuple[str, ...]  # the landing files it is planted in
    plant: Callable[[Adversary, str, int], None]  # adds bad row(s) number j of a file
    fault: str  # the fault, in words
    variants: int = 1  # kinds of the fault: at least this many per file


_ALL = tuple(SOURCES)
_CHILDREN = ("residence_permits", "aid_decisions")
# One row per reason of RULES.md §2, in its order (tests_python/test_generator.py checks
# the reasons against the warehouse's list and that a build quarantines each).
RECIPES = (
    Recipe("MISSING_KEY", _ALL, _missing_key, "business key null or blank (a new key), or insz without a digit"),
    Recipe("INVALID_INSZ", _ALL, _invalid_insz, "check digits wrong, 10 or 12 digits, month 13, BIS month 35, "
           "all zeros, formatted", variants=7),
    Recipe("MISSING_VALUE", _ALL, _missing_value, "each required column of CONTRACT.md §2 null or blank"),
    Recipe("UNKNOWN_CODE", ("persons", "residence_permits", "aid_decisions"), _unknown_code,
           "each code column with a value outside its list (BAD_CODES)"),
    Recipe("END_BEFORE_START", _CHILDREN, _end_before_start, "the end of the period before its start"),
    Recipe("IMPOSSIBLE_SCHEME_FORM", ("aid_decisions",), _impossible_scheme_form,
           "RMI with FINANCIAL_AID or MEDICAL_AID, OCMW with INTEGRATION_INCOME (IMPOSSIBLE_PAIRS)"),
    Recipe("CONFLICTING_VERSIONS", _ALL, _conflicting_versions,
           "two rows of one key, one recorded_at, different content"),
    Recipe("UNKNOWN_PERSON", _CHILDREN, _unknown_person, "insz of nobody, of a quarantined or a late person"),
    Recipe("UNKNOWN_DECISION", ("reimbursements",), _unknown_decision,
           "decision_id of no decision, lower-case, of a quarantined or a late decision"),
    Recipe("PERSON_MISMATCH", ("reimbursements",), _person_mismatch, "insz other than its decision's"),
)
REASONS = tuple(recipe.reason for recipe in RECIPES)


# ---------------------------------------------------------------------------------
# Assembly and writing
# ---------------------------------------------------------------------------------
def _order_clean(table: pa.Table) -> np.ndarray:
    """A history feed: rows in recorded_at order (stable)."""
    rec = pc.fill_null(table["recorded_at"].cast(pa.int64()), -1).to_numpy()
    return np.argsort(rec, kind="stable")


def assemble(ctx: Ctx, tables, bad_rows):
    """Order the clean rows, insert the bad rows at random positions; return the final
    tables and the expectations."""
    rng = ctx.rng["insert"]
    final, expect_q, expect_nye = {}, [], []
    for s in SOURCES:
        clean = tables[s]
        order = _order_clean(clean)
        bad = bad_rows.get(s, []) if bad_rows else []
        c, b = clean.num_rows, len(bad)
        if b:
            bad_tbl = pa.Table.from_pylist([r for r, _ in bad], schema=INTERNAL[s])
            total = c + b
            mask = np.zeros(total, bool)
            mask[rng.choice(total, b, replace=False)] = True
            full_order = np.empty(total, np.int64)
            full_order[~mask] = order
            full_order[mask] = c + rng.permutation(b)
            inverse = np.empty(total, np.int64)
            inverse[full_order] = np.arange(total)
            table = pa.concat_tables([clean, bad_tbl]).combine_chunks().take(pa.array(full_order))
            for j, (_, exp) in enumerate(bad):
                if exp is not None and exp != "NYE":
                    assert exp in REASONS, exp
                    expect_q.append((s, int(inverse[c + j]) + 1, exp))
        else:
            table = clean.combine_chunks().take(pa.array(order))
        rec = pc.fill_null(table["recorded_at"].cast(pa.int64()), -1).to_numpy()
        nye = np.flatnonzero(rec >= ctx.asof_end * 1_000_000) + 1
        expect_nye += [(s, int(x)) for x in nye]
        final[s] = table
        if bad:
            # self-check: the rows meant to be not yet effective are, the others are not
            nye_set = set(nye.tolist())
            for j, (_, exp) in enumerate(bad):
                pos = int(inverse[c + j]) + 1
                assert (exp == "NYE") == (pos in nye_set) or exp is None, (s, exp, pos)
    expect_q.sort()
    return final, expect_q, expect_nye


def _csv_table(table: pa.Table, source: str) -> pa.Table:
    cols = []
    tflag = table["_t"]
    for name, typ in COLUMNS[source]:
        col = table[name]
        if typ == _TS:
            txt = col.cast(pa.timestamp("s")).cast(pa.string())
            col = pc.if_else(tflag, pc.replace_substring(txt, " ", "T"), txt)
        elif typ != _TXT:
            col = col.cast(pa.string())
        cols.append(col)
    return pa.table(cols, names=[c for c, _ in COLUMNS[source]])


def write_outputs(out: Path, final, fmt: str):
    out.mkdir(parents=True, exist_ok=True)
    for s in SOURCES:
        table = final[s]
        if fmt in ("parquet", "both"):
            pq.write_table(table.drop_columns(["_t"]).cast(SCHEMAS[s]), out / f"{s}.parquet",
                           compression="zstd", row_group_size=1_000_000)
        if fmt in ("csv", "both"):
            with pa.OSFile(str(out / f"{s}.csv"), "wb") as f:
                f.write((",".join(c for c, _ in COLUMNS[s]) + "\n").encode())
                pacsv.write_csv(_csv_table(table, s), f,
                                pacsv.WriteOptions(include_header=False, quoting_style="none"))


def _write_small_csv(path: Path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


def generate(out: Path, persons: int, seed: int = 42, as_of: dt.date | None = None,
             fmt: str = "both", adversarial: bool = False, start_year: int = 2012) -> dict:
    as_of = as_of or dt.date.today()
    if persons < 50:
        raise SystemExit("--persons must be at least 50")
    if as_of < dt.date(start_year, 1, 1) + dt.timedelta(days=365):
        raise SystemExit("--as-of must be at least a year after 1 January of --start-year")
    if start_year < 1990:
        raise SystemExit("--start-year must be 1990 or later")
    t0 = time.perf_counter()
    ctx = Ctx(persons, seed, as_of, start_year, load_reference())
    tables, meta = build_clean_tables(ctx)
    bad = Adversary(ctx, tables, meta).build() if adversarial else None
    final, expect_q, expect_nye = assemble(ctx, tables, bad)
    _log(f"  assembled in {time.perf_counter() - t0:.1f}s")
    write_outputs(out, final, fmt)
    info = {
        "generator": "scripts/generate_landing.py",
        "seed": seed,
        "persons": persons,
        "as_of": as_of.isoformat(),
        "start_year": start_year,
        "format": fmt,
        "adversarial": adversarial,
        "row_counts": {s: final[s].num_rows for s in SOURCES},
        "reference": {"eu_eea_countries": ctx.ref["eu_source"], "ocmw_nis_codes": ctx.ref["nis_source"]},
    }
    if adversarial:
        info["expected_quarantined_rows"] = len(expect_q)
        info["expected_not_yet_effective_rows"] = len(expect_nye)
        _write_small_csv(out / "_expected_quarantine.csv", ["source", "source_row_number", "reason_code"], expect_q)
        _write_small_csv(out / "_expected_not_yet_effective.csv", ["source", "source_row_number"], expect_nye)
    (out / "_generation.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    _log(f"  written in {time.perf_counter() - t0:.1f}s: {info['row_counts']}")
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="output folder")
    ap.add_argument("--persons", required=True, type=int, help="number of persons (>= 50)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                    help="evaluation date YYYY-MM-DD (default: today)")
    ap.add_argument("--format", choices=("csv", "parquet", "both"), default="both")
    ap.add_argument("--adversarial", action="store_true",
                    help="add bad rows and write _expected_quarantine.csv / _expected_not_yet_effective.csv")
    ap.add_argument("--start-year", type=int, default=2012, help="first year of the history (default 2012)")
    a = ap.parse_args(argv)
    generate(a.out, a.persons, a.seed, a.as_of, a.format, a.adversarial, a.start_year)


if __name__ == "__main__":
    main()
