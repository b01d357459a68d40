"""Tests of scripts/generate_landing.py, the landing-file generator.

They guard what the end-to-end test relies on: the files follow CONTRACT.md §2
exactly, the generator is deterministic, CSV and Parquet hold the same rows, the
clean insz are valid, and the expectation files of --adversarial agree with an
independent implementation of RULES.md §1-§2 (written here in DuckDB SQL, separate
from the generator's own bookkeeping).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import re
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml
from stdnum.be import ssn

from build_fixtures import _dbt

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 6, 30)
N = 300

_spec = importlib.util.spec_from_file_location("generate_landing", REPO / "scripts" / "generate_landing.py")
gen = importlib.util.module_from_spec(_spec)
sys.modules["generate_landing"] = gen
_spec.loader.exec_module(gen)

# CONTRACT.md §2, from the one declaration (the sources YAML, read by
# scripts/landing_contract.py), not from the generator's own copy of it.
sys.path.insert(0, str(REPO / "scripts"))
import landing_contract  # noqa: E402

CONTRACT_COLUMNS = {source: list(columns) for source, columns in landing_contract.COLUMN_NAMES.items()}
PARQUET_TYPES = {"date": pa.date32(), "ts": pa.timestamp("us"), "amt": pa.decimal128(10, 2), "txt": pa.string()}
REASONS_RULES = ["MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE", "END_BEFORE_START",
                 "IMPOSSIBLE_SCHEME_FORM", "CONFLICTING_VERSIONS", "UNKNOWN_PERSON",
                 "UNKNOWN_DECISION", "PERSON_MISMATCH"]

# Where each reason of RULES.md §2 can apply (a code column, a period, a parent...).
APPLICABLE = {
    "persons": ["MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE", "CONFLICTING_VERSIONS"],
    "residence_permits": ["MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE",
                          "END_BEFORE_START", "CONFLICTING_VERSIONS", "UNKNOWN_PERSON"],
    "aid_decisions": ["MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "UNKNOWN_CODE",
                      "END_BEFORE_START", "IMPOSSIBLE_SCHEME_FORM", "CONFLICTING_VERSIONS",
                      "UNKNOWN_PERSON"],
    "reimbursements": ["MISSING_KEY", "INVALID_INSZ", "MISSING_VALUE", "CONFLICTING_VERSIONS",
                       "UNKNOWN_DECISION", "PERSON_MISMATCH"],
}


def _type_of(column: str) -> pa.DataType:
    if column == "recorded_at":
        return PARQUET_TYPES["ts"]
    if column.endswith("_eur"):
        return PARQUET_TYPES["amt"]
    if column in ("birth_date", "belgian_since", "valid_from", "valid_to", "period_start",
                  "period_end", "decision_date", "aid_month", "paid_on"):
        return PARQUET_TYPES["date"]
    return PARQUET_TYPES["txt"]


def _run(out: Path, seed=42, adversarial=True, fmt="both", persons=N):
    gen.generate(out, persons, seed=seed, as_of=AS_OF, fmt=fmt, adversarial=adversarial)
    return out


@pytest.fixture(scope="module")
def adv(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("adv"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("clean"), adversarial=False)


def _read_csv_strings(path: Path) -> pa.Table:
    names = CONTRACT_COLUMNS[path.stem]
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in names}, strings_can_be_null=True,
        null_values=[""], quoted_strings_can_be_null=False))


def _read_expected(path: Path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------
def test_deterministic(adv, tmp_path):
    again = _run(tmp_path / "again")
    names = sorted(p.name for p in adv.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (adv / name).read_bytes() == (again / name).read_bytes(), name
    other = _run(tmp_path / "other", seed=7)
    assert (other / "reimbursements.parquet").read_bytes() != (adv / "reimbursements.parquet").read_bytes()


def test_columns_exactly_as_contract(adv):
    for source, columns in CONTRACT_COLUMNS.items():
        header = (adv / f"{source}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(columns)
        schema = pq.read_schema(adv / f"{source}.parquet")
        assert schema.names == columns
        for column in columns:
            assert schema.field(column).type == _type_of(column), (source, column)


def test_clean_insz_valid_and_unique(clean):
    for source in CONTRACT_COLUMNS:
        values = pq.read_table(clean / f"{source}.parquet", columns=["insz"])["insz"].to_pylist()
        digits = {re.sub(r"\D", "", v) for v in values}
        bad = [d for d in digits if not ssn.is_valid(d)]
        assert not bad, (source, bad[:5])
        if source == "persons":
            formatted = [v for v in values if not v.isdigit()]
            assert formatted, "some insz should arrive formatted"
    persons = pq.read_table(clean / "persons.parquet")
    assert len({re.sub(r"\D", "", v) for v in persons["insz"].to_pylist()}) > N * 0.99


def test_csv_and_parquet_hold_the_same_rows(adv):
    for source, columns in CONTRACT_COLUMNS.items():
        text = _read_csv_strings(adv / f"{source}.csv")
        par = pq.read_table(adv / f"{source}.parquet")
        assert text.num_rows == par.num_rows
        for column in columns:
            col = par[column]
            if pa.types.is_timestamp(col.type):
                col = col.cast(pa.timestamp("s"))
            expected = col.cast(pa.string()).to_pylist()
            got = text[column].to_pylist()
            if column == "recorded_at":
                assert any(v and "T" in v for v in got), "some timestamps should use a T"
                got = [v.replace("T", " ") if v else v for v in got]
            assert got == expected, (source, column)


def test_duckdb_reads_csv_back_exactly(adv):
    con = duckdb.connect()
    for source in CONTRACT_COLUMNS:
        path = adv / f"{source}.csv"
        rows = con.execute(f"select * from read_csv('{path}', all_varchar = true, header = true)").fetchall()
        text = _read_csv_strings(path)
        assert rows == [tuple(r.values()) for r in text.to_pylist()], source


def test_generation_json(adv):
    info = json.loads((adv / "_generation.json").read_text())
    assert info["seed"] == 42 and info["persons"] == N and info["as_of"] == AS_OF.isoformat()
    assert info["adversarial"] is True
    for source in CONTRACT_COLUMNS:
        assert info["row_counts"][source] == pq.read_metadata(adv / f"{source}.parquet").num_rows


def test_expected_quarantine_covers_every_reason(adv):
    rows = _read_expected(adv / "_expected_quarantine.csv")
    by_source = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r["reason_code"])
    assert {r["reason_code"] for r in rows} == set(REASONS_RULES)
    for source, reasons in APPLICABLE.items():
        for reason in reasons:
            assert by_source[source].count(reason) >= 3, (source, reason)
    nye = _read_expected(adv / "_expected_not_yet_effective.csv")
    assert {r["source"] for r in nye} == set(CONTRACT_COLUMNS)
    quarantined = {(r["source"], r["source_row_number"]) for r in rows}
    assert not quarantined & {(r["source"], r["source_row_number"]) for r in nye}
    # bad rows are spread through the files, not appended at the end
    for source in CONTRACT_COLUMNS:
        positions = [int(r["source_row_number"]) for r in rows if r["source"] == source]
        total = pq.read_metadata(adv / f"{source}.parquet").num_rows
        assert min(positions) < total / 2 < max(positions), source



def test_every_reason_has_exactly_one_recipe():
    """The bad-row recipes of the generator (generate_landing.RECIPES): one per reason of
    RULES.md §2, the reasons the warehouse declares (stg_landing__row_placements), each
    planted in every landing file where the reason applies."""
    declared = yaml.safe_load((REPO / "models/staging/landing/stg_landing__row_placements.yml").read_text())
    column = next(c for c in declared["models"][0]["columns"] if c["name"] == "reason_code")
    warehouse = next(t["accepted_values"]["arguments"]["values"] for t in column["data_tests"] if "accepted_values" in t)
    assert sorted(warehouse) == sorted(REASONS_RULES)
    reasons = [recipe.reason for recipe in gen.RECIPES]
    assert reasons == REASONS_RULES  # each once, in the order of RULES.md §2
    for recipe in gen.RECIPES:
        assert sorted(recipe.sources) == sorted(s for s, applies in APPLICABLE.items() if recipe.reason in applies)
        assert callable(recipe.plant) and recipe.fault.strip(), recipe.reason


def test_built_landing_quarantines_a_row_with_every_recipe(adv, tmp_path):
    """The adversarial set built by dbt (staging only): every planted row is quarantined
    with its planned reason, so each recipe's rows in each of its files are."""
    result = _dbt(["build", "--select", "+stg_landing__row_placements", "--exclude-resource-type", "test",
                   "unit_test", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], tmp_path, adv)
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        quarantined = set(con.execute("""
            select source, source_row_number, reason_code from staging.stg_landing__row_placements
            where place = 'QUARANTINED'""").fetchall())
    planned = {(r["source"], int(r["source_row_number"]), r["reason_code"])
               for r in _read_expected(adv / "_expected_quarantine.csv")}
    assert sorted(planned - quarantined)[:10] == [] and sorted(quarantined - planned)[:10] == []
    built = {(source, reason) for source, _, reason in quarantined}
    missing = [(source, recipe.reason) for recipe in gen.RECIPES for source in recipe.sources
               if (source, recipe.reason) not in built]
    assert missing == []


