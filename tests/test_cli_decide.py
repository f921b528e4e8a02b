"""The deciding commands of the command line: evaluate --marginal's value and deal,
macc and optimise, their JSON shape and numbers (hand-computed in tests/test_decide.py's
parks, tests/helpers.decide_park) and their plain output."""

from __future__ import annotations

import json

import pytest

from tests.helpers import COMPETING_STREAMS as STREAMS
from tests.helpers import DECIDE_EXCHANGES as COMPETING
from tests.helpers import run_cli as run
from tests.helpers import write_park


@pytest.fixture
def park_dir(tmp_path):
    return write_park(tmp_path / "mini", streams=STREAMS, exchanges=COMPETING.format(capex=7700, price=0))


def test_evaluate_marginal_json_adds_value_and_deal(capsys, park_dir):
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--marginal", "--json")
    assert code == 0
    exchanges = {e["id"]: e for e in json.loads(out)["exchanges"]}
    c1 = exchanges["c1"]
    # c1 alone: Δcost -4130, Δco2 -7.7; saving -(-4130 - 770) = 4900; payback 7700 / 4900
    assert c1["value"] == pytest.approx({"operating_saving": 4900, "payback_years": 7700 / 4900,
                                         "npv": 41_300, "abatement_cost": -4130 / 7.7})
    assert c1["deal"] == pytest.approx({"price_min": -50, "price_max": 9})
    assert set(exchanges["c2"]["value"]) == {"operating_saving", "payback_years", "npv", "abatement_cost"}


def test_evaluate_marginal_deal_is_null_where_no_price_works(capsys, tmp_path):
    folder = write_park(tmp_path / "dear", streams=STREAMS, exchanges=COMPETING.format(capex=100_000, price=0))
    code, out, _ = run(capsys, "evaluate", str(folder), "--marginal", "--json")
    exchanges = {e["id"]: e for e in json.loads(out)["exchanges"]}
    assert code == 0 and exchanges["c1"]["deal"] is None and exchanges["c2"]["deal"] is not None


def test_evaluate_marginal_table_shows_what_links_are_worth(capsys, park_dir):
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--marginal")
    assert code == 0 and "What each link is worth" in out
    line = next(row for row in out.splitlines() if row.startswith("c1 ") and "years" in row)
    assert "4,900" in line and "1.6 years" in line and "EUR -50.00 to 9.00 per t" in line


def test_macc_json_steps(capsys, park_dir):
    code, out, _ = run(capsys, "macc", str(park_dir), "--json")
    assert code == 0
    steps = json.loads(out)["steps"]
    assert [s["id"] for s in steps] == ["c2", "c1"]
    assert steps[1] | {"name": None} == pytest.approx(
        {"id": "c1", "name": None, "co2_cut": 5.5, "cost_change": -2830, "abatement_cost": -2830 / 5.5,
         "payback_years": 7700 / 3600, "capex": 7700})


def test_macc_from_a_scenario_and_plain_output(capsys, park_dir):
    code, out, _ = run(capsys, "macc", str(park_dir), "--on", "c2")
    assert code == 0 and "c1" in out and " c2 " not in out and "5.5" in out
    code, out, _ = run(capsys, "macc", str(park_dir), "--on", "c1,c2")
    assert code == 0 and "No candidate link that is off cuts CO2e" in out


def test_optimise_minimise_json(capsys, park_dir):
    code, out, _ = run(capsys, "optimise", str(park_dir), "--minimise", "cost", "--budget", "5000", "--json")
    assert code == 0
    answer = json.loads(out)
    # c1 costs 7,700 > 5,000: c2 alone, cost 7400 - 3250 = 4150
    assert answer["objective"] == "cost" and answer["feasible"] and answer["optimal"]
    assert answer["on"] == ["c2"] and answer["capex"] == 0
    assert answer["kpis"] == pytest.approx({"freshwater_m3": 0, "co2_t": 7.5, "landfill_t": 50, "cost": 4150})


def test_optimise_limits_forcing_and_infeasible(capsys, park_dir):
    code, out, _ = run(capsys, "optimise", str(park_dir), "--minimise", "cost", "--limit", "co2_t=6",
                       "--off", "c1", "--json")
    answer = json.loads(out)
    # without c1 CO2e is 7.5 at best
    assert code == 0 and not answer["feasible"] and answer["on"] == [] and answer["kpis"] is None
    assert "co2_t can go no lower than 7.5" in answer["message"]
    code, out, _ = run(capsys, "optimise", str(park_dir), "--minimise", "cost", "--limit", "co2_t=6")
    assert code == 0 and "Proven optimal" in out and "c1, c2" in out


def test_optimise_pareto_json(capsys, tmp_path):
    folder = write_park(tmp_path / "dear", streams=STREAMS, exchanges=COMPETING.format(capex=40_000, price=0))
    code, out, _ = run(capsys, "optimise", str(folder), "--pareto", "co2_t,cost", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["objectives"] == ["co2_t", "cost"] and answer["optimal"]
    assert [p["on"] for p in answer["front"]] == [["c1", "c2"], ["c2"]]
    assert answer["front"][0]["kpis"]["cost"] == pytest.approx(4550)
    code, out, _ = run(capsys, "optimise", str(folder), "--pareto", "co2_t,cost")
    assert code == 0 and "whole front" in out and "4,550" in out


@pytest.mark.parametrize("argv, message", [
    (["--minimise", "cost", "--limit", "water=3"], "--limit: 'water=3' is not KPI=VALUE"),
    (["--minimise", "cost", "--limit", "cost"], "--limit: 'cost' is not KPI=VALUE"),
    (["--pareto", "cost"], "is not two KPIs"),
    (["--pareto", "cost,rain"], "unknown KPI 'rain'"),
    (["--minimise", "cost", "--on", "zz"], "unknown exchange id 'zz'"),
    (["--minimise", "cost", "--budget", "-5"], "the budget must be a number of at least 0"),
])
def test_optimise_bad_options_exit_2_with_a_message(capsys, park_dir, argv, message):
    code, out, err = run(capsys, "optimise", str(park_dir), *argv)
    assert code == 2 and out == "" and message in err and "Traceback" not in err
