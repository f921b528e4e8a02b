"""The accounting rules of docs/accounting.md, each checked against numbers
computed by hand in the comments."""

from __future__ import annotations

import pytest

from dashboard import model
from tests.helpers import COMPETING_STREAMS, PARK_TOML, competing, kpis, load

ASH_TO_PLASTER = """\
id,name,from_firm,resource,to_firm,replaces,status,capacity,capex,lifetime_years,opex_per_year
ash,Fly ash to plaster,power,fly_ash,plaster,gypsum,existing,{capacity},{capex},{lifetime},{opex}
"""


def ash_park(tmp_path, supply=100, demand=60, capacity="", capex="", lifetime="", opex="", toml=PARK_TOML):
    return load(tmp_path, toml=toml,
                streams=f"""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,{supply},landfill
                plaster,demand,gypsum,{demand},
                """,
                exchanges=ASH_TO_PLASTER.format(capacity=capacity, capex=capex, lifetime=lifetime, opex=opex))


def test_exchange_limited_by_demand(tmp_path):
    park = ash_park(tmp_path)
    result = model.evaluate(park)
    flow = result.flow("ash")
    # carried = min(unlimited, 100, 60 / 1) = 60, the demand binds
    assert flow.carried == 60 and flow.bound is model.Bound.DEMAND and flow.bound_by is None
    # 40 t of ash left to landfill: 40 t, 40 x 0.01 t CO2e, 40 x EUR 50
    assert result.kpis == pytest.approx({"freshwater_m3": 0, "co2_t": 0.4, "landfill_t": 40, "cost": 2000})


def test_no_symbiosis_buys_and_dumps_everything(tmp_path):
    result = model.evaluate(ash_park(tmp_path), active=[])
    # landfill 100 t; CO2e 100 x 0.01 + 60 x 0.1 = 7; cost 100 x 50 + 60 x 20 = 6200
    assert kpis(result) == (0, 7, 100, 6200)
    assert result.flow("ash").bound is model.Bound.INACTIVE and result.flow("ash").carried == 0


def test_exchange_limited_by_capacity(tmp_path):
    result = model.evaluate(ash_park(tmp_path, capacity=25))
    assert result.flow("ash").carried == 25 and result.flow("ash").bound is model.Bound.CAPACITY
    # 75 t to landfill; CO2e 75 x 0.01 + 35 x 0.1 = 4.25; cost 75 x 50 + 35 x 20 = 4450
    assert kpis(result) == (0, 4.25, 75, 4450)


def test_exchange_limited_by_supply(tmp_path):
    result = model.evaluate(ash_park(tmp_path, supply=30))
    assert result.flow("ash").carried == 30 and result.flow("ash").bound is model.Bound.SUPPLY
    # nothing to landfill; 30 t gypsum bought: CO2e 3, cost 600
    assert kpis(result) == (0, 3, 0, 600)


def test_capex_annuity_without_discounting(tmp_path):
    result = model.evaluate(ash_park(tmp_path, capex=1000, lifetime=10, opex=50))
    # CRF(0, 10) = 1/10: 1000 / 10 + 50 opex on top of the 2000 disposal fees
    assert result.kpis["cost"] == pytest.approx(2150)


def test_capex_annuity_with_discounting(tmp_path):
    toml = PARK_TOML.replace("discount_rate = 0.0", "discount_rate = 0.06")
    result = model.evaluate(ash_park(tmp_path, capex=1_000_000, lifetime=20, toml=toml))
    # CRF(0.06, 20) = 0.06 x 1.06^20 / (1.06^20 - 1) = 0.0871845570 -> EUR 87,184.56 a year
    assert result.kpis["cost"] == pytest.approx(2000 + 87_184.56, abs=0.01)
    assert model.capital_recovery_factor(0.06, 20) == pytest.approx(0.0871845570, abs=1e-10)


