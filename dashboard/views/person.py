"""One person, one view (issue 18): the auditor's timeline of one person_key - permits and
residence episodes, aid decisions, reimbursed months coloured by why they count or not,
counted runs, the days criteria were met and transfers fell due, exclusions and deliveries -
with the events and the decision trace beneath. Pseudonymised: the page reads
`fct_person_timeline` and `fct_transfer_decision_trace` by person_key and never sees an
insz; an auditor finds the person_key in the restricted `dim_person_keys`."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

import warehouse as wh

TIMELINE_SQL = """
select event_sequence, event_type, event_lane, event_start, event_end, flow_code, episode_number,
       event_code, event_status, decision_id, reimbursement_id, ocmw_nis_code, amount_eur, paid_on,
       counted_units, counted_unit, event_detail, source, source_file, source_row_number, as_of_date
from marts.fct_person_timeline
where person_key = ?
order by event_sequence
"""
TRACE_SQL = """
select flow_code, episode_number, episode_start, episode_end, criterion_code, counting_mode,
       threshold_value, threshold_unit, outcome, criterion_met_on, transfer_due_on,
       longest_run_counted_days, longest_run_counted_months, counted_days, counted_days_at_transfer,
       counted_months, counted_months_at_transfer, is_due_before_catalogue_valid_from,
       criterion_decision_id, prior_aid_day, prior_aid_decision_id, prior_aid_paid_date,
       exclusion_code, exclusion_checked_on, excluding_permit_document_type, excluding_permit_valid_from,
       excluding_permit_valid_to, quarantine_reason_code, exclusion_source, exclusion_source_row_number,
       legal_reference, note_quote_en, exclusion_note_quote_en
