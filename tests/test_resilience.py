"""A firm leaving (PARK_MODEL.md section 7): hand-computed on a small park, and equal to
the same park with the firm deleted from its files (hypothesis, generated parks)."""

from __future__ import annotations

import csv
import math
import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dashboard import model
from dashboard.model.generate import generate_park
from dashboard.model.resilience import firm_leaving, network_measures, resilience
from dashboard.model.sampling import View, evaluate_samples
from dashboard.model.writing import write_park_folder
from tests.helpers import load

# Fly ash (disposal fee 50 a t, 0.01 t CO2e a t, to landfill) replaces gypsum (20 a t,
# 0.1 t CO2e a t) at a cement works and a plasterboard plant. Carbon price 0, rate 0.
STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,1000,landfill
cement,demand,gypsum,600,
plaster,demand,gypsum,500,
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status,capacity,price_per_unit
ash_cement,Ash to cement,power,fly_ash,cement,gypsum,existing,600,5
ash_plaster,Ash to plaster,power,fly_ash,plaster,gypsum,existing,,2
"""


@pytest.fixture
def small(tmp_path):
    return load(tmp_path / "small", streams=STREAMS, exchanges=EXCHANGES)


def test_impact_on_others_is_hand_computed(small):
    # Baseline: both exchanges net 70 a t (20 + 50), tie by id: ash_cement carries
    # min(600, 1000, 600) = 600, then ash_plaster min(inf, 400, 500) = 400 (supply bound):
    # no fly ash left, plaster buys 100 t of gypsum new.
    # Cement leaves: ash_cement goes; ash_plaster now carries min(inf, 1000, 500) = 500.
    #   power: 500 t more fly ash landfilled: landfill +500, CO2e +5, cost +25,000; it no
    #          longer receives 600 x 5 = 3,000 from cement and receives 100 x 2 = 200 more
    #          from plaster: cost +25,000 + 3,000 - 200 = +27,800.
    #   plaster: 100 t less gypsum bought: CO2e -10, cost -2,000, pays 200 more: -1,800.
    # Others combined: landfill +500, CO2e +5 - 10 = -5, cost +27,800 - 1,800 = +26,000.
    leaving = firm_leaving(small, "cement")
    assert leaving.exchanges_lost == ("ash_cement",)
    assert leaving.others["power"].values() == pytest.approx((0, 5, 500, 27_800))
    assert leaving.others["plaster"].values() == pytest.approx((0, -10, 0, -1_800))
    assert leaving.impact_on_others.values() == pytest.approx((0, -5, 500, 26_000))
    assert [firm for firm, _ in leaving.hit_hardest()] == ["power"]  # plaster is better off
    # The park before: power landfill 0, CO2e 0, cost -3,000 - 800 = -3,800; cement pays
    # 3,000; plaster buys 100 t (2,000, CO2e 10) and pays 800: 2,800. Total CO2e 10, cost 2,000.
    # After: power landfill 500, CO2e 5, cost 25,000 - 1,000 = 24,000; plaster 0 bought,
    # pays 1,000. Total: landfill 500, CO2e 5, cost 25,000.
    assert model.evaluate(small).totals.values() == pytest.approx((0, 10, 0, 2_000))
    assert leaving.kpis.values() == pytest.approx((0, 5, 500, 25_000))
    assert leaving.vs_scenario.values() == pytest.approx((0, -5, 500, 23_000))
    # The cement works' own cost (3,000) leaves with it: 23,000 = 26,000 - 3,000.


def test_the_plasterboard_plant_leaving_costs_the_power_station(small):
    # ash_plaster goes: its 400 t of fly ash are landfilled (landfill +400, CO2e +4, cost
    # +20,000) and power loses 400 x 2 = 800 of transfers: +20,800. Cement: unchanged.
    leaving = firm_leaving(small, "plaster")
    assert list(leaving.others) == ["power"]
    assert leaving.others["power"].values() == pytest.approx((0, 4, 400, 20_800))
    ranked = resilience(small)
    # Valued as cost + 0 x CO2e: cement 26,000 > plaster 20,800 > power (its leaving
    # spares cement and plaster their virgin gypsum... and their transfers).
    assert [item.firm for item in ranked.leaving][:2] == ["cement", "plaster"]
    assert ranked.leaving[0].cost_to_others() == pytest.approx(26_000)


def test_network_measures_and_single_points_of_failure(small):
    base = model.evaluate(small)
    measures = network_measures(small, base)
    # A star: power in the middle of cement and plaster.
    assert measures["power"].partners == 2 and measures["cement"].partners == 1
    assert measures["power"].betweenness == pytest.approx(1.0)  # the only path cement-plaster
    assert measures["cement"].betweenness == 0.0
    # Of the 1,000 t carried, all starts at power; 600 ends at cement.
    assert measures["power"].flow_share == {"t": pytest.approx(1.0)}
    assert measures["cement"].flow_share == {"t": pytest.approx(0.6)}
    assert "only partner of Cement works, Plasterboard" in measures["power"].single_point
    assert "splits the network" in measures["power"].single_point
    assert measures["cement"].single_point == ""
    assert resilience(small).single_points_of_failure == ("power",)


def test_a_firm_already_gone_is_not_counted_again(small):
    # With plaster already gone, cement leaving too: power's fly ash all landfilled.
    leaving = firm_leaving(small, "cement", without=["plaster"])
    assert set(leaving.others) == {"power"}
    # power: ash_cement's 600 t landfilled: +600, CO2e +6, cost +30,000 + 3,000 lost transfer.
    assert leaving.others["power"].values() == pytest.approx((0, 6, 600, 33_000))
    with pytest.raises(model.ParkError, match="unknown firm id 'nobody'"):
        firm_leaving(small, "nobody")


def _delete_firm(source, target, firm: str) -> set[str]:
    """Copy a park folder with ``firm``'s row, its streams and its exchanges deleted;
    returns the deleted exchange ids."""
    shutil.copytree(source, target)
    deleted = set()
    for table, columns in (("firms", ("id",)), ("streams", ("firm",)), ("exchanges", ("from_firm", "to_firm"))):
        path = target / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        header = list(rows[0])
        kept = [row for row in rows if firm not in (row[c] for c in columns)]
        if table == "exchanges":
            deleted = {row["id"] for row in rows} - {row["id"] for row in kept}
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(kept)
    return deleted


@settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000), toggles=st.sets(st.integers(0, 40), max_size=6))
def test_a_firm_leaving_equals_the_park_with_the_firm_deleted_from_its_files(tmp_path_factory, seed, pick, toggles):
    folder = tmp_path_factory.mktemp("park")
    park = model.load_park(write_park_folder(generate_park(8, 24, seed=seed), folder / "full"))
    firm = park.firms[pick % len(park.firms)].id
    ids = [e.id for e in park.exchanges]
    chosen = {ids[t % len(ids)] for t in toggles}
    active = park.baseline_active ^ chosen  # some existing off, some candidates on
    deleted = _delete_firm(folder / "full", folder / "without", firm)
    reduced = model.load_park(folder / "without")
    after = model.evaluate(reduced, active - deleted)
    leaving = firm_leaving(park, firm, active)
    assert leaving.kpis.values() == pytest.approx(after.totals.values(), rel=1e-9, abs=1e-6)
    before = model.evaluate(park, active)
    for other in reduced.firms:  # every remaining firm's own change, as the reduced park has it
        change = after.firm_kpis[other.id] - before.firm_kpis[other.id]
        assert leaving.others.get(other.id, model.Kpis()).values() == pytest.approx(change.values(), rel=1e-9,
                                                                                      abs=1e-6)
    total = sum((after.firm_kpis[f.id] - before.firm_kpis[f.id] for f in reduced.firms), model.Kpis())
    assert leaving.impact_on_others.values() == pytest.approx(total.values(), rel=1e-9, abs=1e-6)
    assert set(leaving.exchanges_lost) == deleted & active
    # The scenario view of a Scenario whose firm leaves, and the batch engine's, agree.
    scenario = model.Scenario.of(park, active, [firm])
    assert model.scenario_evaluation(park, scenario).totals.values() == pytest.approx(after.totals.values(),
                                                                                      rel=1e-9, abs=1e-6)
    (batch,) = evaluate_samples(park, (), np.zeros((0, 1)), [View(frozenset(active), frozenset([firm]))])
    assert tuple(batch[0]) == pytest.approx(after.totals.values(), rel=1e-9, abs=1e-6)


def test_every_firm_of_a_shipped_park(tmp_path):
    park = model.load_park("data/kalundborg")
    ranked = resilience(park)
    assert {item.firm for item in ranked.leaving} == {f.id for f in park.firms}
    worths = [item.cost_to_others() for item in ranked.leaving]
    assert worths == sorted(worths, reverse=True)
    # Asnæs carries the network: steam, heat, gypsum, fly ash and water all touch it.
    assert ranked.leaving[0].firm == "asnaes"
    assert "asnaes" in ranked.single_points_of_failure
    assert not math.isnan(ranked.measures["asnaes"].betweenness)
