"""Published figures are set beside the model's on their own boundary (docs/accounting.md,
"Published figures: like with like"): a KPI's saving of the exchanges named, for the
park or one firm, or what exchanges delivered; bad boundaries are located errors."""

from __future__ import annotations

import json

import pytest

from dashboard import model
from dashboard.model.writing import write_park_folder
from tests.helpers import load, problems

STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,100,landfill
power,supply,wastewater,500,discharge
plaster,demand,gypsum,60,
plaster,demand,freshwater,400,
cement,demand,gypsum,30,
cement,demand,freshwater,100,
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status,cost_per_unit,price_per_unit
ash_plaster,Ash to plaster,power,fly_ash,plaster,gypsum,existing,0,5
ash_cement,Ash to cement,power,fly_ash,cement,gypsum,existing,0,0
water,Reuse at plaster,power,wastewater,plaster,freshwater,existing,0.5,0
water_cement,Reuse at cement,power,wastewater,cement,freshwater,candidate,0.5,0
"""
TOML = """\
name = "Mini park"
currency = "EUR"
discount_rate = 0.0
[[sources]]
id = "s"
citation = "A report"
"""


def entry(**fields) -> str:
    lines = ["[[reported]]", 'source = "s"', "value = 1"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def park_with(tmp_path, *entries: str) -> model.Park:
    return load(tmp_path, toml=TOML + "".join(entries), streams=STREAMS, exchanges=EXCHANGES)


def figures(park: model.Park) -> list[float]:
    return [saving.modelled for saving in model.reported_savings(model.views(park))]


# Baseline (hand-computed): both ash links are worth 20 + 50 = 70 per t, so they go by id:
# ash_cement takes 30 t, ash_plaster 60 t, 10 t of ash is landfilled; reuse carries 400 m3.

def test_each_figure_is_computed_on_its_own_boundary(tmp_path):
    park = park_with(
        tmp_path,
        entry(kpi="landfill_t"),                                    # whole park
        entry(kpi="co2_t", exchanges="ash_plaster"),                # one link
        entry(kpi="cost", firm="plaster", exchanges="ash_plaster"),  # a firm's own books
        entry(kpi="cost", firm="power", exchanges="ash_plaster"),
        entry(kpi="freshwater_m3", resources="freshwater"),         # groundwater-only style
        entry(kpi="delivered", resources="freshwater"),
        entry(kpi="delivered", resources="gypsum", firm="cement"),
    )
    assert figures(park) == pytest.approx([
        90,      # landfill: 100 t with no symbiosis - 10 t
        6.6,     # ash_plaster off: ash_cement still 30 t, plaster buys 60 t gypsum (60 x 0.1) and
                 # 70 t of ash is landfilled instead of 10 (60 x 0.01): 6 + 0.6
        900,     # plaster: 60 t x 20 bought new, against 60 t x 5 paid to power: 1,200 - 300
        3300,    # power: the link spares it the landfill fee on 60 t (60 x 50) and brings in 300
        400,     # reuse off: plaster draws 400 m3 more
        400,     # m3 delivered in place of freshwater
        30,      # t of gypsum demand met at cement
    ])


def test_the_boundary_says_what_it_covers(tmp_path):
    park = park_with(tmp_path, entry(kpi="co2_t", exchanges="ash_plaster", boundary="the ash link alone"),
                     entry(kpi="delivered", resources="gypsum", firm="cement"))
    first, second = model.reported_savings(model.views(park))
    assert first.boundary == "the ash link alone" and first.exchanges == ("ash_plaster",)
    assert second.boundary == "what the exchanges deliver to or from cement by all existing exchanges " \
                              "meeting demand for gypsum"
    assert second.exchanges == ("ash_cement",) and second.unit == "t"  # only the links to or from cement


def test_the_whole_park_figure_is_no_symbiosis_minus_baseline(tmp_path):
    park = park_with(tmp_path, entry(kpi="cost"), entry(kpi="co2_t"))
    views = model.views(park)
    savings = views.baseline_savings
    assert figures(park) == [pytest.approx(savings.cost), pytest.approx(savings.co2_t)]


def test_a_scenario_does_not_move_the_comparison(tmp_path):
    park = park_with(tmp_path, entry(kpi="freshwater_m3"))
    baseline = model.reported_savings(model.views(park))[0].modelled
    scenario = model.reported_savings(model.views(park, park.baseline_active | {"water_cement"}))[0].modelled
    assert baseline == scenario == 400


def test_bad_boundaries_are_located_errors(tmp_path):
    found = problems(tmp_path, toml=TOML + "".join([
        entry(kpi="co2_t", firm="nobody"),
        entry(kpi="co2_t", exchanges="ash_plaster, nope"),
        entry(kpi="cost", exchanges="water_cement"),
        entry(kpi="delivered"),
        entry(kpi="delivered", resources="gypsum, freshwater"),
        entry(kpi="co2_t", resources="steam"),
        entry(kpi="water"),
    ]), streams=STREAMS, exchanges=EXCHANGES)
    label = "park.toml[reported]"
    assert found == [
        f"{label}:1:firm: firm 'nobody' is not in the firms table",
        f"{label}:2:exchanges: exchange 'nope' is not in the exchanges table",
        f"{label}:3:exchanges: exchange 'water_cement' is a candidate: it is off in the baseline, "
        "so the park has no published saving of it to compare",
        f"{label}:4:resources: is blank; a delivered figure needs the resources whose demand it counts "
        "(e.g. freshwater), all in one unit",
        f"{label}:5:resources: mixes units (m3, t); a delivered figure adds up one unit",
        f"{label}:6:resources: resource 'steam' is not in the resources table",
        f"{label}:7:kpi: 'water' is not one of: freshwater_m3, co2_t, landfill_t, cost, delivered",
    ]


def test_a_written_park_keeps_its_boundaries(tmp_path):
    park = park_with(tmp_path / "a", entry(kpi="cost", firm="plaster", exchanges="ash_plaster, water",
                                           boundary="plaster's own"),
                     entry(kpi="delivered", resources="freshwater"))
    again = model.load_park(write_park_folder(park, tmp_path / "b"))
    assert again.reported == park.reported
    assert again.reported[0].exchanges == ("ash_plaster", "water")
    assert again.content_hash == park.content_hash


def test_a_park_that_gives_no_boundary_writes_the_columns_it_had(tmp_path):
    # the boundary columns are left out of the park's content where blank, so parks written
    # before they existed keep their content hash (saved scenarios refer to it)
    park = park_with(tmp_path, entry(kpi="landfill_t", year=2020, note="n"))
    assert park.to_dict()["park"]["reported"] == [
        {"kpi": "landfill_t", "value": 1.0, "year": 2020, "source": "s", "note": "n"}]