from marts.fct_transfer_decision_trace
where person_key = ?
order by flow_code, episode_number, criterion_code
"""
AS_OF_SQL = """
select as_of_date
from marts.fct_person_timeline
limit 1
"""
STATUS_SQL = """
select final_status, exclusion_reason
from marts.fct_person_transfer_status
where person_key = ?
"""
PERSON_KEY = re.compile(r"[0-9a-f]{64}")
# The chart's lanes, top to bottom, and what is drawn in each (issue 18): permits, episodes,
# aid and counted runs as bars; reimbursed months as marks coloured by why they count or
# not; exclusions and deliveries as marks; the met and due days as rules.
LANES = ["Permits", "Episodes", "Aid decisions", "Reimbursed months", "Counted runs", "Exclusions",
         "Deliveries"]
BAR_EVENTS = ["PERMIT", "RESIDENCE_EPISODE", "AID_DECISION", "DECISION_MONTH", "COUNTED_RUN", "DELIVERY"]
POINT_EVENTS = ["EXCLUSION", "QUARANTINED_RECORD"]
RULE_EVENTS = {"CRITERION_MET": "criterion met", "TRANSFER_DUE": "transfer due"}
COLOURS = {
    "permit: QUALIFYING": "#4c78a8", "permit: POPULATION_REGISTER": "#8c2d04", "permit: NO_FLOW": "#bab0ac",
    "episode": "#72b7b2", "decision: GRANTED": "#54a24b", "decision: WITHDRAWN": "#d3d3d3",
    "month: COUNTED": "#2ca02c", "month: NOT_REIMBURSED": "#d62728", "month: PAID_AFTER_AS_OF_DATE": "#ff7f0e",
    "month: OUTSIDE_EVERY_EPISODE": "#9467bd", "month: NEVER_COUNTED_BENEFIT_TYPE": "#7f7f7f",
    "month: NO_AID_DAYS": "#c7c7c7", "counted run": "#1b9e77", "exclusion": "#a50f15",
    "quarantined record": "#fb6a4a", "delivered": "#3182bd", "withdrawn": "#fdae6b",
    "criterion met": "#636363", "transfer due": "#000000",
}


def colour_key(row: pd.Series) -> str:
    kind = row["event_type"]
    if kind == "PERMIT":
        return f"permit: {row['event_status']}"
    if kind == "AID_DECISION":
        return f"decision: {row['event_status']}"
    if kind == "DECISION_MONTH":
        return f"month: {row['event_status']}"
    if kind == "DELIVERY":
        return "withdrawn" if row["event_code"] == "WITHDRAWN" else "delivered"
    return {"RESIDENCE_EPISODE": "episode", "COUNTED_RUN": "counted run", "EXCLUSION": "exclusion",
            "QUARANTINED_RECORD": "quarantined record"}.get(kind, RULE_EVENTS.get(kind, kind.lower()))


def as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns shown as days (YYYY-MM-DD), not as midnight timestamps."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d")
    return shown


def timeline_chart(events: pd.DataFrame, as_of: pd.Timestamp) -> alt.LayerChart:
    data = events.copy()
    data["start"] = pd.to_datetime(data["event_start"])
    data = data[data["start"] <= as_of]  # what starts later (a future permit) is in the table only
    # a period's last day is inclusive: the bar ends the next day; an open period, and the
    # part of a period after as_of_date (a permit valid for years yet), end at as_of_date
    data["end"] = pd.to_datetime(data["event_end"]).fillna(as_of).clip(upper=as_of) + pd.Timedelta(days=1)
    data["what"] = data.apply(colour_key, axis=1)
    data["label"] = data["event_type"] + " " + data["event_code"].fillna("") + " " + data["event_status"].fillna("")
    shown = [key for key in COLOURS if key in set(data["what"])]
    colour = alt.Color("what:N", title="", scale=alt.Scale(domain=shown, range=[COLOURS[k] for k in shown]),
                       legend=alt.Legend(orient="bottom", columns=4))
    tooltip = [alt.Tooltip("label:N", title="event"), alt.Tooltip("event_start:T", title="from"),
               alt.Tooltip("event_end:T", title="to"), alt.Tooltip("flow_code:N", title="flow"),
               alt.Tooltip("event_detail:N", title="detail")]
    lane = alt.Y("event_lane:N", sort=LANES, title=None)
    bars = alt.Chart(data[data["event_type"].isin(BAR_EVENTS)]).mark_bar(height=14, opacity=0.85).encode(
        x=alt.X("start:T", title=None), x2="end:T", y=lane, color=colour, tooltip=tooltip)
    points = alt.Chart(data[data["event_type"].isin(POINT_EVENTS)]).mark_point(
        shape="diamond", size=90, filled=True).encode(x="start:T", y=lane, color=colour, tooltip=tooltip)
    rules = alt.Chart(data[data["event_type"].isin(RULE_EVENTS)]).mark_rule(strokeWidth=2).encode(
        x="start:T", color=colour, tooltip=tooltip,
        strokeDash=alt.condition(alt.datum.event_type == "TRANSFER_DUE", alt.value([6, 3]), alt.value([1, 0])))
    today = alt.Chart(pd.DataFrame({"as_of": [as_of]})).mark_rule(color="#999999", strokeDash=[2, 2]).encode(
        x="as_of:T", tooltip=[alt.Tooltip("as_of:T", title="as_of_date")])
    return alt.layer(bars, points, rules, today).properties(height=60 + 34 * len(LANES))


st.title("One person")
st.caption("Everything the warehouse knows of one person, on one time line, and why they were or were "
           "not transferred. Enter a person_key: auditors find it from the insz in the restricted "
           "`dim_person_keys` (the dashboard never sees an insz).")

# read first: a warehouse that cannot be read says so before any key is asked for
built_as_of = wh.read_or_stop(AS_OF_SQL)
if built_as_of.empty:
    st.info("The warehouse holds no person: the landing files of this build have no records.")
    st.stop()
entered = st.text_input("person_key", value=st.query_params.get("person_key", ""), key="person_key",
                        placeholder="64 hexadecimal characters")
person_key = entered.strip().lower()
if not person_key:
    st.info("Enter a person_key to see the person's time line.")
    st.stop()
if not PERSON_KEY.fullmatch(person_key):
    st.warning("A person_key is 64 hexadecimal characters (a salted SHA-256 of the insz, RULES.md §8); "
               "this is not one. Copy it from `dim_person_keys` or from a trace row.")
    st.stop()

events = wh.read_or_stop(TIMELINE_SQL, (person_key,))
if events.empty:
    st.info("No event for this person_key in this build: the warehouse knows no such person, or the key "
            "was made with another salt (DVZ_PERSON_KEY_SALT) than this build's.")
    st.stop()
status = wh.read_or_stop(STATUS_SQL, (person_key,))
as_of = pd.to_datetime(built_as_of["as_of_date"].iloc[0])

figures = st.columns(3)
figures[0].metric("Final status", status["final_status"].iloc[0] if len(status) else "–",
                  help="fct_person_transfer_status; no row: the person has no staged GRANTED decision.")
figures[1].metric("Exclusion reason", (status["exclusion_reason"].iloc[0] or "–") if len(status) else "–")
figures[2].metric("Events", f"{len(events):,}")
st.caption(f"As of {as_of:%Y-%m-%d}, the evaluation date of this build (RULES.md §1).")

st.altair_chart(timeline_chart(events, as_of), width="stretch")
st.caption("Bars (drawn up to the evaluation date): permits, residence episodes, aid decisions, "
           "decision-months (coloured by why their aid counts or not), counted runs and delivery batch months. Diamonds: exclusions and quarantined "
           "records. Rules: the day a criterion was met (solid) and a transfer fell due (dashed); the "
           "grey dotted rule is the evaluation date.")

st.subheader("Events")
st.dataframe(as_dates(events.drop(columns=["as_of_date", "event_lane"])), hide_index=True)

st.subheader("Decision trace")
trace = wh.read_or_stop(TRACE_SQL, (person_key,))
if trace.empty:
    st.info("No trace row: the person never held a permit qualifying for a flow, so no criterion was "
            "evaluated (see the PERMIT and PERSON_STATUS events above).")
else:
    st.dataframe(as_dates(trace), hide_index=True)