def test_spot_checks_of_expected_reasons(adv):
    expected = _read_expected(adv / "_expected_quarantine.csv")
    tables = {s: _read_csv_strings(adv / f"{s}.csv").to_pylist() for s in CONTRACT_COLUMNS}

    def rows_with(reason):
        return [(r["source"], tables[r["source"]][int(r["source_row_number"]) - 1])
                for r in expected if r["reason_code"] == reason]

    for _, row in rows_with("INVALID_INSZ"):
        digits = re.sub(r"\D", "", row["insz"])
        assert digits and not ssn.is_valid(digits), row["insz"]
    for source, row in rows_with("END_BEFORE_START"):
        start, end = ("valid_from", "valid_to") if source == "residence_permits" else ("period_start", "period_end")
        assert dt.date.fromisoformat(row[end]) < dt.date.fromisoformat(row[start])
    for source, row in rows_with("MISSING_KEY"):
        key = row[CONTRACT_COLUMNS[source][0]]
        assert not (key or "").strip() or not re.sub(r"\D", "", row["insz"] or "")
    for _, row in rows_with("IMPOSSIBLE_SCHEME_FORM"):
        pair = (row["legal_scheme"].strip().upper(), row["aid_form"].strip().upper())
        assert pair in {("RMI", "FINANCIAL_AID"), ("RMI", "MEDICAL_AID"), ("OCMW", "INTEGRATION_INCOME")}
    end_of_day = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time())
    for r in _read_expected(adv / "_expected_not_yet_effective.csv"):
        row = tables[r["source"]][int(r["source_row_number"]) - 1]
        assert dt.datetime.fromisoformat(row["recorded_at"]) >= end_of_day