def test_active_exchange_pays_fixed_costs_even_when_it_carries_nothing(tmp_path):
    result = model.evaluate(ash_park(tmp_path, supply=0, capex=1000, lifetime=10, opex=50))
    assert result.flow("ash").carried == 0
    # 60 t gypsum bought (1200) + the annuity 100 and opex 50
    assert result.kpis["cost"] == pytest.approx(1350)


def test_ratio_converts_units(tmp_path):
    park = load(tmp_path,
                streams="""\
                firm,kind,resource,quantity,fate
                power,supply,biomass,100,landfill
                cement,demand,natural_gas,150,
                """,
                exchanges="""\
                id,from_firm,resource,to_firm,replaces,ratio,status
                biogas,power,biomass,cement,natural_gas,2,existing
                """)
    result = model.evaluate(park)
    flow = result.flow("biogas")
    # carried = min(100 t, 150 MWh / 2 MWh per t = 75 t) = 75 t, meeting 150 MWh
    assert (flow.carried, flow.met, flow.bound) == (75, 150, model.Bound.DEMAND)
    assert (flow.unit, flow.demand_unit) == ("t", "MWh")
    # 25 t biomass to landfill: CO2e 25 x 0.05 = 1.25, cost 25 x 30 = 750
    assert kpis(result) == (0, 1.25, 25, 750)


def carried(result) -> dict[str, float]:
    return {f.id: f.carried for f in result.flows}


def test_equal_benefit_competitors_are_served_by_id(tmp_path):
    park = competing(tmp_path, "to_cement,power,fly_ash,cement,gypsum,existing,,\n"
                               "to_plaster,power,fly_ash,plaster,gypsum,existing,,\n")
    # same net benefit (20 + 50 per t): 'to_cement' < 'to_plaster' so cement first: 50, then 50 left
    assert carried(model.evaluate(park)) == {"to_cement": 50, "to_plaster": 50}


def test_higher_net_benefit_is_served_first(tmp_path):
    park = competing(tmp_path, "a_plaster,power,fly_ash,plaster,gypsum,existing,5,\n"
                               "b_cement,power,fly_ash,cement,gypsum,existing,0,\n")
    # net benefit: a = 20 + 50 - 5 = 65, b = 70: b first takes 50, a gets the 50 left
    result = model.evaluate(park)
    assert carried(result) == {"a_plaster": 50, "b_cement": 50}
    assert result.flow("a_plaster").bound is model.Bound.SUPPLY


def test_carbon_price_enters_the_ranking(tmp_path):
    toml = PARK_TOML + "carbon_price = 100\n"
    park = competing(tmp_path, "a_plaster,power,fly_ash,plaster,gypsum,existing,5,0\n"
                               "b_cement,power,fly_ash,cement,gypsum,existing,0,0.1\n", toml)
    # a = 20 + 100x0.1 + 50 + 100x0.01 - 5 = 76; b = 81 - 100x0.1 = 71: a first takes 70
    assert [e.id for e in model.service_order(park)] == ["a_plaster", "b_cement"]
    assert carried(model.evaluate(park)) == {"a_plaster": 70, "b_cement": 30}


def test_existing_served_before_candidates(tmp_path):
    park = competing(tmp_path, "a_plaster,power,fly_ash,plaster,gypsum,existing,5,\n"
                               "b_cement,power,fly_ash,cement,gypsum,candidate,0,\n")
    # b has the higher benefit but is a candidate: a (existing) takes its 70 first
    assert carried(model.evaluate(park, ["a_plaster", "b_cement"])) == {"a_plaster": 70, "b_cement": 30}


