"""The network's geometry as plain data: where each node, arrow, clickable marker and
label goes, for one ``groups.Graph`` and font size. No plotly here; ``network`` draws it.

Coordinates: the site plan is in km (``Graph.positions``); the drawing is in normalised
coordinates, 0-1 on each axis, stretched over the whole panel (no 1:1 lock, so a wide
desktop panel and a square phone panel are both filled). Marker and text sizes are fixed
in px, so they are judged in two nominal frames: a desktop panel (about 1100 x 520 px,
larger with a larger font) and a phone (360 x 380 px).

The geometry depends on the park and the view, not on the scenario: it is kept in a
bounded cache (``DRAWINGS``) keyed by the park's content hash, the view and the font
size, so a toggle only restyles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from dashboard.model.cache import BoundedCache

from .groups import Graph, NetworkView, graph_for
from .palette import CATEGORY_COLOURS, CATEGORY_LABELS, SECTOR_COLOURS
from .positions import (
    CHAR_WIDTH,
    Frame,
    LabelScene,
    compress_outliers,
    normalise,
    place_labels,
    separate,
    text_size,
    wrap_label,
)
from .text import plain

LABEL_LIMIT = 40
"""Above this many firms, names show on hover only: labels would cover the drawing."""

SECTOR_KEY_LIMIT = len(SECTOR_COLOURS)
"""Most sectors the colour key lists: past this, colours repeat and a key would mislead
(the hover still names each firm's sector)."""

SECTOR_KEY_ROWS = 2
"""Rows of the sector key shown; more (on a phone) scroll."""

DESKTOPS = ((1100, 520), (800, 560))
"""Nominal sizes of the network panel on a desktop, px, at font size 13 (scaled up with
the font: the kiosk's 22 px font goes with a big screen): a wide screen and a narrower
one (the dashboard gives the network 7/12 of the window). Labels are placed to suit both."""
PHONE = (360, 380)
"""Nominal size of the network panel on a phone, px: taps and nodes are checked there."""
MARGIN = 8
"""The figure's own margin on each side, px."""

_CURVE_POINTS = 14
_MID_MARKER = 13
"""Size (px) of the clickable marker on each arrow."""
_MARKER_GAP = 8.0
"""Least gap (px, phone) wanted between an arrow's marker and any node: a tap on the
node's edge then lands on the node."""


def _node_sizes(graph: Graph) -> np.ndarray:
    """Marker diameters, px: 14 to 44 (groups of firms 22 to 52; past LABEL_LIMIT nodes,
    firms 8 to 26 and groups 26), growing with the square root of throughput."""
    top = max(graph.throughput, default=0.0)
    if graph.aggregated:
        base, span = 22.0, 30.0
    elif len(graph.nodes) > LABEL_LIMIT:
        base, span = 8.0, 18.0
    else:
        base, span = 14.0, 30.0
    sizes = np.array([base + span * math.sqrt(score / top) if top else base + 4 for score in graph.throughput])
    if len(graph.nodes) > LABEL_LIMIT and not graph.aggregated:
        sizes[[node.kind == "group" for node in graph.nodes]] = 26.0
    return sizes


def _key_height(font_size: float) -> float:
    """Height (px) of SECTOR_KEY_ROWS rows of a plotly legend in ``font_size``. (The key
    has no title: plotly shifts a horizontal legend's entries right by its title's width,
    and wrapped rows then run past the right edge.) Plotly draws a row in 1.3 x the font
    size + 5 px (19 px at 11 px, measured in chromium) and pads the legend by 10 px; 2 px
    more, so rows that all fit show no scrollbar."""
    return SECTOR_KEY_ROWS * (1.3 * font_size + 5) + 12


def _legend_height(labels: list[str], font_size: float, width: float, marker_only: bool = False) -> float:
    """Estimated height (px) of a horizontal plotly legend of ``labels`` in ``width`` px.
    Plotly puts the entries in one row when they fit; else in a grid with columns as
    wide as the widest entry."""
    if not labels:
        return 0.0
    sample = 30.0 if marker_only else 40.0
    items = [sample + 8 + CHAR_WIDTH * font_size * len(label) for label in labels]
    if sum(items) <= width:
        rows = 1
    else:
        rows = math.ceil(len(items) / max(1, int(width // max(items))))
    return rows * (font_size * 1.25 + 5) + 12


@dataclass(frozen=True)
class Legend:
    """What the legends list: exchange categories present, status entries, sectors (or
    none when too many to key)."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    sectors: tuple[str, ...]

    def exchange_labels(self) -> list[str]:
        return [CATEGORY_LABELS[c] for c in self.categories] + [_STATUS_NAMES[s] for s in self.statuses]


_STATUS_NAMES = {"existing": "existing", "candidate": "candidate", "off": "switched off"}


def legend_of(graph: Graph, any_off: bool) -> Legend:
    """The key of a view: the categories and statuses of the exchanges it draws, and
    the sectors of the firms it draws (none in a view of groups: their names are on
    them)."""
    park = graph.park
    exchanges = [park.exchange[ref] for link in graph.links for ref in link.exchanges]
    present = {park.resource[e.resource].category.value for e in exchanges}
    statuses = tuple(s for s in ("existing", "candidate") if any(e.status.value == s for e in exchanges))
    sectors = tuple(sorted({node.colour_key for node in graph.nodes if node.kind == "firm"}))
    return Legend(tuple(c for c in CATEGORY_COLOURS if c in present), statuses + (("off",) if any_off else ()),
                   sectors if len(sectors) <= SECTOR_KEY_LIMIT else ())


@dataclass(frozen=True)
class Drawing:
    """The geometry of one view of a park's network: everything that depends on the park,
    the view and the font size, not on the scenario. Coordinates are normalised (0-1
    inside ``x_range``/``y_range``); px sizes as drawn.

    ``graph``: the nodes and links drawn; ``legend``: its key (with "switched off").
    ``curves``: (links, points, 2) each link's path
    from its source's centre to its target's (the arrowhead stands off by ``standoff``
    px, the target's radius); ``mids`` (links, 2) the clickable marker on each;
    ``text``/``textposition`` per node (None above LABEL_LIMIT nodes)."""

    graph: Graph
    legend: Legend
    x: np.ndarray
    y: np.ndarray
    sizes: np.ndarray
    curves: np.ndarray
    mids: np.ndarray
    standoff: np.ndarray
    text: list[str] | None
    textposition: list[str] | None
    x_range: tuple[float, float]
    y_range: tuple[float, float]


DRAWINGS: BoundedCache[Drawing] = BoundedCache(64)
"""Drawings made most recently, by (park content hash, view, font size)."""


def drawing_for(park, view: NetworkView, font_size: int) -> Drawing:
    """The geometry of ``view`` (resolved on ``park``) in ``font_size``, from DRAWINGS or
    made and kept there."""
    view = view.resolve(park)
    return DRAWINGS.get_or_make((park.content_hash, view, font_size),
                                lambda: make_drawing(graph_for(park, view), font_size))


def _frames(graph: Graph, font_size: int) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Nominal plot areas (w, h px) of the desktop panels and of the phone panel: each
    panel less the figure's margins and the estimated height of the legends."""
    scale = max(1.0, font_size / 13)
    legend = legend_of(graph, any_off=True)
    result = []
    for width, height in (*DESKTOPS, PHONE):
        width, height = width * scale, height * scale
        plot_w = width - 2 * MARGIN
        used = (_legend_height(legend.exchange_labels(), font_size - 1, plot_w)
                + min(_legend_height(list(legend.sectors), font_size - 2, plot_w, marker_only=True),
                      _key_height(font_size - 2) + 10))
        result.append((plot_w, max(0.35 * height, height - 2 * MARGIN - used)))
    return result[:-1], result[-1]


def _bezier(start: np.ndarray, control: np.ndarray, end: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Points (m, len(t), 2) of quadratic Beziers (m, 2 each) at parameters ``t``."""
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t ** 2
    return (a[None, :, None] * start[:, None, :] + b[None, :, None] * control[:, None, :]
            + c[None, :, None] * end[:, None, :])


def make_drawing(graph: Graph, font_size: int) -> Drawing:
    """Place ``graph``'s nodes, links, markers and labels (see the module docstring)."""
    sizes = _node_sizes(graph)
    radii = sizes / 2
    n = len(graph.nodes)
    labelled = n <= LABEL_LIMIT
    km = compress_outliers(dict(enumerate(graph.positions)), factor=1.6)
    start = normalise(np.array([km[i] for i in range(n)], dtype=float).reshape(-1, 2))
    desktops, phone_plot = _frames(graph, font_size)
    source = np.array([link.source for link in graph.links], dtype=int)
    target = np.array([link.target for link in graph.links], dtype=int)
    bend = np.zeros(len(graph.links))
    parallel: dict[tuple[int, int], int] = defaultdict(int)
    between: dict[tuple[int, int], int] = defaultdict(int)
    along = np.full(len(graph.links), 0.5)
    for k, link in enumerate(graph.links):
        bend[k] = 0.12 + 0.14 * parallel[(link.source, link.target)]
        parallel[(link.source, link.target)] += 1
        # drawn straight (many nodes): links between the same two nodes, either way, keep
        # their markers apart along the line instead, so a click reaches the one aimed at
        pair = (min(link.source, link.target), max(link.source, link.target))
        count = between[pair]
        between[pair] += 1
        along[k] = 0.5 + 0.1 * ((count + 1) // 2) * (1 if count % 2 else -1) if count < 5 else 0.5
    if not labelled:
        pad = float(radii.max(initial=9.0)) + 4
        phone = Frame(phone_plot[0] - 2 * pad, phone_plot[1] - 2 * pad)
        points = start
        curves, mids = _arrows(points, source, target, np.zeros(len(graph.links)), radii, Frame(*desktops[0]),
                               phone, 1, along=along)
        x_range, y_range = _ranges((0.02, 0.02, 0.03, 0.03), points, radii, phone_plot)
        text = textposition = None
        if any(node.kind == "group" for node in graph.nodes):  # an opened group: the groups around it named
            text = [plain(node.name) if node.kind == "group" else "" for node in graph.nodes]
            textposition = ["top center" if y >= 0.5 else "bottom center" for y in points[:, 1]]
            y_range = (y_range[0] - 0.06, y_range[1] + 0.06)
        return Drawing(graph, legend_of(graph, any_off=True), points[:, 0].copy(), points[:, 1].copy(), sizes, curves, mids, radii[target] + 1.5,
                       text, textposition, x_range, y_range)

    linked = np.zeros((n, n), dtype=bool)
    linked[source, target] = linked[target, source] = True
    together = radii[:, None] + radii[None, :]
    # px per unit of drawing coordinates: guessed, then (once) taken from the margins
    # the labels need, which shrink the unit
    r_max = float(radii.max(initial=9.0))
    desks = [Frame(w * 0.84, h * 0.84) for w, h in desktops]
    phone = Frame(phone_plot[0] - 2 * (r_max + 4), phone_plot[1] - 2 * (r_max + 4))
    for _ in range(2):
        # room for a line of text between nodes on a desktop; on a phone, room for the
        # marker of an arrow between linked nodes, clear of both (taps hit what they see)
        points = (separate(start, [(frame, together + font_size) for frame in desks]
                           + [(phone, together + np.where(linked, _MID_MARKER + 2 * _MARKER_GAP, 8.0))])
                  if n > 1 else start)
        curves, mids = _arrows(points, source, target, bend, radii, desks[0], phone, _CURVE_POINTS, desks[-1])
        text, textposition, x_range, y_range = _labels(graph, font_size, points, radii, curves, mids,
                                                       desktops, phone_plot)
        span_x, span_y = x_range[1] - x_range[0], y_range[1] - y_range[0]
        actual = [Frame(w / span_x, h / span_y) for w, h in (*desktops, phone_plot)]
        if all(a.width >= f.width * 0.99 and a.height >= f.height * 0.99 for a, f in zip(actual, (*desks, phone))):
            break
        desks = [Frame(a.width * 0.98, a.height * 0.98) for a in actual[:-1]]
        phone = Frame(actual[-1].width * 0.98, actual[-1].height * 0.98)
    return Drawing(graph, legend_of(graph, any_off=True), points[:, 0].copy(), points[:, 1].copy(), sizes, curves, mids, radii[target] + 1.5,
                   text, textposition, x_range, y_range)


def _arrows(points: np.ndarray, source: np.ndarray, target: np.ndarray, bend: np.ndarray, radii: np.ndarray,
            desk: Frame, phone: Frame, steps: int, narrow: Frame | None = None,
            along: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each exchange's path ((m, steps + 1, 2), drawing coordinates) from its supplier's
    centre to its taker's, a quadratic Bezier bowing ``bend`` x its length to the left
    in desktop px (so arrows bow evenly on the screen); and its marker's place (m, 2):
    on the arrow, t in 0.3-0.7, clear of the nodes (``_spaced_mids``) when drawn with
    curves, else at ``along`` (default the middle). A firm supplying itself gets a small loop above it."""
    m = len(source)
    t = np.linspace(0.0, 1.0, steps + 1)
    if not m:
        return np.zeros((0, len(t), 2)), np.zeros((0, 2))
    scale = np.array([desk.width, desk.height])
    begin, end = points[source] * scale, points[target] * scale
    delta = end - begin
    normal = np.column_stack([-delta[:, 1], delta[:, 0]])
    if steps > 1:
        bend = _route(points, source, target, bend, radii, begin, end, normal, scale, (narrow or desk, phone))
    control = (begin + end) / 2 + normal * bend[:, None]
    curves = _bezier(begin, control, end, t) / scale
    probe = np.linspace(0.3, 0.7, 9) if steps > 1 else np.array([0.5])
    probe = probe[np.argsort(np.abs(probe - 0.5), kind="stable")]
    options = _bezier(begin, control, end, probe) / scale
    loops = source == target
    if loops.any():  # in phone px, the tightest frame
        size = 0.75 * radii[source[loops]] + 8
        angle = 2 * math.pi * t
        rx, ry = size / phone.width, size / phone.height
        base = points[source[loops]]
        curves[loops, :, 0] = base[:, None, 0] + rx[:, None] * np.sin(angle)[None, :]
        curves[loops, :, 1] = base[:, None, 1] + ry[:, None] * (1 - np.cos(angle))[None, :]
        options[loops] = np.stack([base[:, 0], base[:, 1] + 2 * ry], axis=1)[:, None, :]
    if steps > 1:
        mids = _spaced_mids(options, points, radii, phone)
    elif along is not None:
        mids = points[source] + (points[target] - points[source]) * along[:, None]
        mids[loops] = options[loops, 0]
    else:
        mids = options[:, 0]
    return curves, mids


_BOWS = ((1.0, 0.0), (-1.0, 0.0), (1.0, 0.22), (-1.0, 0.22))
"""Ways an arrow may bow: (side, extra bend); the first is the default."""


def _route(points: np.ndarray, source: np.ndarray, target: np.ndarray, bend: np.ndarray, radii: np.ndarray,
           begin: np.ndarray, end: np.ndarray, normal: np.ndarray, scale: np.ndarray,
           frames: tuple[Frame, Frame]) -> np.ndarray:
    """Bends that keep arrows off the nodes they do not join. An arrow is in the way
    when it passes within _MARKER_GAP px of a third node on a desktop (``frames[0]``,
    the narrower), or when the middle of it, where its marker goes, has no room for
    the marker on a phone (``frames[1]``). Then all the arrows of its pair of firms bow
    to the other side or further (``_BOWS``), whichever keeps furthest from third nodes;
    they change together, so those both ways between two firms stay apart. ``begin``,
    ``end``, ``normal`` and ``scale`` are in (wide) desktop px, as in ``_arrows``."""
    n = len(points)
    along = np.linspace(0.15, 0.85, 8)
    middle = np.linspace(0.3, 0.7, 5)
    own = (np.arange(n)[None, :] == source[:, None]) | (np.arange(n)[None, :] == target[:, None])
    rooms = []
    for side, extra in _BOWS:
        control = (begin + end) / 2 + normal * (side * (bend + extra))[:, None]
        room = []
        for frame, t in ((frames[0], along), (frames[1], middle)):
            size = np.array([frame.width, frame.height])
            path = _bezier(begin, control, end, t) * (size / scale)  # (m, t, 2)
            offset = path[:, :, None, :] - (points * size)[None, None, :, :]
            room.append(np.hypot(offset[..., 0], offset[..., 1]) - radii)  # (m, t, n)
        desktop = np.where(own[:, None, :], np.inf, room[0]).min(axis=(1, 2))  # the whole arrow, third nodes
        phone = (room[1].min(axis=2) - _MID_MARKER / 2).max(axis=1)  # the best spot for the marker, any node
        rooms.append(np.minimum(desktop, phone))
    pair = np.minimum(source, target) * n + np.maximum(source, target)
    keys, inverse = np.unique(pair, return_inverse=True)
    per_pair = np.full((len(_BOWS), len(keys)), np.inf)
    for number, room in enumerate(rooms):
        np.minimum.at(per_pair[number], inverse, room)
    chosen = np.zeros(len(keys), dtype=int)
    best = np.full(len(keys), -np.inf)
    for number in range(len(_BOWS)):
        better = per_pair[number] > best + 4.0  # another bow only when clearly better
        chosen[better], best[better] = number, per_pair[number][better]
    chosen[per_pair[0] >= _MARKER_GAP] = 0  # clear as it is
    choice = chosen[inverse]
    choice[source == target] = 0  # a firm's loop keeps its shape
    sides = np.array([side for side, _ in _BOWS])[choice]
    extras = np.array([extra for _, extra in _BOWS])[choice]
    return sides * (bend + extras)


def _spaced_mids(candidates: np.ndarray, points: np.ndarray, radii: np.ndarray, phone: Frame) -> np.ndarray:
    """Per exchange, the candidate point on its arrow ((m, k, 2) drawing coordinates)
    for its clickable marker, judged in phone px: first clear of every node (the gap
    between the marker's edge and the nearest node's, at least _MARKER_GAP px if any
    candidate allows it, else as large as it gets), then as far as possible from the
    markers already placed. Ties go to the earlier candidate (nearest the middle of the
    arrow); exchanges in park order."""
    scale = np.array([phone.width, phone.height])
    node_px = points * scale
    placed: list[np.ndarray] = []
    result = np.zeros((len(candidates), 2))
    for k, options in enumerate(candidates):
        px = options * scale
        gap = (np.hypot(*(px[:, None, :] - node_px[None, :, :]).transpose(2, 0, 1)) - radii[None, :]).min(axis=1)
        gap -= _MID_MARKER / 2
        spread = (np.hypot(*(px[:, None, :] - np.array(placed)[None, :, :]).transpose(2, 0, 1)).min(axis=1)
                  if placed else np.full(len(px), 1e3))
        clear = gap >= _MARKER_GAP
        score = np.where(clear, 1e6 + np.minimum(spread, gap + 2 * _MID_MARKER), gap) if clear.any() else gap
        best = int(np.argmax(score))
        placed.append(px[best])
        result[k] = options[best]
    return result


def _ranges(margins: tuple[float, float, float, float], points: np.ndarray, radii: np.ndarray,
            phone: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges around the unit square of drawing coordinates from margins (left,
    right, bottom, top) as shares of the unit, widened where something drawn at
    ``points`` (drawing coordinates; nodes, or an arrow bowing out) would be cut off in
    the phone frame (its radius, px, + 3 px; ``phone`` is the plot area, px)."""
    left, right, bottom, top = margins
    if len(points):
        unit_w, unit_h = phone[0] * 0.8, phone[1] * 0.8  # px per unit, less the pads themselves
        reach_x, reach_y = (radii + 3) / unit_w, (radii + 3) / unit_h
        left = max(left, float((reach_x - points[:, 0]).max()))
        right = max(right, float((reach_x - (1 - points[:, 0])).max()))
        bottom = max(bottom, float((reach_y - points[:, 1]).max()))
        top = max(top, float((reach_y - (1 - points[:, 1])).max()))
    return (-left, 1 + right), (-bottom, 1 + top)


def _densify(paths: np.ndarray, step: float = 4.0) -> np.ndarray:
    """Points along polylines ((m, k, 2) px), at most ``step`` px apart: (p, 2) px."""
    start = paths[:, :-1].reshape(-1, 2)
    delta = paths[:, 1:].reshape(-1, 2) - start
    pieces = np.maximum(1, np.ceil(np.hypot(delta[:, 0], delta[:, 1]) / step)).astype(int)
    segment = np.repeat(np.arange(len(start)), pieces)
    offset = np.arange(len(segment)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    return start[segment] + delta[segment] * (offset / pieces[segment])[:, None]


def _to_px(xy: np.ndarray, frame: tuple[float, float, float, float]) -> np.ndarray:
    """Drawing coordinates (0-1) -> px with y down, for a frame (left, top, width, height px)."""
    left, top, width, height = frame
    return np.stack([left + xy[..., 0] * width, top + (1 - xy[..., 1]) * height], axis=-1)


def _labels(graph: Graph, font_size: int, points: np.ndarray, radii: np.ndarray, curves: np.ndarray,
            mids: np.ndarray, desktops: list[tuple[float, float]], phone: tuple[float, float]):
    """Label text and textposition per firm, and the axis ranges that hold the labels,
    placed to suit each of the ``desktops`` plot areas (w, h px; on phones the app shows
    names on tap only). The margins around the unit square are shares of it, the same
    in every frame; they grow until every label fits in every frame."""
    names = [str(node.name) for node in graph.nodes]
    variants_text = [[name] + ([wrapped] if (wrapped := wrap_label(name)) else []) for name in names]
    variants = [[text_size(v, font_size) for v in options] for options in variants_text]
    drawn = np.concatenate([points, curves.reshape(-1, 2), mids])
    reach = np.concatenate([radii, np.full(curves.shape[0] * curves.shape[1], 5.0), np.full(len(mids), _MID_MARKER / 2)])
    (left, right), (bottom, top) = _ranges((0.0, 0.0, 0.0, 0.0), drawn, reach, phone)
    share = [-left, right - 1, -bottom, top - 1]  # left, right, bottom, top
    pad = 3.0
    half = _MID_MARKER / 2 + 1
    for _ in range(6):
        scenes, units = [], []
        for width, height in desktops:
            unit_w, unit_h = width / (1 + share[0] + share[1]), height / (1 + share[2] + share[3])
            frame = (share[0] * unit_w, share[3] * unit_h, unit_w, unit_h)
            mid_px = _to_px(mids, frame)
            scenes.append(LabelScene(
                centres=_to_px(points, frame), area=(pad, pad, width - pad, height - pad),
                obstacles=np.column_stack([mid_px - half, mid_px + half]) if len(mids) else None,
                points=_densify(_to_px(curves, frame)) if curves.size else None))
            units.append((unit_w, unit_h))
        placement = place_labels(scenes, radii, variants)
        grown = list(share)
        for (width, height), (unit_w, unit_h), boxes in zip(desktops, units, placement.boxes):
            over = (pad - boxes[:, 0].min(), boxes[:, 2].max() - (width - pad),
                    boxes[:, 3].max() - (height - pad), pad - boxes[:, 1].min())  # left, right, bottom, top
            for side, (px, unit) in enumerate(zip(over, (unit_w, unit_w, unit_h, unit_h))):
                if px > 2.0:  # less fits in the pad
                    grown[side] = max(grown[side], share[side] + px / unit)
        if grown == share:
            break
        share = grown
    text = ["<br>".join(plain(line) for line in variants_text[i][v].split("\n"))
            for i, v in enumerate(placement.variant)]
    share = [float(v) for v in share]
    return text, placement.position, (-share[0], 1 + share[1]), (-share[2], 1 + share[3])

