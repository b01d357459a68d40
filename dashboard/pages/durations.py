"""Benefit-duration distributions per benefit type (RULES.md §9)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import warehouse as wh

# Column names are fixed here, never taken from user input; only the bin width is a parameter.
MEASURES = {"Aid days": "aid_days", "Reimbursed days": "reimbursed_days"}
HISTOGRAM_SQL = """
select benefit_type, cast(floor({measure} / ?) as integer) as bin, count(*) as persons
from marts.fct_person_benefit_durations
group by benefit_type, bin
order by benefit_type, bin
"""
SUMMARY_SQL = """
select benefit_type,
       count(*) as persons,
       count(*) filter (where aid_days > 0) as persons_with_aid_days,
       count(*) filter (where reimbursed_days > 0) as persons_with_reimbursed_days,
       median(aid_days) as median_aid_days,
       quantile_cont(aid_days, 0.9) as p90_aid_days,
       median(reimbursed_days) as median_reimbursed_days,
       sum(reimbursed_amount_eur) as reimbursed_amount_eur
from marts.fct_person_benefit_durations
group by benefit_type
order by benefit_type
"""
STATISTICS = ["median_aid_days", "p90_aid_days", "median_reimbursed_days", "reimbursed_amount_eur"]

st.title("Benefit durations")
st.caption("Per person and benefit type over their granted decisions: distinct aid days and "
           "reimbursed aid days up to the evaluation date. Every benefit type counts here, also "
           "those that never count towards a transfer.")

controls = st.columns(2)
measure_label = controls[0].radio("Measure", list(MEASURES), horizontal=True, key="durations_measure")
width = controls[1].select_slider("Bin width (days)", options=[30, 90, 180, 365], value=180,
                                   key="durations_bin_width")
measure = MEASURES[measure_label]

summary = wh.read_or_stop(SUMMARY_SQL)
if summary.empty:
    st.info("No benefit durations as of this build.")
    st.stop()
histogram = wh.read_or_stop(HISTOGRAM_SQL.format(measure=measure), (width,))

types = st.multiselect("Benefit types", list(summary["benefit_type"]),
                       default=list(summary["benefit_type"]), key="durations_benefit_types")
charts = st.columns(2)
for position, benefit_type in enumerate(types):
    rows = histogram[histogram["benefit_type"] == benefit_type].set_index("bin")["persons"]
    bins = range(0, int(rows.index.max()) + 1) if len(rows) else range(0)
    rows = rows.reindex(bins, fill_value=0)
    labels = pd.Series([f"{b * width}–{(b + 1) * width - 1}" for b in bins], dtype=object)
    frame = pd.DataFrame({"days": wh.ordered(labels), "persons": rows.to_numpy()})
    chart_data, hidden = wh.suppress_chart(frame, "persons")
    with charts[position % 2]:
        st.markdown(f"**{benefit_type}**")
        st.bar_chart(chart_data, x="days", y="persons", height=240,
                     x_label=measure_label.lower(), y_label="persons")
        wh.suppression_note(hidden)

st.subheader("Summary per benefit type")
shown = summary.copy()
# Statistics of fewer than min_cell() persons would describe individuals: left out.
few = shown["persons"].map(wh.is_small).astype(bool)
for column in STATISTICS:
    shown[column] = shown[column].astype("Float64").where(~few).round(0)
shown = wh.suppress_table(shown, ["persons", "persons_with_aid_days", "persons_with_reimbursed_days"])
st.dataframe(shown.rename(columns=lambda name: name.replace("persons_", "").replace("_", " ")
                          if name != "benefit_type" else name), hide_index=True)
