"""Invariants of the accounting on many random parks (hypothesis)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dashboard import model
from dashboard.model.generate import generate_park
from dashboard.model.writing import write_park_folder
from tests.strategies import parks_and_scenarios


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(parks_and_scenarios())
def test_no_stream_is_over_used_and_mass_balances(case):
    park, active = case
    result = model.evaluate(park, active)
    taken: dict[tuple, float] = {}
    for flow in result.flows:
        assert flow.carried >= 0
        assert flow.carried <= flow.exchange.capacity * (1 + 1e-12)
        if not flow.active:
            assert flow.carried == 0 and flow.bound is model.Bound.INACTIVE
        taken[flow.exchange.supply_key] = taken.get(flow.exchange.supply_key, 0) + flow.carried
        taken[flow.exchange.demand_key] = taken.get(flow.exchange.demand_key, 0) + flow.met
    for key, stream_flow in result.stream_flows.items():
        quantity = park.stream[key].quantity
        assert taken.get(key, 0.0) <= quantity * (1 + 1e-9) + 1e-9
        assert stream_flow.leftover >= 0
        assert close(stream_flow.exchanged + stream_flow.leftover, quantity)
        assert close(stream_flow.exchanged, taken.get(key, 0.0))


@PROPERTY_SETTINGS
@given(parks_and_scenarios())
def test_firm_kpis_add_up_to_the_park(case):
    park, active = case
    result = model.evaluate(park, active)
    total = model.Kpis()
    for firm_kpis in result.firm_kpis.values():
        total = total + firm_kpis
    for mine, theirs in zip(total.values(), result.totals.values()):
        assert close(mine, theirs)


@PROPERTY_SETTINGS
@given(parks_and_scenarios(), st.data())
def test_toggling_an_inactive_exchange_off_changes_nothing(case, data):
    # Asked through the scenario API (as a link's ?off=ID is), an exchange that is already
    # off leaves the same active set; and an inactive exchange must weigh nothing at all:
    # the park without it gives the same flows and the same totals, to the cent.
    park, active = case
    inactive = [e.id for e in park.exchanges if e.id not in active]
    assume(inactive)
    chosen = data.draw(st.sampled_from(inactive))
    on, off = model.scenario_toggles(park, active)
    assert model.scenario_active(park, on, off + (chosen,) if chosen not in off else off) == active
    without = dataclasses.replace(park, exchanges=tuple(e for e in park.exchanges if e.id != chosen))
    before, after = model.evaluate(park, active), model.evaluate(without, active)
    assert before.totals == after.totals
    assert [(f.id, f.carried, f.bound) for f in before.flows if f.id != chosen] == \
        [(f.id, f.carried, f.bound) for f in after.flows]
    assert before.firm_kpis == after.firm_kpis


@PROPERTY_SETTINGS
@given(parks_and_scenarios())
def test_switching_off_an_exchange_that_carries_nothing_only_saves_its_fixed_cost(case):
    park, active = case
    result = model.evaluate(park, active)
    for flow in result.flows:
        if flow.active and flow.carried == 0:
            after = model.evaluate(park, active - {flow.id})
            assert [f.carried for f in after.flows] == [f.carried for f in result.flows]
            exchange = flow.exchange
            fixed = model.annual_capital_cost(exchange.capex, park.discount_rate, exchange.lifetime_years) \
                + exchange.opex_per_year
            diff = result.totals - after.totals
            assert close(diff.cost, fixed) and diff.co2_t == 0 and diff.freshwater_m3 == 0


@PROPERTY_SETTINGS
@given(parks_and_scenarios())
def test_marginal_effects_equal_full_re_evaluation(case):
    park, active = case
    base = model.evaluate(park, active)
    effects = model.marginal_effects(park, active)
    assert list(effects) == [e.id for e in park.exchanges]
    for exchange_id, effect in effects.items():
        toggled = model.evaluate(park, active ^ {exchange_id})
        expected = toggled.totals - base.totals
        for got, want in zip(effect.values(), expected.values()):
            assert math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-4), (exchange_id, effect, expected)


@PROPERTY_SETTINGS
@given(parks_and_scenarios())
def test_evaluation_is_deterministic_and_order_independent(case):
    park, active = case
    first = model.evaluate(park, active)
    again = model.evaluate(park, sorted(active, reverse=True))
    assert first.totals == again.totals
    assert first.firm_totals.tolist() == again.firm_totals.tolist()


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 40), st.integers(1, 120), st.integers(0, 10_000))
def test_generated_parks_marginal_effects_match(firms, exchanges, seed):
    park = generate_park(firms, exchanges, seed)
    base = model.evaluate(park)
    effects = model.marginal_effects(park, base=base)
    for exchange in park.exchanges[:25]:
        expected = model.evaluate(park, base.active ^ {exchange.id}).totals - base.totals
        for got, want in zip(effects[exchange.id].values(), expected.values()):
            assert math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-3)


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_park_survives_a_write_and_load(tmp_path, seed):
    park = generate_park(30, 90, seed)
    loaded = model.load_park(write_park_folder(park, tmp_path / "park"))
    assert loaded.content_hash == park.content_hash
    assert not loaded.warnings
    assert model.evaluate(loaded).kpis == model.evaluate(park).kpis


@PROPERTY_SETTINGS
@given(parks_and_scenarios(), st.data())
def test_change_by_exchange_adds_up_to_the_kpi_change(case, data):
    park, active = case
    ids = [e.id for e in park.exchanges]
    other = frozenset(data.draw(st.sets(st.sampled_from(ids)))) if ids else frozenset()
    before, after = model.evaluate(park, active), model.evaluate(park, other)
    parts = model.change_by_exchange(before, after)
    total = model.Kpis()
    for part in parts.values():
        total = total + part
    for got, want in zip(total.values(), (after.totals - before.totals).values()):
        assert math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-4)


@PROPERTY_SETTINGS
@given(parks_and_scenarios())
def test_contributions_add_up_to_each_kpi(case):
    park, active = case
    result = model.evaluate(park, active)
    for kpi in model.KPI_NAMES:
        terms = model.contributions(result, kpi)
        assert math.isclose(sum(t.value for t in terms), result.kpis[kpi], rel_tol=1e-9, abs_tol=1e-6)
