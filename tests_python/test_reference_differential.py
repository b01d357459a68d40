"""Differential test: the warehouse against an independent Python reading of RULES.md.

For each configuration, adversarial landing data is generated
(``scripts/generate_landing.py --adversarial``), the warehouse is built with
``dbt build`` (seeds and models only) into a temporary DuckDB file, and three outputs
are compared row by row, as multisets, with ``reference_rules.evaluate`` on the same
CSV files:

- ``staging.stg_landing__row_placements``: (source, source_row_number, place, reason_code);
- ``marts.fct_transfer_eligibility``: the columns of ``ELIGIBILITY_COLUMNS``;
- ``marts.fct_person_transfer_status``: (insz, final_status, exclusion_reason), the
  ``person_key`` mapped back to the ``insz`` through sha256(salt + insz) over the staged
  persons;
- ``marts.fct_person_benefit_durations`` (RULES.md §9), the same way.

A failure prints the first 20 differing rows per table and, for each differing
eligibility row, the person's landing rows, so a human can reproduce the case.

    pytest tests_python/test_reference_differential.py
    DVZ_DIFF_WORKDIR=/tmp/diff pytest ...   # keep the landing files and warehouses
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference_rules as ref  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SALT = "diff-salt"
PERSONS = 800
MAX_SHOWN = 20

CONFIGS = [
    pytest.param(dict(seed=11, as_of="2025-06-30", counting_mode=None, enabled=[]),
                 id="seed11-2025-06-30-default"),
    pytest.param(dict(seed=12, as_of="2024-12-31", counting_mode="cumulative",
                      enabled=["D1", "D2", "D3"]),
                 id="seed12-2024-12-31-cumulative-D123"),
    pytest.param(dict(seed=13, as_of="2023-03-15", counting_mode="consecutive", enabled=["D3"]),
                 id="seed13-2023-03-15-consecutive-D3"),
]


# ------------------------------------------------------------------ building both sides


def _generate(landing: Path, config: dict) -> None:
    subprocess.run(
        [sys.executable, "scripts/generate_landing.py", "--out", str(landing),
         "--persons", str(PERSONS), "--seed", str(config["seed"]), "--as-of", config["as_of"],
         "--format", "csv", "--adversarial"],
        cwd=REPO_ROOT, check=True, capture_output=True)


def _start_dbt_build(workdir: Path, landing: Path, config: dict) -> subprocess.Popen:
    dbt_vars = {"as_of_date": config["as_of"], "landing_format": "csv",
                "enabled_deferred_flows": config["enabled"]}
    if config["counting_mode"]:
        dbt_vars["counting_mode"] = config["counting_mode"]
    env = dict(os.environ)
    env.update(DVZ_LANDING_DIR=str(landing), DVZ_DUCKDB_PATH=str(workdir / "w.duckdb"),
               DVZ_PERSON_KEY_SALT=SALT, DBT_PROFILES_DIR=str(REPO_ROOT), DBT_TARGET="dev",
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", "build",
               "--select", "resource_type:seed", "resource_type:model",
               "--indirect-selection", "empty", "--vars", json.dumps(dbt_vars),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _dbt_build(workdir: Path, landing: Path, config: dict) -> Path:
    """Build one configuration and wait (for interactive use, e.g. reproducing a case)."""
    process = _start_dbt_build(workdir, landing, config)
    output, _ = process.communicate()
    assert process.returncode == 0, output[-8000:]
    return workdir / "w.duckdb"


def _read_warehouse(database: Path) -> dict:
    with duckdb.connect(str(database), read_only=True) as con:
        def rows(sql):
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values)) for values in cursor.fetchall()]

        staged_insz = [r["insz"] for r in rows("select insz from staging.stg_national_register__persons")]
        by_key = {hashlib.sha256((SALT + insz).encode("utf-8")).hexdigest(): insz for insz in staged_insz}

        def with_insz(row):
            row = dict(row)
            key = row.pop("person_key")
            row["insz"] = by_key.get(key, f"<unmapped person_key {key}>")
            return row

        return dict(
            placements=rows("select source, source_row_number, place, reason_code "
                            "from staging.stg_landing__row_placements"),
            eligibility=rows("select " + ", ".join(ref.ELIGIBILITY_COLUMNS)
                             + " from marts.fct_transfer_eligibility"),
            person_status=[with_insz(r) for r in rows(
                "select person_key, final_status, exclusion_reason from marts.fct_person_transfer_status")],
            benefit_durations=[with_insz(r) for r in rows(
                "select person_key, benefit_type, aid_days, reimbursed_days, reimbursed_months, "
                "reimbursed_amount_eur, first_aid_day, last_aid_day "
                "from marts.fct_person_benefit_durations")],
        )


def _config_id(config: dict) -> str:
    return f"seed{config['seed']}"


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    """Generates every configuration's landing files and runs the three dbt builds
    concurrently (each into its own DuckDB file); the reference is evaluated meanwhile."""
    root = os.environ.get("DVZ_DIFF_WORKDIR")
    started = {}
    for param in CONFIGS:
        config = param.values[0]
        name = _config_id(config)
        workdir = Path(root) / name if root else tmp_path_factory.mktemp(name)
        workdir.mkdir(parents=True, exist_ok=True)
        landing = workdir / "landing"
        _generate(landing, config)
        started[name] = (config, workdir, landing, _start_dbt_build(workdir, landing, config))
    sides = {}
    for name, (config, workdir, landing, process) in started.items():
        raw = ref.read_landing_csv(landing)
        reference = ref.evaluate(raw, config["as_of"], config["counting_mode"], config["enabled"])
        sides[name] = dict(config=config, raw=raw, reference=reference, workdir=workdir, process=process)
    for name, side in sides.items():
        output, _ = side["process"].communicate()
        side["build_ok"], side["build_output"] = side["process"].returncode == 0, output
        if side["build_ok"]:
            side["warehouse"] = _read_warehouse(side["workdir"] / "w.duckdb")
    return sides


@pytest.fixture(params=CONFIGS)
def both_sides(request, builds):
    side = builds[_config_id(request.param)]
    if not side["build_ok"]:
        pytest.fail("dbt build failed:\n" + side["build_output"][-8000:], pytrace=False)
    return side


# ------------------------------------------------------------------ comparing


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _as_tuple(row: dict, columns) -> tuple:
    return tuple(_cell(row.get(c)) for c in columns)


def _multiset_diff(reference_rows, warehouse_rows, columns):
    ref_count = Counter(_as_tuple(r, columns) for r in reference_rows)
    wh_count = Counter(_as_tuple(r, columns) for r in warehouse_rows)
    only_reference = sorted((ref_count - wh_count).elements(), key=repr)
    only_warehouse = sorted((wh_count - ref_count).elements(), key=repr)
    return only_reference, only_warehouse


def _format_rows(title, rows, columns):
    lines = [f"  {title} ({len(rows)}):"]
    for row in rows[:MAX_SHOWN]:
        lines.append("    " + ", ".join(f"{c}={v}" for c, v in zip(columns, row)))
    if len(rows) > MAX_SHOWN:
        lines.append(f"    ... {len(rows) - MAX_SHOWN} more")
    return lines


def _landing_rows_of(raw: dict, reference: ref.Result, insz: str) -> list[str]:
    """Every landing row naming this insz (after normalisation), and the reimbursements
    of its decisions, with their row numbers and reference placements."""
    placement = {(p["source"], p["source_row_number"]): p for p in reference.placements}
    decision_ids = {r["decision_id"] for r in reference.rows["aid_decisions"] if r["insz"] == insz}
    lines = []
    for source in ref.SOURCES:
        header = [c for c, _, _ in ref.SOURCES[source]]
        for row in reference.rows[source]:
            mine = row["insz"] == insz or (source == "reimbursements" and row["decision_id"] in decision_ids)
            if not mine:
                continue
            number = row["_row"]
            raw_row = raw[source][number - 1]
            where = placement[(source, number)]
            lines.append(f"      {source}#{number} [{where['place']}{'/' + where['reason_code'] if where['reason_code'] else ''}] "
                         + ",".join(raw_row.get(c) or "" for c in header))
    return lines


def _report(name, only_reference, only_warehouse, columns, extra=None):
    if not only_reference and not only_warehouse:
        return None
    lines = [f"{name}: {len(only_reference)} row(s) only in the reference, "
             f"{len(only_warehouse)} only in the warehouse"]
    lines += _format_rows("reference only (expected by RULES.md reading)", only_reference, columns)
    lines += _format_rows("warehouse only", only_warehouse, columns)
    if extra:
        lines += extra
    return "\n".join(lines)


def _assert_same(both_sides, side_key: str, columns, name: str, extra_for=None) -> None:
    """Fail with a readable diff when the reference and the warehouse differ on one table."""
    only_ref, only_wh = _multiset_diff(getattr(both_sides["reference"], side_key),
                                       both_sides["warehouse"][side_key], columns)
    extra = extra_for(only_ref + only_wh) if extra_for else None
    report = _report(name, only_ref, only_wh, columns, extra)
    if report:
        pytest.fail(report, pytrace=False)


def test_row_placements(both_sides):
    _assert_same(both_sides, "placements", ref.PLACEMENT_COLUMNS, "row placements")


def test_transfer_eligibility(both_sides):
    def landing_rows_of_differing_persons(rows):
        persons = list(dict.fromkeys(row[0] for row in rows))
        extra = []
        for insz in persons[:MAX_SHOWN]:
            extra.append(f"  landing rows of {insz}:")
            extra += _landing_rows_of(both_sides["raw"], both_sides["reference"], insz)
        return extra

    _assert_same(both_sides, "eligibility", ref.ELIGIBILITY_COLUMNS, "fct_transfer_eligibility",
                 landing_rows_of_differing_persons)


def test_person_transfer_status(both_sides):
    _assert_same(both_sides, "person_status", ref.PERSON_STATUS_COLUMNS, "fct_person_transfer_status")


def test_person_benefit_durations(both_sides):
    _assert_same(both_sides, "benefit_durations", ref.BENEFIT_DURATION_COLUMNS, "fct_person_benefit_durations")
