"""Exclusions by reason (RULES.md §7) and how close persons are to their flow's threshold."""

from __future__ import annotations

import streamlit as st

import warehouse as wh

STATUS_SQL = """
select final_status, exclusion_reason, persons
from marts.fct_person_status_summary
"""
PIPELINE_SQL = """
select flow_code, criterion_code, threshold_value, threshold_unit, progress_band, persons
from marts.fct_threshold_pipeline
"""
# RULES.md §7: the first reason that applies, in this order.
REASONS = {
    "BELGIAN": "Belgian on the evaluation date, or on a transfer's due date",
    "POPULATION_REGISTER": "holds a population-register permit",
    "NO_AUTHORISED_CATEGORY": "no aid day inside any flow's residence episode",
    "NO_COUNTING_AID": "no aid day of a counted benefit type inside an episode of its flow",
    "NOT_REIMBURSED": "no such aid day reimbursed",
    "THRESHOLD_NOT_MET": "reimbursed counted aid, but below the flow's threshold",
}
BANDS = {
    "below_50_pct": "below 50 %",
    "at_least_50_pct": "50–75 %",
    "at_least_75_pct": "75–100 %",
    "threshold_met": "threshold met",
}
BAND_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]

st.title("Exclusions by reason")
st.caption("Persons never reported to the DVZ, by the first exclusion reason that applies "
           "(RULES.md §7).")

status = wh.read_or_stop(STATUS_SQL)
excluded = status[status["final_status"] == "EXCLUDED"]
by_reason = (excluded.groupby("exclusion_reason")["persons"].sum()
             .reindex(list(REASONS), fill_value=0))
unknown = sorted(set(excluded["exclusion_reason"].dropna()) - set(REASONS))
if unknown:
    st.warning(f"Exclusion reasons this page does not know: {', '.join(unknown)}")
total = int(by_reason.sum())

st.metric("Persons excluded", wh.fmt_count(total))
table = by_reason.rename_axis("exclusion_reason").reset_index(name="persons")
table["share_of_excluded"] = [wh.fmt_share(count, total) for count in table["persons"]]
table["meaning"] = table["exclusion_reason"].map(REASONS)
chart_data, hidden = wh.suppress_chart(table, "persons")
chart_data["reason"] = wh.ordered(chart_data["exclusion_reason"].str.replace("_", " ").str.capitalize())
st.bar_chart(chart_data, x="reason", y="persons", x_label="", y_label="persons")
wh.suppression_note(hidden)
st.dataframe(wh.suppress_table(table, ["persons"]), hide_index=True)

st.subheader("How close persons are to their flow's threshold")
st.caption("Per flow and criterion: persons by their longest counted duration in one residence "
           "episode, as a share of the threshold. Persons at 50 % or 75 % may be reported later.")
pipeline = wh.read_or_stop(PIPELINE_SQL)
if pipeline.empty:
    st.info("No person has counted aid in any flow yet.")
    st.stop()
pipeline["band"] = pipeline["progress_band"].map(BANDS).fillna(pipeline["progress_band"])
pipeline["threshold"] = (pipeline["threshold_value"].astype(str) + " "
                         + pipeline["threshold_unit"] + "(s)")
wide = (pipeline.pivot_table(index=["flow_code", "criterion_code", "threshold"], columns="band",
                             values="persons", aggfunc="sum", fill_value=0)
        .reindex(columns=list(BANDS.values()), fill_value=0).reset_index())
wide.columns.name = None
chart_data, hidden = wh.suppress_chart(wide, list(BANDS.values()))
st.bar_chart(chart_data, x="flow_code", y=list(BANDS.values()), color=BAND_COLOURS, stack=True,
             x_label="flow", y_label="persons")
wh.suppression_note(hidden)
st.dataframe(wh.suppress_table(wide, list(BANDS.values())), hide_index=True)
