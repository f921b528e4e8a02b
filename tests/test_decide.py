"""Deciding which candidates to build (docs/accounting.md): what each link is worth, the
sequential MACC, the fair deal and the best portfolio, each against numbers computed by
hand in the comments, and the optimiser against brute force on generated parks."""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest

from dashboard import model
from dashboard.model.deal import deals
from dashboard.model.generate import generate_park
from dashboard.model.macc import macc
from dashboard.model.portfolio import best_portfolio, pareto_front, question
from dashboard.model.worth import worth
from tests.helpers import COMPETING_STREAMS as STREAMS
from tests.helpers import decide_park, load

# Ash (disposal 50 EUR/t, 0.01 t CO2e/t) replaces gypsum (20 EUR/t, 0.1 t CO2e/t);
# no discounting (CRF = 1 / lifetime). STREAMS: power's 100 t of ash; plaster needs
# 70 t of gypsum, cement 50 t.
ONE_CANDIDATE = """\
id,name,from_firm,resource,to_firm,replaces,status,capex,lifetime_years,opex_per_year
a_plaster,Ash to plaster,power,fly_ash,plaster,gypsum,existing,,,
b_cement,Ash to cement,power,fly_ash,cement,gypsum,candidate,1000,10,100
"""
# decide_park: c1 (capex 7,700 over 10 years: 770 a year) and c2 (5 EUR/t to carry,
# served after c1 for its lower net benefit) compete for the 100 t of ash.
competing = decide_park


def test_worth_of_a_candidate_by_hand(tmp_path):
    park = load(tmp_path, streams=STREAMS, exchanges=ONE_CANDIDATE)
    value = worth(park)["b_cement"]
    # baseline: a_plaster takes 70 t, 30 t left. b_cement on carries those 30 t:
    # Δco2 = -30 x 0.01 - 30 x 0.1 = -3.3; Δcost = -30 x 50 - 30 x 20 + 1000/10 + 100 = -1900
    assert value.delta.co2_t == pytest.approx(-3.3) and value.delta.cost == pytest.approx(-1900)
    # operating saving = -(Δcost - capex x CRF) = -(-1900 - 100) = 2000 a year
    assert value.operating_saving == pytest.approx(2000)
    assert value.payback_years == pytest.approx(0.5)            # 1000 / 2000
    assert value.npv == pytest.approx(19_000)                   # 1900 / 0.1
    assert value.abatement_cost == pytest.approx(-1900 / 3.3)   # -575.76 EUR per t
    assert value.pays_for_itself


def test_worth_of_an_existing_link_is_on_minus_off(tmp_path):
    park = load(tmp_path, streams=STREAMS, exchanges=ONE_CANDIDATE)
    value = worth(park)["a_plaster"]
    # a_plaster on vs off (b_cement off): 70 t: Δco2 = -70 x 0.11 = -7.7, Δcost = -70 x 70 = -4900
    assert value.delta.co2_t == pytest.approx(-7.7) and value.delta.cost == pytest.approx(-4900)
    assert value.operating_saving == pytest.approx(4900)
    assert value.payback_years == 0                             # no capex
    assert value.npv == pytest.approx(4900 * 20)                # CRF(0, 20) = 1/20
    assert value.abatement_cost == pytest.approx(-4900 / 7.7)


def test_worth_none_where_a_link_never_pays_or_cuts_nothing(tmp_path):
    # 70 t of ash: the existing a_plaster takes it all, b_cement gets none
    park = load(tmp_path, streams=STREAMS.replace("100", "70"), exchanges=ONE_CANDIDATE)
    value = worth(park)["b_cement"]
    # carries 0: Δ = its fixed cost 200 a year only; saving -(200 - 100) = -100 < 0
    assert value.delta.co2_t == 0 and value.delta.cost == pytest.approx(200)
    assert value.operating_saving == pytest.approx(-100)
    assert value.payback_years is None and value.abatement_cost is None
    assert value.npv == pytest.approx(-2000) and not value.pays_for_itself


