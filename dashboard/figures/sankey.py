"""Sankey diagrams of one category (and one unit) at a time.

Each firm appears twice, once on the left as a supplier and once on the right as a
receiver, so symbiosis loops (A supplies B, B supplies A) never make a cycle: plotly
draws cycles in a circular layout that can freeze the browser. Links run from virgin
supply to receivers, from suppliers to receivers (exchanges) and from suppliers to
their fates. An exchange whose resource belongs to another diagram (biomass in t
replacing gas in MWh) also shows in its demand's diagram, as the demand it meets.
Parks with many firms are drawn by sector instead of by firm.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.formatting import full
from dashboard.model import Evaluation, Park
from dashboard.model.vocabulary import Category, StreamKind

from .palette import CATEGORY_COLOURS, CATEGORY_LABELS, FATE_GREY, THEMES, VIRGIN_GREY, base_layout, with_alpha
from .text import plain

GROUP_BY_SECTOR_ABOVE = 40
"""Above this many firms, nodes are sectors: thousands of firm nodes are unreadable."""

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


class _Nodes:
    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.labels: list[str] = []
        self.colours: list[str] = []
        self.hover: list[str] = []

    def get(self, key: tuple, label: str, colour: str, hover: str) -> int:
        if key not in self.index:
            self.index[key] = len(self.labels)
            self.labels.append(label)
            self.colours.append(colour)
            self.hover.append(hover)
        return self.index[key]


def sankey_figure(evaluation: Evaluation, view: SankeyView, theme: str = "light",
                  font_size: int = 13) -> go.Figure:
    """The Sankey of ``view`` (category and unit) for one scenario; quantities per year."""
    park = evaluation.park
    style = THEMES[theme]
    colour = CATEGORY_COLOURS[view.category]
    by_sector = len(park.firms) > GROUP_BY_SECTOR_ABOVE
    resources = {r.id for r in park.resources if r.category.value == view.category and r.unit == view.unit}

    def party(firm_id: str) -> tuple[str, str]:
        firm = park.firm[firm_id]
        return (f"sector:{firm.sector or 'other'}", plain((firm.sector or "other").capitalize())) if by_sector \
            else (firm_id, plain(firm.name))

    nodes = _Nodes()
    links: dict[tuple[int, int], dict] = defaultdict(lambda: {"value": 0.0, "parts": []})

    def add(source: int, target: int, value: float, part: str, link_colour: str) -> None:
        if value <= 0:
            return
        link = links[(source, target)]
        link["value"] += value
        link["parts"].append(part)
        link["colour"] = link_colour

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
            add(source, target, leftover, f"{plain(park.firm[stream.firm].name)} buys {full(leftover)} "
                                          f"{plain(view.unit)} {plain(resource.name)} new", with_alpha(VIRGIN_GREY, 0.45))
        else:
            fate = stream.fate.value
            source = nodes.get(("out", key), name, colour, f"{name}: supplies")
            target = nodes.get(("fate", fate), fate.capitalize(), FATE_GREY, f"to {fate}")
            add(source, target, leftover, f"{plain(park.firm[stream.firm].name)} sends {full(leftover)} "
                                          f"{plain(view.unit)} {plain(resource.name)} to {fate}", with_alpha(FATE_GREY, 0.4))
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
            add(source, target, flow.met, f"{plain(exchange.name)}: meets {full(flow.met)} {plain(view.unit)}",
                with_alpha(CATEGORY_COLOURS[carried.category.value], 0.55))
            continue
        if exchange.resource not in resources or flow.carried <= 0:
            continue
        from_key, from_name = party(exchange.from_firm)
        to_key, to_name = party(exchange.to_firm)
        source = nodes.get(("out", from_key), from_name, colour, f"{from_name}: supplies")
        target = nodes.get(("in", to_key), to_name, colour, f"{to_name}: receives")
        tag = " (candidate)" if exchange.status.value == "candidate" else ""
        add(source, target, flow.carried, f"{plain(exchange.name)}{tag}: {full(flow.carried)} {plain(view.unit)}",
            with_alpha(colour, 0.55))

    layout = dict(base_layout(theme, font_size), margin={"l": 8, "r": 8, "t": 28, "b": 8},
                  title={"text": f"{plain(view.label)} a year" + (", by sector" if by_sector else ""),
                         "font": {"size": font_size + 1}, "x": 0.01, "y": 0.99})
    if links:
        items = list(links.items())
        return go.Figure(data=[dict(
            type="sankey", arrangement="snap", valueformat=",.0f", valuesuffix=f" {view.unit}",
            node={"label": nodes.labels, "color": nodes.colours, "pad": 14, "thickness": 16,
                  "customdata": nodes.hover, "hovertemplate": "%{customdata}: %{value}<extra></extra>",
                  "line": {"width": 0}},
            link={"source": [s for (s, _), _ in items], "target": [t for (_, t), _ in items],
                  "value": [v["value"] for _, v in items], "color": [v["colour"] for _, v in items],
                  "customdata": ["<br>".join(v["parts"][:8] + (["\u2026"] if len(v["parts"]) > 8 else []))
                                 for _, v in items],
                  "hovertemplate": "%{customdata}<extra></extra>"},
            textfont={"size": font_size, "color": style["text"]})], layout=layout)
    layout.update(annotations=[{"text": f"No {CATEGORY_LABELS[view.category].lower()} flows in {view.unit} here",
                                "showarrow": False, "font": {"size": font_size + 2, "color": style["text"]},
                                "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}],
                  xaxis={"visible": False}, yaxis={"visible": False})
    return go.Figure(layout=layout)
