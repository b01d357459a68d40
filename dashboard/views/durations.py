"""Benefit-duration distributions per benefit type (RULES.md §9), and the counted duration of
the transfers on the day they fell due beside the one of today (RULES.md §5-6), filtered by
flow, region and period. Bins follow the thresholds: 30 days (90 days for C1/C2 falls on a
bin edge) or calendar months (4 months for C3/C4)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import charts
import filters
import warehouse as wh

# Column names are fixed here, never taken from user input; the bin width is a parameter.
MEASURES = {
    "Aid days": ("aid_days", "day"),
    "Reimbursed days": ("reimbursed_days", "day"),
    "Reimbursed months": ("reimbursed_months", "month"),
}
BIN_WIDTHS = {"day": {"30 days": 30, "90 days (the C1/C2 threshold)": 90},
              "month": {"1 month": 1, "4 months (the C3/C4 threshold)": 4}}
THRESHOLD = {"day": 90, "month": 4}
FIRST_AID_DAYS_SQL = """
select first_aid_day
from marts.fct_person_benefit_durations
where first_aid_day is not null
"""
SELECTED_SQL = """
select durations.person_key, durations.benefit_type, durations.{measure} as units,
       durations.aid_days, durations.reimbursed_days, durations.reimbursed_amount_eur
from marts.fct_person_benefit_durations as durations
where {persons} and {days}
"""
HISTOGRAM_SQL = "with selected as (" + SELECTED_SQL + """)
select benefit_type, cast(floor(units / ?) as integer) as bin, count(*) as persons
from selected
group by benefit_type, bin
order by benefit_type, bin
"""
SUMMARY_SQL = "with selected as (" + SELECTED_SQL + """)
select benefit_type,
       count(*) as persons,
       count(*) filter (where aid_days > 0) as persons_with_aid_days,
       count(*) filter (where reimbursed_days > 0) as persons_with_reimbursed_days,
       median(aid_days) as median_aid_days,
       quantile_cont(aid_days, 0.9) as p90_aid_days,
       median(reimbursed_days) as median_reimbursed_days,
       sum(reimbursed_amount_eur) as reimbursed_amount_eur
from selected
group by benefit_type
order by benefit_type
"""
TRANSFER_UNITS_SQL = """
select units.flow_code, units.counted_unit, units.counted_units_at_transfer, units.counted_units_as_of_date,
       sum(units.transfer_rows) as transfer_rows
