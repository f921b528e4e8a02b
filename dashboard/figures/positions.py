"""Where each firm sits on the network drawing.

Two kinds of coordinates. Site-plan positions are in km (``firm_positions``,
``compress_outliers``). Drawing coordinates are normalised, 0-1 on each axis
(``normalise``, ``separate``): the figure maps that square onto the whole panel, whatever
its shape, so a wide desktop panel and a square phone panel are both filled. Sizes on the
screen (markers, text) are fixed in px, so they are judged in nominal frames (``Frame``):
a frame says how many px one unit of drawing coordinates spans across and up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from dashboard.model import Park

EARTH_RADIUS_KM = 6371.0

POSITIONS: tuple[str, ...] = ("middle right", "top right", "bottom right", "top center", "bottom center",
                              "middle left", "top left", "bottom left")
"""The eight plotly ``textposition`` values around a marker, in order of preference."""

LINE_SPACING = 1.3
"""Plotly's line height, in font sizes, for multi-line text."""

CHAR_WIDTH = 0.6
"""Estimated width of a character, in font sizes (plotly does not measure text for us)."""


@dataclass(frozen=True)
class Frame:
    """A nominal drawing on the screen: ``width`` x ``height`` px for the unit square of
    drawing coordinates (x to the right, y up)."""

    width: float
    height: float

    def px(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) drawing coordinates (0-1) -> px in this frame, y still up."""
        return np.asarray(points, dtype=float) * (self.width, self.height)


def firm_positions(park: Park) -> dict[str, tuple[float, float]]:
    """Positions in km: the site plan's ``x``/``y`` when every firm has them; else
    ``lat``/``lon`` projected onto a local plane (equirectangular, fine at park scale);
    else a seeded spring layout of the exchange graph, so the same park always looks
    the same. Firms missing coordinates when others have them are placed by the layout
    around their fixed neighbours."""
    if all(f.x is not None for f in park.firms):
        return {f.id: (f.x, f.y) for f in park.firms}
    fixed: dict[str, tuple[float, float]] = {}
    if any(f.lat is not None for f in park.firms):
        located = [f for f in park.firms if f.lat is not None]
        lat0 = sum(f.lat for f in located) / len(located)
        lon0 = sum(f.lon for f in located) / len(located)
        scale = math.pi / 180 * EARTH_RADIUS_KM
        fixed = {f.id: ((f.lon - lon0) * scale * math.cos(math.radians(lat0)), (f.lat - lat0) * scale)
                 for f in located}
    elif any(f.x is not None for f in park.firms):
        fixed = {f.id: (f.x, f.y) for f in park.firms if f.x is not None}
    if len(fixed) == len(park.firms):
        return fixed
    graph = nx.Graph()
    graph.add_nodes_from(f.id for f in park.firms)
    graph.add_edges_from((e.from_firm, e.to_firm) for e in park.exchanges if e.from_firm != e.to_firm)
    span = _span(fixed.values()) if len(fixed) > 1 else max(1.0, math.sqrt(len(park.firms)))
    # Past 500 nodes networkx switches to its sparse solver (SciPy), several seconds for
    # 50 rounds on a big park: 20 rounds place such a park well enough, once per park
    layout = nx.spring_layout(graph, pos=fixed or None, fixed=list(fixed) or None, seed=7,
                              iterations=50 if len(park.firms) <= 500 else 20,
                              k=span / max(1.0, math.sqrt(len(park.firms))), scale=span / 2 if not fixed else None)
    return {node: (float(x), float(y)) for node, (x, y) in layout.items()}


def compress_outliers(positions: dict[str, tuple[float, float]], factor: float = 2.0) -> dict[str, tuple[float, float]]:
    """Pull far-away partners (a cement works 250 km off, farms across the region) in
    towards the park, so the park itself is not a dot in the corner: distances (km) from
    the median centre beyond ``factor`` x the median distance grow only logarithmically.
    Directions are kept; the hover still gives each firm's own data. Returns km."""
    if len(positions) < 3:
        return dict(positions)
    xs = sorted(p[0] for p in positions.values())
    ys = sorted(p[1] for p in positions.values())
    cx, cy = xs[len(xs) // 2], ys[len(ys) // 2]
    distances = sorted(math.hypot(x - cx, y - cy) for x, y in positions.values())
    radius = factor * max(distances[len(distances) // 2], 1e-6)
    result = {}
    for firm, (x, y) in positions.items():
        d = math.hypot(x - cx, y - cy)
        if d <= radius:
            result[firm] = (x, y)
        else:
            scaled = radius * (1 + 0.3 * math.log(d / radius))
            result[firm] = (cx + (x - cx) * scaled / d, cy + (y - cy) * scaled / d)
    return result


def normalise(points: np.ndarray, rank_weight: float = 0.5) -> np.ndarray:
    """(n, 2) positions in km -> drawing coordinates, 0-1 on each axis.

    Each axis is scaled to 0-1 on its own (the 1:1 aspect of the site plan is given up to
    fill the panel) and blended with its rank spread (the i-th smallest of n at
    i / (n - 1); ties share their mean rank), ``rank_weight`` of each: clumps of a park
    spread over two sites open up, outliers come in, and the order on each axis, who is
    west or north of whom, is kept. A single firm, or an axis where all firms are level,
    sits at 0.5."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    result = np.full(points.shape, 0.5)
    n = len(points)
    if n < 2:
        return result
    for axis in range(2):
        values = points[:, axis]
        low, high = float(values.min()), float(values.max())
        if high - low <= 1e-12 * max(1.0, abs(high)):
            continue
        unique, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        first = np.concatenate(([0], np.cumsum(counts)[:-1]))
        rank = (first + (counts - 1) / 2)[inverse] / (n - 1)
        result[:, axis] = (1 - rank_weight) * (values - low) / (high - low) + rank_weight * rank
    return result


def separate(points: np.ndarray, needs: list[tuple[Frame, np.ndarray]], rounds: int = 200) -> np.ndarray:
    """Push apart markers that are too close, in drawing coordinates (0-1, kept inside).

    ``needs`` pairs a frame with an (n, n) matrix of the least distance, in px of that
    frame, between the centres of markers i and j (their radii plus a gap). Each round
    moves every pair that is too close apart along the line between them, half the
    shortfall each, in each frame in turn; at most ``rounds`` rounds. A pair is parted in
    the direction it had at the start on each axis, so the order on each axis (who is
    west or north of whom) is kept for every pair parted. O(n^2) per round: for parks
    drawn with labels only. Deterministic: markers on the same spot part along fixed
    directions (by index)."""
    result = np.array(points, dtype=float).reshape(-1, 2)
    n = len(result)
    if n < 2:
        return result
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    start = result.copy()
    order = np.sign(start[None, :, :] - start[:, None, :]) * (np.abs(start[None, :, :] - start[:, None, :]) > 1e-3)
    golden = np.arange(n) * 2.399963229728653  # golden angle, radians: fixed, well spread directions
    fallback = np.stack([np.cos(golden), np.sin(golden)], axis=1)
    for _ in range(rounds):
        moved = False
        for frame, need in needs:
            scale = np.array([frame.width, frame.height])
            px = result * scale
            delta = px[None, :, :] - px[:, None, :]  # delta[i, j]: from i to j
            distance = np.hypot(delta[..., 0], delta[..., 1])
            short = upper & (distance < need - 0.25)
            if not short.any():
                continue
            moved = True
            same = distance < 1e-9
            direction = np.where(same[..., None], fallback[:, None, :], delta / np.where(same, 1.0, distance)[..., None])
            # part each pair the way it was ordered at the start: pushes never swap who
            # is west or north of whom, and undo a swap that pushes by others caused
            direction = np.where(order != 0, order * np.abs(direction), direction)
            push = np.where(short, (need - distance) / 2, 0.0)[..., None] * direction
            shift = push.sum(axis=0) - push.sum(axis=1)  # j moves along +direction, i along -direction
            result = np.clip(result + 0.8 * shift / scale, 0.0, 1.0)
        if not moved:
            break
    return result


def wrap_label(text: str, longest: int = 16) -> str | None:
    """``text`` on two lines, split at the space nearest its middle, when it is longer
    than ``longest`` characters and has a space; else None."""
    if len(text) <= longest or " " not in text.strip():
        return None
    middle = len(text) / 2
    spaces = [i for i, c in enumerate(text) if c == " " and 0 < i < len(text) - 1]
    if not spaces:
        return None
    cut = min(spaces, key=lambda i: (abs(i - middle), i))
    return text[:cut] + "\n" + text[cut + 1:]


def text_size(text: str, font_size: float) -> tuple[float, float]:
    """Estimated (width, height) in px of plotly text; lines split at ``\\n``."""
    lines = text.split("\n")
    width = CHAR_WIDTH * font_size * max(len(line) for line in lines)
    height = font_size * ((len(lines) - 1) * LINE_SPACING + 1) + 0.3 * font_size
    return width, height


def label_box(centre: tuple[float, float], radius: float, size: tuple[float, float], position: str) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1), px with y down, that plotly gives a text of ``size``
    (w, h px) at ``position`` next to a marker of ``radius`` px centred at ``centre``
    (px, y down): plotly offsets text by radius / 0.8 + 1 px from the centre."""
    cx, cy = centre
    width, height = size
    offset = radius / 0.8 + 1 if radius else 0.0
    vertical, horizontal = position.split()
    x0 = cx + offset if horizontal == "right" else cx - offset - width if horizontal == "left" else cx - width / 2
    y0 = cy - offset - height if vertical == "top" else cy + offset if vertical == "bottom" else cy - height / 2
    return x0, y0, x0 + width, y0 + height


def _points_in(points: np.ndarray, boxes: np.ndarray, cell: float = 4.0) -> np.ndarray:
    """About how many of ``points`` (p, 2 px) fall in each of ``boxes`` (q, 4 px): points
    are counted on a grid of ``cell`` px and summed per box from a summed-area table,
    O(p + q) rather than O(p q)."""
    low = np.minimum(points.min(axis=0), boxes[:, :2].min(axis=0)) - cell
    high = np.maximum(points.max(axis=0), boxes[:, 2:].max(axis=0)) + cell
    shape = np.ceil((high - low) / cell).astype(int) + 1
    cells = ((points - low) / cell).astype(int)
    grid = np.zeros((shape[0] + 1, shape[1] + 1))
    np.add.at(grid, (cells[:, 0] + 1, cells[:, 1] + 1), 1.0)
    table = grid.cumsum(axis=0).cumsum(axis=1)
    x0, y0 = (np.round((boxes[:, :2] - low) / cell).astype(int)).T
    x1, y1 = (np.round((boxes[:, 2:] - low) / cell).astype(int)).T
    return table[x1, y1] - table[x0, y1] - table[x1, y0] + table[x0, y0]


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Overlap areas (px^2) of boxes a (p, 4) with boxes b (q, 4): a (p, q) array."""
    width = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    height = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return np.clip(width, 0, None) * np.clip(height, 0, None)


@dataclass(frozen=True)
class LabelScene:
    """The drawing in one frame, for ``place_labels``: marker ``centres`` (n, 2 px, y
    down), the ``area`` labels should stay in (x0, y0, x1, y1 px), ``obstacles`` (k, 4
    boxes px: the exchanges' markers) and ``points`` (p, 2 px: samples along the arrows,
    a few px apart)."""

    centres: np.ndarray
    area: tuple[float, float, float, float]
    obstacles: np.ndarray | None = None
    points: np.ndarray | None = None


@dataclass(frozen=True)
class Placement:
    """Labels placed by ``place_labels``: per marker the chosen variant (index into its
    variants) and plotly ``textposition``, and per scene each label's box (px, y down)."""

    variant: list[int]
    position: list[str]
    boxes: list[np.ndarray]


def _costs(scene: LabelScene, radii: np.ndarray, options: list[tuple[int, int, int]], owner: np.ndarray,
           variants: list[list[tuple[float, float]]], gap: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes of every option in ``scene``, their cost alone (px^2: markers, obstacles,
    arrows, outside the area) and the overlap of each pair of options (px^2)."""
    centres = np.asarray(scene.centres, dtype=float).reshape(-1, 2)
    n = len(centres)
    boxes = np.array([label_box(centres[i], radii[i], variants[i][v], POSITIONS[p]) for i, v, p in options])
    padded = boxes + (-gap, -gap, gap, gap)
    nodes = np.column_stack([centres - radii[:, None], centres + radii[:, None]])
    node_cover = _overlap(padded, nodes)
    node_cover[owner[:, None] == np.arange(n)[None, :]] = 0.0
    alone = 2.0 * node_cover.sum(axis=1)
    if scene.obstacles is not None and len(scene.obstacles):
        alone += 1.5 * _overlap(padded, np.asarray(scene.obstacles, dtype=float)).sum(axis=1)
    if scene.points is not None and len(scene.points):
        alone += 12.0 * _points_in(np.asarray(scene.points, dtype=float), padded)
    x0, y0, x1, y1 = scene.area
    inside_w = np.clip(np.minimum(boxes[:, 2], x1) - np.maximum(boxes[:, 0], x0), 0, None)
    inside_h = np.clip(np.minimum(boxes[:, 3], y1) - np.maximum(boxes[:, 1], y0), 0, None)
    alone += 0.6 * ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) - inside_w * inside_h)
    mutual = _overlap(padded, boxes + (-gap / 2, -gap / 2, gap / 2, gap / 2))
    mutual[owner[:, None] == owner[None, :]] = 0.0
    return boxes, alone, mutual


def place_labels(scenes: list[LabelScene], radii: np.ndarray, variants: list[list[tuple[float, float]]],
                 gap: float = 2.0) -> Placement:
    """Choose for each marker one of its label ``variants`` ((w, h) px, e.g. one line or
    two) and one of the eight ``POSITIONS`` around it, so that labels overlap each other,
    markers (``radii`` px), obstacles, arrows and the outside of the area as little as
    possible, summed over the ``scenes`` (the same drawing in frames of other shapes).

    Greedy, most crowded marker first, then rounds in which each label in turn moves to
    its best place given the others, until none moves. Deterministic. O(n^2) in memory
    and time: for the <= 40 firms drawn with labels."""
    n = len(radii)
    if n == 0:
        return Placement([], [], [np.zeros((0, 4)) for _ in scenes])
    options = [(i, v, p) for i in range(n) for v in range(len(variants[i])) for p in range(len(POSITIONS))]
    owner = np.array([i for i, _, _ in options])
    # small preferences: one line over two, the order of POSITIONS
    static = np.array([25.0 * v + 3.0 * p for _, v, p in options])
    mutual = np.zeros((len(options), len(options)))
    all_boxes = []
    for scene in scenes:
        boxes, alone, pairs = _costs(scene, radii, options, owner, variants, gap)
        all_boxes.append(boxes)
        static += alone
        mutual += pairs

    first = np.searchsorted(owner, np.arange(n))
    count = np.bincount(owner, minlength=n)
    # most crowded first: the marker whose best place is worst, before the others
    order = sorted(range(n), key=lambda i: (-float(static[first[i]:first[i] + count[i]].min()), i))
    chosen = np.full(n, -1)
    for i in order:
        rows = slice(first[i], first[i] + count[i])
        placed = chosen[chosen >= 0]
        cost = static[rows] + (mutual[rows][:, placed].sum(axis=1) if len(placed) else 0.0)
        chosen[i] = first[i] + int(np.argmin(cost))
    for _ in range(12):
        changed = False
        for i in range(n):
            rows = slice(first[i], first[i] + count[i])
            cost = static[rows] + mutual[rows][:, np.delete(chosen, i)].sum(axis=1)
            best = first[i] + int(np.argmin(cost))
            if cost[best - first[i]] < cost[chosen[i] - first[i]] - 1e-9:
                chosen[i] = best
                changed = True
        if not changed:
            break
    return Placement([options[c][1] for c in chosen], [POSITIONS[options[c][2]] for c in chosen],
                     [boxes[chosen] for boxes in all_boxes])


def _span(points) -> float:
    points = list(points)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
