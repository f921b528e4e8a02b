"""Sankey diagrams of one category (and one unit) at a time.

Each firm appears twice, once on the left as a supplier and once on the right as a
receiver, so symbiosis loops (A supplies B, B supplies A) never make a cycle: plotly
draws cycles in a circular layout that can freeze the browser. Links run from virgin
supply to receivers, from suppliers to receivers (exchanges) and from suppliers to
their fates. An exchange whose resource belongs to another diagram (biomass in t
replacing gas in MWh) also shows in its demand's diagram, as the demand it meets.
Parks with many firms are drawn by sector instead of by firm.

Computed as plain data first (``sankey_data``: nodes, links, no plotly), then drawn
(``sankey_figure``). Past ``MAX_LINKS`` links, or below a share of the diagram's flow the
reader sets, the smallest flows out of each node are grouped into one "other" link to an
"Other flows" node; its hover lists what it holds. The diagram's graph is checked to
have no cycle before it reaches plotly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import plotly.graph_objects as go

from dashboard.formatting import full
from dashboard.model import Evaluation, Park
from dashboard.model.vocabulary import Category, StreamKind

from .palette import CATEGORY_COLOURS, CATEGORY_LABELS, FATE_GREY, THEMES, VIRGIN_GREY, base_layout, with_alpha
from .text import plain

GROUP_BY_SECTOR_ABOVE = 40
"""Above this many firms, nodes are sectors: thousands of firm nodes are unreadable."""

MAX_LINKS = 60
"""Most links a diagram shows: more is more than a person reads."""

SHARES: tuple[float, ...] = (0.005, 0.01, 0.02, 0.05)
"""Shares of a diagram's flow the reader may pick to group smaller flows into "other"."""

_PART_LINES = 8
"""Lines of a link's hover that list what it holds; the rest is counted."""

_UNIT_ORDER = {"water": "m3", "energy": "MWh", "material": "t"}


@dataclass(frozen=True)
class SankeyView:
    """One diagram: a category and the unit all its quantities share."""

    category: str
    unit: str

    @property
    def key(self) -> str:
        return f"{self.category}:{self.unit}"

    @property
    def label(self) -> str:
        return f"{CATEGORY_LABELS[self.category]} ({self.unit})"

    @classmethod
    def from_key(cls, key: str) -> SankeyView:
        category, _, unit = key.partition(":")
        return cls(category, unit)


def sankey_views(park: Park) -> list[SankeyView]:
    """The diagrams a park needs: one per category, more where a category mixes units
    (a Sankey never mixes units). Water, energy, materials; the usual unit first."""
    found = {(park.resource[s.resource].category.value, park.resource[s.resource].unit) for s in park.streams}
    order = [c.value for c in Category]
    return [SankeyView(c, u) for c, u in sorted(found, key=lambda cu: (order.index(cu[0]),
                                                                        cu[1] != _UNIT_ORDER[cu[0]], cu[1]))]


@dataclass(frozen=True)
class SankeyNode:
    label: str
    colour: str
    hover: str


@dataclass
class SankeyLink:
    """A link from node ``source`` to node ``target`` (indices) carrying ``value`` (the
    view's unit a year); ``parts`` describe what it holds, one line each: text, or
    (template, values) formatted only when shown (``part_texts``): a big park's diagram
    holds thousands of parts and shows a few per link."""

    source: int
    target: int
    value: float
    colour: str
    parts: list = field(default_factory=list)
    other: bool = False


def part_texts(link: SankeyLink, limit: int | None = None) -> list[str]:
    """The first ``limit`` (all when None) of a link's parts as text; quantities (floats)
    in the full number format, park text made plain."""
    chosen = link.parts if limit is None else link.parts[:limit]
    return [part if isinstance(part, str) else part[0].format(
        *(full(value) if isinstance(value, float) else plain(value) for value in part[1])) for part in chosen]


@dataclass(frozen=True)
class SankeyData:
    """One diagram as plain data: nodes, links (no cycle), its title, and how many flows
    were grouped into "other"."""

    view: SankeyView
    title: str
    nodes: tuple[SankeyNode, ...]
    links: tuple[SankeyLink, ...]
    grouped: int = 0


class _Nodes:
    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.nodes: list[SankeyNode] = []

    def get(self, key: tuple, label: str, colour: str, hover: str) -> int:
        if key not in self.index:
            self.index[key] = len(self.nodes)
            self.nodes.append(SankeyNode(label, colour, hover))
        return self.index[key]


