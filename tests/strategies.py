"""Hypothesis strategies shared by the property tests: random parks and scenarios."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from dashboard import model

RESOURCE_UNITS = {"water": ("m3", model.Category.WATER), "heat": ("MWh", model.Category.ENERGY),
                  "ash": ("t", model.Category.MATERIAL), "gypsum": ("t", model.Category.MATERIAL)}

money = st.floats(min_value=0, max_value=200, allow_nan=False, allow_infinity=False)
factor = st.floats(min_value=0, max_value=2, allow_nan=False, allow_infinity=False)
amount = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False))


@st.composite
def parks(draw) -> model.Park:
    n_firms = draw(st.integers(2, 5))
    firms = tuple(model.Firm(f"f{i}", f"Firm {i}", baseline=model.Kpis(
        draw(amount), draw(amount), draw(amount), draw(amount))) for i in range(n_firms))
    resources = tuple(model.Resource(rid, rid, cat, unit, freshwater=(rid == "water"),
                                     virgin_price=draw(money), virgin_co2=draw(factor),
                                     disposal_fee=draw(money), disposal_co2=draw(factor))
                      for rid, (unit, cat) in RESOURCE_UNITS.items())
    streams = {}
    for firm in firms:
        for resource in resources:
            for kind in model.StreamKind:
                if draw(st.booleans()):
                    fate = None
                    if kind is model.StreamKind.SUPPLY:
                        fate = model.Fate.LANDFILL if resource.unit == "t" else model.Fate.DISCHARGE
                    streams[(firm.id, kind, resource.id)] = model.Stream(
                        firm.id, kind, resource.id, draw(amount), fate,
                        resource.virgin_price, resource.virgin_co2, resource.disposal_fee, resource.disposal_co2)
    supplies = [k for k in streams if k[1] is model.StreamKind.SUPPLY]
    demands = [k for k in streams if k[1] is model.StreamKind.DEMAND]
    exchanges = []
    if supplies and demands:
        for i in range(draw(st.integers(1, 12))):
            supply = draw(st.sampled_from(supplies))
            demand = draw(st.sampled_from(demands))
            exchanges.append(model.Exchange(
                id=f"e{i}", name=f"e{i}", from_firm=supply[0], resource=supply[2], to_firm=demand[0],
                replaces=demand[2], status=draw(st.sampled_from(list(model.Status))),
                ratio=draw(st.sampled_from([1.0, 0.5, 2.0, 1.3])),
                capacity=draw(st.one_of(st.just(math.inf), amount)),
                capex=draw(st.sampled_from([0.0, 1e5])), lifetime_years=draw(st.sampled_from([5.0, 20.0])),
                opex_per_year=draw(st.sampled_from([0.0, 500.0])), cost_per_unit=draw(money) / 10,
                co2_per_unit=draw(factor) / 10, payer=draw(st.sampled_from(list(model.Payer))),
                price_per_unit=draw(money) / 10))
    return model.Park(name="random", currency="EUR", resources=resources, firms=firms,
                      streams=tuple(streams.values()), exchanges=tuple(exchanges),
                      discount_rate=draw(st.sampled_from([0.0, 0.06])),
                      carbon_price=draw(st.sampled_from([0.0, 80.0])))


@st.composite
def parks_and_scenarios(draw):
    park = draw(parks())
    ids = [e.id for e in park.exchanges]
    active = draw(st.sets(st.sampled_from(ids))) if ids else set()
    return park, frozenset(active)