def test_exchange_starved_by_an_earlier_one_names_it(tmp_path):
    streams = COMPETING_STREAMS.replace("plaster,demand,gypsum,70", "plaster,demand,gypsum,120")
    park = load(tmp_path, streams=streams, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status
                a_plaster,power,fly_ash,plaster,gypsum,existing
                b_cement,power,fly_ash,cement,gypsum,existing
                """)
    result = model.evaluate(park)
    # a takes all 100 t; b carries 0, bound by supply, and says a took it
    assert carried(result) == {"a_plaster": 100, "b_cement": 0}
    assert (result.flow("b_cement").bound, result.flow("b_cement").bound_by) == (model.Bound.SUPPLY, "a_plaster")


def firm_kpis(result, firm) -> tuple[float, float, float, float]:
    return tuple(round(v, 9) for v in result.firm_kpis[firm].values())


def test_payer_to_carries_exchange_cost_and_transfer_price(tmp_path):
    park = load(tmp_path, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                plaster,demand,gypsum,60,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status,cost_per_unit,co2_per_unit,price_per_unit,payer
                ash,power,fly_ash,plaster,gypsum,existing,2,0.005,3,to
                """)
    result = model.evaluate(park)
    # 60 t carried: own CO2e 0.3 and cost 120 on the receiver; it also pays 60 x 3 = 180
    assert firm_kpis(result, "plaster") == (0, 0.3, 0, 300)
    # the supplier: 40 t landfilled (0.4 t CO2e, EUR 2000) less the 180 it is paid
    assert firm_kpis(result, "power") == (0, 0.4, 40, 1820)
    assert firm_kpis(result, "cement") == (0, 0, 0, 0)
    # the transfer price cancels out in the park total
    assert kpis(result) == (0, 0.7, 40, 2120)
    assert result.flow("ash").transfer == 180


def test_payer_from_puts_exchange_cost_on_the_supplier(tmp_path):
    park = load(tmp_path, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                plaster,demand,gypsum,60,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status,cost_per_unit,co2_per_unit,price_per_unit,payer
                ash,power,fly_ash,plaster,gypsum,existing,2,0.005,3,from
                """)
    result = model.evaluate(park)
    assert firm_kpis(result, "power") == (0, 0.7, 40, 2000 + 120 - 180)
    assert firm_kpis(result, "plaster") == (0, 0, 0, 180)
    assert kpis(result) == (0, 0.7, 40, 2120)


TRANSPORT_TOML = PARK_TOML + """
[transport.truck]
co2_per_tkm = 0.0001
cost_per_tkm = 0.2
"""


def test_transport_cost_and_co2_derived_from_distance_for_tonnes(tmp_path):
    park = load(tmp_path, toml=TRANSPORT_TOML, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                plaster,demand,gypsum,60,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status,distance_km,mode
                ash,power,fly_ash,plaster,gypsum,existing,10,truck
                """)
    exchange = park.exchange["ash"]
    # 10 km x 0.2 per t-km = 2 per t; 10 km x 0.0001 t CO2e per t-km = 0.001 t CO2e per t
    assert exchange.cost_per_unit == pytest.approx(2) and exchange.co2_per_unit == pytest.approx(0.001)
    assert exchange.derived_transport
    # 60 t carried: + 120 cost and + 0.06 t CO2e on the 40 t landfilled
    assert kpis(model.evaluate(park)) == (0, 0.46, 40, 2120)


def test_given_per_unit_cost_wins_over_transport_and_non_tonnes_get_none(tmp_path):
    park = load(tmp_path, toml=TRANSPORT_TOML, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                power,supply,wastewater,600,discharge
                plaster,demand,gypsum,60,
                plaster,demand,freshwater,1000,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status,distance_km,mode,cost_per_unit
                ash,power,fly_ash,plaster,gypsum,existing,10,truck,7
                water,power,wastewater,plaster,freshwater,existing,5,truck,
                """)
    assert park.exchange["ash"].cost_per_unit == 7 and park.exchange["ash"].co2_per_unit == pytest.approx(0.001)
    assert (park.exchange["water"].cost_per_unit, park.exchange["water"].co2_per_unit) == (0, 0)


def test_default_truck_factor_and_missing_cost_warns(tmp_path):
    park = load(tmp_path, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                plaster,demand,gypsum,60,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status,distance_km,mode
                ash,power,fly_ash,plaster,gypsum,existing,10,truck
                """)
    # project default for trucks: 0.00008 t CO2e per t-km -> 0.0008 per t over 10 km
    assert park.exchange["ash"].co2_per_unit == pytest.approx(0.0008)
    assert park.exchange["ash"].cost_per_unit == 0
    assert any("cost_per_tkm" in w.message and w.row == 2 for w in park.warnings)


