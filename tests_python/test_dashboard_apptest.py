"""The Streamlit dashboard (dashboard/), page by page, with Streamlit's AppTest against a
warehouse built by dbt (dashboard_fixture.py). Every figure checked here is read again
from the warehouse by the test itself, mostly from models the dashboard may not read
(fct_transfer_eligibility, rpt_quarantined_rows), so a wrong mart or a wrong page fails.
Also: the dashboard reads only the dashboard marts (RULES.md §8), and a missing, locked or
outdated warehouse gives a message, never a traceback."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard_fixture import (AS_OF, DASHBOARD_DIR, LEDGER_KEYS, dashboard_manifest, dashboard_warehouse, query,
                               query_params, shown_count)

import warehouse  # noqa: E402  (dashboard/warehouse.py; dashboard_fixture puts it on the path)

APP = str(DASHBOARD_DIR / "app.py")
PAGES = ["views/transfers.py", "views/delivery.py", "views/exclusions.py", "views/deferred.py",
         "views/durations.py", "views/quality.py", "views/person.py"]
@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    return dashboard_warehouse(tmp_path_factory)


@pytest.fixture(scope="session")
def dashboard_marts(built) -> set[str]:
    """The marts the dashboard may read (issue #4), found here from the build's manifest by
    folder (models/*/dashboard/, dbt_project.yml's audience rule; issue 17), independently
    of the dashboard code, which reads the tag."""
    nodes = json.loads(dashboard_manifest(built).read_text())["nodes"].values()
    return {f"{node['schema']}.{node['name']}" for node in nodes
            if node["resource_type"] == "model" and "/dashboard/" in node["original_file_path"]}


@pytest.fixture(autouse=True)
def manifest(built, monkeypatch) -> Path:
    """Every test reads the allowlist from the manifest of the test warehouse's build."""
    monkeypatch.setenv("DVZ_DBT_MANIFEST", str(dashboard_manifest(built)))
    return dashboard_manifest(built)


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
    app = run_page("views/transfers.py")
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
    app = run_page("views/transfers.py")
    app.radio(key="transfers_grain").set_value("Month").run()
    assert any("small-cell suppression" in text for text in
               [c.value for c in app.caption] + [i.value for i in app.info])
    monkeypatch.setenv("DVZ_DASHBOARD_MIN_CELL", "0")
    app = run_page("views/transfers.py")
    assert not any("<" in str(value) for row in table(app) for value in row.values())


def test_delivery_page_counts_the_batch_the_ledger_and_the_corrections(served):
    """RULES.md §8a, read back from the restricted batch and the ledger the fixture wrote:
    April delivered LEDGER_KEYS keys that no eligibility row has (corrected now as
    NO_LONGER_MET); this build's batch (June) delivers the backlog, late, and June's rows."""
    app = run_page("views/delivery.py")
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
    app = run_page("views/exclusions.py")
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
    app = run_page("views/deferred.py")
    deferred_rows = dict(query(served, """
        select flow_code, count(*) from marts.fct_transfer_eligibility
        where transfer_status = 'DEFERRED_TECHNICAL' group by 1"""))
    newly = dict(query(served, "select flow_code, persons_newly_transferred from marts.fct_deferred_flow_impact"))
    # The deferred flows are the catalogue's (seed rule_flows), not a pasted list.
    deferred_flows = {flow for (flow,) in query(served, "select flow_code from marts.dim_flows where flow_status = 'deferred'")}
    assert deferred_flows and set(newly) == deferred_flows
    assert metrics(app) == {f"{flow}: persons newly transferred": shown_count(count)
                            for flow, count in newly.items()}
    assert {row["flow_code"]: row["deferred_rows"] for row in table(app)} == \
        {flow: shown_count(deferred_rows.get(flow, 0)) for flow in deferred_flows}


def test_durations_page_has_one_histogram_per_benefit_type(served):
    app = run_page("views/durations.py")
    expected = dict(query(served, "select benefit_type, count(*) from marts.fct_person_benefit_durations group by 1"))
    assert len(expected) >= 4
    assert {row["benefit_type"]: row["persons"] for row in table(app)} == \
        {benefit_type: shown_count(count) for benefit_type, count in expected.items()}
    headings = [m.value.strip("*") for m in app.markdown if not m.value.startswith("**Flows counting")]
    assert sorted(headings) == sorted(expected)
    app.multiselect(key="durations_benefit_types").unselect(sorted(expected)[0]).run()
    app.radio(key="durations_measure").set_value("Reimbursed days").run()
    app.radio(key="durations_bins_day").set_value("90 days (the C1/C2 threshold)").run()
    assert not app.exception
    assert len([m for m in app.markdown if not m.value.startswith("**Flows counting")]) == len(expected) - 1


def test_quality_page_reconciles_and_counts_quarantined_rows(served):
    app = run_page("views/quality.py")
    quarantined = scalar(served, "select count(*) from marts.rpt_quarantined_rows")
    landing = scalar(served, "select sum(landing_rows) from marts.rpt_landing_reconciliation")
    assert quarantined > 0
    assert metrics(app) == {"Landing rows": f"{landing:,}", "Quarantined rows": f"{quarantined:,}",
                            "Sources balanced": "4 of 4"}
    by_reason = {row["reason_code"]: row["total"] for row in table(app, 1)}
    assert by_reason == dict(query(served, "select reason_code, count(*) from marts.rpt_quarantined_rows group by 1"))


# --- Only the dashboard marts are read -----------------------------------------------------

def test_the_allow_list_is_the_dashboard_marts_and_none_carries_insz(served, dashboard_marts):
    assert warehouse.allowed_relations() == dashboard_marts
    assert {"marts.fct_monthly_transfers", "marts.fct_person_transfer_status", "marts.rpt_landing_reconciliation",
            "marts.fct_person_timeline"} <= dashboard_marts
    assert not dashboard_marts & {"marts.fct_transfer_eligibility", "marts.dim_person_keys",
                                  "marts.rpt_quarantined_rows"}
    columns = query(served, """
        select table_schema || '.' || table_name, column_name from information_schema.columns""")
    for relation in dashboard_marts:
        names = {column for table_name, column in columns if table_name == relation}
        assert names, f"{relation} missing from the warehouse"
        assert not names & {"insz", "birth_date", "business_key"}, relation


def _sql_literals(source: Path) -> list[str]:
    """The string constants of a dashboard file that are SQL queries."""
    return [node.value for node in ast.walk(ast.parse(source.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.match(r"\s*(select|with)\b", node.value, re.IGNORECASE)]


def test_without_a_manifest_no_query_is_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("DVZ_DBT_MANIFEST", str(tmp_path / "missing.json"))
    with pytest.raises(warehouse.WarehouseUnavailable, match="No dbt manifest"):
        warehouse.check_sql("select * from marts.dim_flows")


def test_the_dashboard_source_names_only_allowed_marts(dashboard_marts):
    sources = sorted(DASHBOARD_DIR.rglob("*.py"))
    named = {match.lower() for source in sources
             for match in re.findall(r"\b(?:marts|staging|intermediate)\.[a-z_]+", source.read_text())}
    assert named and named <= dashboard_marts, named - dashboard_marts
    queries = [sql for source in sources for sql in _sql_literals(source)]
    assert len(queries) >= 10
    for sql in queries:
        warehouse.check_sql(sql.replace("{measure}", "aid_days"))
        assert warehouse.referenced_relations(sql) <= dashboard_marts, sql


def test_every_query_the_pages_run_reads_only_allowed_marts(served, dashboard_marts, monkeypatch):
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
        assert warehouse.referenced_relations(sql) <= dashboard_marts, sql


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


# --- Honest charts (issue 18) ------------------------------------------------------------

def chart_frames(app: AppTest) -> list[pd.DataFrame]:
    """The data of every chart of the page, as the browser receives it."""
    frames = []
    for chart in app.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frames.append(pa.ipc.open_stream(dataset.data.data).read_all().to_pandas())
    return frames


def bars(app: AppTest) -> pd.DataFrame:
    """The bar data of the honest charts (charts.bar_chart): the frames with a drawn value."""
    frames = [frame for frame in chart_frames(app) if {"drawn", "is_suppressed", "label"} <= set(frame.columns)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def texts(app: AppTest) -> list[str]:
    return [element.value for kind in ("info", "warning", "caption", "markdown") for element in getattr(app, kind)]


def test_transfers_chart_shows_every_cell_suppressed_ones_as_labelled_segments(served):
    """Month is the default period; every month x flow cell with a transfer row is a bar:
    1-4 rows as a grey segment labelled <5 at a fixed height (never dropped), more at its
    count. The cells are recounted from the restricted eligibility model."""
    app = run_page("views/transfers.py")
    assert app.radio(key="transfers_grain").value == "Month"
    cells = dict(((month.strftime("%Y-%m"), flow), rows) for month, flow, rows in query(served, """
        select date_trunc('month', transfer_due_on), flow_code, count(*) from marts.fct_transfer_eligibility
        where transfer_status = 'TRANSFER' group by all"""))
    shown = bars(app)
    assert dict(zip(zip(shown["period"], shown["flow_code"]), shown["label"])) == \
        {cell: shown_count(rows) for cell, rows in cells.items()}
    small = shown[shown["is_suppressed"]]
    assert len(small) == sum(1 for rows in cells.values() if rows < 5) > 0
    assert set(small["drawn"]) == {2.5}
    big = shown[~shown["is_suppressed"]]
    assert list(big["drawn"]) == [float(cells[(period, flow)]) for period, flow in zip(big["period"], big["flow_code"])]
    assert any("drawn in grey" in text and "<5" in text for text in texts(app))


def test_a_chart_with_only_suppressed_cells_still_shows_them(served):
    """One region, one flow, by month: the chart is all <5 segments, not blank."""
    app = run_page("views/transfers.py")
    region, flow = query(served, """
        select o.region, e.flow_code from marts.fct_transfer_eligibility e join marts.dim_ocmw o using (ocmw_nis_code)
        where e.transfer_status = 'TRANSFER' group by all having count(*) between 1 and 4 limit 1""")[0]
    app.selectbox(key="transfers_region").select(region).run()
    app.multiselect(key="transfers_flows").set_value([flow]).run()
    shown = bars(app)
    assert len(shown) > 0 and shown["is_suppressed"].all()


def test_an_empty_selection_gets_a_sentence_not_a_blank_chart(served):
    app = run_page("views/transfers.py")
    app.multiselect(key="transfers_flows").set_value([]).run()
    assert not app.get("vega_lite_chart") and any("No transfers for this selection" in t for t in texts(app))
    app = run_page("views/exclusions.py")
    app.multiselect(key="exclusions_regions").set_value([]).run()
    assert not app.exception
    assert bars(app).empty and any("No excluded person in this selection" in t for t in texts(app))


def test_rows_due_before_the_note_are_flagged_and_explained(served):
    """RULES.md §4: all seven flows are in force from 2014-05-08 (the note's date); a row
    due before it is counted and explained, with the date on the chart."""
    app = run_page("views/transfers.py")
    early = scalar(served, """select count(*) from marts.fct_transfer_eligibility
                              where transfer_status = 'TRANSFER' and transfer_due_on < date '2014-05-08'""")
    assert early > 0
    [warning] = [w.value for w in app.warning if "before the flows came into force" in w.value]
    assert warning.startswith(f"{shown_count(early)} transfer row(s)") and "2014-05-08" in warning
    assert {row["flow_code"]: row["due_before_flows_in_force"] for row in table(app)} == \
        {flow: shown_count(rows) for flow, rows in query(served, """
            select flow_code, count(*) filter (where transfer_due_on < date '2014-05-08')
            from marts.fct_transfer_eligibility where transfer_status = 'TRANSFER' group by 1""")}
    rules = [frame for frame in chart_frames(app) if "label" in frame.columns and "x" in frame.columns]
    assert any("2014-05-08" in label for frame in rules for label in frame["label"])


EXCLUDED_BY_FILTER_SQL = """
    select evidence.exclusion_reason, count(distinct evidence.insz)
    from intermediate.int_person_transfer_evidence as evidence
    where evidence.final_status = 'EXCLUDED'
      and evidence.insz in (select insz from intermediate.int_residence_episodes where flow_code = ?)
      and evidence.insz in (select d.insz from staging.stg_pod_mi__aid_decisions d
                            join marts.dim_ocmw o using (ocmw_nis_code) where d.status = 'GRANTED' and o.region = ?)
      and (select min(d.period_start) from staging.stg_pod_mi__aid_decisions d
           where d.insz = evidence.insz and d.status = 'GRANTED' and d.period_start <= ?)
          between ? and ?
    group by 1
"""


def test_exclusions_page_filters_by_flow_region_and_period(served):
    """Persons excluded who held an episode of the flow, got aid from an OCMW of the region
    and whose first aid day lies in the chosen months, recounted from staging."""
    app = run_page("views/exclusions.py")
    app.multiselect(key="exclusions_flows").set_value(["C1"]).run()
    app.multiselect(key="exclusions_regions").set_value(["WALLONIA"]).run()
    periods = app.select_slider(key="exclusions_periods").options
    first, last = periods[len(periods) // 4], periods[-1]
    app.select_slider(key="exclusions_periods").set_range(first, last).run()
    assert not app.exception
    start = pd.Period(first, "M").start_time.date()
    end = pd.Period(last, "M").end_time.date()
    expected = dict(query_params(served, EXCLUDED_BY_FILTER_SQL, ["C1", "WALLONIA", AS_OF, start, end]))
    assert sum(expected.values()) > 0
    assert {row["exclusion_reason"]: row["persons"] for row in table(app)} == \
        {reason: shown_count(expected.get(reason, 0)) for reason in
         ("BELGIAN", "POPULATION_REGISTER", "NO_AUTHORISED_CATEGORY", "NO_COUNTING_AID", "NOT_REIMBURSED",
          "THRESHOLD_NOT_MET")}
    assert {row["flow_code"] for row in table(app, 1)} <= {"C1"}


def test_durations_page_filters_and_bins_follow_the_thresholds(served):
    app = run_page("views/durations.py")
    assert app.radio(key="durations_bins_day").value == "30 days"
    labels = set(bars(app)["bin"])
    assert "90–119 days" in labels and "60–89 days" in labels
    rules = [label for frame in chart_frames(app) if {"x", "label"} <= set(frame.columns) for label in frame["label"]]
    assert "threshold 90 days" in rules
    app.radio(key="durations_measure").set_value("Reimbursed months").run()
    assert app.radio(key="durations_bins_month").value == "1 month"
    assert "4 months" in set(bars(app)["bin"])
    app.multiselect(key="durations_flows").set_value(["C3"]).run()
    expected = dict(query(served, """
        select benefit_type, count(*) from intermediate.int_person_benefit_durations
        where insz in (select insz from intermediate.int_residence_episodes where flow_code = 'C3') group by 1"""))
    assert {row["benefit_type"]: row["persons"] for row in table(app)} == \
        {benefit_type: shown_count(count) for benefit_type, count in expected.items()}


def test_durations_page_shows_counted_units_at_transfer_beside_today(served):
    """RULES.md §6: on its due date a C3 transfer has at least 4 counted months; the median
    today (counted_months of the eligibility row) may be more."""
    app = run_page("views/durations.py")
    medians = {row["flow_code"]: row for row in table(app, -1)}
    as_of = {flow: value for flow, value in query(served, """
        select flow_code, median(coalesce(counted_days, counted_months)) from marts.fct_transfer_eligibility
        where transfer_status = 'TRANSFER' group by 1""")}
    at_transfer = {flow: value for flow, value in query(served, """
        select flow_code, median(coalesce(counted_days_at_transfer, counted_months_at_transfer))
        from marts.fct_transfer_decision_trace where is_carried_by_eligibility_row and outcome = 'TRANSFER'
        group by 1""")}
    for flow, row in medians.items():
        if row["transfer_rows"] != "<5":
            assert (row["median_on_due_date"], row["median_up_to_evaluation_date"]) == \
                (at_transfer[flow], as_of[flow])
    assert medians["C3"]["median_on_due_date"] >= 4


# --- The person page (issue 18) ----------------------------------------------------------

KINDS_SQL = {
    "transferred after annex-19 aid": """
        select distinct t.person_key from marts.fct_transfer_decision_trace t
        where t.criterion_code = 'LEEFLOON_AFTER_ANNEX19_AID' and t.outcome = 'TRANSFER'""",
    "excluded for the population register": """
        select distinct t.person_key from marts.fct_transfer_decision_trace t
        join marts.fct_person_transfer_status s using (person_key) where s.exclusion_reason = 'POPULATION_REGISTER'""",
    "below the threshold": """
        select distinct s.person_key from marts.fct_person_transfer_status s
        join marts.fct_person_timeline t using (person_key)
        where s.exclusion_reason = 'THRESHOLD_NOT_MET' and t.event_type = 'DECISION_MONTH'
          and t.event_status in ('NOT_REIMBURSED', 'PAID_AFTER_AS_OF_DATE')""",
}


def person_page(person_key: str) -> AppTest:
    app = run_page("views/person.py")
    app.text_input(key="person_key").input(person_key).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("kind", list(KINDS_SQL))
def test_person_page_shows_the_timeline_and_the_trace(served, kind):
    person_key = sorted(row[0] for row in query(served, KINDS_SQL[kind]))[0]
    app = person_page(person_key.upper() + "  ")  # pasted with capitals and spaces: still found
    final_status, exclusion_reason = query_params(served, """
        select final_status, exclusion_reason from marts.fct_person_transfer_status where person_key = ?""",
                                                  [person_key])[0]
    assert metrics(app)["Final status"] == final_status
    assert metrics(app)["Exclusion reason"] == (exclusion_reason or "–")
    events = query_params(served, "select event_sequence, event_type, event_status from marts.fct_person_timeline "
                                   "where person_key = ? order by event_sequence", [person_key])
    shown = table(app, 0)
    assert [(row["event_sequence"], row["event_type"], row["event_status"] if pd.notna(row["event_status"]) else None)
            for row in shown] == [tuple(event) for event in events]
    trace = query_params(served, "select flow_code, criterion_code, outcome, exclusion_code from "
                                 "marts.fct_transfer_decision_trace where person_key = ? order by 1, 2", [person_key])
    assert [(r["flow_code"], r["criterion_code"], r["outcome"],
             r["exclusion_code"] if pd.notna(r["exclusion_code"]) else None) for r in table(app, 1)] == \
        [tuple(row) for row in trace]
    chart = pd.concat([frame for frame in chart_frames(app) if "event_lane" in frame.columns])
    assert set(chart.loc[chart["event_type"] == "DECISION_MONTH", "what"]) == \
        {f"month: {status}" for _, kind_of, status in events if kind_of == "DECISION_MONTH"}
    if kind == "excluded for the population register":
        assert {row["exclusion_code"] for row in table(app, 1)} == {"POPULATION_REGISTER"}
        assert all(row["excluding_permit_document_type"] for row in table(app, 1))
    if kind == "transferred after annex-19 aid":
        assert any(row["prior_aid_day"] for row in table(app, 1))


def test_person_page_refuses_a_malformed_key_and_says_when_none_is_found(served):
    app = person_page("85073003328")
    assert any("64 hexadecimal characters" in w.value for w in app.warning) and not app.dataframe
    app = person_page("0" * 64)
    assert any("No event for this person_key" in i.value for i in app.info) and not app.dataframe


# --- No insz anywhere (RULES.md §8) ------------------------------------------------------

SECRETS_SQL = """
    create temp table secrets as
    select insz as secret from w.marts.dim_person_keys
    union select permit_id from w.staging.stg_national_register__residence_permits
"""
TOKEN = re.compile(r"[0-9A-Za-z_]+")


def _secrets(database: Path) -> set[str]:
    """Every insz and permit number the warehouse knows: none may reach a dashboard."""
    return {value for (value,) in query(database, """
        select insz from marts.dim_person_keys
        union select permit_id from staging.stg_national_register__residence_permits""")}


def _leaks(text: str, secrets: set[str]) -> set[str]:
    """The secrets standing in a text as a word of their own (a whole value, or inside a sentence)."""
    return set(TOKEN.findall(text)) & secrets


def test_no_dashboard_mart_carries_an_insz_or_a_permit_number(served):
    """Every model tagged dashboard (the manifest of the fixture's build), by column name and
    by value: no insz, birth date or pii-tagged column, and no cell - whatever its column's
    name or type - holding an insz or a permit number, alone or inside a text."""
    manifest = json.loads((served.parent / "target" / "manifest.json").read_text())
    dashboard = {f"{node['schema']}.{node['alias']}" for node in manifest["nodes"].values()
                 if node["resource_type"] == "model" and "dashboard" in node["tags"]}
    pii = {"insz", "birth_date"} | {column["name"] for node in manifest["nodes"].values()
                                     for column in node.get("columns", {}).values()
                                     if "pii" in (column.get("tags") or []) + (column.get("config", {}).get("tags") or [])}
    assert {"marts.fct_person_timeline", "marts.fct_transfer_decision_trace"} <= dashboard
    assert {"permit_id", "belgian_since", "nationality_code"} <= pii
    columns = query(served, "select table_schema || '.' || table_name, column_name from information_schema.columns")
    built = {relation for relation, _ in columns}
    assert not dashboard - built, f"dashboard models the fixture did not build: {dashboard - built}"
    with duckdb.connect() as con:
        con.execute(f"attach '{served}' as w (read_only)")
        con.execute(SECRETS_SQL)
        assert con.execute("select count(*) from secrets").fetchone()[0] > 100
        for relation in sorted(dashboard):
            names = {column for table_name, column in columns if table_name == relation}
            assert not names & pii, (relation, names & pii)
            for column in sorted(names):
                leaked = con.execute(f"""
                    select count(*) from (
                        select unnest(regexp_extract_all(cast("{column}" as varchar), '[0-9A-Za-z_]+')) as token
                        from w.{relation}) as tokens
                    join secrets on tokens.token = secrets.secret""").fetchone()[0]
                assert leaked == 0, f"{relation}.{column} holds {leaked} insz or permit number(s)"


def test_no_page_shows_an_insz_or_a_permit_number(served):
    """Every page, the person page for one person of each kind included: no text, table,
    metric or chart value holds an insz or a permit number."""
    secrets = _secrets(served)
    keys = [sorted(row[0] for row in query(served, sql))[0] for sql in KINDS_SQL.values()]
    apps = [run_page(page) for page in [None, *PAGES]] + [person_page(key) for key in keys]
    for app in apps:
        shown = " ".join(texts(app) + [m.value for m in app.metric] + [m.label for m in app.metric])
        values = " ".join(str(value) for frame in [d.value for d in app.dataframe] + chart_frames(app)
                          for column in frame.columns for value in frame[column].dropna().unique())
        assert not _leaks(shown + " " + values, secrets)
    # the check itself can fail: a sentence naming an insz is caught
    some = sorted(secrets)[0]
    assert _leaks(f"person {some}, transferred", secrets) == {some}
