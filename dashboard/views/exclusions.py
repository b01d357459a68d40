"""Exclusions by reason (RULES.md §7) and how close persons are to their flow's threshold,
filtered by flow, region and period."""

from __future__ import annotations

import streamlit as st

import charts
import filters
import warehouse as wh

FIRST_AID_DAYS_SQL = """
select first_aid_day
from marts.fct_person_flow_regions
where first_aid_day is not null
"""
# Persons are counted distinct by the warehouse; the filters are parameters.
STATUS_SQL = """
select status.final_status, status.exclusion_reason, count(distinct status.person_key) as persons
from marts.fct_person_transfer_status as status
where {persons}
  and status.person_key in (
      select dated.person_key from marts.fct_person_flow_regions as dated where {days})
group by status.final_status, status.exclusion_reason
"""
PIPELINE_SQL = """
select progress.flow_code, progress.criterion_code, progress.threshold_value, progress.threshold_unit,
       progress.progress_band, count(distinct progress.person_key) as persons
from marts.fct_threshold_progress as progress
where list_contains(?, progress.flow_code)
  and {persons}
  and progress.person_key in (
      select dated.person_key from marts.fct_person_flow_regions as dated where {days})
group by progress.flow_code, progress.criterion_code, progress.threshold_value, progress.threshold_unit,
         progress.progress_band
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
# The bands' labels follow the share vars of the build (fct_threshold_progress): read them
# from the warehouse, every band of it, so a filter never shifts a band's colour.
BANDS_SQL = "select distinct progress_band from marts.fct_threshold_progress"
BAND_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
DAY_MEANING = "first aid day"

st.title("Exclusions by reason")
st.caption("Persons never reported to the DVZ, by the first exclusion reason that applies "
           "(RULES.md §7).")

selection = filters.choose("exclusions", wh.read_or_stop(FIRST_AID_DAYS_SQL)["first_aid_day"], DAY_MEANING)
st.caption(filters.describe(selection, DAY_MEANING))
persons_sql, persons_params = selection.person_condition("status.person_key")
days_sql, days_params = selection.day_condition("dated.first_aid_day")
status = wh.read_or_stop(STATUS_SQL.format(persons=persons_sql, days=days_sql), (*persons_params, *days_params))

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
chart_data = table.assign(reason=table["exclusion_reason"].str.replace("_", " ").str.capitalize())
charts.bar_chart(chart_data, x="reason", y="persons", x_order=list(chart_data["reason"]), y_label="persons",
                 empty="No excluded person in this selection: widen the flows, regions or period.")
st.dataframe(wh.suppress_table(table, ["persons"]), hide_index=True)

st.subheader("How close persons are to their flow's threshold")
st.caption("Per flow and criterion: persons by their longest counted duration in one residence "
           "episode, as a share of the threshold. Persons close to it may be reported later.")
progress_persons_sql, progress_persons_params = selection.person_condition("progress.person_key")
threshold_flows = [flow for flow in selection.flows if flow != filters.NO_FLOW]
pipeline = wh.read_or_stop(PIPELINE_SQL.format(persons=progress_persons_sql, days=days_sql),
                           (threshold_flows, *progress_persons_params, *days_params))
if pipeline.empty:
    st.info("No person of this selection has counted aid in a flow with a threshold.")
    st.stop()
BANDS = wh.band_texts([*wh.read_or_stop(BANDS_SQL)["progress_band"], "threshold_met"])
pipeline["band"] = pipeline["progress_band"].map(BANDS).fillna(pipeline["progress_band"])
pipeline["threshold"] = (pipeline["threshold_value"].astype(str) + " "
                         + pipeline["threshold_unit"] + "(s)")
charts.bar_chart(pipeline, x="flow_code", y="persons", color="band", color_order=list(BANDS.values()),
                 colours=BAND_COLOURS[-len(BANDS):], x_label="flow", y_label="persons",
                 empty="No person of this selection has counted aid in a flow with a threshold.")
wide = (pipeline.pivot_table(index=["flow_code", "criterion_code", "threshold"], columns="band",
                             values="persons", aggfunc="sum", fill_value=0)
        .reindex(columns=list(BANDS.values()), fill_value=0).reset_index())
wide.columns.name = None
st.dataframe(wh.suppress_table(wide, list(BANDS.values())), hide_index=True)