def test_macc_is_sequential_and_adds_up(tmp_path):
    park = competing(tmp_path)
    steps = macc(park)
    # standalone: c1 cuts 7.7 t for -4900 + 770 = -4130 (-536.4/t); c2 cuts 5.5 t for
    # -50 x 70 + 50 x 5 = -3250 (-590.9/t): c2 first.
    assert [s.id for s in steps] == ["c2", "c1"]
    assert steps[0].co2_cut == pytest.approx(5.5) and steps[0].cost_change == pytest.approx(-3250)
    assert steps[0].abatement_cost == pytest.approx(-3250 / 5.5)
    # c1 on top of c2: c1 is served first and takes 70 t, c2 keeps 30 t: 50 t more ash
    # used (-0.5 t CO2e, -2500) and 50 t more gypsum replaced (-5 t, -1000), c1's 770 a
    # year, c2 carries 20 t less at 5 (-100): cut 5.5 t for -2830.
    assert steps[1].co2_cut == pytest.approx(5.5) and steps[1].cost_change == pytest.approx(-2830)
    assert steps[1].abatement_cost == pytest.approx(-2830 / 5.5)
    # payback of c1 in its place: saving -(-2830 - 770) = 3600, 7700 / 3600 years
    assert steps[1].payback_years == pytest.approx(7700 / 3600)
    # the bars add up to both on against both off (a standalone MACC says 13.2 t)
    none, both = model.evaluate(park, []).totals, model.evaluate(park, ["c1", "c2"]).totals
    assert sum(s.co2_cut for s in steps) == pytest.approx(none.co2_t - both.co2_t) == pytest.approx(11)
    assert steps[-1].kpis == both


def test_macc_stops_when_nothing_cuts_co2(tmp_path):
    park = load(tmp_path, streams=STREAMS.replace("100", "70"), exchanges=ONE_CANDIDATE)
    assert macc(park) == ()


def test_fair_deal_range_by_hand(tmp_path):
    deal = deals(competing(tmp_path))["c1"]
    # c1 alone, 70 t. Receiver (plaster, pays for the link): -70 x 20 + 770 = -630.
    # Supplier (power): 70 t less to landfill: -3500. Range -3500/70 <= p <= 630/70.
    assert deal.carried == pytest.approx(70)
    assert deal.receiver_change == pytest.approx(-630) and deal.supplier_change == pytest.approx(-3500)
    assert deal.price_min == pytest.approx(-50) and deal.price_max == pytest.approx(9)
    assert deal.as_dict() == pytest.approx({"price_min": -50, "price_max": 9}) and deal.losers == ()


def test_fair_deal_ignores_the_price_in_the_data(tmp_path):
    deal = deals(competing(tmp_path, price=3))["c1"]
    assert deal.price == 3
    assert deal.price_min == pytest.approx(-50) and deal.price_max == pytest.approx(9)


def test_fair_deal_names_the_firm_that_loses_its_stream(tmp_path):
    park = competing(tmp_path)
    deal = deals(park, ["c2"])["c1"]
    # c1 takes 70 t of the ash c2 was carrying to the cement works (50 t -> 30 t):
    # cement buys 20 t of gypsum (+400) and pays c2's carriage on 20 t less (-100): +300.
    assert [(loser.firm, loser.exchanges) for loser in deal.losers] == [("cement", ("c2",))]
    assert deal.losers[0].cost_change == pytest.approx(300)
    # power: 50 t more ash used, -2500; range -2500/70 .. 630/70
    assert deal.supplier_change == pytest.approx(-2500)
    assert deal.price_min == pytest.approx(-2500 / 70) and deal.price_max == pytest.approx(9)


def test_no_price_works_when_the_link_costs_more_than_it_saves_both(tmp_path):
    deal = deals(competing(tmp_path, capex=100_000))["c1"]
    # receiver: -1400 + 10,000 = 8600; supplier -3500: together they lose 5100 a year
    assert deal.receiver_change == pytest.approx(8600)
    assert deal.price_min is None and deal.as_dict() is None and not deal.works
    assert "lose EUR 5,100 a year" in deal.reason


