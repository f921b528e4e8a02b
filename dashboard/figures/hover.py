"""Hover texts of the network (plotly's small HTML subset: ``<b>``, ``<br>``), built
from model results; park text goes through ``plain``."""

from __future__ import annotations

from dashboard.formatting import full, si
from dashboard.model import ExchangeFlow, Kpis, Park, bound_text, carry_text, could_carry
from dashboard.model.vocabulary import StreamKind

from .palette import CATEGORY_LABELS
from .text import plain

COMPACT_ABOVE = 300
"""Links in a view above which hover texts are compact (who to whom, what, how much, the
id; no click hint, the panel's heading gives it):
a thousand full texts would pass the 300 KB a response may take; the list and the
firm panel give the rest."""


def exchange_hover(flow: ExchangeFlow, park: Park, click_hints: bool = True, compact: bool = False) -> str:
    exchange = flow.exchange
    resource = park.resource[exchange.resource]
    if compact:
        return (f"{plain(park.firm[exchange.from_firm].name)} \u2192 {plain(park.firm[exchange.to_firm].name)}<br>"
                + plain(resource.name) + (f": {full(flow.carried)} {flow.unit}" if flow.active else ", off")
                + f" ({plain(exchange.id)})")
    lines = [f"<b>{plain(exchange.name)}</b> ({plain(exchange.id)})",
             f"{plain(park.firm[exchange.from_firm].name)} \u2192 {plain(park.firm[exchange.to_firm].name)}",
             f"{plain(resource.name)} ({CATEGORY_LABELS[resource.category.value].lower()}), {exchange.status.value}",
             f"carried: {full(flow.carried)} {flow.unit} a year" if flow.active else "switched off",
             f"limited by: {plain(bound_text(flow, park))}",
             plain(carry_text(flow, park, could_carry(park, exchange), park.firm[exchange.from_firm].name,
                              park.firm[exchange.to_firm].name))]
    if exchange.replaces != exchange.resource:
        lines.insert(3, f"replaces {plain(park.resource[exchange.replaces].name)}: {full(flow.met)} {flow.demand_unit}")
    if exchange.source:
        lines.append(f"source: {plain(exchange.source)}")
    if click_hints:
        lines.append("<i>click to switch " + ("off" if flow.active else "on") + "</i>")
    return "<br>".join(lines)


def firm_hover(park: Park, firm_id: str, kpis: Kpis, streams: list | None = None, click_hints: bool = True,
               compact: bool = False) -> str:
    """Hover text of a firm; pass its ``streams`` when drawing many firms (saves a scan).
    ``compact`` leaves the streams out."""
    firm = park.firm[firm_id]
    lines = [f"<b>{plain(firm.name)}</b>", plain(firm.sector) if firm.sector else "no sector given"]
    for stream in () if compact else streams if streams is not None else (s for s in park.streams
                                                                           if s.firm == firm_id):
        resource = park.resource[stream.resource]
        verb = "gives off" if stream.kind is StreamKind.SUPPLY else "needs"
        lines.append(f"{verb} {full(stream.quantity)} {plain(resource.unit)} {plain(resource.name)}")
    lines.append(f"CO2e {si(kpis.co2_t, 't CO2e')}, cost {si(kpis.cost, park.currency)} a year")
    if click_hints:
        lines.append("<i>click for details</i>")
    return "<br>".join(lines[:12] + (["\u2026"] if len(lines) > 12 else []))

