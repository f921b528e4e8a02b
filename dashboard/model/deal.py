"""A fair deal on one candidate link (docs/accounting.md, "A fair deal on one link").

For a candidate carrying ``c > 0`` when switched on in a scenario, ``Δr`` and ``Δs`` are
the change in the receiver's and the supplier's yearly cost when it is switched on with
``price_per_unit = 0`` (everything else as in the scenario). Both are no worse off at any
transfer price ``p`` (currency per unit carried) with ``Δs / c <= p <= -Δr / c``. Other
firms can lose too: switching the link on can take a stream a competing link carried.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .domain import Park
from .evaluation import Evaluation, evaluate
from .kpis import Kpi
from .marginal import toggle_changes
from .vocabulary import Status

_RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Loser:
    """A firm other than the two parties whose yearly cost rises by ``cost_change``
    (currency per year) when the link is switched on, and its exchanges that then carry
    less (``exchanges``, ids)."""

    firm: str
    cost_change: float
    exchanges: tuple[str, ...]


@dataclass(frozen=True)
class Deal:
    """The terms on which one candidate link pays for both firms.

    carried: units per year of the supply resource it carries when on.
    receiver_change, supplier_change: each firm's yearly cost with the link on (at a
    transfer price of 0) minus off, currency per year (negative = that firm gains).
    price_min, price_max: the transfer-price range (currency per unit carried) leaving
    both no worse off, None where no price works for both (``reason`` then says why).
    price: the transfer price in the data. losers: other firms whose cost rises.
    """

    exchange: str
    carried: float
    receiver_change: float
    supplier_change: float
    price_min: float | None
    price_max: float | None
    price: float
    reason: str
    losers: tuple[Loser, ...]

    @property
    def works(self) -> bool:
        """True where some transfer price leaves both firms no worse off."""
        return self.price_min is not None

    def as_dict(self) -> dict[str, float] | None:
        """``{"price_min", "price_max"}``, or None where no price works for both."""
        if not self.works:
            return None
        return {"price_min": self.price_min, "price_max": self.price_max}


def firm_cost_changes(base: Evaluation, position: int,
                      changes: list[tuple[int, float]]) -> tuple[dict[int, float], float]:
    """The yearly cost change of each firm the exchange at ``position`` touches, on minus
    off (by index in ``park.firms``, currency per year; firms left out do not change),
    and what it carries when on, from ``changes`` (``toggle_changes`` of that position):
    the firm terms (docs/accounting.md) of each exchange whose carried moves, and the
    toggled one's fixed cost."""
    plan = base.plan
    firms: dict[int, float] = {}
    on = base.run.active[position]
    sign = -1.0 if on else 1.0        # turn "toggled minus current" into "on minus off"
    rates = plan.leftover_rates[:, Kpi.COST]
    carried = base.run.carried[position] if on else 0.0

    def add(firm, amount: float) -> None:
        firm = int(firm)
        firms[firm] = firms.get(firm, 0.0) + float(amount)

    for pos, change in changes:
        change *= sign
        if pos == position and not on:
            carried = change
        supply, demand = plan.supply[pos], plan.demand[pos]
        add(plan.stream_firm[supply], -change * rates[supply])
        add(plan.stream_firm[demand], -change * plan.ratio[pos] * rates[demand])
        add(plan.payer_firm[pos], change * plan.own_rates[pos, Kpi.COST])
        add(plan.to_firm[pos], change * plan.price[pos])
        add(plan.from_firm[pos], -change * plan.price[pos])
    add(plan.payer_firm[position], plan.fixed_cost[position])
    return firms, carried


def deal_in(base: Evaluation, exchange_id: str) -> Deal | None:
    """The deal on candidate ``exchange_id`` in the evaluated scenario; None for an
    existing exchange (section 6 speaks of candidates)."""
    park, plan = base.park, base.plan
    exchange = park.exchange[exchange_id]
    if exchange.status is not Status.CANDIDATE:
        return None
    position = plan.position_of[exchange_id]
    changes = toggle_changes(plan, base, position)
    firms, carried = firm_cost_changes(base, position, changes)
    receiver, supplier = int(plan.to_firm[position]), int(plan.from_firm[position])
    price = exchange.price_per_unit
    # at a transfer price of 0: take this link's own transfer out of both firms' change
    receiver_change = firms.get(receiver, 0.0) - carried * price
    supplier_change = firms.get(supplier, 0.0) + carried * price
    scale = _RELATIVE_TOLERANCE * (1.0 + sum(abs(v) for v in firms.values()))
    losers = tuple(_losers(base, position, changes, firms, {receiver, supplier}, scale))
    if carried <= 0.0:
        return Deal(exchange_id, 0.0, receiver_change, supplier_change, None, None, price,
                    "it would carry nothing here: its supply, or the demand it would meet, "
                    "is used up by links served before it",
                    losers)
    low, high = supplier_change / carried, -receiver_change / carried
    if low > high + scale / carried:
        gain = -(receiver_change + supplier_change)
        reason = (f"together the two firms would lose {park.currency} {-gain:,.0f} a year: "
                  "the link costs more than it saves them")
        return Deal(exchange_id, carried, receiver_change, supplier_change, None, None, price, reason, losers)
    return Deal(exchange_id, carried, receiver_change, supplier_change, low, max(low, high), price, "", losers)


def _losers(base: Evaluation, position: int, changes: list[tuple[int, float]], firms: dict[int, float],
            parties: set[int], scale: float):
    park, plan = base.park, base.plan
    sign = -1.0 if base.run.active[position] else 1.0
    carrying_less: dict[int, list[str]] = {}
    for pos, change in changes:
        if pos != position and change * sign < 0.0:
            for firm in (int(plan.from_firm[pos]), int(plan.to_firm[pos])):
                carrying_less.setdefault(firm, []).append(plan.exchanges[pos].id)
    for index in sorted(firms):
        change = firms[index]
        if index not in parties and change > scale:
            yield Loser(park.firms[index].id, change, tuple(sorted(carrying_less.get(index, ()))))


def deals(park: Park, active: Iterable[str] | None = None, base: Evaluation | None = None) -> dict[str, Deal]:
    """The deal on every candidate in the scenario ``active`` (None: the baseline), by id."""
    if base is None:
        base = evaluate(park, active)
    return {e.id: deal for e in park.exchanges if (deal := deal_in(base, e.id)) is not None}
