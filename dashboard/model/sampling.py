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
from .plan import RANKING_DIGITS, ServicePlan, plan_for
from .ranges import RangedInput, parse_stream_row
from .vocabulary import Status, StreamKind

CO2, COST = Kpi.CO2, Kpi.COST

CHUNK = 250
"""Samples evaluated together: bounds memory (a few arrays of positions x samples) and
gives the progress callback a beat."""

_BASELINE_COLUMN = {"baseline_freshwater": 0, "baseline_co2": 1, "baseline_landfill": 2, "baseline_cost": 3}
_NB_COLUMNS = {"virgin_price", "virgin_co2", "disposal_fee", "disposal_co2", "ratio", "cost_per_unit",
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


def rank_round(values: np.ndarray) -> np.ndarray:
    """``plan.ranking_value`` for an array: each value to RANKING_DIGITS significant digits."""
    magnitude = np.abs(values)
    with np.errstate(divide="ignore"):
        exponent = np.floor(np.log10(np.where(magnitude > 0, magnitude, 1.0)))
    scale = 10.0 ** (RANKING_DIGITS - 1 - exponent)
    return np.round(values * scale) / scale


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
                resource = park.resource[item.row]
                kind = StreamKind.DEMAND if item.column.startswith("virgin") else StreamKind.SUPPLY
                for index, stream in enumerate(park.streams):
                    # A stream follows its resource unless it gives a value of its own (one
                    # equal to the resource's cannot be told apart, nor does it need to be).
                    if stream.resource == item.row and stream.kind is kind \
                            and getattr(stream, item.column) == getattr(resource, item.column):
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
        self.order = self._orders(park, inputs) if any(i.column in _NB_COLUMNS for i in inputs) else None

    def _orders(self, park: Park, inputs: Sequence[RangedInput]) -> np.ndarray | None:
        """(E, N) positions in each sample's service order; None where no sample's net
        benefits differ from the park's (then the plan's order serves all)."""
        plan, n = self.plan, self.n
        size = plan.size
        touched = set(self.ratio) | {p for p, _ in self.own}
        for p in range(size):
            if (plan.supply[p], CO2) in self.rates or (plan.supply[p], COST) in self.rates \
                    or (plan.demand[p], CO2) in self.rates or (plan.demand[p], COST) in self.rates:
                touched.add(p)
        if not touched:
            return None
        carbon = park.carbon_price
        rates = plan.leftover_rates
        benefit = np.empty((size, n))
        for p in range(size):
            s, d = plan.supply[p], plan.demand[p]
            ratio = self.ratio.get(p, plan.ratio[p])
            demand_value = self.rates.get((d, COST), rates[d, COST]) + carbon * self.rates.get((d, CO2), rates[d, CO2])
            supply_value = self.rates.get((s, COST), rates[s, COST]) + carbon * self.rates.get((s, CO2), rates[s, CO2])
            own = self.own.get((p, COST), plan.own_rates[p, COST]) + carbon * self.own.get((p, CO2), plan.own_rates[p, CO2])
            benefit[p] = ratio * demand_value + supply_value - own
        ids = [e.id for e in plan.exchanges]
        id_rank = np.empty(size)
        id_rank[sorted(range(size), key=ids.__getitem__)] = np.arange(size)
        candidate = np.array([e.status is not Status.EXISTING for e in plan.exchanges], dtype=float)
        keys = (np.broadcast_to(id_rank[:, None], (size, n)), -rank_round(benefit),
                np.broadcast_to(candidate[:, None], (size, n)))
        return np.lexsort(keys, axis=0)

    def totals(self, view_active: np.ndarray, keep_stream: np.ndarray, keep_firm: np.ndarray) -> np.ndarray:
        """(N, 4) park KPIs of one view: ``view_active`` (E,) by position; streams and
        firms not kept belong to firms that left."""
        plan, n = self.plan, self.n
        left = np.repeat(np.asarray(plan.quantity, dtype=float)[:, None], n, axis=1)
        for s, samples in self.quantity.items():
            left[s] = samples
        carried = np.zeros((plan.size, n))
        if self.order is None:
            self._serve_common(view_active, left, carried)
        else:
            self._serve_each(view_active, left, carried)
        rates = plan.leftover_rates * keep_stream[:, None]
        total = left.T @ rates
        for (s, column), samples in self.rates.items():
            if keep_stream[s]:
                total[:, column] += left[s] * (samples - plan.leftover_rates[s, column])
        total += carried.T @ plan.own_rates
        for (p, column), samples in self.own.items():
            total[:, column] += carried[p] * (samples - plan.own_rates[p, column])
        total[:, COST] += float(plan.fixed_cost @ view_active.astype(float))
        for p, samples in self.fixed.items():
            if view_active[p]:
                total[:, COST] += samples - plan.fixed_cost[p]
        total += (plan.firm_baselines * keep_firm[:, None]).sum(axis=0)
        for (f, column), samples in self.baselines.items():
            if keep_firm[f]:
                total[:, column] += samples - plan.firm_baselines[f, column]
        return total

    def _serve_common(self, active: np.ndarray, left: np.ndarray, carried: np.ndarray) -> None:
        """Every sample serves the positions in the plan's order."""
        plan = self.plan
        supply, demand = plan.supply, plan.demand
        for p in np.flatnonzero(active).tolist():
            s, d = supply[p], demand[p]
            ratio = self.ratio.get(p, plan.ratio[p])
            capacity = self.capacity.get(p, plan.capacity[p])
            carried[p] = _step(left, s, d, ratio, capacity, slice(None))

    def _serve_each(self, active: np.ndarray, left: np.ndarray, carried: np.ndarray) -> None:
        """Each sample serves the positions in its own order: step k serves order[k]."""
        plan, n = self.plan, self.n
        supply = np.asarray(plan.supply)
        demand = np.asarray(plan.demand)
        ratio = np.repeat(np.asarray(plan.ratio, dtype=float)[:, None], n, axis=1)
        for p, samples in self.ratio.items():
            ratio[p] = samples
        capacity = np.repeat(np.asarray(plan.capacity, dtype=float)[:, None], n, axis=1)
        for p, samples in self.capacity.items():
            capacity[p] = samples
        capacity[~active] = 0.0  # an inactive exchange carries nothing and changes nothing
        columns = np.arange(n)
        for row in self.order:
            s, d = supply[row], demand[row]
            carried[row, columns] = _step(left, s, d, ratio[row, columns], capacity[row, columns], columns)


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


def evaluate_samples(park: Park, inputs: Sequence[RangedInput], values: np.ndarray, views: Iterable[View],
                     progress: Callable[[int, int], None] | None = None) -> list[np.ndarray]:
    """The park's KPIs, (N, 4) per view, for N samples: ``values`` is (K, N), row k the
    samples of ``inputs[k]``. ``progress(done, total)`` is called after each chunk."""
    plan = plan_for(park)
    views = list(views)
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[0] != len(inputs):
        raise ValueError("values must be (inputs, samples)")
    n = values.shape[1]
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
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        chunk = _Chunk(park, plan, inputs, values[:, start:stop])
        for result, (active, keep_stream, keep_firm) in zip(results, masks):
            result[start:stop] = chunk.totals(active, keep_stream, keep_firm)
        if progress is not None:
            progress(stop, n)
    return results
