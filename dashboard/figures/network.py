"""The symbiosis network: firms at their place on the site plan, exchanges as arrows.

Clicks are read back through ``customdata``: ``["firm", id]`` on a node and
``["exchange", id]`` on the marker on each arrow, placed away from the nodes so a tap
on a node opens the firm.

Coordinates: the site plan is in km (``positions.firm_positions``); the drawing is in
normalised coordinates, 0-1 on each axis, stretched over the whole panel (no 1:1 lock,
so a wide desktop panel and a square phone panel are both filled). Marker and text sizes
are fixed in px, so they are judged in two nominal frames: a desktop panel (about
1100 x 520 px, larger with a larger font) and a phone (360 x 380 px).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.formatting import full, si
from dashboard.model import Evaluation, ExchangeFlow, Kpis, Park, bound_text
from dashboard.model.vocabulary import StreamKind

from .palette import (
    CATEGORY_COLOURS,
    CATEGORY_LABELS,
    CATEGORY_SYMBOLS,
    SECTOR_COLOURS,
    STATUS_DASH,
    THEMES,
    VIRGIN_GREY,
    base_layout,
    sector_colours,
    with_alpha,
)
from .positions import (
    CHAR_WIDTH,
    Frame,
    LabelScene,
    compress_outliers,
    firm_positions,
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
_STATUS_GREY = VIRGIN_GREY


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
             f"limited by: {plain(bound_text(flow, park))}"]
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


def _node_sizes(park: Park) -> np.ndarray:
    """Marker diameters, px: 14 to 44, growing with the square root of throughput."""
    scores = firm_throughput(park)
    top = max(scores.values()) if scores else 0.0
    return np.array([14 + 30 * math.sqrt(scores[f.id] / top) if top else 18.0 for f in park.firms])


def _key_height(font_size: float) -> float:
    """Height (px) of SECTOR_KEY_ROWS rows of a plotly legend in ``font_size``. (The key
    has no title: plotly shifts a horizontal legend's entries right by its title's width,
    and wrapped rows then run past the right edge.)"""
    return SECTOR_KEY_ROWS * (1.3 * font_size + 5) + 4


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
class _Legend:
    """What the legends list: exchange categories present, status entries, sectors (or
    none when too many to key)."""

    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    sectors: tuple[str, ...]

    def exchange_labels(self) -> list[str]:
        return [CATEGORY_LABELS[c] for c in self.categories] + [_STATUS_NAMES[s] for s in self.statuses]


_STATUS_NAMES = {"existing": "existing", "candidate": "candidate", "off": "switched off"}


def _legend(park: Park, any_off: bool) -> _Legend:
    present = {park.resource[e.resource].category.value for e in park.exchanges}
    statuses = tuple(s for s in ("existing", "candidate") if any(e.status.value == s for e in park.exchanges))
    sectors = tuple(sorted({f.sector or "other" for f in park.firms}))
    return _Legend(tuple(c for c in CATEGORY_COLOURS if c in present), statuses + (("off",) if any_off else ()),
                   sectors if len(sectors) <= SECTOR_KEY_LIMIT else ())


@dataclass(frozen=True)
class _Drawing:
    """The geometry of a park's network: everything that depends on the park and the
    font size, not on the scenario (cached per park). Coordinates are normalised (0-1
    inside ``x_range``/``y_range``); px sizes as drawn.

    ``curves``: (exchanges, points, 2) each exchange's path from its supplier's centre to
    its taker's (the arrowhead stands off by ``standoff`` px, the taker's radius); ``mids``
    (exchanges, 2) the clickable marker on each; ``text``/``textposition`` per firm (None
    above LABEL_LIMIT firms)."""

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


_DRAWINGS_ATTR = "_network_drawings"


def _drawing(park: Park, font_size: int) -> _Drawing:
    """The park's geometry: it does not change with the scenario, so it is made once per
    font size and kept on the (immutable) park, as the model keeps its service plan. Two
    threads drawing a new park at once may both make it; the results are equal."""
    drawings = park.__dict__.setdefault(_DRAWINGS_ATTR, {})
    drawing = drawings.get(font_size)
    if drawing is None:
        drawing = drawings[font_size] = _make_drawing(park, font_size)
    return drawing


def _frames(park: Park, font_size: int) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Nominal plot areas (w, h px) of the desktop panels and of the phone panel: each
    panel less the figure's margins and the estimated height of the legends."""
    scale = max(1.0, font_size / 13)
    legend = _legend(park, any_off=True)
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


