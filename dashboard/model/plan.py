"""A park compiled into flat arrays for fast evaluation: the service order of the
exchanges (docs/accounting.md, "Flows") and each stream's and exchange's per-unit effect
on the four KPIs (section 4). Built once per park content and kept in a bounded cache
(``PLANS``) keyed by the park's content hash.

Positions (0..E-1) count exchanges in service order; stream indices (0..S-1) follow
``park.streams``; KPI columns are the ``Kpi`` members.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .cache import BoundedCache
from .domain import Exchange, Park
from .finance import annual_capital_cost
from .kpis import Kpi
from .vocabulary import Fate, Status, StreamKind


def net_benefit_per_unit(park: Park, exchange: Exchange) -> float:
    """Currency per unit carried: what the exchange saves, CO2e valued at the carbon price.

    ratio x (virgin_price + carbon_price x virgin_co2) of the demand stream
    + disposal_fee + carbon_price x disposal_co2 of the supply stream
    - cost_per_unit - carbon_price x co2_per_unit.
    """
    supply = park.stream[exchange.supply_key]
    demand = park.stream[exchange.demand_key]
    carbon = park.carbon_price
    return (exchange.ratio * (demand.virgin_price + carbon * demand.virgin_co2)
            + supply.disposal_fee + carbon * supply.disposal_co2
            - exchange.cost_per_unit - carbon * exchange.co2_per_unit)


RANKING_DIGITS = 12
"""Net benefits are compared at this many significant digits, so two exchanges worth the
same on paper (3 x 0.1 and 1 x 0.3) tie and go by id, not by floating-point noise."""


def ranking_value(value: float) -> float:
    """``value`` rounded to RANKING_DIGITS significant digits."""
    return float(f"{value:.{RANKING_DIGITS}g}")


def service_order(park: Park) -> list[Exchange]:
    """Existing before candidate; then net benefit per unit, highest first; then id."""
    return sorted(park.exchanges, key=lambda e: (e.status is not Status.EXISTING,
                                                  -ranking_value(net_benefit_per_unit(park, e)), e.id))


@dataclass(frozen=True, eq=False)
class ServicePlan:
    """Flat arrays describing a park, in service order."""

    park: Park
    exchanges: tuple[Exchange, ...]           # in service order
    position_of: dict[str, int]               # exchange id -> position
    stream_index: dict[tuple, int]            # stream key -> index
    quantity: list[float]                     # per stream, its unit per year
    stream_firm: np.ndarray                   # per stream, firm index
    leftover_rates: np.ndarray                # (S, 4) KPI per unit of unmet demand / unused supply
    supply: list[int]                         # per position, stream index drawn on
    demand: list[int]                         # per position, stream index met
    ratio: list[float]
    capacity: list[float]
    fixed_cost: np.ndarray                    # per position, capex annuity + opex, currency/yr
    own_rates: np.ndarray                     # (E, 4) exchange's own KPI per unit carried
    unit_effect: np.ndarray                   # (E, 4) change of park KPIs per unit carried
    payer_firm: np.ndarray
    from_firm: np.ndarray
    to_firm: np.ndarray
    price: np.ndarray                         # transfer price per unit carried
    firm_baselines: np.ndarray                # (F, 4)
    users: list[list[int]]                    # per stream, sorted positions that use it

    @property
    def size(self) -> int:
        return len(self.exchanges)

    def later_users(self, stream: int, position: int) -> list[int]:
        """Positions after ``position`` of exchanges drawing on or meeting ``stream``."""
        users = self.users[stream]
        return users[bisect_right(users, position):]

    @cached_property
    def unit_effect_rows(self) -> list[tuple[float, float, float, float]]:
        return [tuple(row) for row in self.unit_effect.tolist()]


def build_plan(park: Park) -> ServicePlan:
    ordered = service_order(park)
    firm_index = {f.id: i for i, f in enumerate(park.firms)}
    stream_index = {s.key: i for i, s in enumerate(park.streams)}
    n_streams = len(park.streams)
    rates = np.zeros((n_streams, len(Kpi)))  # KPI per unit left over (docs/accounting.md)
    for i, stream in enumerate(park.streams):
        if stream.kind is StreamKind.DEMAND:  # unmet demand is bought new
            rates[i, Kpi.FRESHWATER] = 1.0 if park.resource[stream.resource].freshwater else 0.0
            rates[i, Kpi.CO2] = stream.virgin_co2
            rates[i, Kpi.COST] = stream.virgin_price
        else:  # unused supply goes to its fate
            rates[i, Kpi.LANDFILL] = 1.0 if stream.fate is Fate.LANDFILL else 0.0
            rates[i, Kpi.CO2] = stream.disposal_co2
            rates[i, Kpi.COST] = stream.disposal_fee
    n = len(ordered)
    supply = [stream_index[e.supply_key] for e in ordered]
    demand = [stream_index[e.demand_key] for e in ordered]
    ratio = np.array([e.ratio for e in ordered], dtype=float)
    own = np.zeros((n, len(Kpi)))  # the exchange's own KPI per unit carried
    own[:, Kpi.CO2] = [e.co2_per_unit for e in ordered]
    own[:, Kpi.COST] = [e.cost_per_unit for e in ordered]
    # One more unit carried: one unit less of the supply left to its fate, `ratio` units
    # less of the demand bought new, plus the exchange's own per-unit cost and CO2e.
    unit_effect = own - rates[supply] - ratio[:, None] * rates[demand] if n else np.zeros((0, len(Kpi)))
    users: list[list[int]] = [[] for _ in range(n_streams)]
    for position in range(n):
        users[supply[position]].append(position)
        users[demand[position]].append(position)
    baselines = np.array([f.baseline.values() for f in park.firms], dtype=float).reshape(-1, 4)
    return ServicePlan(
        park=park,
        exchanges=tuple(ordered),
        position_of={e.id: i for i, e in enumerate(ordered)},
        stream_index=stream_index,
        quantity=[s.quantity for s in park.streams],
        stream_firm=np.array([firm_index[s.firm] for s in park.streams], dtype=np.intp),
        leftover_rates=rates,
        supply=supply,
        demand=demand,
        ratio=ratio.tolist(),
        capacity=[e.capacity for e in ordered],
        fixed_cost=np.array([annual_capital_cost(e.capex, park.discount_rate, e.lifetime_years)
                             + e.opex_per_year for e in ordered], dtype=float),
        own_rates=own,
        unit_effect=unit_effect,
        payer_firm=np.array([firm_index[e.payer_firm] for e in ordered], dtype=np.intp),
        from_firm=np.array([firm_index[e.from_firm] for e in ordered], dtype=np.intp),
        to_firm=np.array([firm_index[e.to_firm] for e in ordered], dtype=np.intp),
        price=np.array([e.price_per_unit for e in ordered], dtype=float),
        firm_baselines=baselines,
        users=users,
    )


PLANS: BoundedCache[ServicePlan] = BoundedCache(16)
"""Service plans of the parks used most recently, by content hash."""


def plan_for(park: Park) -> ServicePlan:
    """The park's plan, built on first use and kept in ``PLANS`` (the plan depends on the
    park's content only, so parks of equal content share one)."""
    return PLANS.get_or_make(park.content_hash, lambda: build_plan(park))
