"""One row per exchange in a scenario view: the one description of an exchange that the
exchange list, the CLI, the exports and the report all show (each formats it its own way,
none builds its own)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .deal import Deal, deal_in
from .domain import Exchange, Park
from .evaluation import Evaluation, ExchangeFlow
from .kpis import KPI_NAMES, Kpis
from .vocabulary import Bound, Category
from .worth import Worth, on_minus_off, worth_of

VALUE_COLUMNS: tuple[str, ...] = ("value_operating_saving", "value_payback_years", "value_npv",
                                  "value_abatement_cost", "deal_price_min", "deal_price_max")
"""The record's columns of what a link is worth and its fair deal (where computed):
currency a year, years (blank: never), currency, currency per t CO2e (blank: cuts no
CO2e), and the transfer-price range in currency per unit carried (blank: existing links,
links that would carry nothing, or no price works for both)."""


def bound_text(flow: ExchangeFlow, park: Park | None = None) -> str:
    """What limits an exchange, in words: ``"demand"``, ``"supply (all taken by Gypsum
    to Gyproc)"`` (the exchange that took the last of the stream, by its name in ``park``
    where given, else its id), ``"switched off"``. Plain text: escape it where markup is read."""
    if flow.bound is Bound.INACTIVE:
        return "switched off"
    text = flow.bound.value
    if flow.bound_by:
        taker = park.exchange.get(flow.bound_by) if park is not None else None
        text += f" (all taken by {taker.name if taker else flow.bound_by})"
    return text


def could_carry(park: Park, exchange: Exchange) -> float:
    """Units per year of its resource ``exchange`` carries on its own, with no other
    exchange on: ``min(capacity, supply, demand / ratio)`` of its two streams
    (docs/accounting.md, "Flows" and "What an exchange could carry")."""
    supply = park.stream[exchange.supply_key].quantity
    demand = park.stream[exchange.demand_key].quantity
    return min(exchange.capacity, supply, demand / exchange.ratio if exchange.ratio else supply)


def _amount(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f} {unit}"


def carry_text(flow: ExchangeFlow, park: Park, could: float, from_name: str, to_name: str) -> str:
    """What an exchange could carry and why it carries what it does, in words:
    ``"would carry 80,000 MWh; now 0: Kalundborg town's demand for district heat is
    already met by Asnæs district heat"``, ``"off; would carry up to 600,000 m3"``,
    ``"carries all it can: its capacity"``. Plain text: escape it where markup is read."""
    exchange, unit = flow.exchange, flow.unit
    if not flow.active:
        return f"off; would carry up to {_amount(could, unit)} on its own"
    if flow.carried >= could * (1 - 1e-9):
        limit = {Bound.CAPACITY: "its capacity", Bound.SUPPLY: f"all of {from_name}'s supply",
                 Bound.DEMAND: f"all of {to_name}'s demand"}.get(flow.bound, flow.bound.value)
        return f"carries all it can: {limit}"
    taker = park.exchange.get(flow.bound_by) if flow.bound_by else None
    demand_name = park.resource[exchange.replaces].name.lower()
    supply_name = park.resource[exchange.resource].name.lower()
    if flow.bound is Bound.DEMAND:
        reason = (f"{to_name}'s demand for {demand_name} is already met by {taker.name}" if taker else
                  f"the rest of {to_name}'s demand for {demand_name} is met by exchanges served first")
    else:
        reason = (f"{from_name}'s {supply_name} is already taken by {taker.name}" if taker else
                  f"the rest of {from_name}'s {supply_name} goes to exchanges served first")
    return f"would carry {_amount(could, unit)}; now {_amount(flow.carried, unit)}: {reason}"


def carry_words(park: Park, flow: ExchangeFlow, could: float | None = None) -> str:
    """``carry_text`` of a flow, with its firms' names from ``park`` and what it could
    carry (``could_carry``, unless given)."""
    exchange = flow.exchange
    return carry_text(flow, park, could_carry(park, exchange) if could is None else could,
                      park.firm[exchange.from_firm].name, park.firm[exchange.to_firm].name)


@dataclass(frozen=True)
class ExchangeRow:
    """An exchange as a list shows it in one scenario view.

    ``carried`` is units per year of ``unit`` (the resource carried), ``met`` units per
    year of ``demand_unit`` (the demand met); ``marginal`` is the change of the park's
    KPIs per year if this exchange alone were switched from the scenario (negative is
    better; None where not computed); ``value`` what the exchange is worth there and
    ``deal`` its fair transfer-price range (candidates only), computed with ``marginal``.
    Names are the park's own text, unescaped.
    """

    flow: ExchangeFlow
    from_name: str
    to_name: str
    resource_name: str
    replaces_name: str
    category: Category
    bound_words: str
    marginal: Kpis | None = None
    value: Worth | None = None
    deal: Deal | None = None
    could: float = 0.0
    carry_words: str = ""

    @property
    def saving(self) -> Kpis | None:
        """What having this exchange on saves the park a year, KPI by KPI (the KPI with
        it off minus with it on, all else as in the scenario): positive is a saving,
        negative a cost, whether the exchange is on (what switching it off would lose)
        or off (what switching it on would save), so a row keeps its sign's meaning when
        it is switched. ``marginal`` with the sign of an exchange that is on."""
        if self.marginal is None:
            return None
        return self.marginal if self.flow.active else -self.marginal

    @property
    def exchange(self) -> Exchange:
        return self.flow.exchange

    @property
    def id(self) -> str:
        return self.flow.exchange.id

    def record(self) -> dict:
        """The row as plain JSON-ready values (the CLI's ``--json`` and the export tables):
        ids, names, status, ``active``, ``carried``/``unit``, ``met``/``demand_unit``,
        ``bound`` and ``bound_by`` (ids), ``quality``, and ``marginal_<kpi>`` where computed."""
        flow, exchange = self.flow, self.flow.exchange
        record = {
            "id": exchange.id, "name": exchange.name, "status": exchange.status.value,
            "active": bool(flow.active), "from_firm": exchange.from_firm, "to_firm": exchange.to_firm,
            "resource": exchange.resource, "replaces": exchange.replaces,
            "carried": float(flow.carried), "unit": flow.unit, "met": float(flow.met),
            "demand_unit": flow.demand_unit, "bound": flow.bound.value, "bound_by": flow.bound_by,
            "quality": exchange.quality.value if exchange.quality else None,
        }
        if self.marginal is not None:
            record.update({f"marginal_{kpi}": float(self.marginal[kpi]) for kpi in KPI_NAMES})
        if self.value is not None:
            record.update({f"value_{key}": value for key, value in self.value.as_dict().items()})
            deal = self.deal.as_dict() if self.deal is not None else None
            record["deal_price_min"] = deal["price_min"] if deal else None
            record["deal_price_max"] = deal["price_max"] if deal else None
        return record


def exchange_rows(park: Park, evaluation: Evaluation, marginal: Mapping[str, Kpis] | None = None,
                  ids: Iterable[str] | None = None) -> tuple[ExchangeRow, ...]:
    """One row per exchange of ``evaluation`` (the park's exchange order), or per id in
    ``ids`` (in that order: a page of a list), with its marginal effect, its value and its
    deal where ``marginal`` (from ``marginal_effects``; for ``ids``, at least theirs) is
    given. ``park`` gives the names: the whole park, even where firms have left the
    evaluated view."""
    flows = evaluation.flows if ids is None else tuple(evaluation.flow(i) for i in ids)
    rows = []
    deltas = on_minus_off(evaluation, marginal) if marginal is not None else {}
    for flow in flows:
        exchange = flow.exchange
        value = deal = None
        if marginal is not None:
            value = worth_of(evaluation.park, exchange, deltas[exchange.id])
            deal = deal_in(evaluation, exchange.id)
        from_name, to_name = park.firm[exchange.from_firm].name, park.firm[exchange.to_firm].name
        could = could_carry(park, exchange)
        rows.append(ExchangeRow(
            flow=flow,
            from_name=from_name,
            to_name=to_name,
            could=could,
            carry_words=carry_words(park, flow, could),
            resource_name=park.resource[exchange.resource].name,
            replaces_name=park.resource[exchange.replaces].name,
            category=park.resource[exchange.resource].category,
            bound_words=bound_text(flow, park),
            marginal=None if marginal is None else marginal[exchange.id], value=value, deal=deal))
    return tuple(rows)
