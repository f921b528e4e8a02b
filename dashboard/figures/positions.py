"""Where each firm sits on the network drawing, in km."""

from __future__ import annotations

import math

import networkx as nx

from dashboard.model import Park

EARTH_RADIUS_KM = 6371.0


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
    layout = nx.spring_layout(graph, pos=fixed or None, fixed=list(fixed) or None, seed=7,
                              k=span / max(1.0, math.sqrt(len(park.firms))), scale=span / 2 if not fixed else None)
    return {node: (float(x), float(y)) for node, (x, y) in layout.items()}


def compress_outliers(positions: dict[str, tuple[float, float]], factor: float = 2.0) -> dict[str, tuple[float, float]]:
    """Pull far-away partners (a cement works 250 km off, farms across the region) in
    towards the park, so the park itself is not a dot in the corner: distances from the
    median centre beyond ``factor`` x the median distance grow only logarithmically.
    Directions are kept; the hover still gives each firm's own data."""
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


def spread_overlaps(positions: dict[str, tuple[float, float]], share: float = 0.11,
                    rounds: int = 60) -> dict[str, tuple[float, float]]:
    """Nudge apart firms closer than ``share`` of the drawing's span, so neighbours on a
    dense site plan get room for their markers and labels; the plan's shape is kept.
    Deterministic: pairs are visited in a fixed order."""
    points = {k: [float(x), float(y)] for k, (x, y) in positions.items()}
    if len(points) < 2:
        return {k: tuple(v) for k, v in points.items()}
    keys = sorted(points)
    minimum = _span(positions.values()) * share
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                (ax, ay), (bx, by) = points[a], points[b]
                dx, dy = bx - ax, by - ay
                distance = math.hypot(dx, dy)
                if distance >= minimum:
                    continue
                if distance == 0:
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (minimum - distance) / 2
                ux, uy = dx / distance, dy / distance
                points[a] = [ax - ux * push, ay - uy * push]
                points[b] = [bx + ux * push, by + uy * push]
                moved = True
        if not moved:
            break
    return {k: (v[0], v[1]) for k, v in points.items()}


def label_positions(positions: dict[str, tuple[float, float]]) -> dict[str, str]:
    """A plotly ``textposition`` per firm pointing away from the centre, so labels of a
    tight cluster fan out instead of piling up."""
    if not positions:
        return {}
    cx = sum(p[0] for p in positions.values()) / len(positions)
    cy = sum(p[1] for p in positions.values()) / len(positions)
    result = {}
    for firm, (x, y) in positions.items():
        angle = math.degrees(math.atan2(y - cy, x - cx)) % 360
        vertical = "top" if 30 <= angle < 150 else "bottom" if 210 <= angle < 330 else "middle"
        horizontal = "right" if angle < 60 or angle >= 300 else "left" if 120 <= angle < 240 else "center"
        result[firm] = f"{vertical} {horizontal}" if vertical != "middle" or horizontal != "center" else "top center"
    return result


def _span(points) -> float:
    points = list(points)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
