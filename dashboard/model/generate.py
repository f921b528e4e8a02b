"""Synthetic but plausible parks of any size, for tests and benchmarks.

Firms get a sector, a place on a square site plan and supply and demand streams
drawn from a catalogue of real by-product routes (treated wastewater for freshwater,
surplus steam for boiler steam, FGD gypsum for mined gypsum, biomass for natural gas
through a biogas plant, ...). Exchanges link a supply to a matching demand at another
firm, preferring nearby firms; about a third are candidates. Prices and factors are of
a European order in EUR.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .domain import Exchange, Firm, Park, Resource, Source, Stream, TransportMode
from .kpis import Kpis
from .schema import DEFAULT_TRANSPORT_CO2_PER_TKM
from .vocabulary import Category, Fate, Mode, Payer, Status, StreamKind


@dataclass(frozen=True)
class Route:
    """A by-product route: ``supply`` resource can replace ``demand`` at ``ratio``."""

    supply: str
    demand: str
    ratio: float
    mode: Mode
    fate: Fate


RESOURCES: tuple[Resource, ...] = (
    Resource("freshwater", "Freshwater", Category.WATER, "m3", True, 1.4, 0.0003, source="synthetic"),
    Resource("treated_wastewater", "Treated wastewater", Category.WATER, "m3", False, 0, 0, 0.9, 0.0002, "synthetic"),
    Resource("cooling_water", "Used cooling water", Category.WATER, "m3", False, 0, 0, 0.2, 0.0, "synthetic"),
    Resource("steam", "Process steam", Category.ENERGY, "MWh", False, 32.0, 0.227, source="synthetic"),
    Resource("surplus_steam", "Surplus steam", Category.ENERGY, "MWh", False, 0, 0, 0, 0, "synthetic"),
    Resource("heat", "Low-temperature heat", Category.ENERGY, "MWh", False, 25.0, 0.2, source="synthetic"),
    Resource("waste_heat", "Waste heat", Category.ENERGY, "MWh", False, 0, 0, 0, 0, "synthetic"),
    Resource("natural_gas", "Natural gas", Category.ENERGY, "MWh", False, 40.0, 0.204, source="synthetic"),
    Resource("gypsum", "Mined gypsum", Category.MATERIAL, "t", False, 20.0, 0.01, source="synthetic"),
    Resource("fgd_gypsum", "FGD gypsum", Category.MATERIAL, "t", False, 0, 0, 60.0, 0.005, "synthetic"),
    Resource("clinker", "Cement clinker", Category.MATERIAL, "t", False, 55.0, 0.85, source="synthetic"),
    Resource("fly_ash", "Fly ash", Category.MATERIAL, "t", False, 0, 0, 60.0, 0.005, "synthetic"),
    Resource("fertiliser", "Mineral fertiliser", Category.MATERIAL, "t", False, 300.0, 1.2, source="synthetic"),
    Resource("sludge", "Process sludge", Category.MATERIAL, "t", False, 0, 0, 45.0, 0.02, "synthetic"),
    Resource("biomass", "Organic residue", Category.MATERIAL, "t", False, 0, 0, 30.0, 0.05, "synthetic"),
    Resource("scrap_steel", "Steel scrap", Category.MATERIAL, "t", False, 0, 0, 0, 0, "synthetic"),
    Resource("steel", "Virgin steel", Category.MATERIAL, "t", False, 450.0, 1.9, source="synthetic"),
)

ROUTES: tuple[Route, ...] = (
    Route("treated_wastewater", "freshwater", 1.0, Mode.PIPELINE, Fate.DISCHARGE),
    Route("cooling_water", "freshwater", 1.0, Mode.PIPELINE, Fate.DISCHARGE),
    Route("surplus_steam", "steam", 1.0, Mode.PIPELINE, Fate.VENT),
    Route("waste_heat", "heat", 1.0, Mode.PIPELINE, Fate.VENT),
    Route("fgd_gypsum", "gypsum", 1.0, Mode.TRUCK, Fate.LANDFILL),
    Route("fly_ash", "clinker", 0.8, Mode.TRUCK, Fate.LANDFILL),
    Route("sludge", "fertiliser", 0.05, Mode.TRUCK, Fate.INCINERATION),
    Route("biomass", "natural_gas", 1.1, Mode.TRUCK, Fate.LANDFILL),
    Route("scrap_steel", "steel", 0.9, Mode.RAIL, Fate.EXTERNAL),
)

SECTORS = ("power", "refinery", "chemicals", "pharmaceuticals", "food", "building materials",
           "utility", "waste management", "metals", "agriculture")

SCALE = {"m3": 400_000.0, "MWh": 60_000.0, "t": 30_000.0}


def generate_park(firms: int, exchanges: int, seed: int = 0) -> Park:
    """A synthetic park with ``firms`` firms and (up to) ``exchanges`` exchanges.

    Deterministic for a given seed. Fewer exchanges are made only when the firms'
    streams cannot hold that many distinct supply-to-demand pairs.
    """
    if firms < 2:
        raise ValueError("a park needs at least two firms")
    rng = random.Random(seed)
    side = max(2.0, math.sqrt(firms) * 1.5)
    firm_list = [Firm(f"f{i:04d}", f"Firm {i}", rng.choice(SECTORS),
                      x=round(rng.uniform(0, side), 3), y=round(rng.uniform(0, side), 3),
                      baseline=Kpis(0.0, round(rng.uniform(0, 20_000), 1), 0.0, 0.0), source="synthetic")
                 for i in range(firms)]
    resource = {r.id: r for r in RESOURCES}
    # Enough streams that `exchanges` distinct pairs exist: about 2.5 supplies and
    # 2.5 demands per firm, each route's demand present wherever its supply is common.
    routes_per_firm = max(2, min(len(ROUTES), math.ceil(exchanges / firms) + 1))
    streams: dict[tuple, Stream] = {}
    for firm in firm_list:
        for route in rng.sample(ROUTES, routes_per_firm):
            if rng.random() < 0.5:
                key = (firm.id, StreamKind.SUPPLY, route.supply)
                res = resource[route.supply]
                streams.setdefault(key, Stream(firm.id, StreamKind.SUPPLY, route.supply,
                                               _quantity(rng, res.unit), route.fate,
                                               disposal_fee=res.disposal_fee, disposal_co2=res.disposal_co2,
                                               source="synthetic"))
            else:
                key = (firm.id, StreamKind.DEMAND, route.demand)
                res = resource[route.demand]
                streams.setdefault(key, Stream(firm.id, StreamKind.DEMAND, route.demand,
                                               _quantity(rng, res.unit),
                                               virgin_price=res.virgin_price, virgin_co2=res.virgin_co2,
                                               source="synthetic"))
    supplies_by_route: dict[str, list[Stream]] = {}
    demands_by_resource: dict[str, list[Stream]] = {}
    for stream in streams.values():
        if stream.kind is StreamKind.SUPPLY:
            supplies_by_route.setdefault(stream.resource, []).append(stream)
        else:
            demands_by_resource.setdefault(stream.resource, []).append(stream)
    route_of = {r.supply: r for r in ROUTES}
    position = {f.id: (f.x, f.y) for f in firm_list}
    supplies = [s for s in streams.values() if s.kind is StreamKind.SUPPLY
                and demands_by_resource.get(route_of[s.resource].demand)]
    made: list[Exchange] = []
    pairs: set[tuple] = set()
    attempts = 0
    while len(made) < exchanges and supplies and attempts < exchanges * 20:
        attempts += 1
        supply = rng.choice(supplies)
        route = route_of[supply.resource]
        options = demands_by_resource[route.demand]
        # Prefer a near neighbour: best of a few random picks by distance.
        picks = [rng.choice(options) for _ in range(3)]
        demand = min(picks, key=lambda d: _distance(position[supply.firm], position[d.firm]))
        pair = (supply.firm, supply.resource, demand.firm)
        if demand.firm == supply.firm or pair in pairs:
            continue
        pairs.add(pair)
        distance = round(_distance(position[supply.firm], position[demand.firm]), 2)
        unit = resource[supply.resource].unit
        candidate = rng.random() < 0.35
        mode = route.mode
        co2_per_unit = distance * DEFAULT_TRANSPORT_CO2_PER_TKM[mode] if unit == "t" else 0.0
        cost_per_unit = round(distance * 0.12, 4) if unit == "t" else round(rng.uniform(0.0, 0.3), 4)
        capacity = round(supply.quantity * rng.uniform(0.3, 1.2), 1) if rng.random() < 0.4 else math.inf
        made.append(Exchange(
            id=f"x{len(made):05d}",
            name=f"{resource[supply.resource].name} {supply.firm} to {demand.firm}",
            from_firm=supply.firm, resource=supply.resource, to_firm=demand.firm,
            replaces=demand.resource, ratio=route.ratio,
            status=Status.CANDIDATE if candidate else Status.EXISTING,
            capacity=capacity, distance_km=distance, mode=mode,
            capex=round(rng.uniform(0.2, 8.0) * 1e6, -3) if candidate else round(rng.uniform(0, 3.0) * 1e6, -3),
            lifetime_years=rng.choice((10.0, 15.0, 20.0, 25.0)),
            opex_per_year=round(rng.uniform(0, 80_000), -2),
            cost_per_unit=cost_per_unit, co2_per_unit=co2_per_unit,
            payer=Payer.TO if rng.random() < 0.8 else Payer.FROM,
            price_per_unit=round(rng.uniform(0, 5), 2) if rng.random() < 0.5 else 0.0,
            source="synthetic"))
    used_resources = {s.resource for s in streams.values()}
    return Park(
        name=f"Synthetic park ({firms} firms, seed {seed})", currency="EUR", country="", year=2026,
        description="Generated by eco-park generate for tests and benchmarks; not a real park.",
        discount_rate=0.06, carbon_price=80.0,
        transport={m: TransportMode(DEFAULT_TRANSPORT_CO2_PER_TKM[m], 0.12) for m in Mode},
        sources=(Source("synthetic", "Synthetic data from eco-park generate", ""),),
        resources=tuple(r for r in RESOURCES if r.id in used_resources),
        firms=tuple(firm_list), streams=tuple(streams.values()), exchanges=tuple(made))


def _quantity(rng: random.Random, unit: str) -> float:
    return round(SCALE[unit] * rng.lognormvariate(0.0, 0.8), 1)


def _distance(a: tuple, b: tuple) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def generate_contested_park(candidates: int, seed: int = 0) -> Park:
    """A park whose ``candidates`` candidate links all compete: a few suppliers of fly
    ash, each link joining one of them to a cement works that could use it, so links
    share streams with each other (usually all in one chain). The hardest case for
    choosing a portfolio: no link can be judged apart from the rest."""
    rng = random.Random(seed)
    resource = {r.id: r for r in RESOURCES}
    routes = (ROUTES[5],)                      # fly ash -> clinker
    firms, streams, made = [], {}, []
    n_suppliers = max(1, candidates // 4)
    for i in range(n_suppliers + candidates // 2 + 1):
        firms.append(Firm(f"f{i:03d}", f"Firm {i}", rng.choice(SECTORS), x=round(rng.uniform(0, 5), 3),
                          y=round(rng.uniform(0, 5), 3), source="synthetic"))
    suppliers, receivers = firms[:n_suppliers], firms[n_suppliers:]
    for firm in suppliers:
        for route in routes:
            res = resource[route.supply]
            streams[(firm.id, route.supply)] = Stream(firm.id, StreamKind.SUPPLY, route.supply,
                                                      _quantity(rng, res.unit), route.fate,
                                                      disposal_fee=res.disposal_fee, disposal_co2=res.disposal_co2,
                                                      source="synthetic")
    for firm in receivers:
        for route in routes:
            res = resource[route.demand]
            streams[(firm.id, route.demand)] = Stream(firm.id, StreamKind.DEMAND, route.demand,
                                                      _quantity(rng, res.unit) / 2,
                                                      virgin_price=res.virgin_price, virgin_co2=res.virgin_co2,
                                                      source="synthetic")
    pairs = set()
    while len(made) < candidates:
        route = routes[0]
        supplier, receiver = rng.choice(suppliers), rng.choice(receivers)
        if (supplier.id, receiver.id, route.supply) in pairs:
            continue
        pairs.add((supplier.id, receiver.id, route.supply))
        distance = round(_distance((supplier.x, supplier.y), (receiver.x, receiver.y)), 2)
        unit = resource[route.supply].unit
        made.append(Exchange(
            id=f"c{len(made):03d}", name=f"{resource[route.supply].name} {supplier.id} to {receiver.id}",
            from_firm=supplier.id, resource=route.supply, to_firm=receiver.id, replaces=route.demand,
            ratio=route.ratio, status=Status.CANDIDATE,
            capacity=round(rng.uniform(0.2, 0.8) * SCALE[unit], 1), distance_km=distance, mode=route.mode,
            capex=round(rng.uniform(0.2, 8.0) * 1e6, -3), lifetime_years=rng.choice((10.0, 15.0, 20.0)),
            opex_per_year=round(rng.uniform(0, 80_000), -2),
            cost_per_unit=round(distance * 0.12, 4) if unit == "t" else round(rng.uniform(0.0, 0.3), 4),
            co2_per_unit=distance * DEFAULT_TRANSPORT_CO2_PER_TKM[route.mode] if unit == "t" else 0.0,
            source="synthetic"))
    used = {s.resource for s in streams.values()}
    return Park(
        name=f"Contested park ({candidates} candidates, seed {seed})", currency="EUR", year=2026,
        description="Generated for tests and benchmarks: every candidate competes; not a real park.",
        discount_rate=0.06, carbon_price=80.0,
        transport={m: TransportMode(DEFAULT_TRANSPORT_CO2_PER_TKM[m], 0.12) for m in Mode},
        sources=(Source("synthetic", "Synthetic data from eco-park generate", ""),),
        resources=tuple(r for r in RESOURCES if r.id in used),
        firms=tuple(firms), streams=tuple(streams.values()), exchanges=tuple(made))