from marts.fct_transfer_counted_units as units
where list_contains(?, units.flow_code) and list_contains(?, units.region) and {days}
group by units.flow_code, units.counted_unit, units.counted_units_at_transfer, units.counted_units_as_of_date
"""
STATISTICS = ["median_aid_days", "p90_aid_days", "median_reimbursed_days", "reimbursed_amount_eur"]
DAY_MEANING = "first aid day"


def bin_labels(bins: range, width: int, unit: str) -> list[str]:
    if width == 1:
        return [f"{b} {unit}s" if b != 1 else f"1 {unit}" for b in bins]
    return [f"{b * width}–{(b + 1) * width - 1} {unit}s" for b in bins]


def threshold_rule(width: int, unit: str, labels: list[str]) -> pd.DataFrame:
    """A labelled rule on the bin that starts at the threshold (a bin edge by construction)."""
    position = THRESHOLD[unit] // width
    if position >= len(labels):
        return pd.DataFrame(columns=["x", "label"])
    return pd.DataFrame({"x": [labels[position]], "label": [f"threshold {THRESHOLD[unit]} {unit}s"]})


def weighted_median(rows: pd.DataFrame, column: str) -> float:
    """The median over transfer rows of a column given per cell with its row count."""
    return float(rows[column].repeat(rows["transfer_rows"]).median())


st.title("Benefit durations")
st.caption("Per person and benefit type over their granted decisions: distinct aid days, reimbursed "
           "aid days and reimbursed months up to the evaluation date. Every benefit type counts here, "
           "also those that never count towards a transfer.")

selection = filters.choose("durations", wh.read_or_stop(FIRST_AID_DAYS_SQL)["first_aid_day"], DAY_MEANING)
st.caption(filters.describe(selection, DAY_MEANING) + " The period is that of the first aid day of the "
           "benefit type (histograms) or of the transfer's due date (counted duration of transfers).")
persons_sql, persons_params = selection.person_condition("durations.person_key")
days_sql, days_params = selection.day_condition("durations.first_aid_day")

controls = st.columns(2)
measure_label = controls[0].radio("Measure", list(MEASURES), horizontal=True, key="durations_measure")
measure, unit = MEASURES[measure_label]
width_label = controls[1].radio("Bins", list(BIN_WIDTHS[unit]), horizontal=True, key=f"durations_bins_{unit}")
width = BIN_WIDTHS[unit][width_label]

query = {"measure": measure, "persons": persons_sql, "days": days_sql}
summary = wh.read_or_stop(SUMMARY_SQL.format(**query), (*persons_params, *days_params))
if summary.empty:
    st.info("No person of this selection has a granted decision: widen the flows, regions or period.")
    st.stop()
histogram = wh.read_or_stop(HISTOGRAM_SQL.format(**query), (*persons_params, *days_params, width))

types = st.multiselect("Benefit types", list(summary["benefit_type"]),
                       default=list(summary["benefit_type"]), key="durations_benefit_types")
if not types:
    st.info("No benefit type chosen: pick one or more above to see their histograms.")
columns = st.columns(2)
for position, benefit_type in enumerate(types):
    rows = histogram[histogram["benefit_type"] == benefit_type].set_index("bin")["persons"]
    bins = range(0, int(rows.index.max()) + 1) if len(rows) else range(0)
    labels = bin_labels(bins, width, unit)
    frame = pd.DataFrame({"bin": labels, "persons": rows.reindex(bins, fill_value=0).to_numpy()})
    with columns[position % 2]:
        st.markdown(f"**{benefit_type}**")
        charts.bar_chart(frame, x="bin", y="persons", x_order=labels, x_label=measure_label.lower(),
                         y_label="persons", height=240, rules=threshold_rule(width, unit, labels),
                         empty=f"No person of this selection has {benefit_type} aid.")

st.subheader("Summary per benefit type")
shown = summary.copy()
# Statistics of fewer than min_cell() persons would describe individuals: left out.
few = shown["persons"].map(wh.is_small).astype(bool)
for column in STATISTICS:
    shown[column] = shown[column].astype("Float64").where(~few).round(0)
shown = wh.suppress_table(shown, ["persons", "persons_with_aid_days", "persons_with_reimbursed_days"])
st.dataframe(shown.rename(columns=lambda name: name.replace("persons_", "").replace("_", " ")
                          if name != "benefit_type" else name), hide_index=True)

st.subheader("Counted duration of the transfers: on the due date and today")
st.caption("For each TRANSFER row, the counted units of its flow on the day the transfer fell due "
           "(what the DVZ was sent about; at least the threshold) and up to the evaluation date "
           "(the eligibility row's counted_days / counted_months, which keep growing after the "
           "transfer). Flow and region of the transfer's OCMW; period of its due date.")
transfer_days_sql, transfer_days_params = selection.day_condition("units.transfer_month")
transfer_flows = [flow for flow in selection.flows if flow != filters.NO_FLOW]
units = wh.read_or_stop(TRANSFER_UNITS_SQL.format(days=transfer_days_sql),
                        (transfer_flows, selection.regions, *transfer_days_params))
if units.empty:
    st.info("No transfer row in this selection.")
    st.stop()
when = {"counted_units_at_transfer": "on the due date", "counted_units_as_of_date": "up to the evaluation date"}
for counted_unit, step in (("day", 30), ("month", 1)):
    of_unit = units[units["counted_unit"] == counted_unit]
    if of_unit.empty:
        continue
    long = pd.concat([of_unit.assign(when=label, units=of_unit[column]) for column, label in when.items()])
    long["bin"] = (long["units"] // step).astype(int)
    counts = long.groupby(["bin", "when"], as_index=False)["transfer_rows"].sum()
    bins = range(0, int(counts["bin"].max()) + 1)
    labels = bin_labels(bins, step, counted_unit)
    counts["bin"] = [labels[b] for b in counts["bin"]]
    flows_of_unit = ", ".join(sorted(of_unit["flow_code"].unique()))
    st.markdown(f"**Flows counting {counted_unit}s ({flows_of_unit})**")
    charts.bar_chart(counts, x="bin", y="transfer_rows", color="when", color_order=list(when.values()),
                     colours=["#08519c", "#9ecae1"], grouped=True, x_order=labels,
                     x_label=f"counted {counted_unit}s", y_label="transfer rows", height=260,
                     rules=threshold_rule(step, counted_unit, labels),
                     empty=f"No transfer row of a flow counting {counted_unit}s in this selection.")

medians = []
for flow_code, rows in units.groupby("flow_code"):
    medians.append({"flow_code": flow_code, "unit": rows["counted_unit"].iloc[0],
                    "transfer_rows": int(rows["transfer_rows"].sum()),
                    "median_on_due_date": weighted_median(rows, "counted_units_at_transfer"),
                    "median_up_to_evaluation_date": weighted_median(rows, "counted_units_as_of_date")})
medians = pd.DataFrame(medians)
few = medians["transfer_rows"].map(wh.is_small).astype(bool)
for column in ("median_on_due_date", "median_up_to_evaluation_date"):
    medians[column] = medians[column].astype("Float64").where(~few)
st.dataframe(wh.suppress_table(medians, ["transfer_rows"]), hide_index=True)
st.caption("Medians of fewer than the small-cell threshold of rows are left out.")