def test_per_stream_prices_override_the_resource(tmp_path):
    park = load(tmp_path, streams="""\
                firm,kind,resource,quantity,fate,virgin_price,disposal_fee
                power,supply,fly_ash,100,landfill,,10
                plaster,demand,gypsum,60,,30,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status
                ash,power,fly_ash,plaster,gypsum,candidate
                """)
    result = model.evaluate(park)
    # nothing active: 100 t x EUR 10 (override) + 60 t x EUR 30 (override); CO2e from the resource
    assert kpis(result) == (0, 7, 100, 1000 + 1800)


def test_freshwater_counts_unmet_demand_and_firm_baselines(tmp_path):
    firms = "id,name,baseline_freshwater,baseline_co2\npower,Power,,\nplaster,Plaster,500,12\ncement,Cement,,\n"
    park = load(tmp_path, firms=firms, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,wastewater,600,discharge
                plaster,demand,freshwater,1000,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status
                reuse,power,wastewater,plaster,freshwater,existing
                """)
    base = model.evaluate(park)
    # 600 m3 reused; 400 m3 still drawn + 500 m3 reported: 900 m3; CO2e 12 + 400 x 0.001
    assert kpis(base) == (900, 12.4, 0, 800)
    none = model.evaluate(park, [])
    # 1000 + 500 m3 drawn; cost 1000 x 2 + 600 x 1 discharge fee
    assert kpis(none) == (1500, 13, 0, 2600)


def test_three_views_and_changes(tmp_path):
    park = competing(tmp_path, "a_plaster,power,fly_ash,plaster,gypsum,existing,,\n"
                               "b_cement,power,fly_ash,cement,gypsum,candidate,,\n")
    views = model.views(park, ["a_plaster", "b_cement"])
    # baseline: a carries 70, 30 t landfilled, 50 t gypsum bought at cement
    assert kpis(views.baseline) == (0, 5.3, 30, 2500)
    # scenario: b adds 30 t: nothing landfilled, 20 t gypsum bought
    assert kpis(views.scenario) == (0, 2, 0, 400)
    # no symbiosis: 100 t landfilled, 120 t bought
    assert kpis(views.no_symbiosis) == (0, 13, 100, 7400)
    assert views.vs_baseline.absolute.landfill_t == -30
    assert views.vs_baseline.relative["landfill_t"] == -1.0
    assert views.vs_baseline.relative["freshwater_m3"] is None
    assert views.baseline_savings.cost == 7400 - 2500
    assert views.scenario_savings.cost == 7400 - 400 and views.scenario_savings.landfill_t == 100


def test_marginal_effects_by_hand(tmp_path):
    park = competing(tmp_path, "a_plaster,power,fly_ash,plaster,gypsum,existing,,\n"
                               "b_cement,power,fly_ash,cement,gypsum,candidate,,\n")
    baseline = model.marginal_effects(park)
    # switching b on adds 30 t: -30 t landfill; CO2e -30 x (0.01 + 0.1); cost -30 x (50 + 20)
    assert baseline["b_cement"].values() == pytest.approx((0, -3.3, -30, -2100))
    # switching a off loses 70 t: +70 t landfill, +7.7 t CO2e, +4900
    assert baseline["a_plaster"].values() == pytest.approx((0, 7.7, 70, 4900))
    both = model.marginal_effects(park, ["a_plaster", "b_cement"])
    # with both on, switching a off lets b grow from 30 to 50 t: net +50 t landfill,
    # CO2e +7.7 - 20 x 0.11 = 5.5, cost +4900 - 20 x 70 = 3500
    assert both["a_plaster"].values() == pytest.approx((0, 5.5, 50, 3500))


def test_marginal_effect_includes_fixed_costs(tmp_path):
    park = ash_park(tmp_path, capex=1000, lifetime=10, opex=50)
    # switching the one exchange off: 60 t more landfilled, 60 t gypsum bought, 150 a year saved
    effect = model.marginal_effects(park)["ash"]
    assert effect.values() == pytest.approx((0, 60 * 0.01 + 60 * 0.1, 60, 60 * 50 + 60 * 20 - 150))


def test_unknown_exchange_in_active_set_is_named(tmp_path):
    park = ash_park(tmp_path)
    with pytest.raises(model.ParkError) as caught:
        model.evaluate(park, ["ash", "nope"])
    assert "unknown exchange id 'nope'" in str(caught.value)


def test_scenario_toggles_round_trip(tmp_path):
    park = competing(tmp_path, "a_plaster,power,fly_ash,plaster,gypsum,existing,,\n"
                               "b_cement,power,fly_ash,cement,gypsum,candidate,,\n")
    active = model.scenario_active(park, on=["b_cement"], off=["a_plaster"])
    assert active == {"b_cement"}
    assert model.scenario_toggles(park, active) == (("b_cement",), ("a_plaster",))
    with pytest.raises(model.ParkError, match="both on and off"):
        model.scenario_active(park, on=["b_cement"], off=["b_cement"])


def test_blank_payer_means_the_receiver_pays(tmp_path):
    park = load(tmp_path, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                plaster,demand,gypsum,60,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status,cost_per_unit,mode
                ash,power,fly_ash,plaster,gypsum,existing,2,
                """)
    assert park.exchange["ash"].payer is model.Payer.TO and park.exchange["ash"].mode is model.Mode.PIPELINE
    # 60 t x 2 on the receiver's books
    assert model.evaluate(park).firm_kpis["plaster"].cost == pytest.approx(120)


