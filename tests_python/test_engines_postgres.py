"""PostgreSQL only: access control and the landing load step (README "Other engines").

Access (RULES.md §8): on the full build of the cross-engine landing set
(engine_fixtures.py), dbt's `grants` must leave every restricted model (tag `restricted`:
it carries the insz - eligibility, the DVZ export, the quarantined rows) readable by the
role `transfer_officer` and by no dashboard reader, and every dashboard model readable by
`bi_reader`; staging, intermediate, seeds and the landing tables (insz everywhere) by
neither. The test connects as each role (passwords DVZ_PG_TRANSFER_OFFICER_PASSWORD,
DVZ_PG_BI_READER_PASSWORD; scripts/engines/postgres_setup.sh creates the roles).

Load step: scripts/load_landing_postgres.py numbers CSV rows as DuckDB does (quoted line
breaks, doubled quotes, extra columns, upper-case headers), and the run stops with a
message naming the file when a file is missing, when the loaded tables do not match the
run's folder or format, or when a value cannot be read as its type.

The salt (ADR 0009): it reaches every session through libpq's PGOPTIONS, never as SQL
text, so no file of the cross-engine build and nothing in its database holds it, and the
published person_key is sha256(salt || insz); a session without it stops the run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engines

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import landing_contract  # noqa: E402
from engine_fixtures import CROSS_ENGINE_AS_OF

ROLE_PASSWORDS = {
    "transfer_officer": ("DVZ_PG_TRANSFER_OFFICER_PASSWORD", "dvz-local-only"),
    "bi_reader": ("DVZ_PG_BI_READER_PASSWORD", "dvz-local-only"),
}


@pytest.fixture(scope="module")
def pg_build(cross_engine_builds):
    return cross_engine_builds.get("postgres")


@pytest.fixture(scope="module")
def published(pg_build):
    """(schema.name, audience tag or None) of every model the build created."""
    manifest = json.loads((pg_build.workdir / "target" / "manifest.json").read_text(encoding="utf-8"))
    relations = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed") and node["config"].get("materialized") != "ephemeral":
            audience = next((t for t in node["tags"] if t in ("restricted", "dashboard")), None)
            relations[f"{node['schema']}.{node['alias']}"] = (node, audience)
    return relations


def _can_read(role: str, database: str, relation: str) -> bool:
    import psycopg2
    from psycopg2 import errors

    variable, default = ROLE_PASSWORDS[role]
    con = engines.pg_connect(database, user=role, password=os.environ.get(variable, default))
    try:
        with con.cursor() as cur:
            cur.execute(f"select count(*) from {relation}")
            cur.fetchone()
        return True
    except errors.InsufficientPrivilege:
        return False
    except psycopg2.Error as exc:  # any other failure is a broken test setup, not a refusal
        raise AssertionError(f"{role} reading {relation}: {exc}") from exc
    finally:
        con.close()


def test_every_published_model_declares_its_audience_and_grant(published):
    """The grants of dbt_project.yml follow the audience tags: a model tagged later
    without a matching grant entry fails here, not silently in production."""
    problems = []
    for relation, (node, audience) in sorted(published.items()):
        grants = node["config"].get("grants") or {}
        expected = {"restricted": {"select": ["transfer_officer"]},
                    "dashboard": {"select": ["bi_reader"]}}.get(audience, {})
        if grants != expected:
            problems.append(f"{relation} (tag {audience}): grants {grants}, expected {expected}")
    assert not problems, "\n".join(problems)
    audiences = {audience for _, audience in published.values()}
    assert {"restricted", "dashboard"} <= audiences


def test_bi_reader_is_refused_every_restricted_model_and_the_officer_reads_them(pg_build, published):
    restricted = [relation for relation, (_, audience) in published.items() if audience == "restricted"]
    assert {"marts.fct_transfer_eligibility", "marts.rpt_quarantined_rows"} <= set(restricted), restricted
    refused = [relation for relation in restricted if not _can_read("transfer_officer", pg_build.database, relation)]
    leaked = [relation for relation in restricted if _can_read("bi_reader", pg_build.database, relation)]
    assert not refused, f"transfer_officer cannot read restricted model(s) {refused}"
    assert not leaked, f"bi_reader can read restricted model(s) {leaked}"


def test_bi_reader_reads_every_dashboard_model(pg_build, published):
    dashboard = [relation for relation, (_, audience) in published.items() if audience == "dashboard"]
    assert "marts.fct_person_transfer_status" in dashboard, dashboard
    refused = [relation for relation in dashboard if not _can_read("bi_reader", pg_build.database, relation)]
    assert not refused, f"bi_reader cannot read dashboard model(s) {refused}"


def test_neither_role_reads_unpublished_relations(pg_build, published):
    """Staging, intermediate, seeds and the landing tables carry the insz (or are not
    published): no reader role may see them."""
    unpublished = [relation for relation, (_, audience) in published.items() if audience is None]
    unpublished += ["landing.persons", "landing.reimbursements"]
    assert "staging.stg_national_register__persons" in unpublished
    for role in ROLE_PASSWORDS:
        readable = [relation for relation in unpublished if _can_read(role, pg_build.database, relation)]
        assert not readable, f"{role} can read unpublished relation(s) {readable}"


# ------------------------------------------------------------------ load step
# One database, one landing folder and one target folder for all these tests, and the
# same vars in every run: dbt then parses the project once and re-reads only what changed.

RUN_VARS = json.dumps({"landing_format": "csv", "as_of_date": CROSS_ENGINE_AS_OF})
HEADERS = {source: ",".join(columns) for source, columns in landing_contract.COLUMN_NAMES.items()}


@pytest.fixture(scope="module")
def load_step(tmp_path_factory):
    """(database, landing folder, EngineBuild sharing both) for the load-step tests."""
    engines.skip_or_fail_without("postgres")
    workdir = tmp_path_factory.mktemp("pg_load_step")
    name = engines.new_pg_database_name()
    engines.create_pg_database(name)
    build = engines.EngineBuild("postgres", workdir, workdir / "landing", "salt", database=name)
    yield build
    engines.drop_pg_database(name)


def _write_landing(folder: Path, **contents: str) -> Path:
    """The four CSV files, header only unless given; an empty text removes the file."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for source, header in HEADERS.items():
        text = contents.get(source, header + "\n")
        if text:
            (folder / f"{source}.csv").write_text(text, encoding="utf-8")
    return folder


