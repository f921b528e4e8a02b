"""The Decide page's figures: the sequential MACC and the Pareto front.

Each is plain data first (``macc_bars``, ``front_points``), then a thin plotly layer.
Every clickable mark carries its index in ``customdata`` so the app can map a click to
the scenario it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.formatting import KPI_LABELS, full, kpi_unit, payback, si
from dashboard.model import Kpis, Park
from dashboard.model.macc import MaccStep
from dashboard.model.portfolio import Portfolio

from .palette import CATEGORY_COLOURS, CATEGORY_LABELS, NEUTRAL, base_layout, with_alpha


@dataclass(frozen=True)
class MaccBar:
    """One bar: ``left`` and ``width`` in kt CO2e cut a year, ``height`` the abatement
    cost (currency per t CO2e); ``on`` whether the link is on in the scenario shown."""

    index: int
    id: str
    name: str
    category: str
    left: float
    width: float
    height: float
    payback: str
    on: bool


def macc_bars(park: Park, steps: tuple[MaccStep, ...], active: frozenset[str]) -> list[MaccBar]:
    """The bars side by side, in the curve's order."""
    bars, left = [], 0.0
    for index, step in enumerate(steps):
        width = step.co2_cut / 1000.0
        bars.append(MaccBar(index, step.id, step.name, park.category_of(park.exchange[step.id]).value,
                            left, width, step.abatement_cost, payback(step.payback_years), step.id in active))
        left += width
    return bars


def macc_figure(park: Park, steps: tuple[MaccStep, ...], active: frozenset[str], theme: str = "light",
                font_size: int = 13) -> go.Figure:
    """Bars coloured by category (lighter where the link is off in the scenario), width =
    CO2e cut, height = abatement cost, the carbon price as a dashed line."""
    bars = macc_bars(park, steps, active)
    currency = park.currency
    figure = go.Figure()
    for category, colour in CATEGORY_COLOURS.items():
        mine = [bar for bar in bars if bar.category == category]
        if not mine:
            continue
        figure.add_trace(go.Bar(
            x=[bar.left + bar.width / 2 for bar in mine], y=[bar.height for bar in mine],
            width=[bar.width for bar in mine], name=CATEGORY_LABELS[category],
            marker={"color": [colour if bar.on else with_alpha(colour, 0.45) for bar in mine],
                    "line": {"color": colour, "width": 1.5}},
            customdata=[[bar.index, bar.name, bar.payback, "on" if bar.on else "off",
                         si(bar.width * 1000, "t CO2e")] for bar in mine],
            hovertemplate=("<b>%{customdata[1]}</b><br>cuts %{customdata[4]} a year at "
                           f"{currency} " + "%{y:,.0f} per t<br>payback %{customdata[2]}; "
                           "now %{customdata[3]}<br><i>click: switch on this and every cheaper link</i>"
                           "<extra></extra>")))
    layout = base_layout(theme, font_size)
    layout.update(
        barmode="overlay", bargap=0, showlegend=True, margin={"l": 70, "r": 20, "t": 30, "b": 55},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        xaxis={"title": {"text": "CO2e cut, kt a year (each bar on top of those to its left)"},
               "rangemode": "tozero", "zeroline": True},
        yaxis={"title": {"text": f"{currency} per t CO2e"}, "zeroline": True, "zerolinecolor": NEUTRAL},
        hovermode="closest")
    figure.update_layout(layout)
    total = bars[-1].left + bars[-1].width if bars else 1.0
    figure.add_shape(type="line", x0=0, x1=total, y0=park.carbon_price, y1=park.carbon_price,
                     line={"dash": "dash", "color": NEUTRAL, "width": 2})
    figure.add_annotation(x=total, y=park.carbon_price, xanchor="right", yanchor="bottom", showarrow=False,
                          text=f"carbon price {currency} {full(park.carbon_price)}/t")
    if not bars:
        figure.add_annotation(x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                              text="No candidate link cuts CO2e from here")
    return figure


@dataclass(frozen=True)
class FrontPoint:
    """One portfolio on the front: its two KPI values, links on and capex."""

    index: int
    x: float
    y: float
    on: tuple[str, ...]
    capex: float


def front_points(points: tuple[Portfolio, ...], objectives: tuple[str, str]) -> list[FrontPoint]:
    return [FrontPoint(i, getattr(p.kpis, objectives[0]), getattr(p.kpis, objectives[1]), p.on, p.capex)
            for i, p in enumerate(points)]


def front_figure(park: Park, points: tuple[Portfolio, ...], objectives: tuple[str, str], current: Kpis,
                 theme: str = "light", font_size: int = 13) -> go.Figure:
    """The front as linked points (click one to apply it) and the scenario shown as a star."""
    data = front_points(points, objectives)
    units = [kpi_unit(name, park.currency) for name in objectives]
    labels = [f"{KPI_LABELS[name]} ({unit} a year)" for name, unit in zip(objectives, units)]
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[p.x for p in data], y=[p.y for p in data], mode="lines+markers", name="best trade-offs",
        line={"shape": "hv", "color": CATEGORY_COLOURS["water"], "width": 1.5},
        marker={"size": 11, "color": CATEGORY_COLOURS["water"]},
        customdata=[[p.index, _links(p.on), si(p.capex, park.currency)] for p in data],
        hovertemplate=(f"{KPI_LABELS[objectives[0]]} %{{x:,.0f}} {units[0]}<br>"
                       f"{KPI_LABELS[objectives[1]]} %{{y:,.0f}} {units[1]}<br>"
                       "capex %{customdata[2]}<br>links: %{customdata[1]}<br><i>click to apply</i><extra></extra>")))
    figure.add_trace(go.Scatter(
        x=[getattr(current, objectives[0])], y=[getattr(current, objectives[1])], mode="markers",
        name="scenario shown", marker={"symbol": "star", "size": 18, "color": "#D55E00",
                                       "line": {"color": "#212529", "width": 1}},
        hovertemplate="the scenario shown<extra></extra>"))
    layout = base_layout(theme, font_size)
    layout.update(margin={"l": 80, "r": 20, "t": 30, "b": 55}, hovermode="closest",
                  legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
                  xaxis={"title": {"text": labels[0]}}, yaxis={"title": {"text": labels[1]}})
    figure.update_layout(layout)
    return figure


def _links(on: tuple[str, ...]) -> str:
    if not on:
        return "none"
    shown = ", ".join(on[:6])
    return shown + (f" and {len(on) - 6} more" if len(on) > 6 else "")
