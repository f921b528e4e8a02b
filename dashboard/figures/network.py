"""The symbiosis network, drawn with plotly: the thin layer over ``groups`` (which nodes
and links a view has) and ``geometry`` (where they go), styled for one scenario.

Firms sit at their place on the site plan, exchanges are arrows. A park of more than
``groups.AGGREGATE_ABOVE`` firms opens aggregated: a node per group of firms, a link
per pair of groups (``network_figure``'s ``view``). Clicks are read back through
``customdata``: ``["firm", id]`` on a firm, ``["group", key]`` on a group (and on the
marker of a link between groups: it opens its source group), ``["exchange", id]`` on the
marker on each arrow, placed away from the nodes so a tap on a node opens the firm.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.formatting import si
from dashboard.model import Evaluation, ExchangeFlow, Kpi
from dashboard.model.cache import BoundedCache
from dashboard.model.plan import plan_for

from .geometry import (
    _MID_MARKER,
    _STATUS_NAMES,
    DRAWINGS,
    LABEL_LIMIT,
    MARGIN,
    SECTOR_KEY_LIMIT,
    SECTOR_KEY_ROWS,
    Drawing,
    Legend,
    _key_height,
    drawing_for,
)
from .groups import AGGREGATE_ABOVE, Graph, NetworkView, Node, firm_throughput
from .hover import COMPACT_ABOVE, exchange_hover, firm_hover
from .palette import (
    CATEGORY_COLOURS,
    CATEGORY_LABELS,
    CATEGORY_SYMBOLS,
    STATUS_DASH,
    THEMES,
    VIRGIN_GREY,
    base_layout,
    sector_colours,
    with_alpha,
)
from .text import plain

__all__ = ["AGGREGATE_ABOVE", "DRAWINGS", "LABEL_LIMIT", "SECTOR_KEY_LIMIT", "SECTOR_KEY_ROWS", "NetworkView",
           "exchange_hover", "firm_hover", "firm_throughput", "network_figure", "network_spec"]

_STATUS_GREY = VIRGIN_GREY
GL_ABOVE = 400
"""Above this many clickable markers in one trace, the markers are drawn with WebGL
(``scattergl``): SVG slows to a crawl on hover past a few hundred."""


def _halo(theme: str) -> str:
    """A CSS text-shadow in the theme's page colour around labels, so a name stays
    readable where an arrow passes under it."""
    colour = "#ffffff" if theme == "light" else "#000000"
    return ", ".join(f"{dx}px {dy}px 2px {colour}" for dx, dy in ((1, 1), (-1, -1), (1, -1), (-1, 1)))


def _legend_traces(legend: Legend, style: dict, font_size: int, colours: dict[str, str]) -> list[dict]:
    """Legend-only traces (no points): a key, apart from the data traces so each sample
    shows what it stands for. Categories (colour, line, marker shape), then the status
    in grey (solid existing, dashed candidate, dotted switched off), in ``legend``;
    sectors (node colours) in ``legend2``."""
    marker = round(11 * max(1.0, font_size / 13))
    outline = {"color": style["node_line"], "width": 1}
    traces = []
    for category in legend.categories:
        colour = CATEGORY_COLOURS[category]
        traces.append(dict(type="scatter", x=[None], y=[None], mode="lines+markers", name=CATEGORY_LABELS[category],
                           line={"color": colour, "width": 3},
                           marker={"symbol": CATEGORY_SYMBOLS[category], "size": marker, "color": colour,
                                   "line": outline}))
    for status in legend.statuses:
        line = ({"color": with_alpha(_STATUS_GREY, 0.9), "width": _OFF_WIDTH + 0.5, "dash": "dot"} if status == "off"
                else {"color": _STATUS_GREY, "width": 3, "dash": STATUS_DASH[status]})
        traces.append(dict(type="scatter", x=[None], y=[None], mode="lines", name=_STATUS_NAMES[status], line=line))
    for sector in legend.sectors:
        colour = colours[sector]
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=plain(sector),
                           marker={"symbol": "circle", "size": marker, "color": colour, "line": outline}, legend="legend2"))
    return traces


GONE_GREY = "#9e9e9e"
"""Firms that leave the park in a scenario, and their exchanges, are drawn in this grey."""


def network_figure(evaluation: Evaluation, theme: str = "light", font_size: int = 13,
                   click_hints: bool = True, view: NetworkView | None = None,
                   gone: frozenset[str] = frozenset()) -> go.Figure:
    """``network_spec`` as a ``go.Figure``."""
    return go.Figure(network_spec(evaluation, theme, font_size, click_hints, view, gone))


def network_spec(evaluation: Evaluation, theme: str = "light", font_size: int = 13,
                 click_hints: bool = True, view: NetworkView | None = None,
                 gone: frozenset[str] = frozenset()) -> dict:
    """The park as a directed network for one scenario, as a plotly figure dict (``data``
    and ``layout``; the app sends it as it is, skipping ``go.Figure``'s validation).

    ``view`` (default: the park's own, ``NetworkView().resolve(park)``) says what is
    drawn: every firm (parks up to AGGREGATE_ABOVE firms), the groups of a grouping
    (bigger parks), an opened group, or a firm's neighbourhood (``groups``).

    Firms sit at their site-plan place (km), drawn in normalised coordinates (0-1, see
    ``geometry``) that fill the panel: each axis keeps who is west or north of whom,
    clumps are opened up and overlapping nodes pushed apart. Node colour: sector (a
    group's own colour in a view of groups); size: throughput. ``click_hints`` adds
    "click to ..." to hover texts (off where nothing is clickable, as in a report or on
    the kiosk).

    Arrow colour and the shape of the marker on it: category. Solid line: existing
    exchange; dashed: candidate. Switched off: dotted, in the category's colour, with a
    hollow marker, kept visible on a projector and on the dark kiosk. Line width grows
    with the quantity carried, relative to the largest flow in the same unit (in 0.5 px
    steps). Arrows bow around nodes they do not join; each arrow's clickable marker sits
    where the arrow is clear of the nodes. Names are placed around their nodes to overlap
    as little as possible, and the axis ranges hold them. A link between groups sums the
    shares of each unit's park-wide flow it carries; its hover gives the sums and the
    number of links.

    The key is made of point-less traces of its own: below the drawing, the categories
    and the statuses (``legend``); under that, at the foot of the figure, the sector
    colours (``legend2``, at most SECTOR_KEY_ROWS rows, scrolling past that only when
    they do not fit; left out above SECTOR_KEY_LIMIT sectors). Legend clicks do nothing:
    it is a key. Above LABEL_LIMIT nodes, names show on hover only and arrows are
    straight, to stay fast. The geometry is cached per park, view and font size, so a
    toggle only restyles.

    ``gone``: firms that leave the park in the scenario (``evaluation`` is then the whole
    park with their exchanges switched off). In a view of firms they and their exchanges
    are struck out in grey: a grey node under a cross, dotted grey arrows.
    """
    park = evaluation.park
    style = THEMES[theme]
    drawing = drawing_for(park, view or NetworkView(), font_size)
    graph = drawing.graph
    off_width = _OFF_WIDTH * max(1.0, font_size / 13)  # thicker with the kiosk's big type
    if graph.aggregated:
        traces, any_off = _group_link_traces(evaluation, drawing, style, click_hints, off_width)
    else:
        flow_of = {flow.exchange.id: flow for flow in evaluation.flows}
        traces, any_off = _exchange_traces(evaluation, drawing, [flow_of[link.exchanges[0]] for link in graph.links],
                                           style, click_hints, off_width, gone)
    traces.append(_node_trace(evaluation, drawing, theme, font_size, click_hints, gone))
    if gone and not graph.aggregated:
        struck = [i for i, node in enumerate(graph.nodes) if node.kind == "firm" and node.key in gone]
        if struck:
            traces.append(dict(
                type="scatter", x=_coords(drawing.x[struck]), y=_coords(drawing.y[struck]), mode="markers",
                hoverinfo="skip", marker={"symbol": "x-thin-open", "size": (drawing.sizes[struck] * 1.15).tolist(),
                                          "color": style["text"], "line": {"color": style["text"], "width": 3}},
                name="firm that leaves", showlegend=True, legend="legend"))
    legend = drawing.legend if any_off else dataclasses.replace(
        drawing.legend, statuses=tuple(status for status in drawing.legend.statuses if status != "off"))
    traces.extend(_legend_traces(legend, style, font_size, node_colours(graph)))
    legend_font = {"size": font_size - 1}
    layout = dict(
        base_layout(theme, font_size),
        margin={"l": MARGIN, "r": MARGIN, "t": MARGIN, "b": MARGIN}, hovermode="closest", clickmode="event",
        dragmode="pan", uirevision=f"{park.content_hash}:{graph.view.to_fragment()}", showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0, "xanchor": "left", "font": legend_font,
                "itemclick": False, "itemdoubleclick": False, "bgcolor": "rgba(0,0,0,0)", "tracegroupgap": 0},
        xaxis={"visible": False, "range": list(drawing.x_range)},
        yaxis={"visible": False, "range": list(drawing.y_range)},
    )
    if legend.sectors:
        # at the foot of the figure (container): plotly then reserves its room below the
        # first legend, and the top margin stays free (the report puts a title there)
        layout["legend2"] = {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                             "xanchor": "left",
                             "font": {"size": font_size - 2}, "itemclick": False, "itemdoubleclick": False,
                             "bgcolor": "rgba(0,0,0,0)", "itemwidth": 30, "maxheight": _key_height(font_size - 2)}
    return {"data": traces, "layout": layout}


def _width(share: float) -> float:
    """Line width, px, of a link carrying ``share`` (0-1) of the largest: 1.5 to 8, in
    0.5 px steps (fewer traces)."""
    return round(2 * (1.5 + 6.5 * math.sqrt(share))) / 2


_OFF_WIDTH = 2.0
"""Width (px) of a switched-off arrow: dotted, thin, but seen on a projector."""


def _coords(values: np.ndarray, digits: int = 4) -> list:
    """Numbers for the browser, rounded to ``digits`` decimals (drawing coordinates: a
    tenth of a px on a 1,000 px panel): a third of the bytes."""
    rounded = np.round(np.asarray(values, dtype=float), digits)
    return rounded.tolist()


def _arrow_traces(path: np.ndarray, standoff: np.ndarray, colour: str, width: float, dash: str, name: str,
                  active: bool = True) -> list[dict]:
    """Arrows as two traces: the lines along ``path`` (m, k, 2) drawing coordinates, and
    their heads, one at each end standing off ``standoff`` (m,) px.

    A head is a marker turned along the line into it (``angleref`` "previous"), so its
    trace holds each line's last two points; the first of each pair is drawn with size 0.
    Markers on the lines' own trace would cost an SVG element for every point of every
    curve: 1,700 elements, half a second of drawing, on a big park's network."""
    count = path.shape[1]
    gaps = np.full((len(path), 1), np.nan)
    digits = 3 if len(path) > 200 else 4  # many arrows: a px on a 1,000 px panel is enough
    heads = path[:, count - 2:, :]
    size = np.zeros((len(path), 2))
    size[:, 1] = 10 + 1.6 * width
    stand = np.zeros((len(path), 2))
    stand[:, 1] = standoff
    opacity = 1.0 if active else 0.9
    return [
        dict(type="scatter", x=_coords(np.concatenate([path[:, :, 0], gaps], axis=1).ravel(), digits),
             y=_coords(np.concatenate([path[:, :, 1], gaps], axis=1).ravel(), digits), mode="lines",
             hoverinfo="skip", line={"color": colour, "width": width, "dash": dash},
             opacity=opacity, name=name, showlegend=False),
        dict(type="scatter", x=_coords(heads[:, :, 0].ravel(), digits), y=_coords(heads[:, :, 1].ravel(), digits),
             mode="markers", hoverinfo="skip",
             marker={"symbol": "arrow", "angleref": "previous", "size": _coords(size.ravel(), 2),
                     "standoff": _coords(stand.ravel(), 2), "color": colour},
             opacity=opacity, name=name, showlegend=False),
    ]


def _marker_trace(points: np.ndarray, customdata: list, hovertext: list[str], symbol: str, colour: str,
                  style: dict, name: str, open_marker: bool = False, size: float = _MID_MARKER) -> dict:
    """The clickable markers on arrows (WebGL past GL_ABOVE of them)."""
    gl = len(points) > GL_ABOVE
    return dict(
        type="scattergl" if gl else "scatter", x=_coords(points[:, 0]), y=_coords(points[:, 1]), mode="markers",
        customdata=customdata, hovertext=hovertext, hovertemplate="%{hovertext}<extra></extra>",
        marker={"symbol": symbol + ("-open" if open_marker else ""), "size": size,
                "color": colour,
                "line": {"color": colour if open_marker else style["node_line"], "width": 2.5 if open_marker else 1}},
        name=name, showlegend=False)


def _exchange_traces(evaluation: Evaluation, drawing: Drawing, flows: list[ExchangeFlow], style: dict,
                     click_hints: bool, off_width: float = 2.0,
                     gone: frozenset[str] = frozenset()) -> tuple[list[dict], bool]:
    """Arrows and clickable markers of a view whose links are single exchanges; those of
    firms that leave (``gone``) as one grey dotted trace, not clickable."""
    park = evaluation.park
    compact = len(flows) > COMPACT_ABOVE
    biggest: dict[str, float] = defaultdict(float)
    for flow in evaluation.flows:
        biggest[flow.unit] = max(biggest[flow.unit], flow.carried)
    category_of = {r.id: r.category.value for r in park.resources}
    lines: dict[tuple, list[int]] = defaultdict(list)
    mids: dict[tuple, list[int]] = defaultdict(list)
    lost: list[int] = []
    for k, flow in enumerate(flows):
        exchange = flow.exchange
        if exchange.from_firm in gone or exchange.to_firm in gone:
            lost.append(k)
            continue
        category = category_of[exchange.resource]
        share = flow.carried / biggest[flow.unit] if biggest[flow.unit] else 0.0
        width = (_width(share) if not compact else round(2 * (1 + 3 * math.sqrt(share))) / 2) if flow.active \
            else off_width
        lines[(category, exchange.status.value, flow.active, width)].append(k)
        mids[(category, flow.active)].append(k)
    traces: list[dict] = []
    if lost:
        chosen = np.asarray(lost)
        line, heads = _arrow_traces(drawing.curves[chosen], drawing.standoff[chosen], GONE_GREY, 1.5, "dot",
                                    "gone with a firm that leaves", False)
        traces += [dict(line, showlegend=True, legend="legend"), heads]
    for (category, status, active, width), members in sorted(lines.items(), key=lambda kv: (not kv[0][2], kv[0])):
        chosen = np.asarray(members)
        colour = (with_alpha(CATEGORY_COLOURS[category], 0.55) if compact else CATEGORY_COLOURS[category]) \
            if active else with_alpha(CATEGORY_COLOURS[category], 0.85)
        traces += _arrow_traces(drawing.curves[chosen], drawing.standoff[chosen], colour, width,
                                STATUS_DASH[status] if active else "dot",
                                f"{CATEGORY_LABELS[category]} \u00b7 {status}" if active else "switched off", active)
    for (category, active), members in sorted(mids.items(), key=lambda kv: (not kv[0][1], kv[0])):
        traces.append(_marker_trace(
            drawing.mids[np.asarray(members)], [["exchange", flows[k].exchange.id] for k in members],
            [exchange_hover(flows[k], park, click_hints, compact) for k in members], CATEGORY_SYMBOLS[category],
            CATEGORY_COLOURS[category], style, f"{CATEGORY_LABELS[category]} exchange", open_marker=not active,
            size=9 if compact else _MID_MARKER))
    lost_set = set(lost)
    return traces, any(not flow.active for k, flow in enumerate(flows) if k not in lost_set)


@dataclass(frozen=True)
class _LinkTable:
    """The exchanges a view of groups holds, as arrays (scenario-independent, kept per
    park and view): per exchange held, its link, category and unit (indices), whether
    it is existing, and its position in the park's service order."""

    link: np.ndarray
    category: np.ndarray
    unit: np.ndarray
    existing: np.ndarray
    position: np.ndarray
    units: tuple[str, ...]


_CATEGORIES = tuple(CATEGORY_COLOURS)
_TABLES: BoundedCache[_LinkTable] = BoundedCache(32)


def _link_table(graph: Graph) -> _LinkTable:
    park = graph.park

    def make() -> _LinkTable:
        plan = plan_for(park)
        units = tuple(sorted({r.unit for r in park.resources}))
        held = [(k, park.exchange[ref]) for k, link in enumerate(graph.links) for ref in link.exchanges]
        return _LinkTable(
            np.array([k for k, _ in held], dtype=np.intp),
            np.array([_CATEGORIES.index(park.resource[e.resource].category.value) for _, e in held], dtype=np.intp),
            np.array([units.index(park.resource[e.resource].unit) for _, e in held], dtype=np.intp),
            np.array([e.status.value == "existing" for _, e in held], dtype=bool),
            np.array([plan.position_of[e.id] for _, e in held], dtype=np.intp), units)
    return _TABLES.get_or_make((park.content_hash, graph.view), make)


def _group_link_traces(evaluation: Evaluation, drawing: Drawing, style: dict,
                       click_hints: bool, off_width: float = 2.0) -> tuple[list[dict], bool]:
    """Arrows and markers of a view of groups: a link's width sums, over the exchanges it
    holds, each one's carried quantity as a share of the park's total carried in its
    unit; its colour is the category carrying the most of that; dashed when only
    candidates carry anything, dotted when nothing is carried. Computed on arrays: a
    park of 5,000 exchanges restyles in a few ms."""
    graph = drawing.graph
    table = _link_table(graph)
    n_links, n_units = len(graph.links), len(table.units)
    carried = np.asarray(evaluation.run.carried, dtype=float)[table.position]
    active = np.asarray(evaluation.run.active, dtype=bool)[table.position]
    total = np.bincount(table.unit, weights=carried, minlength=n_units)
    share = np.divide(carried, total[table.unit], out=np.zeros_like(carried), where=total[table.unit] > 0)
    by_category = np.zeros((n_links, len(_CATEGORIES)))
    np.add.at(by_category, (table.link, table.category), share)
    count = np.zeros((n_links, len(_CATEGORIES)))
    np.add.at(count, (table.link, table.category), 1.0)
    by_unit = np.zeros((n_links, n_units))
    np.add.at(by_unit, (table.link, table.unit), carried)
    switched_on = np.bincount(table.link, weights=active, minlength=n_links).astype(int)
    held = np.bincount(table.link, minlength=n_links)
    existing = np.bincount(table.link, weights=table.existing & (carried > 0), minlength=n_links) > 0
    scores = by_category.sum(axis=1)
    carrying = scores > 0
    categories = np.where(carrying, by_category.argmax(axis=1), count.argmax(axis=1))
    top = float(scores.max(initial=0.0))
    lines: dict[tuple, list[int]] = defaultdict(list)
    mids: dict[str, list[int]] = defaultdict(list)
    hovers = []
    for k in range(n_links):
        category = _CATEGORIES[categories[k]]
        status = "existing" if existing[k] else "candidate" if carrying[k] else "off"
        width = round(2 * (1 + 7 * math.sqrt(scores[k] / top))) / 2 if carrying[k] and top else off_width
        lines[(category, status, width)].append(k)
        mids[category].append(k)
        sums = {table.units[u]: float(by_unit[k, u]) for u in np.flatnonzero(by_unit[k] > 0)}
        hovers.append(_group_link_hover(graph, graph.links[k], int(held[k]), int(switched_on[k]), sums, click_hints))
    traces: list[dict] = []
    for (category, status, width), members in sorted(lines.items(), key=lambda kv: (kv[0][1] == "off", kv[0])):
        chosen = np.asarray(members)
        # translucent: where many links between groups cross, the big ones still read
        colour = with_alpha(CATEGORY_COLOURS[category], 0.6 if status != "off" else 0.85)
        traces += _arrow_traces(drawing.curves[chosen], drawing.standoff[chosen], colour, width,
                                STATUS_DASH.get(status, "dot"), f"{CATEGORY_LABELS[category]} links", status != "off")
    for category, members in sorted(mids.items()):
        traces.append(_marker_trace(
            drawing.mids[np.asarray(members)],
            [["group", graph.nodes[graph.links[k].source].key] for k in members], [hovers[k] for k in members],
            CATEGORY_SYMBOLS[category], CATEGORY_COLOURS[category], style, f"{CATEGORY_LABELS[category]} links"))
    return traces, bool((~carrying).any())


def _group_link_hover(graph: Graph, link, count: int, on: int, carried: dict[str, float], click_hints: bool) -> str:
    source, target = graph.nodes[link.source], graph.nodes[link.target]
    title = (f"within {plain(source.name)}" if link.source == link.target
             else f"{plain(source.name)} \u2192 {plain(target.name)}")
    lines = [f"<b>{title}</b>", f"{count} link{'s' if count != 1 else ''}, {on} switched on"]
    lines += [f"carried: {si(value, unit)} a year" for unit, value in sorted(carried.items())] or ["nothing carried"]
    if click_hints:
        lines.append(f"<i>click to open {plain(source.name)}</i>")
    return "<br>".join(lines)


def _group_hover(node: Node, evaluation: Evaluation, firm_index: dict[str, int], click_hints: bool) -> str:
    rows = evaluation.firm_totals[[firm_index[f] for f in node.members if f in firm_index]]
    co2, cost = float(rows[:, Kpi.CO2].sum()), float(rows[:, Kpi.COST].sum())
    lines = [f"<b>{plain(node.name)}</b>", f"{len(node.members)} firm{'s' if len(node.members) != 1 else ''}",
             f"CO2e {si(co2, 't CO2e')}, cost {si(cost, evaluation.park.currency)} a year"]
    if click_hints:
        lines.append("<i>click to open</i>")
    return "<br>".join(lines)


def node_colours(graph: Graph) -> dict[str, str]:
    """Colour of each node's ``colour_key``: sectors keep one colour across every view of
    the park (a sector's group node and its firms match); other groups (zones,
    communities) get colours of their own."""
    sectors = sector_colours(f.sector or "other" for f in graph.park.firms)
    groups = sector_colours(node.colour_key for node in graph.nodes
                            if node.kind == "group" and graph.view.grouping != "sector")
    return {**groups, **sectors}


def _node_trace(evaluation: Evaluation, drawing: Drawing, theme: str, font_size: int, click_hints: bool,
                gone: frozenset[str] = frozenset()) -> dict:
    park = evaluation.park
    graph = drawing.graph
    style = THEMES[theme]
    colours = node_colours(graph)
    wanted = {node.key for node in graph.nodes if node.kind == "firm"}
    firm_kpis = evaluation.firm_kpis if wanted else {}
    firm_index = {firm.id: i for i, firm in enumerate(park.firms)}
    streams_of: dict[str, list] = defaultdict(list)
    for stream in park.streams:
        if stream.firm in wanted:
            streams_of[stream.firm].append(stream)
    compact = len(graph.links) > COMPACT_ABOVE
    hovers = [f"<b>{plain(park.firm[node.key].name)}</b><br>leaves the park in this scenario"
              if node.kind == "firm" and node.key in gone else
              firm_hover(park, node.key, firm_kpis[node.key], streams_of.get(node.key, []), click_hints, compact)
              if node.kind == "firm" and node.key in firm_kpis else _group_hover(node, evaluation, firm_index,
                                                                                  click_hints)
              for node in graph.nodes]
    labelled = drawing.text is not None
    return dict(
        type="scatter", x=_coords(drawing.x), y=_coords(drawing.y), mode="markers+text" if labelled else "markers",
        text=drawing.text, textposition=drawing.textposition,
        textfont={"size": font_size, "color": style["text"], "shadow": _halo(theme)},
        customdata=[[node.kind, node.key] for node in graph.nodes],
        hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>",
        marker={"size": drawing.sizes.tolist(),
                "color": [GONE_GREY if node.kind == "firm" and node.key in gone else colours[node.colour_key]
                          for node in graph.nodes],
                **({"symbol": ["circle" if node.kind == "firm" else "hexagon" for node in graph.nodes]}
                   if any(node.kind == "group" for node in graph.nodes) else {}),
                "line": {"color": style["node_line"], "width": 1.5}, "opacity": 1.0},
        name="firm", showlegend=False)