def _make_drawing(park: Park, font_size: int) -> _Drawing:
    ids = [f.id for f in park.firms]
    index = {firm: i for i, firm in enumerate(ids)}
    sizes = _node_sizes(park)
    radii = sizes / 2
    n = len(ids)
    labelled = n <= LABEL_LIMIT
    km = compress_outliers(firm_positions(park), factor=1.6)
    start = normalise(np.array([km[firm] for firm in ids], dtype=float).reshape(-1, 2))
    desktops, phone_plot = _frames(park, font_size)
    exchanges = park.exchanges
    source = np.array([index[e.from_firm] for e in exchanges], dtype=int)
    target = np.array([index[e.to_firm] for e in exchanges], dtype=int)
    bend = np.zeros(len(exchanges))
    if labelled:
        parallel: dict[tuple[str, str], int] = defaultdict(int)
        for k, e in enumerate(exchanges):
            bend[k] = 0.12 + 0.14 * parallel[(e.from_firm, e.to_firm)]
            parallel[(e.from_firm, e.to_firm)] += 1
    if not labelled:
        pad = float(radii.max(initial=9.0)) + 4
        phone = Frame(phone_plot[0] - 2 * pad, phone_plot[1] - 2 * pad)
        points = start
        curves, mids = _arrows(points, source, target, bend, radii, Frame(*desktops[0]), phone, 1)
        x_range, y_range = _ranges((0.02, 0.02, 0.03, 0.03), points, radii, phone_plot)
        return _Drawing(points[:, 0].copy(), points[:, 1].copy(), sizes, curves, mids, radii[target] + 1.5,
                        None, None, x_range, y_range)

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
        text, textposition, x_range, y_range = _labels(park, font_size, points, radii, curves, mids,
                                                       desktops, phone_plot)
        span_x, span_y = x_range[1] - x_range[0], y_range[1] - y_range[0]
        actual = [Frame(w / span_x, h / span_y) for w, h in (*desktops, phone_plot)]
        if all(a.width >= f.width * 0.99 and a.height >= f.height * 0.99 for a, f in zip(actual, (*desks, phone))):
            break
        desks = [Frame(a.width * 0.98, a.height * 0.98) for a in actual[:-1]]
        phone = Frame(actual[-1].width * 0.98, actual[-1].height * 0.98)
    return _Drawing(points[:, 0].copy(), points[:, 1].copy(), sizes, curves, mids, radii[target] + 1.5,
                    text, textposition, x_range, y_range)


def _arrows(points: np.ndarray, source: np.ndarray, target: np.ndarray, bend: np.ndarray, radii: np.ndarray,
            desk: Frame, phone: Frame, steps: int, narrow: Frame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each exchange's path ((m, steps + 1, 2), drawing coordinates) from its supplier's
    centre to its taker's, a quadratic Bezier bowing ``bend`` x its length to the left
    in desktop px (so arrows bow evenly on the screen); and its marker's place (m, 2):
    on the arrow, t in 0.3-0.7, clear of the nodes (``_spaced_mids``) when drawn with
    curves, else at the middle. A firm supplying itself gets a small loop above it."""
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
    mids = _spaced_mids(options, points, radii, phone) if steps > 1 else options[:, 0]
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


def _labels(park: Park, font_size: int, points: np.ndarray, radii: np.ndarray, curves: np.ndarray,
            mids: np.ndarray, desktops: list[tuple[float, float]], phone: tuple[float, float]):
    """Label text and textposition per firm, and the axis ranges that hold the labels,
    placed to suit each of the ``desktops`` plot areas (w, h px; on phones the app shows
    names on tap only). The margins around the unit square are shares of it, the same
    in every frame; they grow until every label fits in every frame."""
    names = [str(f.name) for f in park.firms]
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


def _halo(theme: str) -> str:
    """A CSS text-shadow in the theme's page colour around labels, so a name stays
    readable where an arrow passes under it."""
    colour = "#ffffff" if theme == "light" else "#000000"
    return ", ".join(f"{dx}px {dy}px 2px {colour}" for dx, dy in ((1, 1), (-1, -1), (1, -1), (-1, 1)))


def _legend_traces(legend: _Legend, style: dict, font_size: int) -> list[dict]:
    """Legend-only traces (no points): a key, apart from the data traces so each sample
    shows what it stands for. Categories (colour, line, marker shape), then the status
    in grey (solid existing, dashed candidate, faded thin switched off), in ``legend``;
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
        line = ({"color": with_alpha(_STATUS_GREY, 0.75), "width": 1.5} if status == "off"
                else {"color": _STATUS_GREY, "width": 3, "dash": STATUS_DASH[status]})
        traces.append(dict(type="scatter", x=[None], y=[None], mode="lines", name=_STATUS_NAMES[status], line=line))
    for sector, colour in sector_colours(legend.sectors).items():
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=plain(sector),
                           marker={"symbol": "circle", "size": marker, "color": colour, "line": outline}, legend="legend2"))
    return traces


