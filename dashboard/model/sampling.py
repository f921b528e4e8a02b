"""The park's four KPIs for many sets of input values at once (PARK_MODEL.md sections 3,
4 and 7), vectorised with NumPy over the sets: the engine of the Monte Carlo run and of
the tornado (``model.uncertainty``).

Each set ("sample") gives a value to every ranged input; all other cells keep the
park's value. The exchanges are served one position at a time exactly as ``evaluate``
serves them, with every sample's flows updated together. Where a sampled input moves
an exchange's net benefit per unit (a price, a CO2e factor, a ratio, a per-unit cost),
the service order can differ between samples: each sample then gets its own order
(existing first, net benefit highest first, then id, as in ``plan.service_order``) and
each step serves, in every sample, the exchange that sample has at that step.

With every input at its value, a sample's KPIs equal ``evaluate``'s to rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .domain import Park
from .kpis import Kpi
from .plan import ServicePlan, net_benefit_per_unit, plan_for, ranking_value
from .ranges import RangedInput, parse_stream_row
from .vocabulary import Status, StreamKind

CO2, COST = Kpi.CO2, Kpi.COST

CHUNK = 250
"""The fewest samples evaluated together: gives the progress callback a beat on a big park."""

CHUNK_CELLS = 250_000
"""Positions x samples evaluated together at most (beyond CHUNK): bounds memory to a few
arrays of 2 MB, and lets a small park take all its samples in one chunk."""

_BASELINE_COLUMN = {"baseline_freshwater": 0, "baseline_co2": 1, "baseline_landfill": 2, "baseline_cost": 3}
ORDER_COLUMNS = {"virgin_price", "virgin_co2", "disposal_fee", "disposal_co2", "ratio", "cost_per_unit",
               "co2_per_unit", "distance_km"}


@dataclass(frozen=True)
class View:
    """One view of the park to evaluate on every sample: the active exchange ids and the
    firms that leave (their rows, streams and exchanges taken out, section 7)."""

    active: frozenset[str]
    without: frozenset[str] = frozenset()


def crf(rate: float, years: np.ndarray) -> np.ndarray:
    """``finance.capital_recovery_factor`` for an array of lifetimes."""
    years = np.asarray(years, dtype=float)
    if rate == 0:
        return 1.0 / years
    growth_minus_one = np.expm1(years * np.log1p(rate))
    return rate * (growth_minus_one + 1.0) / growth_minus_one


class _Chunk:
    """The per-sample parameters of one chunk of samples: the park's values, with the
    sampled inputs laid over them (only what a sample changes is held per sample)."""

    def __init__(self, park: Park, plan: ServicePlan, inputs: Sequence[RangedInput], values: np.ndarray):
        self.n = values.shape[1] if values.ndim == 2 else 0
        n = self.n
        self.plan = plan
        stream_fields: dict[int, dict[str, np.ndarray]] = {}
        exchange_fields: dict[int, dict[str, np.ndarray]] = {}
        baselines: dict[tuple[int, int], np.ndarray] = {}
        firm_index = {f.id: i for i, f in enumerate(park.firms)}

        def stream_field(index: int, name: str, samples: np.ndarray) -> None:
            stream_fields.setdefault(index, {})[name] = samples

        # Resources first, so that a stream's own range (below) wins over its resource's.
        ordered = sorted(range(len(inputs)), key=lambda i: inputs[i].table != "resources")
        for i in ordered:
            item, samples = inputs[i], values[i]
            if item.table == "resources":
                for index in _followers(park, item.row, item.column):
                    stream_field(index, item.column, samples)
            elif item.table == "streams":
                stream_field(plan.stream_index[parse_stream_row(item.row)], item.column, samples)
            elif item.table == "firms":
                baselines[(firm_index[item.row], _BASELINE_COLUMN[item.column])] = samples
            else:
                exchange_fields.setdefault(plan.position_of[item.row], {})[item.column] = samples

        # Streams: quantity, and the leftover rates (CO2e and cost per unit) of a demand
        # (virgin_*) or a supply (disposal_*).
        self.quantity = {s: f["quantity"] for s, f in stream_fields.items() if "quantity" in f}
        self.rates: dict[tuple[int, int], np.ndarray] = {}
        for s, fields in stream_fields.items():
            demand = park.streams[s].kind is StreamKind.DEMAND
            for name, column in (("virgin_co2" if demand else "disposal_co2", CO2),
                                 ("virgin_price" if demand else "disposal_fee", COST)):
                if name in fields:
                    self.rates[(s, column)] = fields[name]
        # Exchanges: ratio, capacity, own CO2e and cost per unit, fixed cost a year.
        self.ratio: dict[int, np.ndarray] = {}
        self.capacity: dict[int, np.ndarray] = {}
        self.own: dict[tuple[int, int], np.ndarray] = {}
        self.fixed: dict[int, np.ndarray] = {}
        for p, fields in exchange_fields.items():
            exchange = plan.exchanges[p]
            if "ratio" in fields:
                self.ratio[p] = fields["ratio"]
            if "capacity" in fields:
                self.capacity[p] = fields["capacity"]
            if "distance_km" in fields and exchange.derived_transport and exchange.distance_km > 0:
                factors = park.transport[exchange.mode]
                if exchange.cost_per_unit == exchange.distance_km * factors.cost_per_tkm:
                    fields.setdefault("cost_per_unit", fields["distance_km"] * factors.cost_per_tkm)
                if exchange.co2_per_unit == exchange.distance_km * factors.co2_per_tkm:
                    fields.setdefault("co2_per_unit", fields["distance_km"] * factors.co2_per_tkm)
            if "co2_per_unit" in fields:
                self.own[(p, CO2)] = fields["co2_per_unit"]
            if "cost_per_unit" in fields:
                self.own[(p, COST)] = fields["cost_per_unit"]
            if fields.keys() & {"capex", "lifetime_years", "opex_per_year"}:
                capex = fields.get("capex", exchange.capex)
                life = fields.get("lifetime_years", np.full(n, exchange.lifetime_years))
                opex = fields.get("opex_per_year", exchange.opex_per_year)
                self.fixed[p] = capex * crf(park.discount_rate, life) + opex
        self.baselines = baselines
        self._rate_shifts = _shifts(self.rates, plan.leftover_rates)
        self._own_shifts = _shifts(self.own, plan.own_rates)
        moved = any(item.column in ORDER_COLUMNS and np.any(values[k] != item.value) for k, item in enumerate(inputs))
        self.order = self._orders(park, inputs) if moved else None
        self._plan_like = self._like_plan() if self.order is not None else None

    def _orders(self, park: Park, inputs: Sequence[RangedInput]) -> np.ndarray | None:
        """(E, N) positions in each sample's service order; None where no sampled input
        moves a net benefit (then the plan's order serves all)."""
        plan, n = self.plan, self.n
        size = plan.size
        if not (self.ratio or self.own or self.rates) or not size:
            return None
        benefit = self._benefits(park, n, sampled=True)
        base, ranking, id_rank, candidate = _order_keys(park, self)
        # Where a sample leaves an exchange's net benefit as it is, the plan's own ranking
        # value decides (equal benefits on paper tie by id, as in plan.service_order);
        # where it moves it, the sampled value does (an exact tie then has no weight).
        key = np.where(benefit == base, ranking[:, None], benefit)
        keys = (np.broadcast_to(id_rank[:, None], (size, n)), -key,
                np.broadcast_to(candidate[:, None], (size, n)))
        return np.lexsort(keys, axis=0)

    def _like_plan(self) -> np.ndarray:
        """(N,) True for the samples whose order serves the users of every stream in the
        plan's relative order. Serving order matters only among exchanges that share a
        stream (an exchange's carried depends on the streams it uses, and on what served
        them before it), so those samples' flows are the plan order's."""
        plan, n = self.plan, self.n
        first, second = _stream_neighbours(plan)
        if not len(first):
            return np.ones(n, dtype=bool)
        rank = np.empty_like(self.order)
        rank[self.order, np.arange(n)] = np.arange(plan.size)[:, None]
        return np.all(rank[first] < rank[second], axis=0)

    def _benefits(self, park: Park, n: int, sampled: bool) -> np.ndarray:
        """(E, n) net benefit per unit carried (plan.net_benefit_per_unit): ratio x value
        of the demand met + value of the supply taken - own cost, a unit's value being
        its cost plus the carbon price x its CO2e; with the samples laid over the park's
        values where ``sampled``."""
        plan = self.plan
        carbon = park.carbon_price
        rates = plan.leftover_rates
        own = plan.own_rates
        stream_value = np.repeat((rates[:, COST] + carbon * rates[:, CO2])[:, None], n, axis=1)
        own_value = np.repeat((own[:, COST] + carbon * own[:, CO2])[:, None], n, axis=1)
        ratio = np.repeat(np.asarray(plan.ratio, dtype=float)[:, None], n, axis=1)
        if sampled:
            if self.rates:
                rows = np.array([s for s, _ in self.rates])
                columns = np.array([c for _, c in self.rates])
                weights = np.where(columns == COST, 1.0, carbon)[:, None]
                shifts = weights * (np.stack(list(self.rates.values())) - rates[rows, columns][:, None])
                np.add.at(stream_value, rows, shifts)
            for (p, column), samples in self.own.items():
                own_value[p] += (1.0 if column == COST else carbon) * (samples - own[p, column])
            for p, samples in self.ratio.items():
                ratio[p] = samples
        supply = np.asarray(plan.supply)
        demand = np.asarray(plan.demand)
        return ratio * stream_value[demand] + stream_value[supply] - own_value

    def totals(self, view_active: np.ndarray, keep_stream: np.ndarray, keep_firm: np.ndarray) -> np.ndarray:
        """(N, 4) park KPIs of one view: ``view_active`` (E,) by position; streams and
        firms not kept belong to firms that left."""
        plan, n = self.plan, self.n
        left = np.repeat(np.asarray(plan.quantity, dtype=float)[:, None], n, axis=1)
        for s, samples in self.quantity.items():
            left[s] = samples
        carried = np.zeros((plan.size, n))
        if self.order is None:
            self._serve_common(view_active, left, carried, slice(None))
        else:
            # Samples whose order serves every stream's users as the plan does are served
            # together in the plan's order, the cheap way: the flows are the same.
            same = self._plan_like
            if same.any():
                columns = np.flatnonzero(same)
                part_left, part_carried = left[:, columns], carried[:, columns]
                self._serve_common(view_active, part_left, part_carried, columns)
                left[:, columns], carried[:, columns] = part_left, part_carried
            if not same.all():
                columns = np.flatnonzero(~same)
                # Contiguous copies: _serve_each works on flat views of them.
                part_left = np.ascontiguousarray(left[:, columns])
                part_carried = np.ascontiguousarray(carried[:, columns])
                self._serve_each(view_active, part_left, part_carried, columns)
                left[:, columns], carried[:, columns] = part_left, part_carried
        rates = plan.leftover_rates * keep_stream[:, None]
        total = left.T @ rates
        if self.rates:
            rows, columns, shifts = self._rate_shifts
            contribution = left[rows] * shifts * keep_stream[rows][:, None]
            for column in (CO2, COST):
                total[:, column] += contribution[columns == column].sum(axis=0)
        total += carried.T @ plan.own_rates
        if self.own:
            rows, columns, shifts = self._own_shifts
            contribution = carried[rows] * shifts
            for column in (CO2, COST):
                total[:, column] += contribution[columns == column].sum(axis=0)
        total[:, COST] += float(plan.fixed_cost @ view_active.astype(float))
        for p, samples in self.fixed.items():
            if view_active[p]:
                total[:, COST] += samples - plan.fixed_cost[p]
        total += (plan.firm_baselines * keep_firm[:, None]).sum(axis=0)
        for (f, column), samples in self.baselines.items():
            if keep_firm[f]:
                total[:, column] += samples - plan.firm_baselines[f, column]
        return total

    def _serve_common(self, active: np.ndarray, left: np.ndarray, carried: np.ndarray, samples) -> None:
        """The ``samples`` (columns of this chunk; ``left`` and ``carried`` hold just
        those) all serve the positions in the plan's order."""
        plan = self.plan
        supply, demand = plan.supply, plan.demand
        for p in np.flatnonzero(active).tolist():
            s, d = supply[p], demand[p]
            ratio = self.ratio[p][samples] if p in self.ratio else plan.ratio[p]
            capacity = self.capacity[p][samples] if p in self.capacity else plan.capacity[p]
            carried[p] = _step(left, s, d, ratio, capacity, slice(None))

    def _serve_each(self, active: np.ndarray, left: np.ndarray, carried: np.ndarray, samples) -> None:
        """Each of the ``samples`` serves the positions in its own order: step k serves
        order[k] of that sample."""
        plan = self.plan
        n = len(samples)
        supply = np.asarray(plan.supply)
        demand = np.asarray(plan.demand)
        ratio = np.repeat(np.asarray(plan.ratio, dtype=float)[:, None], n, axis=1)
        for p, values in self.ratio.items():
            ratio[p] = values[samples]
        capacity = np.repeat(np.asarray(plan.capacity, dtype=float)[:, None], n, axis=1)
        for p, values in self.capacity.items():
            capacity[p] = values[samples]
        capacity[~active] = 0.0  # an inactive exchange carries nothing and changes nothing
        order = self.order[:, samples]
        # Inactive exchanges carry nothing and change nothing: leave their steps out.
        kept = active[order]
        if not kept.all():
            order = order.T[kept.T].reshape(n, -1).T
        columns = np.arange(n)
        position_at = order * n + columns          # flat index into (E, n) arrays, step by step
        supply_at = supply[order] * n + columns    # flat index into left (S, n)
        demand_at = demand[order] * n + columns
        flat_left = left.reshape(-1)
        flat_carried = carried.reshape(-1)
        if not (np.shares_memory(flat_left, left) and np.shares_memory(flat_carried, carried)):
            raise ValueError("left and carried must be C-contiguous")
        flat_ratio = ratio.reshape(-1)
        flat_capacity = capacity.reshape(-1)
        for k in range(len(order)):
            s, d, p = supply_at[k], demand_at[k], position_at[k]
            supply_left = flat_left.take(s)
            demand_left = flat_left.take(d)
            r = flat_ratio.take(p)
            cap = flat_capacity.take(p)
            room = demand_left / r
            by_capacity = (cap <= supply_left) & (cap <= room)
            by_supply = ~by_capacity & (supply_left <= room)
            amount = np.where(by_capacity, cap, np.where(by_supply, supply_left, room))
            flat_left[s] = np.where(by_supply, 0.0, np.maximum(supply_left - amount, 0.0))
            flat_left[d] = np.where(~by_capacity & ~by_supply, 0.0, np.maximum(demand_left - r * amount, 0.0))
            flat_carried[p] = amount


_FOLLOWERS = "_batch_followers"


def _followers(park: Park, resource_id: str, column: str) -> list[int]:
    """Indices of the streams that take the resource's ``column`` (a stream follows its
    resource unless it gives a value of its own; one equal to the resource's cannot be
    told apart, nor does it need to be). Kept on the park."""
    table = park.__dict__.get(_FOLLOWERS)
    if table is None:
        table = {}
        for index, stream in enumerate(park.streams):
            resource = park.resource[stream.resource]
            names = ("virgin_price", "virgin_co2") if stream.kind is StreamKind.DEMAND else \
                ("disposal_fee", "disposal_co2")
            for name in names:
                if getattr(stream, name) == getattr(resource, name):
                    table.setdefault((stream.resource, name), []).append(index)
        park.__dict__[_FOLLOWERS] = table
    return table.get((resource_id, column), [])


def _stream_neighbours(plan: ServicePlan) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (earlier, later) of positions that use the same stream one after the other
    in the plan's order."""
    cached = plan.__dict__.get("_batch_neighbours")
    if cached is None:
        pairs = [(users[i], users[i + 1]) for users in plan.users for i in range(len(users) - 1)]
        pairs = sorted(set(pairs))
        cached = (np.array([a for a, _ in pairs], dtype=np.intp), np.array([b for _, b in pairs], dtype=np.intp))
        plan.__dict__["_batch_neighbours"] = cached
    return cached


_ORDER_KEYS = "_batch_order_keys"


def _order_keys(park: Park, chunk: _Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What the service order of every sample is sorted by, besides the sampled benefits:
    the park's own benefits as ``_benefits`` computes them (E, 1), their ranking values,
    each position's rank by id and whether it is a candidate. Kept on the (immutable)
    park, as its plan is."""
    cached = park.__dict__.get(_ORDER_KEYS)
    if cached is None:
        plan = chunk.plan
        size = plan.size
        ranking = np.array([ranking_value(net_benefit_per_unit(park, e)) for e in plan.exchanges])
        ids = [e.id for e in plan.exchanges]
        id_rank = np.empty(size)
        id_rank[sorted(range(size), key=ids.__getitem__)] = np.arange(size)
        candidate = np.array([e.status is not Status.EXISTING for e in plan.exchanges], dtype=float)
        cached = (chunk._benefits(park, 1, sampled=False), ranking, id_rank, candidate)
        park.__dict__[_ORDER_KEYS] = cached
    return cached


def _shifts(samples: dict[tuple[int, int], np.ndarray], base: np.ndarray):
    """Rows, columns and (K, N) sampled-minus-base values of the sampled rates, stacked."""
    if not samples:
        return None
    rows = np.array([r for r, _ in samples])
    columns = np.array([c for _, c in samples])
    return rows, columns, np.stack(list(samples.values())) - base[rows, columns][:, None]


def _step(left: np.ndarray, s, d, ratio, capacity, columns) -> np.ndarray:
    """Serve one exchange in every sample (``evaluation.serve``'s rule): carried =
    min(capacity, supply left, demand left / ratio); what bound it is emptied exactly."""
    supply_left = left[s, columns]
    demand_left = left[d, columns]
    room = demand_left / ratio
    by_capacity = (capacity <= supply_left) & (capacity <= room)
    by_supply = ~by_capacity & (supply_left <= room)
    by_demand = ~by_capacity & ~by_supply
    amount = np.where(by_capacity, capacity, np.where(by_supply, supply_left, room))
    left[s, columns] = np.where(by_supply, 0.0, np.maximum(supply_left - amount, 0.0))
    left[d, columns] = np.where(by_demand, 0.0, np.maximum(demand_left - ratio * amount, 0.0))
    return amount


class PreparedSamples:
    """The samples of ``values`` laid over a park, ready to evaluate views on: what does
    not depend on the view (the per-sample parameters and service orders) can be worked
    out once, so a toggle that evaluates its scenario on a park's draws pays only for
    serving it."""

    def __init__(self, park: Park, inputs: Sequence[RangedInput], values: np.ndarray, hold: bool = False):
        """``values`` is (K, N), row k the samples of ``inputs[k]``. ``hold``: keep the
        chunks the first ``evaluate`` makes for the next (else each is dropped once used,
        bounding memory on a big park, and made again next time)."""
        self.park = park
        self.plan = plan_for(park)
        values = np.asarray(values, dtype=float)
        if values.ndim != 2 or values.shape[0] != len(inputs):
            raise ValueError("values must be (inputs, samples)")
        self.samples = values.shape[1]
        size = max(CHUNK, CHUNK_CELLS // max(self.plan.size, 1))
        self._chunks = [(start, min(start + size, self.samples)) for start in range(0, self.samples, size)]
        self._inputs, self._values = tuple(inputs), values
        self._hold = hold
        self._held: list[_Chunk] = []  # empty or complete: a thread reads it, or makes its own

    def evaluate(self, views: Iterable[View], progress: Callable[[int, int], None] | None = None
                 ) -> list[np.ndarray]:
        """The park's KPIs, (N, 4) per view. ``progress(done, total)`` is called after each
        chunk."""
        park, plan, n = self.park, self.plan, self.samples
        views = list(views)
        firm_index = {f.id: i for i, f in enumerate(park.firms)}
        masks = []
        for view in views:
            unknown = view.without - firm_index.keys()
            if unknown:
                raise KeyError(f"unknown firm ids {sorted(unknown)}")
            active = np.array([e.id in view.active and e.from_firm not in view.without
                               and e.to_firm not in view.without for e in plan.exchanges], dtype=bool)
            keep_firm = np.array([f.id not in view.without for f in park.firms], dtype=float)
            keep_stream = keep_firm[plan.stream_firm] if len(plan.stream_firm) else np.zeros(0)
            masks.append((active, keep_stream, keep_firm))
        results = [np.empty((n, 4)) for _ in views]
        held, made = self._held, []
        for k, (start, stop) in enumerate(self._chunks):
            chunk = held[k] if held else _Chunk(park, plan, self._inputs, self._values[:, start:stop])
            if self._hold and not held:
                made.append(chunk)
            for result, (active, keep_stream, keep_firm) in zip(results, masks):
                result[start:stop] = chunk.totals(active, keep_stream, keep_firm)
            if progress is not None:
                progress(stop, n)
        if made:
            self._held = made
        return results


def evaluate_samples(park: Park, inputs: Sequence[RangedInput], values: np.ndarray, views: Iterable[View],
                     progress: Callable[[int, int], None] | None = None) -> list[np.ndarray]:
    """The park's KPIs, (N, 4) per view, for N samples: ``values`` is (K, N), row k the
    samples of ``inputs[k]``. ``progress(done, total)`` is called after each chunk."""
    return PreparedSamples(park, inputs, values).evaluate(views, progress)
