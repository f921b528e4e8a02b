"""Waterfall of a KPI's change by exchange, from one scenario to another."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.formatting import KPI_LABELS, kpi_unit, si
from dashboard.model import Evaluation, change_by_exchange

from .palette import BAD, GOOD, NEUTRAL, THEMES, base_layout
from .text import plain

MAX_STEPS = 10
"""Steps drawn one by one; smaller ones are summed into 'other exchanges'."""


def kpi_waterfall(before: Evaluation, after: Evaluation, title: str, kpi: str = "co2_t",
                  before_label: str = "Baseline", after_label: str = "Scenario",
                  theme: str = "light", font_size: int = 13) -> go.Figure:
    """``before`` total, one step per exchange whose change moves ``kpi``, ``after`` total.
    Falls are green and rises red, and every step is labelled with its signed value."""
    park = after.park
    unit = kpi_unit(kpi, park.currency)
    steps = [(park.exchange[i].name, getattr(k, kpi)) for i, k in change_by_exchange(before, after).items()]
    steps = [s for s in steps if s[1]]
    steps.sort(key=lambda s: -abs(s[1]))
    if len(steps) > MAX_STEPS:
        rest = sum(v for _, v in steps[MAX_STEPS - 1:])
        steps = steps[:MAX_STEPS - 1] + [(f"{len(steps) - MAX_STEPS + 1} other exchanges", rest)]
    start, end = getattr(before.totals, kpi), getattr(after.totals, kpi)
    labels = [plain(before_label)] + [plain(_short(name)) for name, _ in steps] + [plain(after_label)]
    values = [start] + [v for _, v in steps] + [end]
    text = [si(start, unit)] + [("+" if v > 0 else "\u2212") + si(abs(v), unit) for _, v in steps] + [si(end, unit)]
    style = THEMES[theme]
    figure = go.Figure(data=[dict(
        type="waterfall", x=labels, y=values, measure=["absolute"] + ["relative"] * len(steps) + ["total"],
        text=text, textposition="outside", cliponaxis=False,
        decreasing={"marker": {"color": GOOD}}, increasing={"marker": {"color": BAD}},
        totals={"marker": {"color": NEUTRAL}}, connector={"line": {"color": "#adb5bd", "width": 1}},
        hovertemplate="%{x}: %{text}<extra></extra>")])
    low = min(start, end, *(start + sum(v for _, v in steps[:i + 1]) for i in range(len(steps)))) if steps else min(start, end)
    high = max(start, end, *(start + sum(v for _, v in steps[:i + 1]) for i in range(len(steps)))) if steps else max(start, end)
    margin = (high - low) * 0.25 or abs(high) * 0.05 or 1.0
    figure.update_layout(
        base_layout(theme, font_size),
        title={"text": plain(title), "font": {"size": font_size + 2}, "x": 0.01},
        yaxis={"title": {"text": f"{KPI_LABELS[kpi]} ({plain(unit)} a year)"}, "gridcolor": style["grid"],
               "zeroline": False, "automargin": True,
               "range": [max(0.0, low - margin) if low >= 0 else low - margin, high + margin]},
        xaxis={"tickangle": -30, "automargin": True}, margin={"l": 60, "r": 16, "t": 48, "b": 8}, showlegend=False)
    if not steps:
        figure.add_annotation(text=f"No exchange changes {KPI_LABELS[kpi]}", showarrow=False, xref="paper",
                              yref="paper", x=0.5, y=0.95, font={"size": font_size + 1, "color": style["text"]})
    return figure


def _short(name: str, limit: int = 32) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "\u2026"
