"""What the network draws for a view: nodes and links as plain data, before any geometry
or plotly.

A small park is drawn firm by firm. Past ``AGGREGATE_ABOVE`` firms the network opens
aggregated: one node per group of firms (a ``Grouping``: by sector, by zone of the site
plan, or by community of the exchange graph), one link per ordered pair of groups
holding every exchange between them. Opening a group shows its firms and, as single
nodes, the groups they trade with; a firm's neighbourhood shows it and its partners.
``NetworkView`` names the view; it travels in the address's fragment
(``#network=sector/g:chemicals``), apart from the scenario (the query), so a shared
link shows the same view.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import quote, unquote

import networkx as nx
import numpy as np

from dashboard.model import Park
from dashboard.model.cache import BoundedCache

from .positions import firm_positions

AGGREGATE_ABOVE = 80
"""Firms above which the network opens aggregated (README, "Big parks", with the
screenshots it was chosen from): a generated park of 80 firms and 400 exchanges drawn
firm by firm can still be followed arrow by arrow and its markers clicked; at 150 firms
and 750 exchanges it is one blot."""

GROUPINGS: dict[str, str] = {"sector": "Sector", "zone": "Site zone", "community": "Community"}
"""How firms may be grouped, with the name shown in the picker."""

_ALL = {"sector": "All sectors", "zone": "All site zones", "community": "All communities"}
"""The breadcrumb's first step for each grouping."""

FIRMS = "firms"
"""The grouping value asking for the firm-by-firm drawing (small parks' default)."""


@dataclass(frozen=True)
class NetworkView:
    """Which network to draw: ``grouping`` (a GROUPINGS key, FIRMS, or "" for the
    park's default), and at most one of ``group`` (an opened group's key) or ``firm``
    (a firm whose neighbourhood is shown)."""

    grouping: str = ""
    group: str | None = None
    firm: str | None = None

    PREFIX = "network="

    def to_fragment(self) -> str:
        """``network=sector``, ``network=sector/g:chemicals``, ``network=sector/f:F1``;
        "" for the default view."""
        if not self.grouping and self.group is None and self.firm is None:
            return ""
        value = self.grouping or ""
        if self.group is not None:
            value += "/g:" + quote(self.group, safe="")
        elif self.firm is not None:
            value += "/f:" + quote(self.firm, safe="")
        return self.PREFIX + value

    @classmethod
    def from_fragment(cls, fragment: str | None) -> NetworkView:
        """The view a fragment names (``#sankey=..&network=..``); anything unreadable is
        the default view. Whether the group or firm exists is checked by ``resolve``."""
        if not isinstance(fragment, str):
            return cls()
        for part in fragment.lstrip("#").split("&"):
            if part.startswith(cls.PREFIX):
                grouping, _, rest = part[len(cls.PREFIX):].partition("/")
                grouping = grouping if grouping in GROUPINGS or grouping == FIRMS else ""
                if rest.startswith("g:") and len(rest) > 2:
                    return cls(grouping, group=unquote(rest[2:]))
                if rest.startswith("f:") and len(rest) > 2:
                    return cls(grouping, firm=unquote(rest[2:]))
                return cls(grouping)
        return cls()

    def resolve(self, park: Park) -> NetworkView:
        """This view on ``park``: the default grouping made explicit (FIRMS up to
        AGGREGATE_ABOVE firms, else sector; FIRMS is not offered above that), an
        unknown group or firm dropped, and an opened group on the firm drawing dropped."""
        grouping = self.grouping or default_grouping(park)
        if grouping == FIRMS and len(park.firms) > AGGREGATE_ABOVE:
            grouping = "sector"  # every firm of a big park is no view: an unreadable blot, megabytes
        if self.firm is not None and self.firm in park.firm:
            return NetworkView(grouping, firm=self.firm)
        if self.group is not None and grouping != FIRMS and self.group in grouping_of(park, grouping).names:
            return NetworkView(grouping, group=self.group)
        return NetworkView(grouping)


def grouping_choices(park: Park) -> list[tuple[str, str]]:
    """(value, label) of the groupings offered for ``park``: every firm only up to
    AGGREGATE_ABOVE firms."""
    return ([(FIRMS, "Every firm")] if len(park.firms) <= AGGREGATE_ABOVE else []) + list(GROUPINGS.items())


def default_grouping(park: Park) -> str:
    return FIRMS if len(park.firms) <= AGGREGATE_ABOVE else "sector"


@dataclass(frozen=True)
class Grouping:
    """Firms in groups: ``of`` firm id -> group key; ``names`` group key -> name shown,
    in display order."""

    kind: str
    of: dict[str, str]
    names: dict[str, str]

    def members(self, key: str) -> list[str]:
        return [firm for firm, group in self.of.items() if group == key]


_GROUPINGS: BoundedCache[Grouping] = BoundedCache(32)
_POSITIONS: BoundedCache[dict] = BoundedCache(16)


