"""Deliveries to the DVZ: rows delivered per batch month (on time vs late), corrections by
current status, and how long late rows waited (RULES.md §8a)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
import warehouse as wh

DELIVERIES_SQL = """
select batch_month, flow_code, delivery_kind, months_waited, current_status, is_current_batch,
       delivery_rows, persons
from marts.fct_monthly_deliveries
"""
KINDS = {"ON_TIME": "On time", "LATE": "Late"}

st.title("Deliveries to the DVZ")
st.caption("Each monthly batch delivers every transfer row due by the end of its month that no "
           "earlier batch delivered: a row that became TRANSFER after its own month's batch had "
           "gone (a reimbursement recorded late, a hold lifted, a deferred flow enabled) goes out "
           "late. A delivered row that is no longer TRANSFER is corrected. The export folder is "
           "the ledger of what went out.")

deliveries = wh.read_or_stop(DELIVERIES_SQL)
if deliveries.empty:
    st.info("Nothing delivered yet and nothing to deliver in this build's batch month.")
    st.stop()
deliveries["batch_month"] = pd.to_datetime(deliveries["batch_month"]).dt.strftime("%Y-%m")

flow_codes = sorted(deliveries["flow_code"].unique())
chosen = st.multiselect("Flows", flow_codes, default=flow_codes, key="delivery_flows")
selected = deliveries[deliveries["flow_code"].isin(chosen)]

current = selected[selected["is_current_batch"]]
month = deliveries.loc[deliveries["is_current_batch"], "batch_month"]
label = month.iloc[0] if len(month) else "this build's month"
first, second, third = st.columns(3)
first.metric(f"Batch {label}: rows delivered",
             wh.fmt_count(current.loc[current["delivery_kind"] != "CORRECTION", "delivery_rows"].sum()),
             help="Rows of this build's batch, written to the export folder when the build passed.")
second.metric("of which late", wh.fmt_count(current.loc[current["delivery_kind"] == "LATE", "delivery_rows"].sum()),
              help="Due before the batch month began.")
third.metric("Corrections", wh.fmt_count(current.loc[current["delivery_kind"] == "CORRECTION", "delivery_rows"].sum()),
             help="Delivered earlier, no longer TRANSFER now.")

st.subheader("Rows delivered per batch month")
delivered = (selected[selected["delivery_kind"] != "CORRECTION"]
             .groupby(["batch_month", "delivery_kind"])["delivery_rows"].sum().reset_index())
delivered["delivery_kind"] = delivered["delivery_kind"].map(KINDS)
charts.bar_chart(delivered, x="batch_month", y="delivery_rows", color="delivery_kind",
                 color_order=list(KINDS.values()), x_order=sorted(deliveries["batch_month"].unique()),
                 x_label="batch month", y_label="rows delivered",
                 empty="No row delivered for this selection: choose more flows.")

st.subheader("Corrections per batch month, by current status")
corrections = (selected[selected["delivery_kind"] == "CORRECTION"]
               .groupby(["batch_month", "current_status"])["delivery_rows"].sum().reset_index())
if corrections.empty:
    st.info("No correction: no delivered row has stopped being TRANSFER.")
else:
    charts.bar_chart(corrections, x="batch_month", y="delivery_rows", color="current_status",
                     x_label="batch month", y_label="corrections",
                     empty="No correction for this selection: choose more flows.")
    st.dataframe(wh.suppress_table(corrections, ["delivery_rows"]), hide_index=True)
    st.caption("NO_LONGER_MET: no eligibility row has the key any more (e.g. a recovery "
               "un-reimbursed the months). A correction is a fact for the DVZ's case-by-case "
               "judgement, not an instruction.")

st.subheader("How long late rows waited")
late = (selected[selected["delivery_kind"] == "LATE"]
        .groupby("months_waited")["delivery_rows"].sum().reset_index())
if late.empty:
    st.info("No late row for this selection.")
else:
    late["months_waited"] = late["months_waited"].astype(int)
    late = late.sort_values("months_waited").assign(months_waited=lambda frame: frame["months_waited"].astype(str))
    charts.bar_chart(late, x="months_waited", y="delivery_rows", x_order=list(late["months_waited"]),
                     x_label="months between due month and batch month", y_label="late rows",
                     empty="No late row for this selection.")

st.subheader("By batch month")
table = (selected.pivot_table(index="batch_month", columns="delivery_kind", values="delivery_rows",
                              aggfunc="sum", fill_value=0)
         .reindex(columns=["ON_TIME", "LATE", "CORRECTION"], fill_value=0).reset_index())
st.dataframe(wh.suppress_table(table, ["ON_TIME", "LATE", "CORRECTION"]), hide_index=True)
