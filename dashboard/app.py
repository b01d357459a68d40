"""The DVZ transfer dashboard: `bash scripts/dashboard.sh` (or `streamlit run dashboard/app.py`).

This file is the entry point: it registers the pages and holds the overview page with
the headline figures. Every figure comes from the dashboard marts through `warehouse.read`.
"""

from __future__ import annotations

import streamlit as st

import warehouse as wh

STATUS_SQL = """
select final_status, exclusion_reason, persons, as_of_date
from marts.fct_person_status_summary
"""
TRANSFER_ROWS_SQL = """
select coalesce(sum(transfer_rows), 0) as transfer_rows
from marts.fct_monthly_transfers
"""
STATUS_ORDER = ["TRANSFER", "HELD_DATA_QUALITY", "DEFERRED_TECHNICAL", "EXCLUDED"]
STATUS_MEANING = {
    "TRANSFER": "reported to the DVZ",
    "HELD_DATA_QUALITY": "held until their data is corrected",
    "DEFERRED_TECHNICAL": "only in flows deferred for technical reasons",
    "EXCLUDED": "never reported (see Exclusions)",
}


def overview() -> None:
    st.title("DVZ transfer warehouse")
    st.caption("Which persons POD MI reports to the Immigration Office (DVZ) after reimbursing "
               "an OCMW, and which it must not. Counts are persons with at least one granted "
               "aid decision.")
    status = wh.read_or_stop(STATUS_SQL)
    transfer_rows = int(wh.read_or_stop(TRANSFER_ROWS_SQL)["transfer_rows"].iloc[0])
    persons = status.groupby("final_status")["persons"].sum()

    def persons_in(final_status: str) -> int:
        return int(persons.get(final_status, 0))

    as_of = status["as_of_date"].dropna()
    as_of_text = as_of.iloc[0].strftime("%Y-%m-%d") if len(as_of) else "–"

    first, second, third = st.columns(3)
    first.metric("Persons transferred", wh.fmt_count(persons_in("TRANSFER")),
                 help="Persons with at least one transfer row (final status TRANSFER).")
    second.metric("Transfer rows", wh.fmt_count(transfer_rows),
                  help="Person × flow × residence episode rows reported to the DVZ.")
    third.metric("As of", as_of_text, help="The evaluation date of the build (RULES.md §1).")
    fourth, fifth, sixth = st.columns(3)
    fourth.metric("Persons excluded", wh.fmt_count(persons_in("EXCLUDED")),
                  help="Never reported: Belgian, population register, or no criterion met.")
    fifth.metric("Persons held", wh.fmt_count(persons_in("HELD_DATA_QUALITY")),
                 help="Held for data quality until their records are corrected.")
    sixth.metric("Persons deferred", wh.fmt_count(persons_in("DEFERRED_TECHNICAL")),
                 help="Only in flows deferred for technical reasons (flow_status deferred in the rule catalogue).")

    st.subheader("Persons by final status")
    total = int(persons.sum())
    table = (persons.reindex(STATUS_ORDER, fill_value=0).rename_axis("final_status")
             .reset_index(name="persons"))
    table["share"] = [wh.fmt_share(count, total) for count in table["persons"]]
    table["meaning"] = table["final_status"].map(STATUS_MEANING)
    st.dataframe(wh.suppress_table(table, ["persons"]), hide_index=True)
    note = f"{wh.fmt_count(total)} persons in all."
    if wh.min_cell() > 1:
        note += f" Counts from 1 to {wh.min_cell() - 1} are shown as <{wh.min_cell()}."
    st.caption(note)

    st.subheader("Pages")
    for page in PAGES[1:]:
        st.page_link(page, label=page.title, icon=page.icon)


st.set_page_config(page_title="DVZ transfer warehouse", page_icon=":material/bar_chart:", layout="wide")

# The pages live in views/, not pages/: Streamlit treats a pages/ folder beside the main
# script as its older multipage app, and a link straight to a page (e.g. a person page with
# ?person_key=...) would then run that script alone, without this navigation.
PAGES = [
    st.Page(overview, title="Overview", icon=":material/home:", default=True),
    st.Page("views/transfers.py", title="Transfers over time", icon=":material/timeline:"),
    st.Page("views/delivery.py", title="Deliveries to the DVZ", icon=":material/outbox:"),
    st.Page("views/exclusions.py", title="Exclusions by reason", icon=":material/block:"),
    st.Page("views/deferred.py", title="Deferred-flow impact", icon=":material/pause_circle:"),
    st.Page("views/durations.py", title="Benefit durations", icon=":material/hourglass_bottom:"),
    st.Page("views/quality.py", title="Data quality", icon=":material/fact_check:"),
    st.Page("views/person.py", title="One person", icon=":material/person_search:"),
]
navigation = st.navigation(PAGES)
with st.sidebar:
    st.caption(f"Warehouse: `{wh.database_path()}`")
    built = wh.built_at()
    st.caption(f"Built: {built}" if built else "Not built yet")
navigation.run()