def test_relative_change_keeps_its_sign_when_the_reference_is_negative():
    # A park that earns 100 a year (cost -100) and then earns only 50 is 50 % worse: +50 %.
    earning = model.Kpis(freshwater_m3=200.0, co2_t=10.0, landfill_t=0.0, cost=-100.0)
    less = model.Kpis(freshwater_m3=150.0, co2_t=10.0, landfill_t=5.0, cost=-50.0)
    moved = model.change(less, earning)
    assert moved.absolute == model.Kpis(-50.0, 0.0, 5.0, 50.0)
    assert moved.relative == {"freshwater_m3": -0.25, "co2_t": 0.0, "landfill_t": None, "cost": 0.5}
    assert model.relative_change(-150.0, -100.0) == -0.5


def test_percentages_never_show_a_signed_zero_beside_a_real_change():
    from dashboard.formatting import percent

    # a small real change shows as the number it is (never +0.0 % or a bare +<0.1 %)
    assert [percent(x) for x in (0.123, -0.0004, 0.00003, 0.0, None)] == [
        "+12.3 %", "\u22120.040 %", "+0.0030 %", "0.0 %", "n/a"]


# -- each term of the net benefit decides the service order on its own ----------------
# Two exchanges that tie on every other term; without the term under test, the tie
# would go to 'a_...' by id, so 'b_...' going first shows the term counts.

def test_ratio_multiplies_the_demand_side_of_the_net_benefit(tmp_path):
    park = load(tmp_path, streams=COMPETING_STREAMS, exchanges="""\
                id,from_firm,resource,to_firm,replaces,ratio,status
                a_plaster,power,fly_ash,plaster,gypsum,1,existing
                b_cement,power,fly_ash,cement,gypsum,2,existing
                """)
    # a = 1 x 20 + 50 = 70; b = 2 x 20 + 50 = 90: b first, 25 t meet cement's 50 t
    assert model.net_benefit_per_unit(park, park.exchange["b_cement"]) == pytest.approx(90)
    assert [e.id for e in model.service_order(park)] == ["b_cement", "a_plaster"]
    assert carried(model.evaluate(park)) == {"b_cement": 25, "a_plaster": 70}


