"""Transfers over time by flow, filtered by region, province or OCMW."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
import warehouse as wh

TRANSFERS_SQL = """
select transfer_month, flow_code, ocmw_nis_code, municipality_nl, province_nl, region,
       is_due_before_catalogue_valid_from, transfer_rows, persons_transferred
from marts.fct_monthly_transfers
"""
FLOWS_SQL = """
select flow_code, flow_name_en, flow_status, catalogue_valid_from
from marts.dim_flows
order by flow_code
"""
ALL = "All"
MEASURES = {"Transfer rows": "transfer_rows", "Persons": "persons_transferred"}

st.title("Transfers over time")
st.caption("Transfer rows (person × flow × residence episode) by the month they are due, "
           "per flow. Filter by region, province or OCMW.")

transfers = wh.read_or_stop(TRANSFERS_SQL)
flows = wh.read_or_stop(FLOWS_SQL)
if transfers.empty:
    st.info("No transfers as of this build: no eligibility row is TRANSFER.")
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
grain = options[1].radio("Period", list(charts.GRAINS), horizontal=True, key="transfers_grain")
measure_label = options[2].radio("Measure", list(MEASURES), horizontal=True, key="transfers_measure")
measure = MEASURES[measure_label]
selected = selected[selected["flow_code"].isin(chosen_flows)]

if selected.empty:
    st.info("No transfers for this selection: choose more flows or a wider area.")
    st.stop()

in_force_from = pd.to_datetime(flows["catalogue_valid_from"]).min()
by_period = (selected.assign(period=charts.period_of(selected["transfer_month"], grain))
             .groupby(["period", "flow_code"], as_index=False)[measure].sum())
periods = charts.period_range(selected["transfer_month"], grain)
rules = pd.DataFrame({"x": [str(in_force_from.to_period(charts.GRAINS[grain]))],
                      "label": [f"flows in force from {in_force_from:%Y-%m-%d}"]})
charts.bar_chart(by_period, x="period", y=measure, color="flow_code", color_order=flow_codes,
                 x_order=periods, x_label=grain, y_label=measure_label, rules=rules,
                 empty="No transfer row for this selection in any period.")
if measure == "persons_transferred":
    st.caption("Persons are counted per month, flow and OCMW: a person with transfers in two "
               "months or at two OCMWs counts in each.")

early = selected[selected["is_due_before_catalogue_valid_from"]]
if not early.empty:
    st.warning(
        f"{wh.fmt_count(int(early['transfer_rows'].sum()))} transfer row(s) of this selection fell due "
        f"before the flows came into force on {in_force_from:%Y-%m-%d} (the date of the synthesis note, "
        "`valid_from` of the rule catalogue; red line). They are not errors: the catalogue in force on "
        "the evaluation date applies to the whole history (RULES.md §4), so aid reimbursed before the "
        "note counts, and such a row went out, marked late, with the first batch made (RULES.md §8a).",
        icon=":material/history:")

st.subheader("By flow")
by_flow = (selected.assign(due_before=selected["transfer_rows"].where(selected["is_due_before_catalogue_valid_from"], 0))
           .groupby("flow_code")[["transfer_rows", "due_before"]].sum().reset_index()
           .merge(flows, on="flow_code", how="left")
           .rename(columns={"due_before": "due_before_flows_in_force"})
           [["flow_code", "flow_name_en", "flow_status", "transfer_rows", "due_before_flows_in_force"]])
st.dataframe(wh.suppress_table(by_flow, ["transfer_rows", "due_before_flows_in_force"]), hide_index=True)

st.subheader("By province")
by_province = selected.pivot_table(index="province_nl", columns="flow_code", values="transfer_rows",
                                   aggfunc="sum", fill_value=0)
by_province["total"] = by_province.sum(axis=1)
by_province = by_province.sort_values("total", ascending=False).reset_index()
st.dataframe(wh.suppress_table(by_province, [c for c in by_province.columns if c != "province_nl"]),
             hide_index=True)