def sankey_data(evaluation: Evaluation, view: SankeyView, share: float = 0.0,
                max_links: int = MAX_LINKS) -> SankeyData:
    """The nodes and links of ``view`` (category and unit) for one scenario; quantities
    per year. Links under ``share`` (0-1) of the diagram's total flow, and past
    ``max_links`` the smallest others, are grouped per source node (``group_small``)."""
    park = evaluation.park
    colour = CATEGORY_COLOURS[view.category]
    by_sector = len(park.firms) > GROUP_BY_SECTOR_ABOVE
    resources = {r.id for r in park.resources if r.category.value == view.category and r.unit == view.unit}

    parties: dict[str, tuple[str, str]] = {}

    def party(firm_id: str) -> tuple[str, str]:
        if firm_id not in parties:
            firm = park.firm[firm_id]
            parties[firm_id] = ((f"sector:{firm.sector or 'other'}", plain((firm.sector or "other").capitalize()))
                                if by_sector else (firm_id, plain(firm.name)))
        return parties[firm_id]

    nodes = _Nodes()
    links: dict[tuple[int, int], SankeyLink] = {}
    virgin_link, fate_link, exchange_link = (with_alpha(VIRGIN_GREY, 0.45), with_alpha(FATE_GREY, 0.4),
                                             with_alpha(colour, 0.55))

    def add(source: int, target: int, value: float, part: tuple, link_colour: str) -> None:
        if value <= 0:
            return
        link = links.setdefault((source, target), SankeyLink(source, target, 0.0, link_colour))
        link.value += value
        link.parts.append(part)
        link.colour = link_colour

    flows = evaluation.stream_flows
    for stream in park.streams:
        if stream.resource not in resources:
            continue
        resource = park.resource[stream.resource]
        key, name = party(stream.firm)
        leftover = flows[stream.key].leftover
        if stream.kind is StreamKind.DEMAND:
            source = nodes.get(("virgin", resource.id), f"{plain(resource.name)} (new supply)", VIRGIN_GREY,
                               f"{plain(resource.name)} bought new")
            target = nodes.get(("in", key), name, colour, f"{name}: receives")
            add(source, target, leftover, ("{} buys {} {} {} new", (park.firm[stream.firm].name, float(leftover),
                                                                     view.unit, resource.name)), virgin_link)
        else:
            fate = stream.fate.value
            source = nodes.get(("out", key), name, colour, f"{name}: supplies")
            target = nodes.get(("fate", fate), fate.capitalize(), FATE_GREY, f"to {fate}")
            add(source, target, leftover, ("{} sends {} {} {} to {}", (park.firm[stream.firm].name, float(leftover),
                                                                        view.unit, resource.name, fate)), fate_link)
    for flow in evaluation.flows:
        exchange = flow.exchange
        if exchange.resource not in resources and exchange.replaces in resources and flow.met > 0:
            # The exchange carries something drawn in another diagram (sludge in t replacing gas
            # in MWh, say): here it shows as the demand it meets, so the receiver's needs add up.
            carried = park.resource[exchange.resource]
            to_key, to_name = party(exchange.to_firm)
            source = nodes.get(("via", carried.id), f"{plain(carried.name)} (from {plain(carried.unit)})",
                               CATEGORY_COLOURS[carried.category.value], f"{plain(carried.name)}, converted")
            target = nodes.get(("in", to_key), to_name, colour, f"{to_name}: receives")
            add(source, target, flow.met, ("{}: meets {} {}", (exchange.name, float(flow.met), view.unit)),
                with_alpha(CATEGORY_COLOURS[carried.category.value], 0.55))
            continue
        if exchange.resource not in resources or flow.carried <= 0:
            continue
        from_key, from_name = party(exchange.from_firm)
        to_key, to_name = party(exchange.to_firm)
        source = nodes.get(("out", from_key), from_name, colour, f"{from_name}: supplies")
        target = nodes.get(("in", to_key), to_name, colour, f"{to_name}: receives")
        tag = " (candidate)" if exchange.status.value == "candidate" else ""
        add(source, target, flow.carried, ("{}{}: {} {}", (exchange.name, tag, float(flow.carried), view.unit)),
            exchange_link)

    node_list = list(nodes.nodes)
    kept, grouped = group_small(list(links.values()), node_list, share, max_links, view.unit)
    kept = _used_nodes(kept, node_list)
    check_acyclic(len(node_list), kept)
    title = f"{plain(view.label)} a year" + (", by sector" if by_sector else "")
    return SankeyData(view, title, tuple(node_list), tuple(kept), grouped)


OTHER_LABEL = "Other flows"