TWO_ASH_SUPPLIES = """\
firm,kind,resource,quantity,fate,disposal_fee,disposal_co2,virgin_co2
power,supply,fly_ash,100,landfill,{power_fee},{power_co2},
cement,supply,fly_ash,100,landfill,{cement_fee},{cement_co2},
plaster,demand,gypsum,70,,,,
"""


def two_supplies(tmp_path, toml=PARK_TOML, power_fee="", power_co2="", cement_fee="", cement_co2=""):
    return load(tmp_path, toml=toml, streams=TWO_ASH_SUPPLIES.format(
        power_fee=power_fee, power_co2=power_co2, cement_fee=cement_fee, cement_co2=cement_co2), exchanges="""\
        id,from_firm,resource,to_firm,replaces,status
        a_power,power,fly_ash,plaster,gypsum,existing
        b_cement,cement,fly_ash,plaster,gypsum,existing
        """)


def test_disposal_fee_of_the_supply_enters_the_net_benefit(tmp_path):
    park = two_supplies(tmp_path, power_fee=10)
    # a = 20 + 10 (the power station's own fee) = 30; b = 20 + 50 (the resource's) = 70
    assert [e.id for e in model.service_order(park)] == ["b_cement", "a_power"]
    result = model.evaluate(park)
    # b fills plaster's 70 t; a carries nothing, bound by the demand b met, and says so
    assert carried(result) == {"b_cement": 70, "a_power": 0}
    assert (result.flow("a_power").bound, result.flow("a_power").bound_by) == (model.Bound.DEMAND, "b_cement")
    # landfill 100 + 30 t; CO2e 130 x 0.01; cost 100 x 10 + 30 x 50
    assert kpis(result) == (0, 1.3, 130, 2500)


def test_carbon_price_times_disposal_co2_enters_the_net_benefit(tmp_path):
    toml = PARK_TOML + "carbon_price = 100\n"
    park = two_supplies(tmp_path, toml=toml, cement_co2=0.05)
    # a = 20 + 100 x 0.1 + 50 + 100 x 0.01 = 81; b = 20 + 10 + 50 + 100 x 0.05 = 85
    assert model.net_benefit_per_unit(park, park.exchange["b_cement"]) == pytest.approx(85)
    assert [e.id for e in model.service_order(park)] == ["b_cement", "a_power"]
    result = model.evaluate(park)
    # the stream's own disposal_co2 counts in the KPIs too: 100 t x 0.01 + 30 t x 0.05
    assert kpis(result) == (0, 2.5, 130, 6500)


def test_carbon_price_times_virgin_co2_enters_the_net_benefit(tmp_path):
    toml = PARK_TOML + "carbon_price = 100\n"
    park = load(tmp_path, toml=toml, streams="""\
                firm,kind,resource,quantity,fate,virgin_co2
                power,supply,fly_ash,100,landfill,
                plaster,demand,gypsum,70,,0.3
                cement,demand,gypsum,50,,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status
                a_cement,power,fly_ash,cement,gypsum,existing
                b_plaster,power,fly_ash,plaster,gypsum,existing
                """)
    # a = 20 + 100 x 0.1 + 50 + 1 = 81; b = 20 + 100 x 0.3 (plaster's own) + 50 + 1 = 101
    assert [e.id for e in model.service_order(park)] == ["b_plaster", "a_cement"]
    result = model.evaluate(park)
    assert carried(result) == {"b_plaster": 70, "a_cement": 30}
    # 20 t gypsum bought at cement (x 0.1 t CO2e, x 20), nothing landfilled
    assert kpis(result) == (0, 2, 0, 400)
    # with nothing on, plaster's 70 t are valued at its own 0.3 t CO2e a tonne
    assert kpis(model.evaluate(park, [])) == (0, 70 * 0.3 + 50 * 0.1 + 1, 100, 70 * 20 + 50 * 20 + 100 * 50)


