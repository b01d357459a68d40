"""The Streamlit dashboard (dashboard/), page by page, with Streamlit's AppTest against a
warehouse built by dbt (dashboard_fixture.py). Every figure checked here is read again
from the warehouse by the test itself, mostly from models the dashboard may not read
(fct_transfer_eligibility, rpt_quarantined_rows), so a wrong mart or a wrong page fails.
Also: the dashboard reads only the dashboard marts (RULES.md §8), and a missing, locked or
outdated warehouse gives a message, never a traceback."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard_fixture import DASHBOARD_DIR, LEDGER_KEYS, dashboard_warehouse, query, shown_count

import warehouse  # noqa: E402  (dashboard/warehouse.py; dashboard_fixture puts it on the path)

APP = str(DASHBOARD_DIR / "app.py")
PAGES = ["pages/transfers.py", "pages/delivery.py", "pages/exclusions.py", "pages/deferred.py",
         "pages/durations.py", "pages/quality.py"]
# The marts the dashboard may read (issue #4), written out again: widening
# warehouse.ALLOWED_RELATIONS must fail here.
DASHBOARD_MARTS = {
    "marts.fct_monthly_transfers", "marts.fct_monthly_deliveries", "marts.fct_person_status_summary",
    "marts.fct_deferred_flow_impact",
    "marts.fct_threshold_pipeline", "marts.fct_landing_quality_over_time",
    "marts.rpt_landing_reconciliation", "marts.fct_person_benefit_durations",
    "marts.fct_person_transfer_status", "marts.dim_flows", "marts.dim_ocmw",
}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    return dashboard_warehouse(tmp_path_factory)


@pytest.fixture
def served(built, monkeypatch) -> Path:
    monkeypatch.setenv("DVZ_DUCKDB_PATH", str(built))
    monkeypatch.delenv("DVZ_DASHBOARD_MIN_CELL", raising=False)
    return built


def run_page(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def table(app: AppTest, index: int = 0) -> list[dict]:
    return app.dataframe[index].value.to_dict("records")


def scalar(database: Path, sql: str):
    return query(database, sql)[0][0]


# --- The pages show the warehouse's figures ----------------------------------------------

def test_overview_headline_figures_match_the_warehouse(served):
    app = run_page()
    persons = dict(query(served, "select final_status, count(*) from marts.fct_person_transfer_status "
                                 "group by 1"))
    transfer_rows = scalar(served, "select count(*) from marts.fct_transfer_eligibility "
                                   "where transfer_status = 'TRANSFER'")
    as_of = scalar(served, "select max(as_of_date) from marts.fct_person_transfer_status")
    assert persons["TRANSFER"] > 5 and persons["EXCLUDED"] > 5 and persons["HELD_DATA_QUALITY"] > 5
    assert metrics(app) == {
        "Persons transferred": shown_count(persons["TRANSFER"]),
        "Transfer rows": shown_count(transfer_rows),
        "As of": as_of.isoformat(),
        "Persons excluded": shown_count(persons["EXCLUDED"]),
        "Persons held": shown_count(persons["HELD_DATA_QUALITY"]),
        "Persons deferred": shown_count(persons.get("DEFERRED_TECHNICAL", 0)),
    }
    statuses = {row["final_status"]: row["persons"] for row in table(app)}
    assert statuses == {status: shown_count(persons.get(status, 0))
                        for status in ("TRANSFER", "HELD_DATA_QUALITY", "DEFERRED_TECHNICAL", "EXCLUDED")}


def test_transfers_page_counts_transfer_rows_per_flow_and_filters_by_province(served):
    app = run_page("pages/transfers.py")
    expected = dict(query(served, """
        select flow_code, count(*) from marts.fct_transfer_eligibility
        where transfer_status = 'TRANSFER' group by 1"""))
    assert {row["flow_code"]: row["transfer_rows"] for row in table(app)} == \
        {flow: shown_count(rows) for flow, rows in expected.items()}

    per_province = query(served, """
        select o.province_nl, e.flow_code, count(*) from marts.fct_transfer_eligibility e
        join marts.dim_ocmw o using (ocmw_nis_code)
        where e.transfer_status = 'TRANSFER' group by all""")
    totals: dict[str, int] = {}
    for name, _, rows in per_province:
        totals[name] = totals.get(name, 0) + rows
    province = max(sorted(totals), key=totals.get)
    app.selectbox(key="transfers_province").select(province).run()
    assert not app.exception
    assert {row["flow_code"]: row["transfer_rows"] for row in table(app)} == \
        {flow: shown_count(rows) for name, flow, rows in per_province if name == province}
    by_province = table(app, 1)
    assert [row["province_nl"] for row in by_province] == [province]
    assert by_province[0]["total"] == shown_count(totals[province])


def test_transfers_page_hides_small_cells_and_can_show_them_when_turned_off(served, monkeypatch):
    app = run_page("pages/transfers.py")
    app.radio(key="transfers_grain").set_value("Month").run()
    assert any("small-cell suppression" in text for text in
               [c.value for c in app.caption] + [i.value for i in app.info])
    monkeypatch.setenv("DVZ_DASHBOARD_MIN_CELL", "0")
    app = run_page("pages/transfers.py")
    assert not any("<" in str(value) for row in table(app) for value in row.values())


def test_delivery_page_counts_the_batch_the_ledger_and_the_corrections(served):
    """RULES.md §8a, read back from the restricted batch and the ledger the fixture wrote:
    April delivered LEDGER_KEYS keys that no eligibility row has (corrected now as
    NO_LONGER_MET); this build's batch (June) delivers the backlog, late, and June's rows."""
    app = run_page("pages/delivery.py")
    rows, late = query(served, "select count(*), count(*) filter (where is_late) from exports.dvz_transfer_batch")[0]
    assert rows > late > 0
    assert metrics(app) == {"Batch 2025-06: rows delivered": shown_count(rows), "of which late": shown_count(late),
                            "Corrections": shown_count(LEDGER_KEYS)}
    by_month = {row["batch_month"]: (row["ON_TIME"], row["LATE"], row["CORRECTION"]) for row in table(app, -1)}
    assert by_month == {"2025-04": (shown_count(LEDGER_KEYS), "0", "0"),
                        "2025-06": (shown_count(rows - late), shown_count(late), shown_count(LEDGER_KEYS))}
    corrections = table(app, 0)
    assert corrections == [{"batch_month": "2025-06", "current_status": "NO_LONGER_MET",
                            "delivery_rows": shown_count(LEDGER_KEYS)}]
    app.multiselect(key="delivery_flows").unselect("C3").run()
    assert not app.exception


def test_exclusions_page_counts_persons_per_reason(served):
    app = run_page("pages/exclusions.py")
    expected = dict(query(served, """
        select exclusion_reason, count(*) from marts.fct_person_transfer_status
        where final_status = 'EXCLUDED' group by 1"""))
    assert len(expected) >= 4
    shown = {row["exclusion_reason"]: row["persons"] for row in table(app)}
    assert shown == {reason: shown_count(expected.get(reason, 0)) for reason in
                     ("BELGIAN", "POPULATION_REGISTER", "NO_AUTHORISED_CATEGORY", "NO_COUNTING_AID",
                      "NOT_REIMBURSED", "THRESHOLD_NOT_MET")}
    assert metrics(app) == {"Persons excluded": shown_count(sum(expected.values()))}
    pipeline = table(app, 1)
    assert {row["flow_code"] for row in pipeline} == \
        {flow for (flow,) in query(served, "select distinct flow_code from marts.fct_threshold_pipeline")}


def test_deferred_page_shows_each_deferred_flow(served):
    app = run_page("pages/deferred.py")
    deferred_rows = dict(query(served, """
        select flow_code, count(*) from marts.fct_transfer_eligibility
        where transfer_status = 'DEFERRED_TECHNICAL' group by 1"""))
    newly = dict(query(served, "select flow_code, persons_newly_transferred from marts.fct_deferred_flow_impact"))
    assert set(newly) == {"D1", "D2", "D3"}
    assert metrics(app) == {f"{flow}: persons newly transferred": shown_count(count)
                            for flow, count in newly.items()}
    assert {row["flow_code"]: row["deferred_rows"] for row in table(app)} == \
        {flow: shown_count(deferred_rows.get(flow, 0)) for flow in ("D1", "D2", "D3")}


def test_durations_page_has_one_histogram_per_benefit_type(served):
    app = run_page("pages/durations.py")
    expected = dict(query(served, "select benefit_type, count(*) from marts.fct_person_benefit_durations group by 1"))
    assert len(expected) >= 4
    assert {row["benefit_type"]: row["persons"] for row in table(app)} == \
        {benefit_type: shown_count(count) for benefit_type, count in expected.items()}
    headings = [m.value.strip("*") for m in app.markdown]
    assert sorted(headings) == sorted(expected)
    app.multiselect(key="durations_benefit_types").unselect(sorted(expected)[0]).run()
    app.radio(key="durations_measure").set_value("Reimbursed days").run()
    app.select_slider(key="durations_bin_width").set_value(30).run()
    assert not app.exception
    assert len(app.markdown) == len(expected) - 1


def test_quality_page_reconciles_and_counts_quarantined_rows(served):
    app = run_page("pages/quality.py")
    quarantined = scalar(served, "select count(*) from marts.rpt_quarantined_rows")
    landing = scalar(served, "select sum(landing_rows) from marts.rpt_landing_reconciliation")
    assert quarantined > 0
    assert metrics(app) == {"Landing rows": f"{landing:,}", "Quarantined rows": f"{quarantined:,}",
                            "Sources balanced": "4 of 4"}
    by_reason = {row["reason_code"]: row["total"] for row in table(app, 1)}
    assert by_reason == dict(query(served, "select reason_code, count(*) from marts.rpt_quarantined_rows group by 1"))


# --- Only the dashboard marts are read -----------------------------------------------------

def test_the_allow_list_is_the_dashboard_marts_and_none_carries_insz(served):
    assert warehouse.ALLOWED_RELATIONS == DASHBOARD_MARTS
    columns = query(served, """
        select table_schema || '.' || table_name, column_name from information_schema.columns""")
    for relation in DASHBOARD_MARTS:
        names = {column for table_name, column in columns if table_name == relation}
        assert names, f"{relation} missing from the warehouse"
        assert not names & {"insz", "birth_date", "business_key"}, relation


def _sql_literals(source: Path) -> list[str]:
    """The string constants of a dashboard file that are SQL queries."""
    return [node.value for node in ast.walk(ast.parse(source.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.match(r"\s*(select|with)\b", node.value, re.IGNORECASE)]


def test_the_dashboard_source_names_only_allowed_marts():
    sources = sorted(DASHBOARD_DIR.rglob("*.py"))
    named = {match.lower() for source in sources
             for match in re.findall(r"\b(?:marts|staging|intermediate)\.[a-z_]+", source.read_text())}
    assert named and named <= DASHBOARD_MARTS, named - DASHBOARD_MARTS
    queries = [sql for source in sources for sql in _sql_literals(source)]
    assert len(queries) >= 10
    for sql in queries:
        warehouse.check_sql(sql.replace("{measure}", "aid_days"))
        assert warehouse.referenced_relations(sql) <= DASHBOARD_MARTS, sql


def test_every_query_the_pages_run_reads_only_allowed_marts(served, monkeypatch):
    executed: list[str] = []
    real_connect = duckdb.connect

    class Recording:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args, **kwargs):
            executed.append(sql)
            return self._con.execute(sql, *args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._con.close()

    monkeypatch.setattr(warehouse.duckdb, "connect", lambda *a, **k: Recording(real_connect(*a, **k)))
    st.cache_data.clear()
    for page in [None, *PAGES]:
        run_page(page)
    assert len(executed) >= 10
    for sql in executed:
        assert warehouse.referenced_relations(sql) <= DASHBOARD_MARTS, sql


@pytest.mark.parametrize("sql", [
    "select * from marts.fct_transfer_eligibility",
    "select count(*) from marts.dim_flows join marts.rpt_quarantined_rows on true",
    "select * from staging.stg_national_register__persons",
    "select * from read_parquet('/tmp/x.parquet')",
    "select 1; select * from marts.dim_flows",
    "attach 'other.duckdb'",
])
def test_check_sql_refuses_anything_but_the_dashboard_marts(sql):
    with pytest.raises(warehouse.UnsafeQuery):
        warehouse.check_sql(sql)


def test_check_sql_accepts_ctes_over_allowed_marts():
    warehouse.check_sql("with t as (select * from marts.dim_flows) select * from t join marts.dim_ocmw on true")


def test_small_counts_are_suppressed(monkeypatch):
    monkeypatch.delenv("DVZ_DASHBOARD_MIN_CELL", raising=False)
    assert [warehouse.fmt_count(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    assert warehouse.fmt_share(3, 100) == "–" and warehouse.fmt_share(25, 100) == "25.0%"


# --- A warehouse that cannot be read gives a message -------------------------------------

def _messages(app: AppTest) -> str:
    return " ".join([w.value for w in app.warning] + [e.value for e in app.error])


@pytest.fixture
def holder(built, tmp_path, monkeypatch):
    """A copy of the warehouse with a read-write connection held by another process, as a
    dbt build writing to the served file would."""
    copy = tmp_path / "locked.duckdb"
    shutil.copy(built, copy)
    monkeypatch.setenv("DVZ_DUCKDB_PATH", str(copy))
    process = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "print('holding', flush=True); sys.stdin.read()", str(copy)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "holding"
    yield process
    process.stdin.close()
    process.wait(timeout=30)


def test_a_locked_warehouse_shows_a_message_on_every_page_then_recovers(holder):
    for page in [None, *PAGES]:
        app = run_page(page)
        assert "locked by another process" in _messages(app), page
        assert not app.metric and not app.dataframe, page
    holder.stdin.close()
    holder.wait(timeout=30)
    app = run_page()
    assert not app.warning and len(app.metric) == 6


def test_a_missing_warehouse_says_how_to_build_it(tmp_path, monkeypatch):
    missing = tmp_path / "dvz.duckdb"
    monkeypatch.setenv("DVZ_DUCKDB_PATH", str(missing))
    for page in [None, *PAGES]:
        assert "bash scripts/run.sh" in _messages(run_page(page)), page
    (tmp_path / "dvz.duckdb.building").write_bytes(b"")
    assert "a build is writing" in _messages(run_page())


def test_a_warehouse_without_the_dashboard_marts_says_to_rebuild(tmp_path, monkeypatch):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("create schema marts; create table marts.dim_flows (flow_code varchar)")
    monkeypatch.setenv("DVZ_DUCKDB_PATH", str(old))
    for page in [None, *PAGES]:
        app = run_page(page)
        assert app.error and "rebuild it with `bash scripts/run.sh`" in _messages(app), page


def test_a_swapped_in_build_is_shown_at_once(built, tmp_path, monkeypatch):
    served = tmp_path / "dvz.duckdb"
    shutil.copy(built, served)
    monkeypatch.setenv("DVZ_DUCKDB_PATH", str(served))
    before = int(metrics(run_page())["Persons transferred"].replace(",", ""))
    rebuilt = tmp_path / "dvz.duckdb.building"
    shutil.copy(built, rebuilt)
    with duckdb.connect(str(rebuilt)) as con:
        con.execute("update marts.fct_person_status_summary set persons = persons + 1000 "
                    "where final_status = 'TRANSFER'")
    os.replace(rebuilt, served)
    assert metrics(run_page())["Persons transferred"] == f"{before + 1000:,}"
