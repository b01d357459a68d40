"""Data quality: where every landing row went (RULES.md §2) and quarantine over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
import warehouse as wh

RECONCILIATION_SQL = """
select source, landing_rows, staged_rows, superseded_rows, not_yet_effective_rows,
       quarantined_rows
from marts.rpt_landing_reconciliation
order by source
"""
QUALITY_SQL = """
select recorded_month, source, place, reason_code, landing_rows
from marts.fct_landing_quality_over_time
"""
PLACES = ["staged_rows", "superseded_rows", "not_yet_effective_rows", "quarantined_rows"]
PLACE_COLOURS = ["#2ca02c", "#9e9e9e", "#ff7f0e", "#d62728"]

st.title("Data quality")
st.caption("Every landing row ends in exactly one place: staged (the current version), "
           "superseded, not yet effective (recorded after the evaluation date) or quarantined "
           "with one reason. Counts here are landing rows, not persons.")

reconciliation = wh.read_or_stop(RECONCILIATION_SQL)
balanced = reconciliation[PLACES].sum(axis=1) == reconciliation["landing_rows"]

totals = st.columns(3)
totals[0].metric("Landing rows", f"{int(reconciliation['landing_rows'].sum()):,}")
totals[1].metric("Quarantined rows", f"{int(reconciliation['quarantined_rows'].sum()):,}")
totals[2].metric("Sources balanced", f"{int(balanced.sum())} of {len(reconciliation)}",
                 help="Staged + superseded + not yet effective + quarantined = landing rows.")
if not balanced.all():
    st.error("Some sources do not reconcile: "
             + ", ".join(reconciliation.loc[~balanced, "source"]))

st.subheader("Where the landing rows went")
place_names = {place: place.removesuffix("_rows").replace("_", " ") for place in PLACES}
st.bar_chart(reconciliation.rename(columns=place_names), x="source", y=list(place_names.values()),
             color=PLACE_COLOURS, horizontal=True, stack="normalize", x_label="share of landing rows",
             y_label="")
st.dataframe(reconciliation.assign(balanced=balanced.map({True: "yes", False: "NO"})),
             hide_index=True)

st.subheader("Quarantine over time")
quality = wh.read_or_stop(QUALITY_SQL)
quarantined = quality[quality["place"] == "QUARANTINED"]
if quarantined.empty:
    st.success("No landing row is quarantined.")
    st.stop()

controls = st.columns(2)
sources = controls[0].multiselect("Sources", sorted(quarantined["source"].unique()),
                                  default=sorted(quarantined["source"].unique()), key="quality_sources")
grain = controls[1].radio("Period", list(charts.GRAINS), horizontal=True, key="quality_grain")
selected = quarantined[quarantined["source"].isin(sources)]
dated = selected.dropna(subset=["recorded_month"])
undated = int(selected.loc[selected["recorded_month"].isna(), "landing_rows"].sum())

if dated.empty:
    st.info("No quarantined row with a readable recorded_at for these sources: choose more sources.")
else:
    periods = pd.to_datetime(dated["recorded_month"]).dt.to_period(charts.GRAINS[grain])
    by_period = (dated.assign(period=periods, reason=dated["reason_code"].fillna("?"))
                 .groupby(["period", "reason"])["landing_rows"].sum().unstack("reason"))
    full_range = pd.period_range(by_period.index.min(), by_period.index.max(), freq=charts.GRAINS[grain])
    by_period = by_period.reindex(full_range).fillna(0).astype(int)
    long = (by_period.rename_axis("period").reset_index()
            .melt(id_vars="period", var_name="reason_code", value_name="landing_rows"))
    long["period"] = long["period"].astype(str)
    st.bar_chart(long, x="period", y="landing_rows", color="reason_code",
                 x_label=f"{grain.lower()} the row was recorded", y_label="quarantined rows")
if undated:
    st.caption(f"{undated:,} quarantined row(s) have no readable recorded_at and are not in the chart.")

st.markdown("**Quarantined rows by reason and source**")
by_reason = selected.pivot_table(index="reason_code", columns="source", values="landing_rows",
                                 aggfunc="sum", fill_value=0)
by_reason["total"] = by_reason.sum(axis=1)
st.dataframe(by_reason.sort_values("total", ascending=False).reset_index(), hide_index=True)