def test_deal_none_where_the_link_carries_nothing(tmp_path):
    park = load(tmp_path, streams=STREAMS.replace("100", "70"), exchanges=ONE_CANDIDATE)
    deal = deals(park)["b_cement"]
    assert deal.carried == 0 and deal.as_dict() is None and "carry nothing" in deal.reason
    assert "a_plaster" not in deals(park)  # existing links have no deal


def test_best_portfolio_by_hand(tmp_path):
    park = competing(tmp_path)
    # none: co2 100 x 0.01 + 120 x 0.1 = 13, cost 100 x 50 + 120 x 20 = 7400.
    # {c1}: cost 7400 - 4130 = 3270; {c2}: 4150; both: 7400 - 6080 = 1320, co2 2.
    best = best_portfolio(park, "cost")
    assert best.feasible and best.optimal and best.portfolio.on == ("c1", "c2")
    assert best.portfolio.kpis.cost == pytest.approx(1320) and best.portfolio.capex == 7700
    # a budget below c1's 7,700 leaves c2
    best = best_portfolio(park, "cost", question(park, budget=5000))
    assert best.portfolio.on == ("c2",) and best.portfolio.kpis.cost == pytest.approx(4150)
    # CO2e at most 6 needs c1 (13 - 7.7 = 5.3): with the budget, impossible
    best = best_portfolio(park, "cost", question(park, budget=5000, limits={"co2_t": 6}))
    assert not best.feasible and best.portfolio is None and "limit" in best.message
    # forcing c2 off: c1 alone
    best = best_portfolio(park, "cost", question(park, force_off=["c2"]))
    assert best.portfolio.on == ("c1",) and best.portfolio.kpis.cost == pytest.approx(3270)


def test_forced_links_over_the_budget_are_named(tmp_path):
    park = competing(tmp_path)
    best = best_portfolio(park, "co2_t", question(park, budget=100, force_on=["c1"]))
    assert not best.feasible and "forced on cost EUR 7,700" in best.message


def test_pareto_front_by_hand(tmp_path):
    park = competing(tmp_path, capex=40_000)
    # c1 now costs 4,000 a year: {c1}: co2 5.3, cost 7400 - 4900 + 4000 = 6500;
    # {c2}: 7.5, 4150; both: 2, 7400 - 7000 + 4000 + 150 = 4550; none: 13, 7400.
    front = pareto_front(park, ("co2_t", "cost"))
    assert front.optimal and [p.on for p in front.points] == [("c1", "c2"), ("c2",)]
    assert [(p.kpis.co2_t, p.kpis.cost) for p in front.points] == [
        pytest.approx((2, 4550)), pytest.approx((7.5, 4150))]


def test_bad_questions_are_named(tmp_path):
    park = competing(tmp_path)
    with pytest.raises(model.ParkError) as error:
        question(park, budget=-1, limits={"noise": 1}, force_on=["zz"], force_off=["c1"])
    text = str(error.value)
    assert "unknown exchange id 'zz'" in text and "unknown KPI 'noise'" in text and "budget" in text
    with pytest.raises(model.ParkError, match="unknown KPI"):
        best_portfolio(park, "water")
    with pytest.raises(model.ParkError, match="two different"):
        pareto_front(park, ("cost", "cost"))


# -- against brute force -------------------------------------------------------

def _brute(park, q):
    """Every feasible portfolio by direct evaluation: (kpis, on ids)."""
    fixed = {e.id for e in park.exchanges if e.status is model.Status.EXISTING and e.id in q.active}
    fixed = (fixed | q.force_on) - q.force_off
    free = [e.id for e in park.exchanges
            if e.status is model.Status.CANDIDATE and e.id not in q.force_on | q.force_off]
    found = []
    for size in range(len(free) + 1):
        for combo in itertools.combinations(free, size):
            active = fixed | set(combo)
            capex = sum(park.exchange[i].capex for i in active if park.exchange[i].status is model.Status.CANDIDATE)
            kpis = model.evaluate(park, active).totals
            if (q.budget is None or capex <= q.budget) and all(
                    getattr(kpis, name) <= limit for name, limit in q.limits.items()):
                found.append(kpis)
    return found