def _load(build, landing_format: str = "csv") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/load_landing_postgres.py", "--landing-dir", str(build.landing_dir),
         "--format", landing_format, "--database", build.database],
        cwd=engines.REPO_ROOT, capture_output=True, text=True,
    )


def _run_hook_only(build) -> subprocess.CompletedProcess:
    return build.dbt(["build", "--select", "ref_code_lists", "--vars", RUN_VARS])


def test_csv_rows_are_loaded_as_text_and_numbered_as_duckdb_reads_them(load_step):
    import duckdb

    persons = (
        'INSZ,Birth_Date,nationality_code,belgian_since,recorded_at,remark\n'
        '85.07.30-033.28,1985-07-30,fr,,2014-01-01 10:00:00,"a ""quoted"" remark"\n'
        ' 90010112395 ,,NL,,2014-01-01T10:00:00,"two\nlines"\n'
        ',"",BE,2001-05-05,2014-01-02 00:00:00,\n'
    )
    _write_landing(load_step.landing_dir, persons=persons)
    result = _load(load_step)
    assert result.returncode == 0, result.stderr
    con = engines.pg_connect(load_step.database)
    with con.cursor() as cur:
        cur.execute("select source_row_number, insz, birth_date, nationality_code, belgian_since, recorded_at, remark"
                    " from landing.persons order by source_row_number")
        loaded = cur.fetchall()
        cur.execute("select landing_rows, landing_format from landing.load_manifest where source = 'persons'")
        manifest = cur.fetchone()
    con.close()
    with duckdb.connect() as duck:
        expected = duck.execute(
            "select row_number() over () as source_row_number, insz, birth_date, nationality_code, belgian_since,"
            " recorded_at, remark from read_csv(?, header = true, delim = ',', all_varchar = true)",
            [str(load_step.landing_dir / "persons.csv")],
        ).fetchall()
    assert loaded == expected
    assert loaded[1][6] == "two\nlines" and loaded[0][6] == 'a "quoted" remark'
    assert manifest == (3, "csv")


def test_a_missing_file_leaves_no_landing_table_and_the_run_names_it(load_step):
    landing = _write_landing(load_step.landing_dir)
    assert _load(load_step).returncode == 0
    (landing / "reimbursements.csv").unlink()
    result = _load(load_step)
    assert result.returncode == 1
    assert f"{landing}/reimbursements.csv" in result.stderr, result.stderr
    run = _run_hook_only(load_step)
    assert run.returncode != 0
    assert f"missing landing file {landing}/reimbursements.csv" in run.stdout, run.stdout[-3000:]
    assert "load_landing_postgres.py" in run.stdout, run.stdout[-3000:]


def test_a_run_never_reads_tables_loaded_from_another_format(load_step):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    landing = _write_landing(load_step.landing_dir)
    for source in HEADERS:
        pq.write_table(pacsv.read_csv(landing / f"{source}.csv"), landing / f"{source}.parquet")
    assert _load(load_step, "parquet").returncode == 0
    run = _run_hook_only(load_step)  # landing_format csv
    assert run.returncode != 0
    assert f"landing.persons holds {landing}/persons.parquet, not {landing}/persons.csv" in run.stdout, \
        run.stdout[-3000:]


def test_a_missing_contract_column_stops_the_run_naming_it(load_step):
    _write_landing(load_step.landing_dir, persons="insz,birth_date,nationality,belgian_since,recorded_at\n")
    assert _load(load_step).returncode == 0
    run = _run_hook_only(load_step)
    assert run.returncode != 0
    assert "persons.csv lacks column(s) nationality_code" in run.stdout, run.stdout[-3000:]


