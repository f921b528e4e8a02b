"""Flows and KPIs of a park for one set of active exchanges (docs/accounting.md).

``evaluate`` is a pure, deterministic function of the park and the active set.
Results are held as arrays; the per-exchange and per-firm objects are built on demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np

from .domain import Exchange, Park, Stream, StreamKey
from .errors import ParkError, Problem
from .kpis import Kpi, Kpis
from .plan import ServicePlan, plan_for
from .vocabulary import Bound

_CAPACITY, _SUPPLY, _DEMAND, _INACTIVE = 0, 1, 2, 3
_BOUNDS = (Bound.CAPACITY, Bound.SUPPLY, Bound.DEMAND, Bound.INACTIVE)


@dataclass(frozen=True)
class ExchangeFlow:
    """What one exchange carries in an evaluation.

    carried: units per year of the supply resource (``unit``); met: units per year of the
    demand met (``carried x ratio``, in ``demand_unit``). ``bound_by`` names the earlier
    exchange that took the last of the binding stream when carried is 0.
    """

    exchange: Exchange
    active: bool
    carried: float
    met: float
    bound: Bound
    bound_by: str | None
    unit: str
    demand_unit: str

    @property
    def id(self) -> str:
        return self.exchange.id

    @property
    def transfer(self) -> float:
        """What the receiver pays the supplier, currency per year: carried x price_per_unit."""
        return self.carried * self.exchange.price_per_unit


@dataclass(frozen=True)
class StreamFlow:
    """A stream's split: ``exchanged`` (met by or taken into exchanges) and ``leftover``
    (bought as virgin supply for a demand, sent to its fate for a supply), units per year."""

    stream: Stream
    exchanged: float
    leftover: float


@dataclass(frozen=True)
class RunState:
    """The raw result of serving the exchanges in order, kept for marginal effects.

    Lists are indexed by position in service order (carried, bounds, the supply and
    demand left just before the position was served) or by stream (left).
    """

    active: list[bool]
    carried: list[float]
    bound: list[int]
    bound_by: list[int]          # position of the exchange that emptied the stream, or -1
    supply_before: list[float]
    demand_before: list[float]
    left: list[float]


def serve(plan: ServicePlan, active: list[bool], within: list[int] | None = None,
          previous: RunState | None = None) -> RunState:
    """Serve active exchanges one at a time in service order (docs/accounting.md, "Flows"):
    carried = min(capacity, supply left, demand left / ratio).

    With ``within`` (sorted positions, closed under sharing a stream: every exchange
    that uses one of their streams is among them) and ``previous`` (a run of the same
    plan), only those positions are served again; the rest is kept from ``previous``.
    """
    n = plan.size
    supply, demand, ratio, capacity = plan.supply, plan.demand, plan.ratio, plan.capacity
    if within is None:
        left = list(plan.quantity)
        carried = [0.0] * n
        bound = [_INACTIVE] * n
        bound_by = [-1] * n
        supply_before = [0.0] * n
        demand_before = [0.0] * n
        last_taker = [-1] * len(left)
        positions = range(n)
    else:
        left, carried, bound = list(previous.left), list(previous.carried), list(previous.bound)
        bound_by = list(previous.bound_by)
        supply_before, demand_before = list(previous.supply_before), list(previous.demand_before)
        last_taker = [-1] * len(left)
        for pos in within:
            left[supply[pos]] = plan.quantity[supply[pos]]
            left[demand[pos]] = plan.quantity[demand[pos]]
            carried[pos], bound[pos], bound_by[pos] = 0.0, _INACTIVE, -1
        positions = within
    for pos in positions:
        s = supply[pos]
        d = demand[pos]
        supply_left = left[s]
        demand_left = left[d]
        supply_before[pos] = supply_left
        demand_before[pos] = demand_left
        if not active[pos]:
            continue
        r = ratio[pos]
        cap = capacity[pos]
        demand_room = demand_left / r
        if cap <= supply_left and cap <= demand_room:
            amount, reason = cap, _CAPACITY
        elif supply_left <= demand_room:
            amount, reason = supply_left, _SUPPLY
        else:
            amount, reason = demand_room, _DEMAND
        carried[pos] = amount
        bound[pos] = reason
        if amount > 0.0:
            left[s] = 0.0 if reason == _SUPPLY else max(supply_left - amount, 0.0)
            left[d] = 0.0 if reason == _DEMAND else max(demand_left - r * amount, 0.0)
            last_taker[s] = pos
            last_taker[d] = pos
        elif reason != _CAPACITY:
            bound_by[pos] = last_taker[s if reason == _SUPPLY else d]
    return RunState(active, carried, bound, bound_by, supply_before, demand_before, left)


def resolve_active(park: Park, active: Iterable[str] | None) -> frozenset[str]:
    """The active exchange ids: the baseline (existing ones) when ``active`` is None.
    Unknown ids raise ParkError naming each one."""
    if active is None:
        return park.baseline_active
    if isinstance(active, str):
        raise TypeError("active must be a collection of exchange ids, not one string")
    chosen = frozenset(active)
    unknown = sorted(chosen - park.exchange.keys())
    if unknown:
        raise ParkError(Problem(None, None, None, f"unknown exchange id '{u}'") for u in unknown)
    return chosen


class Evaluation:
    """Flows and KPIs for one active set. ``kpis`` is a dict of the park's four KPIs."""

    def __init__(self, park: Park, active: frozenset[str], plan: ServicePlan, run: RunState):
        self.park = park
        self.active = active
        self.plan = plan
        self.run = run
        left = np.asarray(run.left, dtype=float)
        carried = np.asarray(run.carried, dtype=float)
        on = np.asarray(run.active, dtype=float)
        stream_terms = left[:, None] * plan.leftover_rates
        exchange_terms = carried[:, None] * plan.own_rates
        exchange_terms[:, Kpi.COST] += on * plan.fixed_cost
        self._stream_terms = stream_terms
        self._exchange_terms = exchange_terms
        total = plan.firm_baselines.sum(axis=0) + stream_terms.sum(axis=0) + exchange_terms.sum(axis=0)
        self.totals = Kpis.from_values(total)

    @property
    def kpis(self) -> dict[str, float]:
        """Park totals per year: freshwater_m3 (m3), co2_t (t CO2e), landfill_t (t), cost (currency)."""
        return self.totals.as_dict()

    @cached_property
    def firm_totals(self) -> np.ndarray:
        """(F, 4) per-firm KPIs, firms in ``park.firms`` order; rows sum to the park totals."""
        plan = self.plan
        n_firms = len(self.park.firms)
        result = plan.firm_baselines.copy()
        for column in Kpi:
            result[:, column] += np.bincount(plan.stream_firm, weights=self._stream_terms[:, column],
                                             minlength=n_firms)
            result[:, column] += np.bincount(plan.payer_firm, weights=self._exchange_terms[:, column],
                                             minlength=n_firms)
        transfers = np.asarray(self.run.carried) * plan.price
        result[:, Kpi.COST] += np.bincount(plan.to_firm, weights=transfers, minlength=n_firms)
        result[:, Kpi.COST] -= np.bincount(plan.from_firm, weights=transfers, minlength=n_firms)
        return result

    @cached_property
    def firm_kpis(self) -> Mapping[str, Kpis]:
        """Per-firm KPIs by firm id: own streams and baselines, the exchanges it pays
        for, and transfer prices (received lowers a supplier's cost)."""
        return MappingProxyType({firm.id: Kpis.from_values(row)
                                 for firm, row in zip(self.park.firms, self.firm_totals.tolist())})

    @cached_property
    def flows(self) -> tuple[ExchangeFlow, ...]:
        """One ExchangeFlow per exchange, in the park's own order."""
        position = self.plan.position_of
        return tuple(self._flow_at(position[e.id]) for e in self.park.exchanges)

    def flow(self, exchange_id: str) -> ExchangeFlow:
        """One exchange's flow; made alone where ``flows`` has not been asked for (a page
        of a long list needs a few of thousands)."""
        if "flows" in self.__dict__:
            return self.flows[self.flow_index[exchange_id]]
        return self._flow_at(self.plan.position_of[exchange_id])

    def _flow_at(self, pos: int) -> ExchangeFlow:
        run, plan, park = self.run, self.plan, self.park
        exchange = plan.exchanges[pos]
        taker = run.bound_by[pos]
        carried = run.carried[pos]
        return ExchangeFlow(
            exchange=exchange, active=run.active[pos], carried=carried,
            met=carried * exchange.ratio, bound=_BOUNDS[run.bound[pos]],
            bound_by=plan.exchanges[taker].id if taker >= 0 else None,
            unit=park.resource[exchange.resource].unit,
            demand_unit=park.resource[exchange.replaces].unit)

    @cached_property
    def flow_index(self) -> dict[str, int]:
        """Exchange id -> its position in ``park.exchanges`` (and in ``flows``)."""
        return {e.id: i for i, e in enumerate(self.park.exchanges)}

    @cached_property
    def stream_flows(self) -> Mapping[StreamKey, StreamFlow]:
        """Each stream's exchanged and leftover quantity, by stream key."""
        return MappingProxyType({
            stream.key: StreamFlow(stream, stream.quantity - left, left)
            for stream, left in zip(self.park.streams, self.run.left)})

    def carried(self, exchange_id: str) -> float:
        return self.run.carried[self.plan.position_of[exchange_id]]


def evaluate_again(base: Evaluation, active: frozenset[str], within: list[int]) -> Evaluation:
    """``evaluate(base.park, active)`` where ``active`` differs from ``base.active`` only
    at the sorted positions ``within`` (closed under sharing a stream): only those are
    served again, so a change in one corner of a large park costs that corner's time."""
    plan = base.plan
    mask = list(base.run.active)
    for pos in within:
        mask[pos] = plan.exchanges[pos].id in active
    return Evaluation(base.park, active, plan, serve(plan, mask, within, base.run))


def evaluate(park: Park, active: Iterable[str] | None = None) -> Evaluation:
    """Evaluate ``park`` with the exchanges in ``active`` switched on (None: the baseline)."""
    active_ids = resolve_active(park, active)
    plan = plan_for(park)
    mask = [e.id in active_ids for e in plan.exchanges]
    return Evaluation(park, active_ids, plan, serve(plan, mask))