def group_small(links: list[SankeyLink], nodes: list[SankeyNode], share: float, max_links: int,
                unit: str) -> tuple[list[SankeyLink], int]:
    """Links of at least ``share`` of the total kept, the rest grouped per source node into
    one link to an "Other flows" node (added to ``nodes``, a sink: no cycle can pass it);
    the smallest kept links move to the groups until at most ``max_links`` links remain
    (when there are more source nodes than that, one "other" link may still stand for
    each). Returns the links and how many were grouped."""
    total = sum(link.value for link in links)
    ranked = sorted(links, key=lambda link: (-link.value, link.source, link.target))
    keep = [link for link in ranked if link.value >= share * total] if share > 0 else ranked
    small = ranked[len(keep):]

    def count(kept_links, rest) -> int:
        return len(kept_links) + len({link.source for link in rest})

    while keep and count(keep, small) > max_links:
        small.insert(0, keep.pop())
    if not small:
        return keep, 0
    other = len(nodes)
    nodes.append(SankeyNode(OTHER_LABEL, FATE_GREY, "small flows, grouped"))
    by_source: dict[int, list[SankeyLink]] = defaultdict(list)
    for link in small:
        by_source[link.source].append(link)
    grouped = []
    for source, members in sorted(by_source.items()):
        members.sort(key=lambda link: -link.value)
        lines = [f"{nodes[link.target].label}: {full(link.value)} {plain(unit)}" for link in members]
        parts = [f"{len(members)} smaller flow{'s' if len(members) != 1 else ''} from {nodes[source].label}:"]
        parts += lines[:_PART_LINES] + ([f"and {len(lines) - _PART_LINES} more"] if len(lines) > _PART_LINES else [])
        grouped.append(SankeyLink(source, other, sum(link.value for link in members),
                                  with_alpha(FATE_GREY, 0.3), parts, other=True))
    return keep + grouped, len(small)


def _used_nodes(links: list[SankeyLink], nodes: list[SankeyNode]) -> list[SankeyLink]:
    """``links`` with nodes no link uses dropped from ``nodes`` (in place) and indices
    renumbered."""
    used = sorted({i for link in links for i in (link.source, link.target)})
    if len(used) == len(nodes):
        return links
    renumber = {old: new for new, old in enumerate(used)}
    nodes[:] = [nodes[i] for i in used]
    return [SankeyLink(renumber[link.source], renumber[link.target], link.value, link.colour, link.parts, link.other)
            for link in links]


def check_acyclic(n_nodes: int, links: list[SankeyLink]) -> None:
    """Raise ValueError if the links make a cycle (plotly would draw it circular, which can
    freeze the browser). Kahn's algorithm, O(nodes + links)."""
    outgoing: dict[int, list[int]] = defaultdict(list)
    incoming = [0] * n_nodes
    for link in links:
        outgoing[link.source].append(link.target)
        incoming[link.target] += 1
    ready = [i for i in range(n_nodes) if incoming[i] == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for target in outgoing[node]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    if seen != n_nodes:
        raise ValueError("a Sankey's links make a cycle")


def sankey_figure(evaluation: Evaluation, view: SankeyView, theme: str = "light",
                  font_size: int = 13, share: float = 0.0) -> go.Figure:
    """``sankey_spec`` as a ``go.Figure``."""
    return go.Figure(sankey_spec(evaluation, view, theme, font_size, share))


def sankey_spec(evaluation: Evaluation, view: SankeyView, theme: str = "light",
                font_size: int = 13, share: float = 0.0) -> dict:
    """The Sankey of ``view`` (category and unit) for one scenario as a plotly figure dict;
    quantities per year; flows grouped as ``sankey_data`` says."""
    data = sankey_data(evaluation, view, share)
    style = THEMES[theme]
    title = data.title + (f" ({data.grouped} small flows grouped)" if data.grouped else "")
    layout = dict(base_layout(theme, font_size), margin={"l": 8, "r": 8, "t": 28, "b": 8},
                  title={"text": title, "font": {"size": font_size + 1}, "x": 0.01, "y": 0.99})
    if data.links:
        return {"data": [dict(
            type="sankey", arrangement="snap", valueformat=",.0f", valuesuffix=f" {view.unit}",
            node={"label": [n.label for n in data.nodes], "color": [n.colour for n in data.nodes], "pad": 14,
                  "thickness": 16, "customdata": [n.hover for n in data.nodes],
                  "hovertemplate": "%{customdata}: %{value}<extra></extra>", "line": {"width": 0}},
            link={"source": [link.source for link in data.links], "target": [link.target for link in data.links],
                  "value": [link.value for link in data.links], "color": [link.colour for link in data.links],
                  "customdata": ["<br>".join(part_texts(link) if link.other else part_texts(link, _PART_LINES) + (
                      ["\u2026"] if len(link.parts) > _PART_LINES else [])) for link in data.links],
                  "hovertemplate": "%{customdata}<extra></extra>"},
            textfont={"size": font_size, "color": style["text"]})], "layout": layout}
    layout.update(annotations=[{"text": f"No {CATEGORY_LABELS[view.category].lower()} flows in {view.unit} here",
                                "showarrow": False, "font": {"size": font_size + 2, "color": style["text"]},
                                "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}],
                  xaxis={"visible": False}, yaxis={"visible": False})
    return {"data": [], "layout": layout}
