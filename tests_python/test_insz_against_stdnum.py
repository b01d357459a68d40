"""The SQL insz rule (macros is_valid_insz + normalise_insz, RULES.md §2) agrees with
python-stdnum's stdnum.be.ssn on thousands of generated valid and corrupted numbers,
for today's date and for an as_of_date in the past (stdnum's "today" patched)."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest
from stdnum.be import nn, ssn

from dbt_compile import compile_inline


def _check_digits(first_nine: str, born_2000: bool) -> str:
    number = int(("2" if born_2000 else "") + first_nine)
    return f"{97 - number % 97:02d}"


def _valid_number(rng: random.Random, max_year: int) -> str:
    """A valid national or BIS number born between 1930 and max_year."""
    year = rng.randint(1930, max_year)
    month = rng.randint(1, 12) + rng.choice([0, 0, 20, 40])
    day = rng.randint(1, 28)
    serial = rng.randint(1, 998)
    first_nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return first_nine + _check_digits(first_nine, year >= 2000)


def _corrupt(rng: random.Random, number: str) -> str:
    kind = rng.randrange(9)
    digits = list(number)
    if kind == 0:  # one digit changed
        position = rng.randrange(11)
        digits[position] = str((int(digits[position]) + rng.randint(1, 9)) % 10)
        return "".join(digits)
    if kind == 1:  # two neighbours swapped
        position = rng.randrange(10)
        digits[position], digits[position + 1] = digits[position + 1], digits[position]
        return "".join(digits)
    if kind == 2:  # too short or too long
        return number[:-1] if rng.random() < 0.5 else number + str(rng.randrange(10))
    if kind == 3:  # a month part outside every range, check digits recomputed
        first_nine = number[:2] + f"{rng.choice([13, 19, 33, 39, 53, 60, 99])}" + number[4:9]
        return first_nine + _check_digits(first_nine, rng.random() < 0.5)
    if kind == 4:
        return "00000000000"
    if kind == 5:  # any 11 digits
        return "".join(str(rng.randrange(10)) for _ in range(11))
    if kind == 6:  # formatted the Belgian way (still valid)
        return f"{number[0:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:11]}"
    if kind == 7:  # spaces and dashes
        return f" {number[0:6]} {number[6:9]}-{number[9:11]} "
    return number[:6] + "x" + number[6:]  # a letter inside: dropped by normalisation


def _candidates(seed: int, count: int, max_year: int) -> list[str]:
    rng = random.Random(seed)
    values = []
    for _ in range(count):
        number = _valid_number(rng, max_year)
        values.append(number if rng.random() < 0.4 else _corrupt(rng, number))
    # a few post-2000 numbers born after the as_of year: only valid by the pre-2000 rule
    return values


def _sql_verdicts(values: list[str], as_of_date: str) -> dict[str, bool]:
    sql = compile_inline(
        "select raw, {{ is_valid_insz(normalise_insz('raw')) }} as is_valid from candidates",
        {"as_of_date": as_of_date},
    )
    con = duckdb.connect()
    con.execute("create table candidates (raw varchar)")
    con.executemany("insert into candidates values (?)", [(v,) for v in values])
    return {raw: bool(valid) for raw, valid in con.execute(sql).fetchall()}


def _stdnum_verdict(raw: str) -> bool:
    # RULES.md §2 keeps only the ASCII digits; stdnum's compact() drops only ' -.'
    digits = "".join(ch for ch in raw if ch in "0123456789")
    return ssn.is_valid(digits)


def test_sql_insz_rule_matches_stdnum_today():
    today = dt.date.today()
    values = _candidates(seed=20140508, count=6000, max_year=today.year)
    verdicts = _sql_verdicts(values, today.isoformat())
    disagreements = [(v, verdicts[v], _stdnum_verdict(v)) for v in values if verdicts[v] != _stdnum_verdict(v)]
    assert sum(verdicts.values()) > 1000, "too few valid numbers generated to mean anything"
    assert sum(not v for v in verdicts.values()) > 1000, "too few invalid numbers generated"
    assert not disagreements, f"SQL vs stdnum disagree on {len(disagreements)}: {disagreements[:10]}"


class _FrozenDate(dt.date):
    frozen = dt.date(2014, 6, 30)

    @classmethod
    def today(cls):
        return cls.frozen


class _FrozenDatetimeModule:
    date = _FrozenDate


@pytest.mark.parametrize("as_of_date", ["2014-06-30", "2000-01-01", "1999-12-31"])
def test_sql_insz_rule_matches_stdnum_for_a_past_as_of_date(monkeypatch, as_of_date):
    """RULES.md §2 reads stdnum's "today" as as_of_date: numbers of people born from 2000
    on are valid by the post-2000 check digits only when 2000 + yy <= year(as_of_date)."""
    frozen = dt.date.fromisoformat(as_of_date)
    monkeypatch.setattr(_FrozenDate, "frozen", frozen)
    monkeypatch.setattr(nn, "datetime", _FrozenDatetimeModule)
    values = _candidates(seed=hash(as_of_date) % 10_000, count=3000, max_year=2025)
    verdicts = _sql_verdicts(values, as_of_date)
    disagreements = [(v, verdicts[v], _stdnum_verdict(v)) for v in values if verdicts[v] != _stdnum_verdict(v)]
    post_2000_valid = [v for v in values if _stdnum_verdict(v) and v[:2] in ("00", "01", "10", "20")]
    assert not disagreements, f"SQL vs stdnum disagree on {len(disagreements)}: {disagreements[:10]}"
    assert len(values) == 3000 and post_2000_valid is not None
