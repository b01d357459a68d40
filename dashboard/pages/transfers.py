"""Transfers over time by flow, filtered by region, province or OCMW."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import warehouse as wh

TRANSFERS_SQL = """
select transfer_month, flow_code, ocmw_nis_code, municipality_nl, province_nl, region,
       transfer_rows, persons_transferred
from marts.fct_monthly_transfers
"""
FLOWS_SQL = """
select flow_code, flow_name_en, flow_status
from marts.dim_flows
order by flow_code
"""
ALL = "All"
GRAINS = {"Year": "Y", "Quarter": "Q", "Month": "M"}
MEASURES = {"Transfer rows": "transfer_rows", "Persons": "persons_transferred"}

st.title("Transfers over time")
st.caption("Transfer rows (person × flow × residence episode) by the month they are due, "
           "per flow. Filter by region, province or OCMW.")

transfers = wh.read_or_stop(TRANSFERS_SQL)
flows = wh.read_or_stop(FLOWS_SQL)
if transfers.empty:
    st.info("No transfers as of this build.")
    st.stop()


def _choices(frame: pd.DataFrame, column: str) -> list[str]:
    return [ALL, *sorted(frame[column].dropna().unique())]


filters = st.columns(3)
region = filters[0].selectbox("Region", _choices(transfers, "region"), key="transfers_region")
selected = transfers if region == ALL else transfers[transfers["region"] == region]
province = filters[1].selectbox("Province", _choices(selected, "province_nl"), key="transfers_province")
selected = selected if province == ALL else selected[selected["province_nl"] == province]
ocmw_labels = (selected["municipality_nl"].fillna("?") + " (" + selected["ocmw_nis_code"] + ")")
ocmw = filters[2].selectbox("OCMW", [ALL, *sorted(ocmw_labels.unique())], key="transfers_ocmw")
if ocmw != ALL:
    selected = selected[ocmw_labels == ocmw]

options = st.columns(3)
flow_codes = [code for code in flows["flow_code"] if code in set(transfers["flow_code"])]
chosen_flows = options[0].multiselect("Flows", flow_codes, default=flow_codes, key="transfers_flows")
grain = options[1].radio("Period", list(GRAINS), horizontal=True, key="transfers_grain")
measure_label = options[2].radio("Measure", list(MEASURES), horizontal=True, key="transfers_measure")
measure = MEASURES[measure_label]
selected = selected[selected["flow_code"].isin(chosen_flows)]

if selected.empty:
    st.info("No transfers for this selection.")
    st.stop()

periods = selected["transfer_month"].pipe(pd.to_datetime).dt.to_period(GRAINS[grain])
by_period = (selected.assign(period=periods).groupby(["period", "flow_code"])[measure].sum()
             .unstack("flow_code"))
# Every period between the first and the last, so quiet periods show as gaps, not as nothing.
full_range = pd.period_range(by_period.index.min(), by_period.index.max(), freq=GRAINS[grain])
by_period = by_period.reindex(full_range).fillna(0).astype(int)
long = (by_period.rename_axis("period").reset_index()
        .melt(id_vars="period", var_name="flow_code", value_name=measure))
long["period"] = long["period"].astype(str)
chart_data, hidden = wh.suppress_chart(long, measure)
if chart_data[measure].fillna(0).sum() == 0 and hidden:
    st.info(f"Every {grain.lower()} × flow count of this selection is below {wh.min_cell()} "
            "(small-cell suppression): choose a longer period or a wider area.")
else:
    st.bar_chart(chart_data, x="period", y=measure, color="flow_code", x_label=grain,
                 y_label=measure_label)
    wh.suppression_note(hidden)
if measure == "persons_transferred":
    st.caption("Persons are counted per month, flow and OCMW: a person with transfers in two "
               "months or at two OCMWs counts in each.")

st.subheader("By flow")
by_flow = (selected.groupby("flow_code")[["transfer_rows"]].sum().reset_index()
           .merge(flows, on="flow_code", how="left")
           [["flow_code", "flow_name_en", "flow_status", "transfer_rows"]])
st.dataframe(wh.suppress_table(by_flow, ["transfer_rows"]), hide_index=True)

st.subheader("By province")
by_province = selected.pivot_table(index="province_nl", columns="flow_code", values="transfer_rows",
                                   aggfunc="sum", fill_value=0)
by_province["total"] = by_province.sum(axis=1)
by_province = by_province.sort_values("total", ascending=False).reset_index()
st.dataframe(wh.suppress_table(by_province, [c for c in by_province.columns if c != "province_nl"]),
             hide_index=True)
