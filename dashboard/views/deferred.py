"""What enabling each deferred flow of the rule catalogue (today D1–D3) would change."""

from __future__ import annotations

import streamlit as st

import charts
import warehouse as wh

IMPACT_SQL = """
select i.flow_code, f.flow_name_en, i.is_enabled_in_run, i.deferred_rows,
       i.persons_with_deferred_rows, i.persons_newly_transferred
from marts.fct_deferred_flow_impact as i
left join marts.dim_flows as f on f.flow_code = i.flow_code
order by i.flow_code
"""
COUNTS = ["deferred_rows", "persons_with_deferred_rows", "persons_newly_transferred"]
CHART_SERIES = {"persons_with_deferred_rows": "Persons with deferred rows",
                "persons_newly_transferred": "Persons newly transferred"}

st.title("Deferred-flow impact")
impact = wh.read_or_stop(IMPACT_SQL)
if impact.empty:
    st.info("No deferred flow in the rule catalogue.")
    st.stop()

# The deferred flows are the catalogue's (seed rule_flows, issue 17), never a pasted list.
flow_codes = list(impact["flow_code"])
st.caption(f"Flows {', '.join(flow_codes)} are authorised but deferred for technical reasons: their eligibility "
           "rows are kept as DEFERRED_TECHNICAL and not reported. This page shows what enabling "
           f"each one alone would add (`--vars '{{enabled_deferred_flows: [{flow_codes[0]}]}}'`).")

columns = st.columns(len(impact))
for column, row in zip(columns, impact.itertuples()):
    state = "enabled in this run" if row.is_enabled_in_run else "deferred in this run"
    column.metric(f"{row.flow_code}: persons newly transferred",
                  wh.fmt_count(row.persons_newly_transferred),
                  help=f"{row.flow_name_en} ({state}). Persons not transferred now who would be "
                       "if this flow alone were also enabled.")

series = (impact.melt(id_vars="flow_code", value_vars=list(CHART_SERIES), var_name="series", value_name="persons")
          .assign(series=lambda frame: frame["series"].map(CHART_SERIES)))
charts.bar_chart(series, x="flow_code", y="persons", color="series", color_order=list(CHART_SERIES.values()),
                 colours=["#9ecae1", "#08519c"], grouped=True, x_order=list(impact["flow_code"]), x_label="flow",
                 y_label="persons", empty="No deferred-flow row in this build: enabling a deferred flow "
                 "would add no transfer.")

table = impact.assign(is_enabled_in_run=impact["is_enabled_in_run"].map({True: "yes", False: "no"}))
table = table[["flow_code", *COUNTS, "is_enabled_in_run", "flow_name_en"]]
st.dataframe(wh.suppress_table(table, COUNTS), hide_index=True)
st.caption("deferred_rows: eligibility rows of the flow held as DEFERRED_TECHNICAL · "
           "persons_with_deferred_rows: their persons · persons_newly_transferred: persons not "
           "transferred today who would be if this flow alone were also enabled.")
