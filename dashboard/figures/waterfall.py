"""Waterfall of a KPI's change by exchange, from one scenario to another.

The chart shows the change, not the totals: it starts at zero (the ``before``
scenario), each step is one exchange's effect, and the last bar is the whole change.
Totals on an axis cut to fit them made a 1 % change look like a halving. Charts of
several scenarios share one scale (``change_range``), so bars compare across them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.formatting import KPI_LABELS, kpi_unit, signed
from dashboard.model import Evaluation, change_by_exchange

from .palette import BAD, GOOD, NEUTRAL, THEMES, base_layout
from .text import plain

MAX_STEPS = 8
"""Steps drawn one by one; smaller ones are summed into 'other exchanges'."""


@dataclass(frozen=True)
class Steps:
    """A change split by exchange: ``steps`` (label, change) largest first, the rest
    summed into one step, and their ``total`` (after minus before), in the KPI's unit."""

    steps: tuple[tuple[str, float], ...]
    total: float

    @property
    def extent(self) -> tuple[float, float]:
        """The lowest and highest point the bars reach, zero included."""
        running, low, high = 0.0, 0.0, 0.0
        for _, value in self.steps:
            running += value
            low, high = min(low, running), max(high, running)
        return min(low, self.total), max(high, self.total)


def change_steps(before: Evaluation, after: Evaluation, kpi: str, most: int = MAX_STEPS) -> Steps:
    """The change of ``kpi`` from ``before`` to ``after`` by exchange (see ``Steps``)."""
    park = after.park
    steps = [(park.exchange[i].name, k[kpi]) for i, k in change_by_exchange(before, after).items()]
    steps = [s for s in steps if s[1]]
    steps.sort(key=lambda s: -abs(s[1]))
    if len(steps) > most:
        rest = sum(v for _, v in steps[most - 1:])
        steps = steps[:most - 1] + [(f"{len(steps) - most + 1} other exchanges", rest)]
    return Steps(tuple(steps), after.totals[kpi] - before.totals[kpi])


def change_range(changes: Iterable[Steps]) -> tuple[float, float]:
    """One y range for the charts of ``changes``: from the lowest to the highest point
    any of them reaches, zero included, with room for the labels above and below."""
    low, high = 0.0, 0.0
    for steps in changes:
        a, b = steps.extent
        low, high = min(low, a), max(high, b)
    room = (high - low) * 0.18 or 1.0
    return (low - room if low < 0 else 0.0, high + room if high > 0 else 0.0)


def kpi_waterfall(before: Evaluation, after: Evaluation, title: str, kpi: str = "co2_t",
                  after_label: str = "Change", y_range: tuple[float, float] | None = None,
                  theme: str = "light", font_size: int = 13) -> go.Figure:
    """The change of ``kpi`` from ``before`` to ``after``: one step per exchange whose
    change moves it (from zero), and the whole change as the last bar, ``after_label``.
    Falls are green and rises red; every bar is labelled with its signed value. Give
    ``y_range`` (``change_range``) to draw several charts on one scale."""
    unit = kpi_unit(kpi, after.park.currency)
    found = change_steps(before, after, kpi)
    steps = list(found.steps)
    labels = [plain(_short(name)) for name, _ in steps] + [plain(_short(after_label, 24))]
    values = [v for _, v in steps] + [found.total]
    text = [signed(v, unit) for v in values]
    style = THEMES[theme]
    total_colour = GOOD if found.total < 0 else BAD if found.total > 0 else NEUTRAL
    figure = go.Figure(data=[dict(
        type="waterfall", x=labels, y=values, measure=["relative"] * len(steps) + ["total"],
        text=text, textposition="outside", cliponaxis=False, textfont={"size": font_size - 1},
        decreasing={"marker": {"color": GOOD}}, increasing={"marker": {"color": BAD}},
        totals={"marker": {"color": total_colour}}, connector={"line": {"color": "#adb5bd", "width": 1}},
        hovertemplate="%{x}: %{text}<extra></extra>")])
    figure.update_layout(
        base_layout(theme, font_size),
        title={"text": plain(title), "font": {"size": font_size + 1}, "x": 0.01},
        uniformtext={"minsize": max(font_size - 3, 9), "mode": "show"},
        yaxis={"title": {"text": f"{plain(unit)} a year"}, "gridcolor": style["grid"],
               "zeroline": True, "zerolinecolor": style["text"], "zerolinewidth": 1, "automargin": True,
               "range": list(y_range or change_range([found]))},
        xaxis={"tickangle": -35, "automargin": True}, margin={"l": 56, "r": 36, "t": 40, "b": 8},
        showlegend=False)
    if not steps:
        figure.add_annotation(text=f"No exchange changes {KPI_LABELS[kpi]}", showarrow=False, xref="paper",
                              yref="paper", x=0.5, y=0.9, font={"size": font_size, "color": style["text"]})
    return figure


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "\u2026"