def positions_km(park: Park) -> dict[str, tuple[float, float]]:
    """``firm_positions`` kept per park content (a spring layout of a big park takes a
    while)."""
    return _POSITIONS.get_or_make(park.content_hash, lambda: firm_positions(park))


def grouping_of(park: Park, kind: str) -> Grouping:
    """The park's firms grouped by ``kind`` (a GROUPINGS key), kept per park content."""
    if kind not in GROUPINGS:
        raise ValueError(f"unknown grouping {kind!r}")
    return _GROUPINGS.get_or_make((park.content_hash, kind), lambda: _make_grouping(park, kind))


ZONE_NAMES = (("south-west", "south", "south-east"), ("west", "centre", "east"),
              ("north-west", "north", "north-east"))
"""Zones of the site plan: thirds of the firms west to east, by thirds south to north."""


def _make_grouping(park: Park, kind: str) -> Grouping:
    if kind == "sector":
        of = {f.id: (f.sector or "other") for f in park.firms}
        return Grouping(kind, of, {key: key.capitalize() for key in sorted(set(of.values()))})
    if kind == "zone":
        km = positions_km(park)
        ids = [f.id for f in park.firms]
        xs = np.array([km[f][0] for f in ids])
        ys = np.array([km[f][1] for f in ids])
        column = np.minimum(2, (np.argsort(np.argsort(xs, kind="stable"), kind="stable") * 3) // max(1, len(ids)))
        row = np.minimum(2, (np.argsort(np.argsort(ys, kind="stable"), kind="stable") * 3) // max(1, len(ids)))
        of = {f: ZONE_NAMES[int(r)][int(c)] for f, r, c in zip(ids, row, column)}
        order = [name for names in reversed(ZONE_NAMES) for name in names if name in set(of.values())]
        return Grouping(kind, of, {name: name.capitalize() for name in order})
    graph = nx.Graph()
    graph.add_nodes_from(f.id for f in park.firms)
    for e in park.exchanges:
        if e.from_firm != e.to_firm:
            weight = graph.get_edge_data(e.from_firm, e.to_firm, {"weight": 0})["weight"]
            graph.add_edge(e.from_firm, e.to_firm, weight=weight + 1)
    communities = sorted(nx.community.louvain_communities(graph, weight="weight", seed=7),
                         key=lambda c: (-len(c), min(c)))
    of, names = {}, {}
    for number, members in enumerate(communities, start=1):
        key = f"c{number}"
        sectors = Counter(park.firm[f].sector or "other" for f in members)
        names[key] = f"Community {number} ({sectors.most_common(1)[0][0]})"
        of.update(dict.fromkeys(members, key))
    return Grouping(kind, of, names)


@dataclass(frozen=True)
class Node:
    """A node drawn: a firm (``key`` its id) or a group (``key`` its group key);
    ``colour_key`` picks its colour (a sector, or a group name)."""

    kind: str
    key: str
    name: str
    colour_key: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A link drawn from node ``source`` to node ``target`` (indices), holding the ids of
    the exchanges it stands for (one, unless the link joins two groups)."""

    source: int
    target: int
    exchanges: tuple[str, ...]


@dataclass(frozen=True)
class Graph:
    """What one view draws, independent of the scenario: nodes with their place (km,
    ``positions``) and a size score (``throughput``, unit-free), and links."""

    park: Park
    view: NetworkView
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    positions: tuple[tuple[float, float], ...]
    throughput: tuple[float, ...]
    breadcrumb: tuple[tuple[str, NetworkView], ...]

    @property
    def aggregated(self) -> bool:
        """True when links stand for several exchanges (a view of groups)."""
        return any(node.kind == "group" for node in self.nodes) and not any(n.kind == "firm" for n in self.nodes)


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


def graph_for(park: Park, view: NetworkView) -> Graph:
    """The nodes and links of ``view`` (resolved on the park first)."""
    view = view.resolve(park)
    if view.firm is not None:
        return _neighbourhood(park, view)
    if view.grouping == FIRMS:
        return _firms(park, view)
    if view.group is not None:
        return _opened(park, view)
    return _aggregated(park, view)


def _crumbs(park: Park, view: NetworkView) -> tuple[tuple[str, NetworkView], ...]:
    """(text, view) of each step from the top view down to ``view``."""
    if view.grouping == FIRMS:
        top = ("All firms", NetworkView(FIRMS))
    else:
        top = (_ALL[view.grouping], NetworkView(view.grouping))
    if view.group is not None:
        return top, (grouping_of(park, view.grouping).names[view.group], view)
    if view.firm is not None:
        return top, (park.firm[view.firm].name, view)
    return (top,)


def _firm_node(park: Park, firm_id: str) -> Node:
    firm = park.firm[firm_id]
    return Node("firm", firm.id, firm.name, firm.sector or "other", (firm.id,))


def _firms(park: Park, view: NetworkView) -> Graph:
    km = positions_km(park)
    scores = firm_throughput(park)
    index = {f.id: i for i, f in enumerate(park.firms)}
    return Graph(park, view, tuple(_firm_node(park, f.id) for f in park.firms),
                 tuple(Link(index[e.from_firm], index[e.to_firm], (e.id,)) for e in park.exchanges),
                 tuple(km[f.id] for f in park.firms), tuple(scores[f.id] for f in park.firms), _crumbs(park, view))


def _centre(km: dict, members) -> tuple[float, float]:
    points = [km[m] for m in members]
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _aggregated(park: Park, view: NetworkView) -> Graph:
    grouping = grouping_of(park, view.grouping)
    km = positions_km(park)
    scores = firm_throughput(park)
    members: dict[str, list[str]] = defaultdict(list)
    for firm in park.firms:
        members[grouping.of[firm.id]].append(firm.id)
    keys = [key for key in grouping.names if members[key]]
    index = {key: i for i, key in enumerate(keys)}
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    for e in park.exchanges:
        pairs[(index[grouping.of[e.from_firm]], index[grouping.of[e.to_firm]])].append(e.id)
    nodes = tuple(Node("group", key, grouping.names[key], key, tuple(members[key])) for key in keys)
    return Graph(park, view, nodes, tuple(Link(s, t, tuple(ids)) for (s, t), ids in sorted(pairs.items())),
                 tuple(_centre(km, members[key]) for key in keys),
                 tuple(sum(scores[f] for f in members[key]) for key in keys), _crumbs(park, view))


def _ring(inside: list[tuple[float, float]], outside: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Places (km) for the ``outside`` nodes on a ring around the ``inside`` points, each
    in the direction of its own centre (km) from theirs, spread at least 360/n degrees
    apart in that order, so the opened group keeps its own plan in the middle."""
    cx, cy = _centre(dict(enumerate(inside)), range(len(inside)))
    spread = max(max(math.hypot(x - cx, y - cy) for x, y in inside), 1e-3)
    radius = 1.35 * spread
    angles = sorted((math.atan2(y - cy, x - cx), key) for key, (x, y) in outside.items())
    gap = 2 * math.pi / max(1, len(angles)) * 0.8
    placed = {}
    previous = -math.inf
    for angle, key in angles:
        angle = max(angle, previous + gap)
        previous = angle
        placed[key] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return placed


def _opened(park: Park, view: NetworkView) -> Graph:
    grouping = grouping_of(park, view.grouping)
    km = positions_km(park)
    scores = firm_throughput(park)
    inside = [f.id for f in park.firms if grouping.of[f.id] == view.group]
    inside_set = set(inside)
    touching = [e for e in park.exchanges if e.from_firm in inside_set or e.to_firm in inside_set]
    others = sorted({grouping.of[f] for e in touching for f in (e.from_firm, e.to_firm) if f not in inside_set},
                    key=list(grouping.names).index)
    outside_members = {key: grouping.members(key) for key in others}
    ring = _ring([km[f] for f in inside], {key: _centre(km, outside_members[key]) for key in others})
    nodes = [_firm_node(park, f) for f in inside]
    nodes += [Node("group", key, grouping.names[key], key, tuple(outside_members[key])) for key in others]
    index = {f: i for i, f in enumerate(inside)} | {key: len(inside) + i for i, key in enumerate(others)}

    def node_of(firm: str) -> int:
        return index[firm] if firm in inside_set else index[grouping.of[firm]]
    firm_top = max((scores[f] for f in inside), default=0.0)
    group_score = [0.35 * firm_top] * len(others)  # a middle-sized node: a place to go, not a size
    return Graph(park, view, tuple(nodes),
                 tuple(Link(node_of(e.from_firm), node_of(e.to_firm), (e.id,)) for e in touching),
                 tuple([km[f] for f in inside] + [ring[key] for key in others]),
                 tuple([scores[f] for f in inside] + group_score), _crumbs(park, view))


def _neighbourhood(park: Park, view: NetworkView) -> Graph:
    km = positions_km(park)
    scores = firm_throughput(park)
    touching = [e for e in park.exchanges if view.firm in (e.from_firm, e.to_firm)]
    partners = sorted({f for e in touching for f in (e.from_firm, e.to_firm)} - {view.firm})
    ids = [view.firm, *partners]
    index = {f: i for i, f in enumerate(ids)}
    return Graph(park, view, tuple(_firm_node(park, f) for f in ids),
                 tuple(Link(index[e.from_firm], index[e.to_firm], (e.id,)) for e in touching),
                 tuple(km[f] for f in ids), tuple(scores[f] for f in ids), _crumbs(park, view))


def search_firms(park: Park, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """(id, name) of up to ``limit`` firms whose name or id contains ``text`` (any
    case), those starting with it first, then by name."""
    needle = (text or "").strip().casefold()
    if not needle:
        return []
    found = [(not (f.name.casefold().startswith(needle) or f.id.casefold().startswith(needle)), f.name, f.id)
             for f in park.firms if needle in f.name.casefold() or needle in f.id.casefold()]
    return [(firm, name) for _, name, firm in sorted(found)[:limit]]
