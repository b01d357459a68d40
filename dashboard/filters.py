"""The flow, region and period filters of the Exclusions and Durations pages (issue 18).

A person belongs to every flow they held a residence episode of (`NONE` when none) and to
every region whose OCMW granted them aid (`marts.fct_person_flow_regions`); the pages count
distinct persons, so no one counts twice within a selection. The period is chosen at a
grain (Month by default) as a range of periods; each page says which day of a person falls
in it. Every filter becomes a SQL condition with parameters, so the warehouse does the
counting and no person-level row reaches the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import charts
import warehouse as wh

FLOWS_SQL = """
select flow_code, flow_name_en
from marts.dim_flows
order by flow_code
"""
FACETS_SQL = """
select distinct flow_code, region
from marts.fct_person_flow_regions
"""
NO_FLOW = "NONE"


@dataclass(frozen=True)
class Selection:
    flows: list[str]
    regions: list[str]
    start: dt.date | None  # None: from the beginning (persons without a day included)
    end: dt.date | None    # None: to the end
    grain: str
    label: str
    all_flows: bool = True
    all_regions: bool = True

    @property
    def is_everything(self) -> bool:
        return self.start is None and self.end is None

    def person_condition(self, person_key: str = "person_key") -> tuple[str, list]:
        """SQL: the person is in a selected flow and a selected region."""
        sql = (f"{person_key} in (select facets.person_key from marts.fct_person_flow_regions as facets "
               "where list_contains(?, facets.flow_code) and list_contains(?, facets.region))")
        return sql, [self.flows, self.regions]

    def day_condition(self, column: str) -> tuple[str, list]:
        """SQL: the day falls in the selected periods (any day, also none, when all are)."""
        if self.is_everything:
            return "true", []
        return f"{column} between ? and ?", [self.start, self.end]


def choose(key: str, days: pd.Series, day_meaning: str) -> Selection:
    """The three filters, laid out on one row, for `days` (the dates the period applies to)."""
    flows = wh.read_or_stop(FLOWS_SQL)
    facets = wh.read_or_stop(FACETS_SQL)
    flow_options = [*flows["flow_code"], NO_FLOW]
    region_options = sorted(facets["region"].dropna().unique())
    columns = st.columns([2, 2, 1, 3])
    chosen_flows = columns[0].multiselect(
        "Flows", flow_options, default=flow_options, key=f"{key}_flows",
        help="Persons who held a residence episode of the flow; NONE: of no flow (RULES.md §4).")
    chosen_regions = columns[1].multiselect(
        "Regions", region_options, default=region_options, key=f"{key}_regions",
        help="Persons granted aid by an OCMW of the region.")
    grain = columns[2].radio("Period", list(charts.GRAINS), key=f"{key}_grain")
    periods = charts.period_range(days, grain)
    start = end = None
    label = "all periods"
    if len(periods) > 1:
        first, last = columns[3].select_slider(
            f"{day_meaning} in", options=periods, value=(periods[0], periods[-1]), key=f"{key}_periods")
        if (first, last) != (periods[0], periods[-1]):
            start = pd.Period(first, charts.GRAINS[grain]).start_time.date()
            end = pd.Period(last, charts.GRAINS[grain]).end_time.date()
            label = f"{first} to {last}"
    return Selection(chosen_flows, chosen_regions, start, end, grain, label,
                     all_flows=set(chosen_flows) == set(flow_options),
                     all_regions=set(chosen_regions) == set(region_options))


def describe(selection: Selection, day_meaning: str) -> str:
    """One sentence saying what the counts below cover."""
    flows = "every flow" if selection.all_flows else "flows " + (", ".join(selection.flows) or "none")
    regions = "every region" if selection.all_regions else "regions " + (", ".join(selection.regions) or "none")
    period = ("all periods (also persons without that day)" if selection.is_everything
              else f"{day_meaning} in {selection.label}")
    return f"Selection: {flows}; {regions}; {period}. Persons are counted once however many flows or regions apply."