# ---------------------------------------------------------------------------------
# An independent implementation of RULES.md §1-§2 (places of landing rows)
# ---------------------------------------------------------------------------------
CODES = {
    "document_type": ["A", "B", "C", "D", "E", "E+", "F", "F+", "H", "K", "L", "EU", "EU+", "M", "M+",
                      "N", "ANNEX_15", "ANNEX_19", "ANNEX_19TER", "ANNEX_35", "ATTEST_IMMATRICULATION",
                      "OTHER"],
    "residence_ground": ["EU_CITIZEN", "EU_FAMILY", "BELGIAN_FAMILY", "TCN_FAMILY_REUNIFICATION",
                         "STUDENT", "STUDENT_FAMILY", "OTHER"],
    "register": ["POPULATION", "FOREIGNERS", "WAITING"],
    "legal_scheme": ["RMI", "OCMW"],
    "aid_form": ["INTEGRATION_INCOME", "FINANCIAL_AID", "MEDICAL_AID", "ART60_EMPLOYMENT", "OTHER_EMPLOYMENT"],
    "status": ["GRANTED", "WITHDRAWN"],
}
NULLABLE = landing_contract.NULLABLE_COLUMNS
KEYS = landing_contract.BUSINESS_KEYS


def _normalised_select(source: str) -> str:
    exprs = []
    for c in CONTRACT_COLUMNS[source]:
        if c == "insz":
            e = "nullif(regexp_replace(insz, '[^0-9]', '', 'g'), '')"
        elif c in ("permit_id", "decision_id", "reimbursement_id"):
            e = f"nullif(trim({c}), '')"
        elif c in CODES or c in ("nationality_code", "ocmw_nis_code"):
            e = f"nullif(upper(trim({c})), '')"
        elif c == "recorded_at":
            e = "cast(replace(recorded_at, 'T', ' ') as timestamp)"
        elif c == "aid_month":
            e = "cast(date_trunc('month', cast(aid_month as date)) as date)"
        elif c.endswith("_eur"):
            e = f"cast({c} as decimal(10, 2))"
        else:
            _type = _type_of(c)
            e = f"cast({c} as date)" if _type == pa.date32() else c
        exprs.append(f"{e} as {c}")
    return ", ".join(exprs)