def test_an_unreadable_value_stops_the_run_naming_file_column_row_and_value(load_step):
    _write_landing(load_step.landing_dir, persons=(
        HEADERS["persons"] + "\n"
        "85073003328,1985-07-30,FR,,2014-01-01 10:00:00\n"
        "90010112395,1990-02-30,NL,,2014-01-01 10:00:00\n"))
    assert _load(load_step).returncode == 0
    run = load_step.dbt(["build", "--select", "base_national_register__persons", "--exclude", "resource_type:unit_test",
                         "--indirect-selection", "empty", "--vars", RUN_VARS])
    assert run.returncode != 0
    for word in ("persons.csv", "column birth_date,", "row 2", "1990-02-30"):
        assert word in run.stdout, run.stdout[-3000:]


# ------------------------------------------------------------------ the salt (ADR 0009)


def files_holding(folder: Path, secret: str, skip: tuple[str, ...] = ()) -> list[str]:
    """Every file under `folder` (but those named in `skip`) whose bytes hold `secret`, as
    UTF-8 or as UTF-16, relative to `folder`."""
    needles = [secret.encode("utf-8"), secret.encode("utf-16-le")]
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and path.name not in skip
                  and any(needle in path.read_bytes() for needle in needles))


def test_the_salt_never_touches_disk_and_keys_are_salted_hashes(pg_build):
    """The cross-engine build (every seed, model, data test and unit test; its salt comes
    through PGOPTIONS, engines.EngineBuild): no file it wrote (dbt.log, the parse cache,
    manifest, compiled and run SQL, the load step's log) and no text value or setting in
    its database holds the salt, the SQL reads the session setting, and every person_key
    is sha256(salt || insz), so the session's salt was the one hashed."""
    import hashlib

    salt = pg_build.salt
    assert (pg_build.workdir / "logs" / "dbt.log").exists()
    assert (pg_build.workdir / "target" / "partial_parse.msgpack").exists()
    assert files_holding(pg_build.workdir, salt) == []
    compiled = next((pg_build.workdir / "target" / "compiled").rglob("fct_transfer_eligibility.sql"))
    assert "current_setting('dvz.person_key_salt', true)" in compiled.read_text(encoding="utf-8")
    rows = pg_build.rows("marts.fct_transfer_eligibility", ["insz", "person_key"])
    assert rows and all(key == hashlib.sha256((salt + insz).encode("utf-8")).hexdigest() for insz, key in rows)
    con = engines.pg_connect(pg_build.database)
    try:
        with con.cursor() as cur:
            cur.execute("""
                select table_schema, table_name, column_name from information_schema.columns
                where table_catalog = current_database() and data_type in ('text', 'character varying')
                    and table_schema not in ('pg_catalog', 'information_schema')""")
            holding = []
            for schema, table, column in cur.fetchall():
                cur.execute(f'select count(*) from "{schema}"."{table}" where strpos("{column}", %s) > 0', [salt])
                if cur.fetchone()[0]:
                    holding.append(f"{schema}.{table}.{column}")
            assert holding == []
            cur.execute("select count(*) from pg_db_role_setting where array_to_string(setconfig, ' ') like %s",
                        [f"%{salt}%"])
            assert cur.fetchone()[0] == 0
    finally:
        con.close()


def test_a_session_without_the_salt_stops_the_run_naming_pgoptions(load_step):
    """DVZ_PERSON_KEY_SALT alone does not reach PostgreSQL: without the PGOPTIONS setting
    the on-run-start hook stops the run before any node, saying how to pass it."""
    run = load_step.dbt(["seed", "--select", "ref_code_lists", "--vars", RUN_VARS], PGOPTIONS="")
    assert run.returncode != 0
    assert "DVZ_PERSON_KEY_SALT is not set: the postgres target" in run.stdout, run.stdout[-3000:]
    assert "scripts/engines/pg_options.py" in run.stdout, run.stdout[-3000:]


def test_pgoptions_hand_any_salt_to_the_session_unchanged(monkeypatch):
    """scripts/engines/pg_options.py escapes what libpq would split on or unescape: a salt
    with spaces, a tab, backslashes, quotes and non-ASCII letters arrives byte for byte, and
    the session hashes it as Python does."""
    import hashlib

    engines.skip_or_fail_without("postgres")
    salt = "s3cr3t canary \\ \\\\x 'q' \"dq\"\t-c dvz.other=1 é€"
    monkeypatch.setenv("PGOPTIONS", engines.pg_options.with_salt(salt, "-c application_name=dvz_salt_test"))
    con = engines.pg_connect()
    try:
        with con.cursor() as cur:
            cur.execute("select current_setting('dvz.person_key_salt', true), current_setting('application_name'), "
                        "encode(sha256(convert_to(current_setting('dvz.person_key_salt', true) || '85073003328', "
                        "'UTF8')), 'hex')")
            assert cur.fetchone() == (salt, "dvz_salt_test",
                                      hashlib.sha256((salt + "85073003328").encode("utf-8")).hexdigest())
    finally:
        con.close()
