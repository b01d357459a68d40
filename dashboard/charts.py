"""Honest charts for the dashboard pages (issue 18).

Two promises, kept here once for every page:

- A suppressed cell is shown as suppressed, never dropped. A person count from 1 to
  `min_cell() - 1` is drawn as a grey segment of a fixed height (half the threshold, so it
  is visible and clearly no measurement), labelled "<5", and said so beneath the chart;
  the bars around it keep their real heights.
- A chart is never blank without a sentence: with nothing to draw, the page gets the
  sentence the caller gives (why this selection is empty) instead of an empty frame.

Segments are stacked in pandas (each gets its own bottom and top), so a suppressed
segment sits where its count would be and its label can be placed on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

import warehouse as wh

SUPPRESSED_COLOUR = "#bdbdbd"
# Above this many x categories a suppressed segment is grey without its "<5" text.
MAX_LABELLED_BARS = 40
# The month the period selectors start on (issue 18: Month is the default period).
GRAINS = {"Month": "M", "Quarter": "Q", "Year": "Y"}


def suppressed_height() -> float:
    """The drawn height of a suppressed cell: half the small-cell threshold."""
    return wh.min_cell() / 2


def suppressed_label() -> str:
    return f"<{wh.min_cell()}"


def prepare(frame: pd.DataFrame, x: str, y: str, color: str | None = None,
            color_order: Sequence[str] | None = None, grouped: bool = False) -> pd.DataFrame:
    """The chart data: one row per x (and colour) with the value drawn (`drawn`), whether
    it is suppressed, the label shown and the segment's bottom and top (stacked per x in
    `color_order`, or side by side from 0 when `grouped`). Zero cells are kept out: they
    draw nothing and hide nothing."""
    data = frame[[x, y] + ([color] if color else [])].copy()
    data = data[data[y].fillna(0) != 0]
    data["is_suppressed"] = data[y].map(wh.is_small).astype(bool)
    data["drawn"] = data[y].astype(float).where(~data["is_suppressed"], suppressed_height())
    data["label"] = [suppressed_label() if small else f"{int(value):,}"
                     for small, value in zip(data["is_suppressed"], data[y])]
    if color:
        order = list(color_order) if color_order else sorted(data[color].astype(str).unique())
        data["series_rank"] = data[color].astype(str).map({name: i for i, name in enumerate(order)})
        data = data.sort_values([x, "series_rank"], kind="stable")
    data["top"] = data["drawn"] if grouped else data.groupby(x, sort=False)["drawn"].cumsum()
    data["bottom"] = data["top"] - data["drawn"]
    return data.reset_index(drop=True)


def bar_chart(frame: pd.DataFrame, x: str, y: str, *, empty: str, color: str | None = None,
              color_order: Sequence[str] | None = None, colours: Sequence[str] | None = None,
              x_order: Sequence[str] | None = None, x_label: str = "", y_label: str = "",
              height: int = 320, rules: pd.DataFrame | None = None, grouped: bool = False) -> pd.DataFrame:
    """A bar chart (stacked by `color`, or side by side when `grouped`) that shows
    suppressed cells as labelled grey segments and, with nothing to draw, the sentence
    `empty` instead. `rules` (columns `x` and `label`) draws labelled vertical rules, e.g.
    the day the flows came into force. Returns the chart data (for the tests)."""
    data = prepare(frame, x, y, color, color_order, grouped)
    if data.empty:
        st.info(empty)
        return data
    order = list(x_order) if x_order is not None else list(dict.fromkeys(data[x]))
    # the domain lists every category, so quiet ones (no bar) keep their place on the axis
    x_encoding = alt.X(f"{x}:N", sort=order, scale=alt.Scale(domain=order), title=x_label)
    tooltip = [alt.Tooltip(f"{x}:N", title=x_label or x)]
    if color:
        tooltip.append(alt.Tooltip(f"{color}:N"))
    tooltip.append(alt.Tooltip("label:N", title=y_label or y))
    if color:
        series = alt.Color(f"{color}:N", title=color.replace("_", " "),
                           sort=list(color_order) if color_order else "ascending",
                           scale=alt.Scale(range=list(colours)) if colours else alt.Undefined)
        fill = alt.condition(alt.datum.is_suppressed, alt.value(SUPPRESSED_COLOUR), series)
    else:
        fill = alt.condition(alt.datum.is_suppressed, alt.value(SUPPRESSED_COLOUR),
                             alt.value(colours[0] if colours else "#1f77b4"))
    offset = {"xOffset": alt.XOffset(f"{color}:N", sort=list(color_order) if color_order else "ascending")} \
        if grouped and color else {}
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        x=x_encoding,
        **offset,
        y=alt.Y("bottom:Q", title=y_label),
        y2="top:Q",
        color=fill,
        opacity=alt.condition(alt.datum.is_suppressed, alt.value(0.9), alt.value(1.0)),
        tooltip=tooltip,
    )
    labels = base.transform_filter(alt.datum.is_suppressed).transform_calculate(
        middle="(datum.bottom + datum.top) / 2").mark_text(fontSize=10, color="#333333").encode(
        x=x_encoding, y="middle:Q", text="label:N", **offset)
    # with many bars the labels would overlap into noise: the grey and the caption say it
    layers = [bars, labels] if len(order) <= MAX_LABELLED_BARS else [bars]
    if rules is not None and not rules.empty:
        rule_data = rules[rules["x"].isin(order)]
        if not rule_data.empty:
            rule_base = alt.Chart(rule_data).encode(x=alt.X("x:N", sort=order, scale=alt.Scale(domain=order)))
            layers.append(rule_base.mark_rule(color="#d62728", strokeDash=[4, 3]))
            layers.append(rule_base.mark_text(align="left", dx=4, dy=-6, color="#d62728", y=0).encode(
                text="label:N"))
    st.altair_chart(alt.layer(*layers).properties(height=height), width="stretch")
    suppression_caption(int(data["is_suppressed"].sum()), labelled=len(order) <= MAX_LABELLED_BARS)
    return data


def suppression_caption(suppressed: int, labelled: bool = True) -> None:
    if suppressed:
        label = f"and labelled {suppressed_label()} " if labelled else f"(each {suppressed_label()}; hover for it) "
        st.caption(f"{suppressed} cell(s) with fewer than {wh.min_cell()} are drawn in grey at a height "
                   f"of {suppressed_height():g} {label}(small-cell suppression): shown, not counted exactly.")


def period_range(values: pd.Series, grain: str) -> list[str]:
    """Every period from the first to the last of `values` (dates) at `grain`, as text,
    so quiet periods show as gaps, not as nothing."""
    periods = pd.to_datetime(values.dropna()).dt.to_period(GRAINS[grain])
    if periods.empty:
        return []
    return [str(period) for period in pd.period_range(periods.min(), periods.max(), freq=GRAINS[grain])]


def period_of(values: pd.Series, grain: str) -> pd.Series:
    return pd.to_datetime(values).dt.to_period(GRAINS[grain]).astype(str)
