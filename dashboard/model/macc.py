"""The sequential marginal abatement cost curve (docs/accounting.md, "The MACC").

Start from a scenario. Among the candidates still off, take the one that cuts CO2e at
the lowest abatement cost (ties by id), measured on top of those already taken; switch
it on; repeat until none cuts CO2e. Because each step is measured on top of the ones
before it, the steps add up to the real combined effect.

Switching one link on changes only the flows of exchanges that share a stream with it,
directly or through other exchanges (its component of the stream-sharing graph), so
after each step only the candidates of that component are measured again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .domain import Park
from .errors import ParkError, Problem
from .evaluation import Evaluation, evaluate, evaluate_again, resolve_active
from .kpis import Kpis
from .marginal import toggle_delta
from .plan import ServicePlan
from .vocabulary import Status
from .worth import worth_of

_CUT_TOLERANCE = 1e-12  # relative to the park's CO2e terms: a smaller "cut" is float noise


@dataclass(frozen=True)
class MaccStep:
    """One bar of the curve.

    co2_cut: t CO2e per year this step removes (positive). cost_change: the park's cost
    change, currency per year (negative = it saves). abatement_cost: currency per t CO2e
    (cost_change / co2_cut). payback_years: simple payback in this step's place, None
    for never. capex: the link's investment, currency. kpis: the park's KPIs once this
    and every earlier step are on.
    """

    id: str
    name: str
    co2_cut: float
    cost_change: float
    abatement_cost: float
    payback_years: float | None
    capex: float
    kpis: Kpis

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "co2_cut": self.co2_cut, "cost_change": self.cost_change,
                "abatement_cost": self.abatement_cost, "payback_years": self.payback_years,
                "capex": self.capex}


def components(plan: ServicePlan) -> list[int]:
    """For each position, a label shared by every exchange it is linked to through
    streams (a supply or demand two exchanges both use), directly or in a chain."""
    parent = list(range(len(plan.quantity)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for supply, demand in zip(plan.supply, plan.demand):
        a, b = find(supply), find(demand)
        if a != b:
            parent[a] = b
    return [find(stream) for stream in plan.supply]


def macc(park: Park, active: Iterable[str] | None = None, candidates: Iterable[str] | None = None,
         deadline: float | None = None, progress: Callable[[int, int], None] | None = None) -> tuple[MaccStep, ...]:
    """The sequential MACC from the scenario ``active`` (None: the baseline).

    ``candidates`` limits the links it may take (default: every candidate off in the
    scenario). ``deadline`` (a ``time.monotonic()`` value) stops it early with the steps
    found so far; ``progress(done, total)`` is told after each step.
    """
    current = set(resolve_active(park, active))
    if candidates is None:
        pool = {e.id for e in park.exchanges if e.status is Status.CANDIDATE and e.id not in current}
    else:
        pool = set(candidates)
        unknown = sorted(pool - park.exchange.keys())
        if unknown:
            raise ParkError(Problem(None, None, None, f"unknown exchange id '{u}'") for u in unknown)
        pool -= current
    base = evaluate(park, current)
    plan = base.plan
    label = components(plan)
    members: dict[int, list[int]] = {}
    for pos, group in enumerate(label):
        members.setdefault(group, []).append(pos)
    co2_scale = _CUT_TOLERANCE * (1.0 + abs(base.totals.co2_t) + float(abs(plan.leftover_rates[:, 1]).sum()))
    positions = {exchange_id: plan.position_of[exchange_id] for exchange_id in pool}
    deltas = {exchange_id: _delta(plan, base, pos) for exchange_id, pos in positions.items()}
    steps: list[MaccStep] = []
    total = len(pool)
    while deltas:
        if deadline is not None and time.monotonic() > deadline:
            break
        best = _cheapest(deltas, co2_scale)
        if best is None:
            break
        delta = deltas.pop(best)
        current.add(best)
        group = label[positions[best]]
        base = evaluate_again(base, frozenset(current), members[group])
        exchange = park.exchange[best]
        value = worth_of(park, exchange, delta)
        steps.append(MaccStep(best, exchange.name, -delta.co2_t, delta.cost, value.abatement_cost,
                              value.payback_years, exchange.capex, base.totals))
        for exchange_id in deltas:
            if label[positions[exchange_id]] == group:
                deltas[exchange_id] = _delta(plan, base, positions[exchange_id])
        if progress is not None:
            progress(len(steps), total)
    return tuple(steps)


def _delta(plan: ServicePlan, base: Evaluation, position: int) -> Kpis:
    return Kpis(*toggle_delta(plan, base, position))


def _cheapest(deltas: dict[str, Kpis], co2_scale: float) -> str | None:
    """The id cutting CO2e at the lowest cost per t, ties by id; None if none cuts."""
    best, best_key = None, None
    for exchange_id, delta in deltas.items():
        if delta.co2_t < -co2_scale:
            key = (delta.cost / -delta.co2_t, exchange_id)
            if best_key is None or key < best_key:
                best, best_key = exchange_id, key
    return best
