"""eco-park evaluate --without, resilience and uncertainty: the JSON shapes the
documentation promises, hand-computed numbers and located errors."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_cli as run
from tests.helpers import write_park

# Fly ash (disposal 50 a t, 0.01 t CO2e a t, landfilled) replaces gypsum (20 a t, 0.1 t CO2e).
STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,100,landfill
plaster,demand,gypsum,70,
cement,demand,gypsum,50,
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status
a_plaster,Ash to plaster,power,fly_ash,plaster,gypsum,existing
b_cement,Ash to cement,power,fly_ash,cement,gypsum,existing
"""
KPIS = {"freshwater_m3", "co2_t", "landfill_t", "cost"}


@pytest.fixture
def park_dir(tmp_path):
    return write_park(tmp_path / "mini", streams=STREAMS, exchanges=EXCHANGES)


def test_evaluate_without_a_firm_leaves_it_out(capsys, park_dir):
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--without", "plaster", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["scenario"] == {"on": [], "off": [], "without": ["plaster"]}
    assert [f["id"] for f in report["firms"]] == ["power", "cement"]
    assert [e["id"] for e in report["exchanges"]] == ["b_cement"]
    # Baseline: a_plaster 70 t, b_cement 30 t; cement buys 20 t gypsum: CO2e 2, cost 400.
    # Without plaster: b_cement 50 t, 50 t of ash landfilled: landfill 50, CO2e 0.5, cost 2,500.
    assert report["kpis"]["baseline"] == pytest.approx({"freshwater_m3": 0, "co2_t": 2, "landfill_t": 0,
                                                         "cost": 400})
    assert report["kpis"]["scenario"] == pytest.approx({"freshwater_m3": 0, "co2_t": 0.5, "landfill_t": 50,
                                                         "cost": 2_500})
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--without", "plaster,cement")
    assert code == 0 and "without plaster, without cement" in out


def test_evaluate_without_an_unknown_firm_exits_2_and_names_it(capsys, park_dir):
    code, _, err = run(capsys, "evaluate", str(park_dir), "--without", "nobody")
    assert code == 2 and "unknown firm id 'nobody'" in err


def test_resilience_json_has_the_documented_shape(capsys, park_dir):
    code, out, _ = run(capsys, "resilience", str(park_dir), "--json")
    assert code == 0
    report = json.loads(out)
    firms = {f["id"]: f for f in report["firms"]}
    assert set(firms) == {"power", "plaster", "cement"}
    for item in report["firms"]:
        assert {"id", "exchanges_lost", "impact_on_others"} <= set(item)
        assert set(item["impact_on_others"]) == KPIS
    # Plaster leaves: a_plaster goes, b_cement carries 50 (demand): power landfills 50 t
    # (landfill +50, CO2e +0.5, cost +2,500); cement buys 20 t less gypsum (CO2e -2, cost -400).
    assert firms["plaster"]["exchanges_lost"] == ["a_plaster"]
    assert firms["plaster"]["impact_on_others"] == pytest.approx({"freshwater_m3": 0, "co2_t": -1.5,
                                                                   "landfill_t": 50, "cost": 2_100})
    # Power leaves: plaster buys 70 t of gypsum (1,400) and cement 30 t more (600): 2,000,
    # less than plaster's 2,100, so plaster's leaving ranks first (carbon price 0).
    assert firms["power"]["impact_on_others"]["cost"] == pytest.approx(2_000)
    assert [f["id"] for f in report["firms"]] == ["plaster", "power", "cement"]
    assert report["single_points_of_failure"] == ["power"]


def test_resilience_takes_a_scenario_and_prints_a_table(capsys, park_dir):
    code, out, _ = run(capsys, "resilience", str(park_dir), "--off", "b_cement")
    assert code == 0 and "cost to others" in out and "plaster" in out
    code, _, err = run(capsys, "resilience", str(park_dir), "--on", "nope")
    assert code == 2 and "unknown exchange id 'nope'" in err


def test_uncertainty_json_has_the_documented_shape_and_is_seeded(capsys, park_dir):
    (park_dir / "uncertainty.csv").write_text(
        "table,row,column,low,high,distribution\n"
        "resources,gypsum,virgin_price,10,40,uniform\n"
        "streams,power/supply/fly_ash,quantity,80,120,\n", encoding="utf-8")
    code, out, _ = run(capsys, "uncertainty", str(park_dir), "--without", "plaster", "--samples", "300",
                       "--seed", "5", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["samples"] == 300 and report["seed"] == 5
    for part in ("scenario", "vs_baseline"):
        assert set(report[part]) == KPIS
        for band in report[part].values():
            assert set(band) == {"p5", "p50", "p95", "mean"}
            assert band["p5"] <= band["p50"] <= band["p95"]
    assert [(t["table"], t["row"], t["column"]) for t in report["tornado"]] == [
        ("resources", "gypsum", "virgin_price"), ("streams", "power/supply/fly_ash", "quantity")]
    ash = report["tornado"][1]
    assert {"low", "high", "at_low", "at_high"} <= set(ash) and (ash["low"], ash["high"]) == (80, 120)
    # Without plaster, cement takes 50 t and the rest is landfilled: 80 t gives 30 t
    # landfilled, 120 t gives 70 t.
    assert (ash["at_low"]["landfill_t"], ash["at_high"]["landfill_t"]) == pytest.approx((30, 70))
    _, again, _ = run(capsys, "uncertainty", str(park_dir), "--without", "plaster", "--samples", "300",
                      "--seed", "5", "--json")
    assert again == out


def test_uncertainty_says_when_no_ranges_are_given_and_refuses_a_bad_sample_count(capsys, park_dir):
    code, out, _ = run(capsys, "uncertainty", str(park_dir), "--samples", "50")
    assert code == 0 and "No ranges given" in out
    code, _, err = run(capsys, "uncertainty", str(park_dir), "--samples", "0")
    assert code == 2 and "--samples must be between 1 and 100,000" in err


def test_uncertainty_reports_a_bad_range_with_its_place(capsys, park_dir):
    (park_dir / "uncertainty.csv").write_text("table,row,column,low,high\nfirms,power,baseline_co2,5,9\n",
                                              encoding="utf-8")
    code, _, err = run(capsys, "uncertainty", str(park_dir))
    assert code == 2
    assert err.strip().endswith("uncertainty.csv:2:low: is 5, above the cell's value 0; the range must contain "
                                "the value")
