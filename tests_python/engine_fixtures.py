"""Session fixtures of the engine tests (registered in conftest.py): one generated
adversarial landing set and one full build of it per engine, built on first use and
shared by test_engines_cross.py (the cross-engine comparison) and
test_engines_postgres.py (the access roles); and `spark_batch`, every Spark build of the
session run together.

`spark_batch`: a Spark build pays for starting a JVM and parsing the project before its
first statement, and a cold JVM runs its first build about twice as slowly as the next.
So every collected test module that defines `spark_jobs(request, base)` hands its builds
(engines.run_worker_jobs jobs) to this one fixture, which runs them all in two
long-lived worker processes and returns {job name: outcome}.

Every engine gets the same Parquet files, the same vars, the same person_key salt and the
same delivery ledger (`cross_engine_ledger`: hand-made batch and correction files of two
earlier months in its export folder, RULES.md §8a), so their outputs, the DVZ batch and
corrections included, must be identical row for row. What each build runs:
- DuckDB and PostgreSQL: `dbt build`, every seed, model, data test and unit test;
- Spark: seeds, models and the singular tests (RULES.md's exclusion rules, the
  dashboard's sums). Each Spark statement costs about a second: the 372 generic tests
  would add about 3 minutes on 2 cores and test the same SQL the other engines test
  (DVZ_SPARK_GENERIC_TESTS=1 adds those of the published models, 97); the dbt unit
  tests' fixtures are DuckDB SQL (`cast(... as varchar)`, which Spark refuses).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import datetime as dt
import shutil

import pytest

import reference_rules as ref
from engines import REPO_ROOT, EngineBuild, run_worker_jobs, skip_or_fail_without
from ledger_files import write_ledger_month
from scenario_model import PERSON_KEY_SALT

CROSS_ENGINE_AS_OF = "2025-06-30"
CROSS_ENGINE_PERSONS = 300
CROSS_ENGINE_SEED = 23
# One salt for every Spark build of the session: a Spark worker's driver JVM reads
# DVZ_PERSON_KEY_SALT once, when it starts (ADR 0009), and spark_batch runs the scenario
# groups (scenario_model.PERSON_KEY_SALT) in the same workers as the cross-engine build.
# The salt-on-disk tests of PostgreSQL and Spark search their builds' files for it.
CROSS_ENGINE_SALT = PERSON_KEY_SALT
CROSS_ENGINE_FORMAT = "parquet"

# What the cross-engine test compares: the contract columns of the marts it reads.
CROSS_ENGINE_COMPARED = {
    "marts.fct_transfer_eligibility": (
        "insz", "person_key", "flow_code", "criterion_code", "episode_start", "episode_end",
        "criterion_met_on", "transfer_due_on", "transfer_status", "counted_days", "counted_months",
        "ocmw_nis_code", "legal_reference",
    ),
    "marts.fct_person_transfer_status": ("person_key", "final_status", "exclusion_reason"),
    "marts.rpt_quarantined_rows": ("source", "source_row_number", "business_key", "reason_code"),
    "marts.fct_person_benefit_durations": (
        "person_key", "benefit_type", "aid_days", "reimbursed_days", "reimbursed_months",
        "reimbursed_amount_eur", "first_aid_day", "last_aid_day",
    ),
    "exports.dvz_transfer_batch": (
        "insz", "flow_code", "criterion_code", "episode_start", "episode_end", "transfer_due_on", "is_late",
        "aid_period_start", "aid_period_end", "counted_days", "counted_months", "reimbursed_amount_eur",
        "ocmw_nis_code",
    ),
    "exports.dvz_transfer_corrections": ("insz", "flow_code", "episode_start", "delivered_in_batch", "current_status"),
}

SPARK_BUILD_SELECT = ["resource_type:seed", "resource_type:model", "test_type:singular"]
if os.environ.get("DVZ_SPARK_GENERIC_TESTS", "") not in ("", "0"):
    # 97 more statements, about a minute on 2 cores: outside CI's Spark budget.
    SPARK_BUILD_SELECT += ["test_type:generic,path:models/marts", "test_type:generic,path:models/reporting",
                           "test_type:generic,path:models/exports"]
BUILD_SELECTION = {
    "duckdb": [],
    "postgres": [],
    "spark": ["--select", *SPARK_BUILD_SELECT, "--indirect-selection", "empty"],
}


@pytest.fixture(scope="session")
def cross_engine_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("cross_engine_landing")
    subprocess.run(
        [sys.executable, "scripts/generate_landing.py", "--out", str(landing),
         "--persons", str(CROSS_ENGINE_PERSONS), "--seed", str(CROSS_ENGINE_SEED),
         "--as-of", CROSS_ENGINE_AS_OF, "--format", "both", "--adversarial"],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )
    return landing


@pytest.fixture(scope="session")
def cross_engine_ledger(cross_engine_landing, tmp_path_factory) -> Path:
    """An export folder holding a delivery history of two earlier months, made by hand
    from RULES.md's independent reading (reference_rules) of the landing set as of
    CROSS_ENGINE_AS_OF, so that batch and corrections of that month each have every case
    of RULES.md §8a: April delivered three keys that are TRANSFER now (not delivered
    again), three that are not (corrected with their status), one that no eligibility row
    has (NO_LONGER_MET) and one TRANSFER key that May withdrew (delivered again now)."""
    folder = tmp_path_factory.mktemp("cross_engine_ledger")
    rows = ref.evaluate(ref.read_landing_csv(cross_engine_landing), CROSS_ENGINE_AS_OF).eligibility
    transfers = sorted((r for r in rows if r["transfer_status"] == "TRANSFER"),
                       key=lambda r: (r["insz"], r["flow_code"], r["episode_start"]))
    others = sorted((r for r in rows if r["transfer_status"] != "TRANSFER"),
                    key=lambda r: (r["insz"], r["flow_code"], r["episode_start"]))
    assert len(transfers) >= 4 and len(others) >= 3, "the cross-engine set has too few rows for its ledger"
    gone = dict(transfers[0], flow_code="C4" if transfers[0]["flow_code"] != "C4" else "C3",
                episode_start=dt.date(2019, 1, 1))
    withdrawn = transfers[3]
    write_ledger_month(folder, "2025-04", batch_rows=[*transfers[:4], *others[:3], gone], correction_rows=[])
    write_ledger_month(folder, "2025-05", batch_rows=[], correction_rows=[dict(
        withdrawn, delivered_in_batch="2025-04", current_status="HELD_DATA_QUALITY")])
    return folder


class CrossEngineBuilds:
    """Builds the landing set on an engine on first request, once per session, with the
    cross-engine ledger in its export folder."""

    def __init__(self, landing: Path, base: Path, ledger: Path):
        self.landing = landing
        self.ledger = ledger
        self.base = base
        self.builds: dict[str, EngineBuild] = {}
        self.failures: dict[str, str] = {}
        self.seconds: dict[str, float] = {}

    def get(self, engine: str) -> EngineBuild:
        skip_or_fail_without(engine)
        if engine in self.failures:
            pytest.fail(self.failures[engine], pytrace=False)
        if engine not in self.builds:
            build = EngineBuild(engine, self.base / engine, self.landing, CROSS_ENGINE_SALT,
                                landing_format=CROSS_ENGINE_FORMAT)
            started = time.monotonic()
            shutil.copytree(self.ledger, build.workdir / "exports", dirs_exist_ok=True)
            try:
                build.prepare()
                result = build.dbt(["build", *BUILD_SELECTION[engine], "--vars",
                                    json.dumps({"as_of_date": CROSS_ENGINE_AS_OF,
                                                "landing_format": CROSS_ENGINE_FORMAT})])
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                build.cleanup()
                self.failures[engine] = f"{engine} build of the cross-engine landing set failed: {exc}"
                pytest.fail(self.failures[engine], pytrace=False)
            self.seconds[engine] = time.monotonic() - started
            print(f"\n{engine}: cross-engine build in {self.seconds[engine]:.0f} s")
            if result.returncode != 0:
                build.cleanup()
                self.failures[engine] = (f"{engine} build of the cross-engine landing set failed "
                                         f"(workdir {build.workdir}):\n" + result.stdout[-8000:])
                pytest.fail(self.failures[engine], pytrace=False)
            self.builds[engine] = build
        return self.builds[engine]

    def cleanup(self) -> None:
        for build in self.builds.values():
            build.cleanup()


@pytest.fixture(scope="session")
def cross_engine_builds(cross_engine_landing, cross_engine_ledger, tmp_path_factory):
    builds = CrossEngineBuilds(cross_engine_landing, tmp_path_factory.mktemp("cross_engine_builds"), cross_engine_ledger)
    yield builds
    builds.cleanup()


@pytest.fixture(scope="session")
def spark_batch(request, tmp_path_factory) -> dict[str, dict]:
    skip_or_fail_without("spark")
    base = tmp_path_factory.mktemp("spark_batch")
    modules = []
    for item in request.session.items:
        if hasattr(item.module, "spark_jobs") and item.module not in modules:
            modules.append(item.module)
    jobs = [job for module in modules for job in module.spark_jobs(request, base)]
    started = time.monotonic()
    outcomes = run_worker_jobs("spark", jobs, base, workers=int(os.environ.get("DVZ_SPARK_WORKERS", "2")),
                               salt=CROSS_ENGINE_SALT)
    print(f"\nspark: {len(jobs)} build(s) in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{name} {outcome.get('seconds', '?')} s" for name, outcome in outcomes.items()))
    return outcomes


def cross_engine_spark_job(landing: Path, base: Path, ledger: Path) -> dict:
    """The cross-engine build as a spark_batch job, its export folder holding the ledger."""
    shutil.copytree(ledger, base / "cross_engine" / "exports", dirs_exist_ok=True)
    return dict(name="cross_engine", landing=str(landing), landing_format=CROSS_ENGINE_FORMAT,
                workdir=str(base / "cross_engine"), select=SPARK_BUILD_SELECT,
                vars={"as_of_date": CROSS_ENGINE_AS_OF, "landing_format": CROSS_ENGINE_FORMAT},
                env={"DVZ_PERSON_KEY_SALT": CROSS_ENGINE_SALT}, weight=2,
                read={table: list(columns) for table, columns in CROSS_ENGINE_COMPARED.items()})
