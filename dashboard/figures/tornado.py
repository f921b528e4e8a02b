"""The tornado chart of one KPI (docs/accounting.md, "How sure are these numbers"): for
each ranged input, the scenario's value with that input at its low and at its high end,
as a horizontal bar centred on the scenario's value; the largest swing on top.

Both functions read the plain document ``UncertaintyRun.as_dict()`` gives (the JSON of
``eco-park uncertainty --json``): ``tornado_rows`` picks and orders the bars as data,
``tornado_spec`` draws them (``tornado_figure`` as a ``go.Figure``).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.formatting import KPI_LABELS, kpi_unit, si

from .palette import THEMES, base_layout

LOW_COLOUR = "#0072B2"
HIGH_COLOUR = "#D55E00"
MOST_BARS = 10


@dataclass(frozen=True)
class TornadoRow:
    """One bar: the input in words with its range, and the KPI at each end (the KPI's unit)."""

    label: str
    range_text: str
    at_low: float
    at_high: float

    @property
    def swing(self) -> float:
        return abs(self.at_high - self.at_low)


def tornado_rows(document: dict, kpi: str, most: int = MOST_BARS) -> list[TornadoRow]:
    """The ``most`` inputs that move ``kpi`` most, largest swing first (ties by input)."""
    rows = []
    for bar in document.get("tornado", []):
        low, high = bar["at_low"][kpi], bar["at_high"][kpi]
        if low == high:
            continue
        label = bar.get("label") or f"{bar['table']} {bar['row']} {bar['column']}"
        words, _, unit = label.rpartition(" (") if label.endswith(")") else (label, "", "")
        unit = unit.rstrip(")")
        rows.append(TornadoRow(words, f"{si(bar['low'])} to {si(bar['high'])} {unit}".strip(), low, high))
    rows.sort(key=lambda row: -row.swing)
    return rows[:most]


def tornado_figure(document: dict, kpi: str, currency: str, theme: str = "light", font_size: int = 12,
                   most: int = MOST_BARS) -> go.Figure:
    """``tornado_spec`` as a ``go.Figure``."""
    return go.Figure(tornado_spec(document, kpi, currency, theme, font_size, most))


def tornado_spec(document: dict, kpi: str, currency: str, theme: str = "light", font_size: int = 12,
                 most: int = MOST_BARS) -> dict:
    """Horizontal bars centred on the scenario's ``kpi``: blue from its value to the value
    with the input at its low end, orange at its high end; each labelled with the input in
    words and its range. A plain figure dict (the app sends it on every toggle, where
    building a validated ``go.Figure`` cost more than the bars)."""
    rows = tornado_rows(document, kpi, most)
    unit = kpi_unit(kpi, currency)
    centre = document["value"][kpi]
    style = THEMES[theme]
    labels = [f"{row.label}<br><span style='font-size:0.85em'>range {row.range_text}</span>" for row in rows]
    traces = []
    for name, colour, values in (("input at its low end", LOW_COLOUR, [r.at_low for r in rows]),
                                 ("input at its high end", HIGH_COLOUR, [r.at_high for r in rows])):
        traces.append(dict(
            type="bar", y=labels, x=[v - centre for v in values], base=[centre] * len(rows), orientation="h",
            name=name, marker={"color": colour}, customdata=[si(v, unit) for v in values],
            hovertemplate="%{y}<br>" + name + ": %{customdata}<extra></extra>"))
    layout = dict(
        base_layout(theme, font_size), barmode="overlay", height=140 + 52 * max(len(rows), 1),
        margin={"l": 10, "r": 20, "t": 40, "b": 40},
        title={"text": f"What moves {KPI_LABELS[kpi] if kpi == 'co2_t' else KPI_LABELS[kpi].lower()} most (scenario: {si(centre, unit)} a year)",
               "x": 0, "xanchor": "left", "font": {"size": font_size + 1}},
        xaxis={"title": {"text": f"{KPI_LABELS[kpi]} a year, {unit}"}, "gridcolor": style["grid"],
               "zeroline": False},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        shapes=[{"type": "line", "x0": centre, "x1": centre, "yref": "paper", "y0": 0, "y1": 1,
                 "line": {"color": style["text"], "width": 1, "dash": "dot"}}],
    )
    if not rows:
        layout["annotations"] = [{"text": "No ranged input moves this KPI", "showarrow": False, "xref": "paper",
                                  "yref": "paper", "x": 0.5, "y": 0.5}]
        layout["xaxis"]["visible"] = False
        layout["yaxis"]["visible"] = False
    return {"data": traces, "layout": layout}