GONE_GREY = "#9e9e9e"
"""Firms that leave the park in a scenario, and their exchanges, are drawn in this grey."""


def network_figure(evaluation: Evaluation, theme: str = "light", font_size: int = 13,
                   click_hints: bool = True, gone: frozenset[str] = frozenset()) -> go.Figure:
    """The park as a directed network for one scenario.

    Firms sit at their site-plan place (km), drawn in normalised coordinates (0-1, see
    the module docstring) that fill the panel: each axis keeps who is west or north of
    whom, clumps are opened up and overlapping nodes pushed apart. Node colour: sector;
    size: throughput. ``click_hints`` adds "click to ..." to hover texts (off where
    nothing is clickable, as in a report or on the kiosk).

    Arrow colour and the shape of the marker on it: category. Solid line: existing
    exchange; dashed: candidate. Faded and thin with a hollow marker: switched off. Line
    width grows with the quantity carried, relative to the largest flow in the same unit
    (in 0.5 px steps). Arrows bow around nodes they do not join; each arrow's clickable
    marker sits where the arrow is clear of the nodes. Names are placed around their
    nodes to overlap as little as possible, and the axis ranges hold them.

    The key is made of point-less traces of its own: below the drawing, the categories
    and the statuses (``legend``); under that, at the foot of the figure, the sector
    colours (``legend2``, at most SECTOR_KEY_ROWS rows, scrolling past that; left out
    above SECTOR_KEY_LIMIT sectors). Legend clicks do nothing: it is a key. Above
    LABEL_LIMIT firms, names show on hover only and arrows are straight, to stay fast.
    The geometry is cached per park and font size, so a toggle only restyles.

    ``gone``: firms that leave the park in the scenario (``evaluation`` is then the whole
    park with their exchanges switched off). They and their exchanges are drawn struck
    out in grey: a grey node under a cross, dotted grey arrows.
    """
    park = evaluation.park
    style = THEMES[theme]
    drawing = _drawing(park, font_size)
    flows = evaluation.flows
    biggest: dict[str, float] = defaultdict(float)
    for flow in flows:
        biggest[flow.unit] = max(biggest[flow.unit], flow.carried)
    category_of = {r.id: r.category.value for r in park.resources}

    groups: dict[tuple, list[int]] = defaultdict(list)
    mids: dict[tuple, list[int]] = defaultdict(list)
    lost: list[int] = []
    for k, flow in enumerate(flows):
        exchange = flow.exchange
        if exchange.from_firm in gone or exchange.to_firm in gone:
            lost.append(k)
            continue
        category = category_of[exchange.resource]
        share = flow.carried / biggest[flow.unit] if biggest[flow.unit] else 0.0
        width = round(2 * (1.5 + 6.5 * math.sqrt(share))) / 2 if flow.active else 1.2  # 0.5 px steps: fewer traces
        groups[(category, exchange.status.value, flow.active, width)].append(k)
        mids[(category, flow.active)].append(k)

    traces: list[dict] = []
    count = drawing.curves.shape[1]
    if lost:
        chosen = np.asarray(lost)
        path = drawing.curves[chosen]
        gaps = np.full((len(chosen), 1), np.nan)
        traces.append(dict(
            type="scatter", x=np.concatenate([path[:, :, 0], gaps], axis=1).ravel(),
            y=np.concatenate([path[:, :, 1], gaps], axis=1).ravel(), mode="lines", hoverinfo="skip",
            line={"color": GONE_GREY, "width": 1.5, "dash": "dot"}, name="gone with a firm that leaves",
            showlegend=True, legend="legend"))
    for (category, status, active, width), members in sorted(groups.items(), key=lambda kv: (not kv[0][2], kv[0])):
        colour = CATEGORY_COLOURS[category] if active else with_alpha(CATEGORY_COLOURS[category], 0.5)
        chosen = np.asarray(members)
        path = drawing.curves[chosen]
        gaps = np.full((len(chosen), 1), np.nan)
        size = np.zeros((len(chosen), count + 1))
        size[:, count - 1] = 10 + 1.6 * width
        standoff = np.zeros((len(chosen), count + 1))
        standoff[:, count - 1] = drawing.standoff[chosen]
        name = f"{CATEGORY_LABELS[category]} \u00b7 {status}" if active else "switched off"
        traces.append(dict(
            type="scatter", x=np.concatenate([path[:, :, 0], gaps], axis=1).ravel(),
            y=np.concatenate([path[:, :, 1], gaps], axis=1).ravel(), mode="lines+markers", hoverinfo="skip",
            line={"color": colour, "width": width, "dash": STATUS_DASH[status]},
            marker={"symbol": "arrow", "angleref": "previous", "size": size.ravel(), "standoff": standoff.ravel(),
                    "color": colour},
            opacity=1.0 if active else 0.7, name=name, showlegend=False))

    for (category, active), members in sorted(mids.items(), key=lambda kv: (not kv[0][1], kv[0])):
        symbol = CATEGORY_SYMBOLS[category] + ("" if active else "-open")
        points = drawing.mids[np.asarray(members)]
        traces.append(dict(
            type="scatter", x=points[:, 0].tolist(), y=points[:, 1].tolist(), mode="markers",
            customdata=np.array([["exchange", flows[k].exchange.id] for k in members], dtype=object),
            hovertext=[exchange_hover(flows[k], park, click_hints) for k in members],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"symbol": symbol, "size": _MID_MARKER, "color": CATEGORY_COLOURS[category],
                    "line": {"color": style["node_line"], "width": 1}},
            name=f"{CATEGORY_LABELS[category]} exchange", showlegend=False))

    colours = sector_colours(f.sector or "other" for f in park.firms)
    firm_kpis = evaluation.firm_kpis
    streams_of: dict[str, list] = defaultdict(list)
    for stream in park.streams:
        streams_of[stream.firm].append(stream)
    labelled = drawing.text is not None
    traces.append(dict(
        type="scatter", x=drawing.x.tolist(), y=drawing.y.tolist(), mode="markers+text" if labelled else "markers",
        text=drawing.text, textposition=drawing.textposition,
        textfont={"size": font_size, "color": style["text"], "shadow": _halo(theme)},
        customdata=np.array([["firm", f.id] for f in park.firms], dtype=object),
        hovertext=[f"<b>{plain(f.name)}</b><br>leaves the park in this scenario" if f.id in gone else
                   firm_hover(park, f.id, firm_kpis[f.id], streams_of.get(f.id, []), click_hints) for f in park.firms],
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"size": drawing.sizes.tolist(),
                "color": [GONE_GREY if f.id in gone else colours[f.sector or "other"] for f in park.firms],
                "line": {"color": style["node_line"], "width": 1.5}, "opacity": 1.0},
        name="firm", showlegend=False))
    if gone:
        struck = [i for i, f in enumerate(park.firms) if f.id in gone]
        traces.append(dict(
            type="scatter", x=drawing.x[struck].tolist(), y=drawing.y[struck].tolist(), mode="markers",
            hoverinfo="skip", marker={"symbol": "x-thin-open", "size": (drawing.sizes[struck] * 1.15).tolist(),
                                      "color": style["text"], "line": {"color": style["text"], "width": 3}},
            name="firm that leaves", showlegend=True, legend="legend"))

    any_off = any(not flow.active for flow in flows)
    legend = _legend(park, any_off)
    traces.extend(_legend_traces(legend, style, font_size))
    legend_font = {"size": font_size - 1}
    layout = dict(
        base_layout(theme, font_size),
        margin={"l": MARGIN, "r": MARGIN, "t": MARGIN, "b": MARGIN}, hovermode="closest", clickmode="event",
        dragmode="pan", uirevision=park.content_hash, showlegend=True,
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
    return go.Figure(data=traces, layout=layout)