def reference_places(folder: Path, as_of: dt.date):
    con = duckdb.connect()
    con.execute(f"""
        create macro valid_insz(i) as
            length(i) = 11 and i <> '00000000000'
            and (try_cast(substr(i, 3, 2) as int) between 0 and 12
                 or try_cast(substr(i, 3, 2) as int) between 20 and 32
                 or try_cast(substr(i, 3, 2) as int) between 40 and 52)
            and (try_cast(substr(i, 10, 2) as int) = 97 - try_cast(substr(i, 1, 9) as bigint) % 97
                 or (2000 + try_cast(substr(i, 1, 2) as int) <= {as_of.year}
                     and try_cast(substr(i, 10, 2) as int) = 97 - try_cast('2' || substr(i, 1, 9) as bigint) % 97))
    """)
    for source in CONTRACT_COLUMNS:
        raw = _read_csv_strings(folder / f"{source}.csv")
        raw = raw.append_column("rn", pa.array(range(1, raw.num_rows + 1), pa.int64()))
        con.register(f"raw_{source}", raw)
        con.execute(f"create table n_{source} as select rn, {_normalised_select(source)} from raw_{source}")
        cols = CONTRACT_COLUMNS[source]
        key = KEYS[source]
        checks = [f"when {key} is null or insz is null then 'MISSING_KEY'",
                  "when not valid_insz(insz) then 'INVALID_INSZ'"]
        required = [c for c in cols if c not in NULLABLE]
        checks.append("when " + " or ".join(f"{c} is null" for c in required) + " then 'MISSING_VALUE'")
        unknown = [f"{c} not in ({', '.join(repr(v) for v in CODES[c])})" for c in cols if c in CODES]
        if "nationality_code" in cols:
            unknown.append("not regexp_full_match(nationality_code, '[A-Z]{2}')")
        if "ocmw_nis_code" in cols:
            unknown.append("not regexp_full_match(ocmw_nis_code, '[0-9]{5}')")
        if unknown:
            checks.append("when " + " or ".join(unknown) + " then 'UNKNOWN_CODE'")
        if source == "residence_permits":
            checks.append("when valid_to < valid_from then 'END_BEFORE_START'")
        if source == "aid_decisions":
            checks.append("when period_end < period_start then 'END_BEFORE_START'")
            checks.append("when (legal_scheme = 'RMI' and aid_form in ('FINANCIAL_AID', 'MEDICAL_AID')) "
                          "or (legal_scheme = 'OCMW' and aid_form = 'INTEGRATION_INCOME') "
                          "then 'IMPOSSIBLE_SCHEME_FORM'")
        content = " || '|' || ".join(f"coalesce(cast({c} as varchar), '<null>')" for c in cols)
        con.execute(f"""
            create table p_{source} as
            with checked as (
                select *, {key} as k, {content} as content,
                       recorded_at >= timestamp '{as_of + dt.timedelta(days=1)} 00:00:00' as nye,
                       case {' '.join(checks)} end as row_reason
                from n_{source}
            ),
            conflicts as (
                select k, recorded_at from checked where not coalesce(nye, false) and row_reason is null
                group by all having count(distinct content) > 1
            )
            select c.*, case when coalesce(c.nye, false) then 'NYE'
                             when c.row_reason is not null then c.row_reason
                             when f.k is not null then 'CONFLICTING_VERSIONS' end as place
            from checked c left join conflicts f on c.k = f.k and c.recorded_at = f.recorded_at
        """)
    con.execute("create table staged_persons as select distinct k from p_persons where place is null")
    for source in ("residence_permits", "aid_decisions"):
        con.execute(f"""update p_{source} set place = 'UNKNOWN_PERSON'
                        where place is null and insz not in (select k from staged_persons)""")
    con.execute("""
        create table staged_decisions as
        select k, arg_max(insz, recorded_at) as insz from p_aid_decisions where place is null group by k
    """)
    con.execute("""
        update p_reimbursements r set place = case
            when d.k is null then 'UNKNOWN_DECISION' when d.insz <> r.insz then 'PERSON_MISMATCH' end
        from (select r2.rn, d2.k, d2.insz from p_reimbursements r2
              left join staged_decisions d2 on d2.k = r2.decision_id) d
        where r.rn = d.rn and r.place is null
    """)
    quarantine, nye = set(), set()
    for source in CONTRACT_COLUMNS:
        for rn, place in con.execute(f"select rn, place from p_{source} where place is not null").fetchall():
            (nye if place == "NYE" else quarantine).add((source, rn, place) if place != "NYE" else (source, rn))
    return quarantine, nye


def test_expectations_match_an_independent_implementation_of_the_rules(adv):
    quarantine, nye = reference_places(adv, AS_OF)
    expected_q = {(r["source"], int(r["source_row_number"]), r["reason_code"])
                  for r in _read_expected(adv / "_expected_quarantine.csv")}
    expected_nye = {(r["source"], int(r["source_row_number"]))
                    for r in _read_expected(adv / "_expected_not_yet_effective.csv")}
    assert sorted(quarantine - expected_q)[:10] == [] and sorted(expected_q - quarantine)[:10] == []
    assert nye == expected_nye


def test_clean_data_is_never_quarantined(clean):
    quarantine, nye = reference_places(clean, AS_OF)
    assert quarantine == set()
    assert nye, "a few clean rows are recorded after as_of"
