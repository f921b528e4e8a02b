"""The one scenario API: a Scenario's URL form, its strict and lenient resolution, firms
that leave, the one-line summary, and the "lower is better" rule."""

from __future__ import annotations

import pytest

from dashboard import model
from tests.helpers import COMPETING_STREAMS, FIRMS, competing, kpis, load

TWO_WAYS = ("a_plaster,power,fly_ash,plaster,gypsum,existing,,\n"
            "b_cement,power,fly_ash,cement,gypsum,candidate,,\n")


def test_query_round_trip_keeps_every_part():
    scenario = model.Scenario("abc", ("x", "y"), ("z",), ("asnaes",))
    assert scenario.to_query() == "?park=abc&on=x,y&off=z&without=asnaes"
    assert model.Scenario.from_query(scenario.to_query()) == scenario
    # repeated keys and commas both separate ids; blanks and repeats go
    assert model.Scenario.from_query("on=a&on=b,,a&without=f,f") == model.Scenario("", ("a", "b"), (), ("f",))
    assert model.Scenario().to_query() == "" and model.Scenario().is_baseline
    # ids are percent-encoded, and come back as they were
    odd = model.Scenario(on=("a&b", "ø"))
    assert "&b" not in odd.to_query() and model.Scenario.from_query(odd.to_query()) == odd


def test_strict_resolution_names_every_unknown_id(tmp_path):
    park = competing(tmp_path, TWO_WAYS)
    assert model.Scenario(on=("b_cement",), off=("a_plaster",)).active(park) == {"b_cement"}
    with pytest.raises(model.ParkError) as caught:
        model.Scenario(on=("nope",), without=("ghost",)).active(park)
    text = str(caught.value)
    assert "unknown exchange id 'nope'" in text and "unknown firm id 'ghost'" in text


def test_lenient_resolution_drops_and_says_what(tmp_path):
    park = competing(tmp_path, TWO_WAYS)
    kept, messages = model.Scenario(on=("b_cement", "nope"), off=("b_cement",), without=("ghost", "cement")
                                    ).lenient(park)
    # an id both on and off counts as on
    assert kept == model.Scenario(on=("b_cement",), without=("cement",))
    assert messages == ["there is no exchange 'nope' in Mini park; it was ignored",
                        "there is no firm 'ghost' in Mini park; it was ignored"]


def test_toggled_and_of_give_the_shortest_form(tmp_path):
    park = competing(tmp_path, TWO_WAYS)
    scenario = model.Scenario(without=("cement",))
    assert scenario.toggled(park, "b_cement") == model.Scenario(on=("b_cement",), without=("cement",))
    assert scenario.toggled(park, "a_plaster") == model.Scenario(off=("a_plaster",), without=("cement",))
    assert model.Scenario.of(park, {"b_cement"}) == model.Scenario(on=("b_cement",), off=("a_plaster",))


def test_a_firm_leaving_is_the_park_with_its_rows_deleted(tmp_path):
    park = competing(tmp_path / "whole", TWO_WAYS)
    seen = model.views(park, model.Scenario(on=("b_cement",), without=("plaster",)))
    # Without plaster: b_cement carries min(100 t ash, 50 t gypsum demand) = 50 t; the other
    # 50 t of ash is landfilled: 50 t, CO2e 50 x 0.01 = 0.5, cost 50 x 50 = 2,500.
    assert kpis(seen.scenario) == pytest.approx((0, 0.5, 50, 2500))
    assert "plaster" not in seen.scenario.firm_kpis and len(seen.scenario.park.firms) == 2
    # baseline and no-symbiosis are the park as it is (a carries 70 t; see test_evaluation)
    assert kpis(seen.baseline) == (0, 5.3, 30, 2500)
    assert seen.vs_baseline.absolute.values() == pytest.approx((0, 0.5 - 5.3, 50 - 30, 0))
    # the same as loading files with plaster's row, stream and exchange deleted
    deleted = load(tmp_path / "deleted",
                   firms="\n".join(line for line in FIRMS.splitlines() if not line.startswith("plaster")) + "\n",
                   streams="\n".join(line for line in COMPETING_STREAMS.splitlines()
                                     if not line.startswith("plaster")) + "\n",
                   exchanges="id,from_firm,resource,to_firm,replaces,status\n"
                             "b_cement,power,fly_ash,cement,gypsum,candidate\n")
    assert kpis(model.evaluate(deleted, ["b_cement"])) == kpis(seen.scenario)


def test_summary_names_what_changed(tmp_path):
    park = competing(tmp_path, TWO_WAYS)
    assert model.scenario_summary(park, model.Scenario()) == \
        "Scenario: the baseline (existing exchanges on, candidates off)"
    assert model.scenario_summary(park, model.Scenario(on=("b_cement",), off=("a_plaster",), without=("cement",))) \
        == "Scenario: the baseline with switched on: b_cement; switched off: a_plaster; firms leaving: Cement works"
    # the ids of the exchanges on describe the same scenario
    assert model.scenario_summary(park, {"b_cement"}) == \
        "Scenario: the baseline with switched on: b_cement; switched off: a_plaster"


def test_lower_is_better_for_every_kpi():
    assert model.direction(-1.0, 100.0) is model.Direction.GOOD
    assert model.direction(2.0, 100.0) is model.Direction.BAD
    # within 1e-9 of the figure's size is float noise
    assert model.direction(1e-8, 1e3) is model.Direction.SAME
    assert model.direction(1e-5, 1e3) is model.Direction.BAD


def test_kpis_by_name_and_column():
    totals = model.Kpis(1.0, 2.0, 3.0, 4.0)
    assert totals[model.Kpi.CO2] == totals["co2_t"] == 2.0
    assert [kpi.key for kpi in model.Kpi] == list(model.KPI_NAMES)
    assert model.kpi_named("landfill_t") is model.Kpi.LANDFILL
    with pytest.raises(ValueError, match="freshwater_m3, co2_t, landfill_t, cost"):
        model.kpi_named("water")


def test_frames_give_the_tables_and_results_as_dataframes(tmp_path):
    park = competing(tmp_path, TWO_WAYS)
    evaluation = model.evaluate(park, ["a_plaster", "b_cement"])
    frames = model.frames(park, evaluation)
    assert list(frames.firms.index) == ["power", "plaster", "cement"]
    assert frames.streams.loc[("power", "supply", "fly_ash"), "quantity"] == 100
    assert frames.exchanges.loc["b_cement", "status"] == "candidate"
    # a carries 70 t to plaster first, b the 30 t left to cement (see test_evaluation)
    assert frames.flows["carried"].to_dict() == {"a_plaster": 70, "b_cement": 30}
    # switching b off from here: 30 t more landfilled, CO2e +30 x 0.11, cost +30 x 70
    assert frames.flows.loc["b_cement", ["marginal_landfill_t", "marginal_co2_t", "marginal_cost"]].tolist() == \
        pytest.approx([30, 3.3, 2100])
    assert frames.firm_kpis.sum().to_dict() == pytest.approx(evaluation.kpis)