def test_equal_net_benefits_tie_on_paper_not_on_rounding_noise(tmp_path):
    resources = """\
    id,name,category,unit,virgin_price,disposal_fee
    ash,Ash,material,t,0,0
    g1,G1,material,t,0.1,0
    g2,G2,material,t,0.3,0
    """
    park = load(tmp_path, resources=resources, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,ash,10,external
                plaster,demand,g1,300,
                plaster,demand,g2,100,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,ratio,status
                b_g1,power,ash,plaster,g1,3,existing
                a_g2,power,ash,plaster,g2,1,existing
                """)
    # 3 x 0.1 = 0.30000000000000004 in floating point, 1 x 0.3 = 0.3: the same on paper,
    # so the tie goes by id and a_g2 takes all 10 t
    assert carried(model.evaluate(park)) == {"b_g1": 0, "a_g2": 10}


def test_equal_limits_name_capacity_then_supply(tmp_path):
    # capacity = supply = demand = 60: capacity is named first
    assert model.evaluate(ash_park(tmp_path / "a", supply=60, capacity=60)).flow("ash").bound is model.Bound.CAPACITY
    # supply = demand = 60 with no capacity: supply is named before demand
    assert model.evaluate(ash_park(tmp_path / "b", supply=60)).flow("ash").bound is model.Bound.SUPPLY


def test_per_stream_co2_overrides_the_resource(tmp_path):
    park = load(tmp_path, streams="""\
                firm,kind,resource,quantity,fate,virgin_co2,disposal_co2
                power,supply,fly_ash,100,landfill,,0.02
                plaster,demand,gypsum,60,,0.5,
                """, exchanges="""\
                id,from_firm,resource,to_firm,replaces,status
                ash,power,fly_ash,plaster,gypsum,existing
                """)
    # nothing active: 100 t x 0.02 + 60 t x 0.5 = 32 t CO2e (the resource's 0.01 and 0.1 are overridden)
    assert kpis(model.evaluate(park, [])) == (0, 32, 100, 100 * 50 + 60 * 20)
    # the exchange takes 60 t: 40 t x 0.02 left
    assert kpis(model.evaluate(park)) == (0, 0.8, 40, 2000)


def test_firm_landfill_and_cost_baselines_add_to_firm_and_park(tmp_path):
    firms = "id,name,baseline_landfill,baseline_cost\npower,Power,7,1000\nplaster,Plaster,,-250\ncement,Cement,,\n"
    park = load(tmp_path, firms=firms, streams="""\
                firm,kind,resource,quantity,fate
                power,supply,fly_ash,100,landfill
                plaster,demand,gypsum,60,
                """, exchanges=ASH_TO_PLASTER.format(capacity="", capex="", lifetime="", opex=""))
    result = model.evaluate(park)
    # power: 40 t landfilled + 7 reported; cost 40 x 50 + 1000
    assert firm_kpis(result, "power") == (0, 0.4, 47, 3000)
    assert firm_kpis(result, "plaster") == (0, 0, 0, -250)
    assert kpis(result) == (0, 0.4, 47, 2750)


def test_default_discount_rate_and_lifetime(tmp_path):
    toml = PARK_TOML.replace("discount_rate = 0.0\n", "")
    park = ash_park(tmp_path, capex=1_000_000, toml=toml)
    assert park.discount_rate == 0.06 and park.exchange["ash"].lifetime_years == 20
    # CRF(0.06, 20) x 1,000,000 = 87,184.56 a year on top of the 2000 disposal fees
    assert model.evaluate(park).kpis["cost"] == pytest.approx(2000 + 87_184.56, abs=0.01)


def test_capital_recovery_factor_near_a_zero_rate():
    # (1 + r)^n - 1 -> n r as r -> 0, so CRF -> 1/n with no division by zero
    assert model.capital_recovery_factor(1e-17, 20) == pytest.approx(1 / 20, rel=1e-12)
    assert model.capital_recovery_factor(1e-13, 10) == pytest.approx(1 / 10, rel=1e-9)
    # r = 10 %, n = 2: 0.1 x 1.21 / 0.21 = 0.57619...
    assert model.capital_recovery_factor(0.1, 2) == pytest.approx(0.121 / 0.21)
