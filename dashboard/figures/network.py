"""The symbiosis network: firms at their place on the site plan, exchanges as arrows.

Clicks are read back through ``customdata``: ``["firm", id]`` on a node and
``["exchange", id]`` on the marker in the middle of an arrow.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import plotly.graph_objects as go

from dashboard.formatting import full, si
from dashboard.model import Evaluation, ExchangeFlow, Kpis, Park
from dashboard.model.vocabulary import Bound, StreamKind

from .palette import (
    CATEGORY_COLOURS,
    CATEGORY_LABELS,
    CATEGORY_SYMBOLS,
    STATUS_DASH,
    THEMES,
    base_layout,
    sector_colours,
    with_alpha,
)
from .positions import compress_outliers, firm_positions, label_positions, spread_overlaps
from .text import plain

LABEL_LIMIT = 40
"""Above this many firms, names show on hover only: labels would cover the drawing."""

_CURVE_POINTS = 14


def bound_text(flow: ExchangeFlow) -> str:
    """What limits an exchange, in words: ``"demand"``, ``"supply (all taken by x)"``."""
    if flow.bound is Bound.INACTIVE:
        return "switched off"
    text = flow.bound.value
    if flow.bound_by:
        text += f" (all taken by {plain(flow.bound_by)})"
    return text


def _curve(start: tuple[float, float], end: tuple[float, float], bend: float, trim: float,
           steps: int = _CURVE_POINTS):
    """Points of a quadratic Bezier from start to end, bowing ``bend`` x length to the left,
    with ``trim`` km cut off each end so arrows stop at the node's edge."""
    (x0, y0), (x2, y2) = start, end
    dx, dy = x2 - x0, y2 - y0
    length = math.hypot(dx, dy)
    if length == 0:  # a firm supplying itself: a small loop above the node
        radius = max(trim, 1e-3) * 1.5
        points = [(x0 + radius * math.sin(2 * math.pi * t), y0 + radius * (1 - math.cos(2 * math.pi * t)))
                  for t in (i / _CURVE_POINTS for i in range(_CURVE_POINTS + 1))]
        return points, points[_CURVE_POINTS // 2]
    if steps == 1:
        bend = 0.0
    cx = (x0 + x2) / 2 - dy * bend
    cy = (y0 + y2) / 2 + dx * bend
    t0 = min(0.35, trim / length)
    t1 = 1 - t0

    def at(t: float) -> tuple[float, float]:
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t ** 2
        return (a * x0 + b * cx + c * x2, a * y0 + b * cy + c * y2)

    points = [at(t0 + (t1 - t0) * i / steps) for i in range(steps + 1)]
    return points, at(0.5)


def _gapped(values: list) -> np.ndarray:
    """Coordinates with None between segments as a float array (NaN gaps): plotly checks
    an array at once, where a long list is checked item by item."""
    return np.asarray([math.nan if v is None else v for v in values], dtype=float)


def firm_throughput(park: Park) -> dict[str, float]:
    """A unit-free size for each firm: its stream quantities as a share of the park's
    total in each unit, summed over units (a firm with half the park's water and none
    of anything else scores 0.5)."""
    totals: dict[str, float] = defaultdict(float)
    for stream in park.streams:
        totals[park.resource[stream.resource].unit] += stream.quantity
    score: dict[str, float] = defaultdict(float)
    for stream in park.streams:
        unit = park.resource[stream.resource].unit
        if totals[unit]:
            score[stream.firm] += stream.quantity / totals[unit]
    return {f.id: score.get(f.id, 0.0) for f in park.firms}


def exchange_hover(flow: ExchangeFlow, park: Park, click_hints: bool = True) -> str:
    exchange = flow.exchange
    resource = park.resource[exchange.resource]
    lines = [f"<b>{plain(exchange.name)}</b> ({plain(exchange.id)})",
             f"{plain(park.firm[exchange.from_firm].name)} \u2192 {plain(park.firm[exchange.to_firm].name)}",
             f"{plain(resource.name)} ({CATEGORY_LABELS[resource.category.value].lower()}), {exchange.status.value}",
             f"carried: {full(flow.carried)} {flow.unit} a year" if flow.active else "switched off",
             f"limited by: {bound_text(flow)}"]
    if exchange.replaces != exchange.resource:
        lines.insert(3, f"replaces {plain(park.resource[exchange.replaces].name)}: {full(flow.met)} {flow.demand_unit}")
    if exchange.source:
        lines.append(f"source: {plain(exchange.source)}")
    if click_hints:
        lines.append("<i>click to switch " + ("off" if flow.active else "on") + "</i>")
    return "<br>".join(lines)


def firm_hover(park: Park, firm_id: str, kpis: Kpis, streams: list | None = None, click_hints: bool = True) -> str:
    """Hover text of a firm; pass its ``streams`` when drawing many firms (saves a scan)."""
    firm = park.firm[firm_id]
    lines = [f"<b>{plain(firm.name)}</b>", plain(firm.sector) if firm.sector else "no sector given"]
    for stream in streams if streams is not None else (s for s in park.streams if s.firm == firm_id):
        resource = park.resource[stream.resource]
        verb = "gives off" if stream.kind is StreamKind.SUPPLY else "needs"
        lines.append(f"{verb} {full(stream.quantity)} {plain(resource.unit)} {plain(resource.name)}")
    lines.append(f"CO2e {si(kpis.co2_t, 't CO2e')}, cost {si(kpis.cost, park.currency)} a year")
    if click_hints:
        lines.append("<i>click for details</i>")
    return "<br>".join(lines[:12] + (["\u2026"] if len(lines) > 12 else []))


def network_figure(evaluation: Evaluation, theme: str = "light", font_size: int = 13,
                   click_hints: bool = True) -> go.Figure:
    """The park as a directed network for one scenario.

    ``click_hints`` adds "click to ..." to hover texts (off where nothing is clickable,
    as in a report or on the kiosk). Arrow colour and mid-arrow marker shape: category. Solid line: existing exchange;
    dashed: candidate. Faded and thin with a hollow marker: switched off. Line width
    grows with the quantity carried, relative to the largest flow in the same unit.
    """
    park = evaluation.park
    style = THEMES[theme]
    positions = firm_positions(park)
    positions = compress_outliers(positions, factor=1.6)
    if len(positions) <= LABEL_LIMIT:
        positions = spread_overlaps(positions)
    text_positions = label_positions(positions)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
    trim = span * 0.035
    flows = evaluation.flows
    biggest: dict[str, float] = defaultdict(float)
    for flow in flows:
        biggest[flow.unit] = max(biggest[flow.unit], flow.carried)

    steps = _CURVE_POINTS if len(park.firms) <= LABEL_LIMIT else 1  # big parks: straight, lighter
    parallel: dict[tuple[str, str], int] = defaultdict(int)
    groups: dict[tuple, dict[str, list]] = {}
    mids: dict[tuple, dict[str, list]] = {}
    for flow in flows:
        exchange = flow.exchange
        category = park.resource[exchange.resource].category.value
        pair = (exchange.from_firm, exchange.to_firm)
        bend = 0.12 + 0.14 * parallel[pair]
        parallel[pair] += 1
        points, middle = _curve(positions[exchange.from_firm], positions[exchange.to_firm], bend, trim, steps)
        share = flow.carried / biggest[flow.unit] if biggest[flow.unit] else 0.0
        width = round(1.5 + 6.5 * math.sqrt(share), 1) if flow.active else 1.2
        key = (category, exchange.status.value, flow.active, width)
        group = groups.setdefault(key, {"x": [], "y": [], "size": []})
        for i, (x, y) in enumerate(points):
            group["x"].append(x)
            group["y"].append(y)
            group["size"].append(0 if i < len(points) - 1 else 10 + 1.6 * width)
        group["x"].append(None)
        group["y"].append(None)
        group["size"].append(0)
        mid = mids.setdefault((category, flow.active), {"x": [], "y": [], "data": [], "hover": []})
        mid["x"].append(middle[0])
        mid["y"].append(middle[1])
        mid["data"].append(["exchange", exchange.id])
        mid["hover"].append(exchange_hover(flow, park, click_hints))

    traces: list[dict] = []
    shown_legend: set[tuple] = set()
    for (category, status, active, width), group in sorted(groups.items(), key=lambda kv: (not kv[0][2], kv[0])):
        colour = CATEGORY_COLOURS[category]
        legend_key = (category, status) if active else ("off",)
        name = f"{CATEGORY_LABELS[category]} \u00b7 {status}" if active else "switched off"
        traces.append(dict(
            type="scatter", x=_gapped(group["x"]), y=_gapped(group["y"]), mode="lines+markers", hoverinfo="skip",
            line={"color": colour if active else with_alpha(colour, 0.5), "width": width,
                  "dash": STATUS_DASH[status]},
            marker={"symbol": "arrow", "angleref": "previous", "size": np.asarray(group["size"], dtype=float),
                    "color": colour if active else with_alpha(colour, 0.5)},
            opacity=1.0 if active else 0.7, name=name, legendgroup="|".join(legend_key),
            showlegend=legend_key not in shown_legend))
        shown_legend.add(legend_key)

    for (category, active), mid in sorted(mids.items(), key=lambda kv: (not kv[0][1], kv[0])):
        symbol = CATEGORY_SYMBOLS[category] + ("" if active else "-open")
        traces.append(dict(
            type="scatter", x=mid["x"], y=mid["y"], mode="markers", customdata=np.array(mid["data"], dtype=object),
            hovertext=mid["hover"], hovertemplate="%{hovertext}<extra></extra>",
            marker={"symbol": symbol, "size": 13, "color": CATEGORY_COLOURS[category],
                    "line": {"color": style["node_line"], "width": 1}},
            name=f"{CATEGORY_LABELS[category]} exchange", showlegend=False))

    scores = firm_throughput(park)
    top = max(scores.values()) if scores else 0.0
    colours = sector_colours(f.sector or "other" for f in park.firms)
    firm_kpis = evaluation.firm_kpis
    show_labels = len(park.firms) <= LABEL_LIMIT
    streams_of: dict[str, list] = defaultdict(list)
    for stream in park.streams:
        streams_of[stream.firm].append(stream)
    traces.append(dict(
        type="scatter", x=[positions[f.id][0] for f in park.firms], y=[positions[f.id][1] for f in park.firms],
        mode="markers+text" if show_labels else "markers",
        text=[plain(f.name) for f in park.firms] if show_labels else None,
        textposition=[text_positions[f.id] for f in park.firms], textfont={"size": font_size, "color": style["text"]},
        customdata=np.array([["firm", f.id] for f in park.firms], dtype=object),
        hovertext=[firm_hover(park, f.id, firm_kpis[f.id], streams_of.get(f.id, []), click_hints) for f in park.firms],
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"size": [14 + 30 * math.sqrt(scores[f.id] / top) if top else 18 for f in park.firms],
                "color": [colours[f.sector or "other"] for f in park.firms],
                "line": {"color": style["node_line"], "width": 1.5}, "opacity": 0.95},
        name="firm", showlegend=False))

    pad = span * 0.12
    return go.Figure(data=traces, layout=dict(
        base_layout(theme, font_size),
        margin={"l": 8, "r": 8, "t": 8, "b": 8}, hovermode="closest", clickmode="event",
        dragmode="pan", uirevision=park.content_hash,
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "font": {"size": font_size - 1}},
        xaxis={"visible": False, "range": [min(xs) - pad * 2.2, max(xs) + pad * 2.2]},
        yaxis={"visible": False, "range": [min(ys) - pad, max(ys) + pad * 1.4],
               "scaleanchor": "x", "scaleratio": 1},
    ))
