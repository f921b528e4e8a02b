"""The marginal effect of each exchange: the change in the park's KPIs when that one
exchange alone is toggled from the current scenario (docs/accounting.md, "The four KPIs").

Re-evaluating the whole park once per exchange would cost E full runs. Toggling one
exchange can only move the exchanges served after it that share a stream with it, and
those they move in turn, so each toggle replays just that cascade: an exchange at
position p sees the supply and demand the base run left before p, shifted by what the
exchanges already replayed (all earlier than p) changed on those streams.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from .domain import Park
from .evaluation import Evaluation, evaluate
from .kpis import Kpi, Kpis
from .plan import ServicePlan

_TOLERANCE = 1e-12  # relative to the streams involved: above float noise, below any real flow


def carried_changes(plan: ServicePlan, base: Evaluation, toggled: Iterable[int]) -> dict[int, float]:
    """The change of what each exchange carries (units a year, by position) when the
    exchanges at the positions ``toggled`` are switched together: off where on in
    ``base``, on where off. Only positions whose carried moves are listed."""
    run = base.run
    carried, active = run.carried, run.active
    supply, demand, ratio, capacity = plan.supply, plan.demand, plan.ratio, plan.capacity
    supply_before, demand_before = run.supply_before, run.demand_before
    quantity = plan.quantity
    switched = set(toggled)
    changes: dict[int, float] = {}
    shift: dict[int, float] = {}       # stream -> change of what is left, from replayed exchanges
    queued = set(switched)
    heap = sorted(switched)

    def touch(stream: int, after: int) -> None:
        if stream in shift:
            return  # its later users are queued already
        shift[stream] = 0.0
        for later in plan.later_users(stream, after):
            if later not in queued and active[later]:
                queued.add(later)
                heapq.heappush(heap, later)

    while heap:
        pos = heapq.heappop(heap)
        s, d, r = supply[pos], demand[pos], ratio[pos]
        if pos in switched and active[pos]:
            new = 0.0
        else:
            supply_left = supply_before[pos] + shift.get(s, 0.0)
            demand_room = (demand_before[pos] + shift.get(d, 0.0)) / r
            new = min(capacity[pos], supply_left, demand_room)
            if new < 0.0:
                new = 0.0
        change = new - carried[pos]
        scale = _TOLERANCE * (1.0 + quantity[s] + quantity[d])
        if -scale <= change <= scale:
            continue
        changes[pos] = change
        touch(s, pos)
        touch(d, pos)
        shift[s] -= change
        shift[d] -= r * change
    return changes


def toggle_changes(plan: ServicePlan, base: Evaluation, position: int) -> list[tuple[int, float]]:
    """What toggling the exchange at ``position`` changes: (position, change of carried)
    for each exchange whose carried moves (the toggled one first), in service order."""
    return list(carried_changes(plan, base, (position,)).items())


def toggle_delta(plan: ServicePlan, base: Evaluation, position: int) -> tuple[float, float, float, float]:
    """Change of the four park KPIs when the exchange at ``position`` is toggled."""
    unit_effect = plan.unit_effect_rows
    delta = [0.0, 0.0, 0.0, 0.0]  # in Kpi column order, unrolled below for speed
    fixed = float(plan.fixed_cost[position])
    delta[Kpi.COST] += -fixed if base.run.active[position] else fixed
    for pos, change in toggle_changes(plan, base, position):
        effect = unit_effect[pos]
        delta[0] += change * effect[0]
        delta[1] += change * effect[1]
        delta[2] += change * effect[2]
        delta[3] += change * effect[3]
    return delta[0], delta[1], delta[2], delta[3]


def marginal_effects(park: Park, active: Iterable[str] | None = None,
                     base: Evaluation | None = None, only: Iterable[str] | None = None) -> dict[str, Kpis]:
    """For every exchange id (or those in ``only``, in the park's order), the KPI change
    (toggled minus current) when that exchange alone is switched on (if off) or off (if
    on) from the scenario ``active``.

    Units as in ``Kpis``; a negative value is an improvement. Pass ``base`` to reuse an
    evaluation of the same scenario. Unknown ids in ``only`` raise KeyError.
    """
    if base is None:
        base = evaluate(park, active)
    plan = base.plan
    if only is not None:
        wanted = set(only)
        return {e.id: Kpis(*toggle_delta(plan, base, plan.position_of[e.id])) for e in park.exchanges if e.id in wanted}
    effects = {}
    for position, exchange in enumerate(plan.exchanges):
        effects[exchange.id] = Kpis(*toggle_delta(plan, base, position))
    return {e.id: effects[e.id] for e in park.exchanges}
