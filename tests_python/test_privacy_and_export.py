"""Privacy (RULES.md §8) and the DVZ batch export (issue #4, parts 2 and 3), on the shared
full build of the generated adversarial landing set (build_fixtures.py):

- person_key is the SHA-256 of the salt followed by the insz, recomputed here in Python;
- the salt never touches disk (issue #15): no file a build wrote (logs, parse cache,
  manifest, compiled and run SQL, static docs, the DuckDB file, the export) holds it, on the
  dev target (the shared build) and on the prod target (a build of its own with a canary
  salt), and no text value in the warehouse holds it;
- the prod target refuses to run without DVZ_PERSON_KEY_SALT; dev says it uses a demo salt;
- the privacy guard fails the build when a dashboard mart carries `insz` (a probe model in
  a copy of the project) and drops the offending relation;
- the first delivery (an empty ledger, RULES.md §8a) holds exactly the TRANSFER rows due
  by the end of the batch month, late ones marked, with the RULES.md §8 fields only, and
  no correction; Parquet and CSV agree; the manifest's counts, hashes and sizes are those
  of the files, and it names the ledger months read and the commit;
- fct_deferred_flow_impact is checked against a second build with the deferred flows
  enabled: the persons it says would become TRANSFER are exactly those that do.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from build_fixtures import AS_OF
from dbt_compile import REPO_ROOT, dbt_env
from scenario_model import DEFERRED_FLOW_CODES

SALT = "end-to-end-salt"  # the shared build's salt (build_fixtures.py)
EXPORT_FIELDS = [
    "insz", "flow_code", "criterion_code", "episode_start", "episode_end", "transfer_due_on", "is_late",
    "aid_period_start", "aid_period_end", "counted_days", "counted_months", "reimbursed_amount_eur",
    "ocmw_nis_code",
]
CORRECTION_FIELDS = ["insz", "flow_code", "episode_start", "delivered_in_batch", "current_status"]
BATCH_MONTH = AS_OF[:7]
# The models and seeds a build needs; a copy of them is a complete dbt project.
PROJECT_PARTS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "docs/blocks"]
DBT = str(Path(sys.executable).with_name("dbt"))


def _dbt(args: list[str], workdir: Path, landing: Path, project: Path = REPO_ROOT,
         **env: str) -> subprocess.CompletedProcess:
    extra = dict(DBT_TARGET="dev", DVZ_LANDING_DIR=str(landing),
                 DVZ_DUCKDB_PATH=str(workdir / "warehouse.duckdb"), DVZ_PERSON_KEY_SALT=SALT,
                 DVZ_EXPORT_DIR=str(workdir / "exports"))
    extra.update(env)
    (workdir / "exports").mkdir(parents=True, exist_ok=True)
    command = [DBT, "--no-use-colors", *args, "--project-dir", str(project),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=dbt_env(**extra))


def _read(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def landing(adversarial_landing) -> Path:
    return adversarial_landing


@pytest.fixture(scope="module")
def build(parquet_build, landing, tmp_path_factory) -> dict:
    """A copy of the shared full build, and its static docs."""
    workdir = tmp_path_factory.mktemp("privacy_build")
    shutil.copy(parquet_build, workdir / "warehouse.duckdb")
    docs = _dbt(["docs", "generate", "--static", "--vars", json.dumps({"as_of_date": AS_OF})], workdir, landing)
    assert docs.returncode == 0, docs.stdout[-4000:]
    return {"workdir": workdir, "database": workdir / "warehouse.duckdb", "exports": parquet_build.parent / "exports"}


def test_person_key_is_sha256_of_salt_and_insz(build):
    rows = _read(build["database"], "select insz, person_key from marts.fct_transfer_eligibility")
    assert rows
    for insz, person_key in rows:
        assert person_key == hashlib.sha256((SALT + insz).encode("utf-8")).hexdigest()


def _files_holding(folder: Path, secret: str) -> list[str]:
    """Every file under `folder` whose bytes hold `secret` (as UTF-8, or as UTF-16 in case a
    tool writes wide text), relative to `folder`."""
    needles = [secret.encode("utf-8"), secret.encode("utf-16-le")]
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and any(needle in path.read_bytes() for needle in needles))


def _warehouse_values_holding(database: Path, secret: str) -> list[str]:
    """Every table column of the warehouse with a text value that contains `secret`
    (DuckDB may compress strings on disk, so the file's bytes alone prove little)."""
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute("""
            select c.table_schema, c.table_name, c.column_name from information_schema.columns as c
            inner join information_schema.tables as t using (table_schema, table_name)
            where t.table_type = 'BASE TABLE' and c.data_type = 'VARCHAR'""").fetchall()
        return [f"{schema}.{table}.{column}" for schema, table, column in columns
                if con.execute(f'select count(*) from "{schema}"."{table}" where contains("{column}", ?)',
                               [secret]).fetchone()[0]]


def test_the_salt_never_touches_disk_on_the_dev_target(parquet_build, build):
    """The shared full build (dbt build: every model, test and unit test, the export) and the
    export and static docs made again on a copy: every file either wrote, the partial-parse
    cache and dbt.log included, and every text value of the warehouse, are free of the salt."""
    assert (build["workdir"] / "target" / "static_index.html").exists()
    for workdir in (parquet_build.parent, build["workdir"]):
        assert (workdir / "logs" / "dbt.log").exists() and (workdir / "target" / "partial_parse.msgpack").exists()
        assert _files_holding(workdir, SALT) == [], f"the salt is written under {workdir}"
    assert _warehouse_values_holding(build["database"], SALT) == []


def test_the_salt_never_touches_disk_on_the_prod_target(tmp_path):
    """A `dbt build` and `dbt docs generate` on the prod target with a canary salt, on a
    small generated landing set: no file under the build's folder holds the canary, and the
    person_key it published is the salted hash."""
    canary = f"canary-{tmp_path.name}-s3cr3t"
    landing = tmp_path / "landing"
    subprocess.run([sys.executable, "scripts/generate_landing.py", "--out", str(landing), "--persons", "80",
                    "--seed", "15", "--as-of", AS_OF, "--format", "parquet"],
                   cwd=REPO_ROOT, check=True, capture_output=True)
    dbt_vars = ["--vars", json.dumps({"as_of_date": AS_OF})]
    for command in (["build", *dbt_vars], ["docs", "generate", "--static", *dbt_vars]):
        result = _dbt(command, tmp_path, landing, DBT_TARGET="prod", DVZ_PERSON_KEY_SALT=canary)
        assert result.returncode == 0, result.stdout[-4000:]
    assert "DEMO salt" not in result.stdout
    assert _files_holding(tmp_path, canary) == []
    assert _warehouse_values_holding(tmp_path / "warehouse.duckdb", canary) == []
    keys = _read(tmp_path / "warehouse.duckdb", "select insz, person_key from marts.fct_transfer_eligibility")
    assert keys and all(key == hashlib.sha256((canary + insz).encode()).hexdigest() for insz, key in keys)


def test_prod_target_refuses_to_run_without_the_salt(landing, tmp_path):
    result = _dbt(["run", "--select", "dim_flows"], tmp_path, landing, DBT_TARGET="prod", DVZ_PERSON_KEY_SALT="")
    assert result.returncode != 0
    assert "DVZ_PERSON_KEY_SALT is not set" in result.stdout
    assert not (tmp_path / "warehouse.duckdb").exists() or not _read(
        tmp_path / "warehouse.duckdb", "select * from information_schema.tables where table_schema = 'marts'")


def test_dev_target_says_it_uses_the_demo_salt(landing, tmp_path):
    """Said by the on-run-start hook (the salt is never read while dbt parses)."""
    result = _dbt(["seed", "--select", "ref_code_lists"], tmp_path, landing, DVZ_PERSON_KEY_SALT="")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "uses the DEMO salt" in result.stdout


def test_privacy_guard_fails_a_dashboard_mart_that_carries_insz(build, landing, tmp_path):
    project = tmp_path / "project"
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            project.mkdir(exist_ok=True)
            shutil.copy(source, project / part)
    probe = project / "models" / "marts" / "dashboard" / "fct_privacy_probe.sql"
    probe.write_text("select insz, flow_code from {{ ref('int_transfer_eligibility_statuses') }}\n")
    shutil.copy(build["database"], tmp_path / "warehouse.duckdb")
    result = _dbt(["run", "--select", "fct_privacy_probe", "--vars", json.dumps({"as_of_date": AS_OF})],
                  tmp_path, landing, project=project)
    assert result.returncode != 0
    assert "dashboard model fct_privacy_probe carries personal data column(s) insz" in result.stdout
    assert not _read(tmp_path / "warehouse.duckdb",
                     "select * from information_schema.tables where table_name = 'fct_privacy_probe'")
    # The same model without the insz builds: the guard rejects the column, not the model.
    probe.write_text("select flow_code from {{ ref('int_transfer_eligibility_statuses') }}\n")
    result = _dbt(["run", "--select", "fct_privacy_probe", "--vars", json.dumps({"as_of_date": AS_OF})],
                  tmp_path, landing, project=project)
    assert result.returncode == 0, result.stdout[-3000:]


def test_dashboard_marts_carry_no_personal_column(build):
    """Every marts relation but those tagged `restricted` (read from the build's manifest:
    the eligibility, the quarantine report, the auditors' person lookup) is free of them."""
    manifest = json.loads((build["workdir"] / "target" / "manifest.json").read_text())
    restricted = sorted(node["name"] for node in manifest["nodes"].values()
                        if node["resource_type"] == "model" and "restricted" in node["tags"])
    assert {"fct_transfer_eligibility", "rpt_quarantined_rows"} <= set(restricted)
    names = ", ".join(f"'{name}'" for name in restricted)
    rows = _read(build["database"], f"""
        select table_schema || '.' || table_name, column_name from information_schema.columns
        where table_schema = 'marts' and lower(column_name) in ('insz', 'birth_date', 'business_key')
        and table_name not in ({names})""")
    assert rows == []


def _export_paths(build) -> dict[str, Path]:
    folder = build["exports"]
    return {"batch": folder / f"dvz_transfer_batch_{BATCH_MONTH}.parquet",
            "batch_csv": folder / f"dvz_transfer_batch_{BATCH_MONTH}.csv",
            "corrections": folder / f"dvz_transfer_corrections_{BATCH_MONTH}.parquet",
            "corrections_csv": folder / f"dvz_transfer_corrections_{BATCH_MONTH}.csv",
            "manifest": folder / f"dvz_transfer_batch_{BATCH_MONTH}.manifest.json"}


def test_the_first_batch_holds_every_transfer_row_due_by_its_month_end(build):
    """RULES.md §8a with an empty ledger: every TRANSFER row due by the last day of the
    batch month, those due before the month marked late, and no correction."""
    paths = _export_paths(build)
    table = pq.read_table(paths["batch"])
    assert table.column_names == EXPORT_FIELDS
    expected = _read(build["database"], f"""
        select insz, flow_code, episode_start, transfer_due_on, transfer_due_on < date '{BATCH_MONTH}-01'
        from marts.fct_transfer_eligibility
        where transfer_status = 'TRANSFER' and transfer_due_on <= last_day(date '{BATCH_MONTH}-01')""")
    exported = [(r["insz"], r["flow_code"], r["episode_start"], r["transfer_due_on"], r["is_late"])
                for r in table.to_pylist()]
    assert sorted(exported) == sorted(expected) and len(expected) > 0
    assert any(late for *_, late in expected) and not all(late for *_, late in expected)
    with open(paths["batch_csv"], newline="", encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    assert list(csv_rows[0].keys()) == EXPORT_FIELDS
    parquet_rows = [{key: "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
                     for key, value in row.items()} for row in table.to_pylist()]
    assert csv_rows == parquet_rows
    corrections = pq.read_table(paths["corrections"])
    assert corrections.column_names == CORRECTION_FIELDS and corrections.num_rows == 0


def test_export_manifest_describes_the_files(build):
    paths = _export_paths(build)
    manifest = json.loads(paths["manifest"].read_text())
    batch = pq.read_table(paths["batch"]).to_pylist()
    assert manifest["batch_month"] == BATCH_MONTH
    assert manifest["as_of_date"] == AS_OF
    assert manifest["rows_delivered"] == manifest["row_count"] == len(batch)
    assert manifest["late_rows"] == sum(row["is_late"] for row in batch) > 0
    assert manifest["corrections"] == 0 and manifest["ledger_months"] == []
    listed = {item["file"]: item for item in manifest["files"]}
    assert set(listed) == {path.name for kind, path in paths.items() if kind != "manifest"}
    for name, item in listed.items():
        path = build["exports"] / name
        assert item["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert item["bytes"] == path.stat().st_size
        assert item["rows"] == pq.read_metadata(path.with_suffix(".parquet")).num_rows


def test_deferred_flow_impact_matches_a_build_with_the_flows_enabled(build, landing, tmp_path):
    impact = dict(_read(build["database"], "select flow_code, persons_newly_transferred from marts.fct_deferred_flow_impact"))
    assert set(impact) == set(DEFERRED_FLOW_CODES)  # the catalogue's deferred flows (seed rule_flows)
    assert sum(impact.values()) > 0, "no deferred impact in the generated set: the check would prove nothing"
    before = {key for (key,) in _read(build["database"],
              "select person_key from marts.fct_person_transfer_status where final_status = 'TRANSFER'")}
    # One flow is enough to check the computation (the SQL is the same for every flow);
    # the one with the largest impact makes the check the sharpest.
    for flow in [max(sorted(impact), key=lambda code: impact[code])]:
        workdir = tmp_path / flow
        workdir.mkdir()
        shutil.copy(build["database"], workdir / "warehouse.duckdb")
        result = _dbt(["run", "--select", "int_rules__flows_in_force+", "--vars",
                       json.dumps({"as_of_date": AS_OF, "enabled_deferred_flows": [flow]})],
                      workdir, landing)
        assert result.returncode == 0, result.stdout[-3000:]
        after = {key for (key,) in _read(workdir / "warehouse.duckdb",
                 "select person_key from marts.fct_person_transfer_status where final_status = 'TRANSFER'")}
        assert before <= after
        assert len(after - before) == impact[flow], flow


def test_warehouse_file_opens_in_duckdb_1x(build, tmp_path):
    """storage_compatibility_version v1.4.0: a DuckDB 1.x reader (what BI tools embed) opens
    the file. Needs PyPI to install duckdb 1.4 into a throw-away venv."""
    venv = tmp_path / "duckdb14"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "duckdb==1.4.2"],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    copy = tmp_path / "copy.duckdb"
    shutil.copy(build["database"], copy)
    read = subprocess.run([str(venv / "bin" / "python"), "-c", (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, c.execute('select count(*) from marts.fct_person_transfer_status').fetchone()[0])"
    ), str(copy)], capture_output=True, text=True)
    assert read.returncode == 0, read.stderr[-2000:]
    version, persons = read.stdout.split()
    assert version.startswith("1.4")
    assert int(persons) == _read(build["database"], "select count(*) from marts.fct_person_transfer_status")[0][0]


def test_manifest_names_the_checked_out_commit_without_dvz_git_commit(parquet_build):
    """The shared build ran without DVZ_GIT_COMMIT: the manifest reads the commit from .git."""
    manifests = list((parquet_build.parent / "exports").glob("dvz_transfer_batch_*.manifest.json"))
    assert [path.name for path in manifests] == [f"dvz_transfer_batch_{AS_OF[:7]}.manifest.json"]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
    expected = head.stdout.strip() if head.returncode == 0 else "unknown"
    assert json.loads(manifests[0].read_text())["git_commit"] == expected