def _generated_cases():
    cases = []
    seed = 0
    while len(cases) < 14:
        rng = random.Random(seed)
        park = generate_park(rng.randint(3, 10), rng.randint(8, 36), seed)
        candidates = [e.id for e in park.exchanges if e.status is model.Status.CANDIDATE]
        seed += 1
        if not 4 <= len(candidates) <= 12:
            continue
        if rng.random() < 0.5:  # no carbon price, so CO2e and cost pull apart more
            park = dataclasses.replace(park, carbon_price=0.0)
        cases.append((seed - 1, park, rng, candidates))
    return cases


@pytest.mark.parametrize("case", range(14))
def test_optimiser_equals_brute_force(case):
    seed, park, rng, candidates = _generated_cases()[case]
    base = model.evaluate(park).totals
    budget = rng.choice([None, sum(park.exchange[i].capex for i in candidates) * rng.uniform(0.2, 0.7)])
    limits = {name: getattr(base, name) * rng.uniform(0.85, 1.0)
              for name in rng.sample(model.KPI_NAMES, rng.randint(0, 2))}
    forced = rng.sample(candidates, 2)
    q = question(park, budget=budget, limits=limits,
                 force_on=forced[:1] if rng.random() < 0.5 else (), force_off=forced[1:])
    everything = _brute(park, q)
    for objective in model.KPI_NAMES:
        best = best_portfolio(park, objective, q)
        assert best.optimal
        if not everything:
            assert not best.feasible and best.message
            continue
        lowest = min(getattr(k, objective) for k in everything)
        assert best.feasible
        assert getattr(best.portfolio.kpis, objective) == pytest.approx(lowest, rel=1e-9, abs=1e-9)
        assert best.portfolio.kpis == model.evaluate(park, best.portfolio.active).totals
    pairs = {(k.co2_t, k.cost) for k in everything}
    expected = sorted(p for p in pairs if not any(o[0] <= p[0] and o[1] <= p[1] and o != p for o in pairs))
    front = pareto_front(park, ("co2_t", "cost"), q)
    assert front.optimal and front.feasible == bool(everything)
    got = [(p.kpis.co2_t, p.kpis.cost) for p in front.points]
    assert got == [pytest.approx(pair, rel=1e-9) for pair in expected]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heuristic_is_never_worse_than_the_macc_in_order(seed):
    park = generate_park(40, 160, seed)   # groups too large to enumerate when told so
    budget = sum(e.capex for e in park.exchanges if e.status is model.Status.CANDIDATE) / 3
    q = question(park, budget=budget)
    steps = macc(park)
    prefixes = [[s.id for s in steps[:n]] for n in range(len(steps) + 1)]
    for objective in ("co2_t", "cost"):
        exact = best_portfolio(park, objective, q)
        rough = best_portfolio(park, objective, q, exhaustive_bits=3, time_limit=20)
        assert exact.optimal and not rough.optimal and rough.feasible
        assert rough.portfolio.capex <= budget
        column = model.KPI_NAMES.index(objective)
        in_order = min(model.evaluate(park, park.baseline_active | set(p)).totals.values()[column]
                       for p in prefixes
                       if sum(park.exchange[i].capex for i in p) <= budget)
        found = rough.portfolio.kpis.values()[column]
        assert exact.portfolio.kpis.values()[column] <= found + 1e-6 * abs(found)
        assert found <= in_order + 1e-6 * abs(in_order)
    front = pareto_front(park, ("co2_t", "cost"), q, exhaustive_bits=3, time_limit=20)
    assert not front.optimal and front.points


@pytest.mark.parametrize("seed", range(6))
def test_serving_one_group_again_equals_a_full_evaluation(seed):
    from dashboard.model.evaluation import evaluate_again
    from dashboard.model.macc import components

    park = generate_park(30, 120, seed)
    rng = random.Random(seed)
    base = model.evaluate(park, {e.id for e in park.exchanges if rng.random() < 0.5})
    label = components(base.plan)
    for exchange in rng.sample(park.exchanges, 10):
        position = base.plan.position_of[exchange.id]
        group = [p for p, g in enumerate(label) if g == label[position]]
        active = base.active ^ {exchange.id}
        again, full = evaluate_again(base, active, group), model.evaluate(park, active)
        assert again.run == full.run and again.totals == full.totals
        base = again
