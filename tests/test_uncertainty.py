"""Uncertain inputs (PARK_MODEL.md section 7): the uncertainty table in every format and
its located errors, quality defaults, the batch engine, the Monte Carlo bands and the
tornado."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import shutil
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import model
from dashboard.model.ranges import DEFAULT_QUALITY_RANGES, RangedInput, ranged_inputs
from dashboard.model.sampling import View, evaluate_samples
from dashboard.model.uncertainty import draw, monte_carlo, tornado
from dashboard.model.vocabulary import Distribution
from dashboard.model.writing import park_json, write_park_folder
from tests.helpers import workbook_bytes, write_park
from tests.strategies import parks_and_scenarios

STREAMS = """\
firm,kind,resource,quantity,fate,quality
power,supply,fly_ash,1000,landfill,estimated
cement,demand,gypsum,600,,
plaster,demand,gypsum,500,,measured
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status,capacity,capex,lifetime_years
ash_cement,Ash to cement,power,fly_ash,cement,gypsum,existing,600,,
ash_plaster,Ash to plaster,power,fly_ash,plaster,gypsum,candidate,,10000,10
"""


def small(tmp_path, uncertainty: str | None, toml_extra: str = "", streams: str = STREAMS):
    from tests.helpers import PARK_TOML
    folder = write_park(tmp_path / "park", toml=PARK_TOML + toml_extra, streams=streams, exchanges=EXCHANGES)
    if uncertainty is not None:
        (folder / "uncertainty.csv").write_text(textwrap.dedent(uncertainty), encoding="utf-8")
    return folder


def errors(folder) -> list[str]:
    try:
        model.load_park(folder)
    except model.ParkError as error:
        return [str(p).replace(f"{folder}/", "") for p in error.problems]
    raise AssertionError("the park loaded, but errors were expected")


def test_every_bad_uncertainty_row_is_a_located_error(tmp_path):
    folder = small(tmp_path, """\
        table,row,column,low,high,distribution
        pipes,power,quantity,1,2,
        firms,nobody,baseline_co2,1,2,
        exchanges,ash_cement,colour,1,2,
        streams,power/supply/fly_ash,quantity,1200,1500,
        streams,power/supply/fly_ash,quantity,500,900,
        resources,gypsum,virgin_price,ten,30,
        resources,gypsum,virgin_co2,0.05,0.2,lognormal
        streams,cement/demand/gypsum,disposal_fee,0,1,
        exchanges,ash_plaster,capacity,0,10,
        streams,power-supply-fly_ash,quantity,1,2,
        exchanges,ash_cement,capacity,500,700,
        exchanges,ash_cement,capacity,550,650,
        exchanges,ash_plaster,ratio,0,2,
        """)
    found = sorted(errors(folder), key=lambda line: int(line.split(":")[1]))  # by row
    assert found == [
        "uncertainty.csv:2:table: 'pipes' is not one of: resources, firms, streams, exchanges",
        "uncertainty.csv:3:row: firm 'nobody' is not in the firms table",
        "uncertainty.csv:4:column: 'colour' is not a numeric column of exchanges that enters the KPIs; give one of: "
        "ratio, capacity, distance_km, capex, lifetime_years, opex_per_year, cost_per_unit, co2_per_unit, "
        "price_per_unit",
        "uncertainty.csv:5:low: is 1200, above the cell's value 1000; the range must contain the value",
        "uncertainty.csv:6:high: is 900, below the cell's value 1000; the range must contain the value",
        "uncertainty.csv:7:low: 'ten' is not a number",
        "uncertainty.csv:8:distribution: 'lognormal' is not one of: triangular, uniform",
        "uncertainty.csv:9:column: 'disposal_fee' applies to supply streams only; this stream is a demand",
        "uncertainty.csv:10:column: the exchange's capacity is unlimited; give it a capacity in the exchanges "
        "table before giving a range",
        "uncertainty.csv:11:row: 'power-supply-fly_ash' is not a stream id; write it firm/kind/resource, "
        "e.g. asnaes/supply/fly_ash",
        "uncertainty.csv:13:column: exchanges 'ash_cement' capacity already has a range (row 12); give one range "
        "per cell",
        "uncertainty.csv:14:low: is 0; ratio must be greater than 0",
    ]


def test_the_table_loads_from_a_workbook_and_json_with_errors_located_there(tmp_path):
    folder = small(tmp_path, """\
        table,row,column,low,high,distribution,note
        exchanges,ash_cement,capacity,500,700,uniform,metered at the gate
        """)
    park = model.load_park(folder)
    assert park.uncertainty == (model.Range(model.RangedTable.EXCHANGES, "ash_cement", "capacity", 500, 700,
                                            Distribution.UNIFORM, "metered at the gate"),)
    document = json.loads(park_json(park))
    assert document["uncertainty"][0]["distribution"] == "uniform"
    assert model.load_park_bytes("park.json", park_json(park).encode()).content_hash == park.content_hash
    document["uncertainty"].append({"table": "streams", "row": "power/supply/fly_ash", "column": "quantity",
                                    "low": 900, "high": 990})
    found = _errors_of(lambda: model.load_park_bytes("p.json", json.dumps(document).encode()))
    assert found == ["p.json[uncertainty]:2:high: is 990, below the cell's value 1000; the range must contain "
                     "the value"]

    def add_sheet(book, rows=(("exchanges", "ash_cement", "capacity", 500, 700, "uniform", "metered at the gate"),)):
        sheet = book.create_sheet("uncertainty")
        sheet.append(["table", "row", "column", "low", "high", "distribution", "note"])
        for row in rows:
            sheet.append(list(row))
        book["park"].append(["quality_ranges.assumed", 0.4])

    loaded = model.load_park_bytes("park.xlsx", workbook_bytes(park, add_sheet))
    assert loaded.uncertainty == park.uncertainty and dict(loaded.quality_ranges) == {"assumed": 0.4}
    bad = workbook_bytes(park, lambda book: add_sheet(book, [("exchanges", "ash_cement", "capacity", 650, 700)]))
    assert _errors_of(lambda: model.load_park_bytes("park.xlsx", bad)) == [
        "park.xlsx[uncertainty]:2:low: is 650, above the cell's value 600; the range must contain the value"]


def _errors_of(call) -> list[str]:
    with pytest.raises(model.ParkError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def test_a_written_park_keeps_its_ranges_and_quality_defaults(tmp_path):
    folder = small(tmp_path, """\
        table,row,column,low,high
        resources,gypsum,virgin_price,15,30
        """, toml_extra="\n[quality_ranges]\nestimated = 0.2\n")
    park = model.load_park(folder)
    assert dict(park.quality_ranges) == {"estimated": 0.2}
    again = model.load_park(write_park_folder(park, tmp_path / "written"))
    assert again.content_hash == park.content_hash and again.uncertainty == park.uncertainty
    assert not again.warnings


def test_quality_gives_default_ranges_and_park_toml_overrides_them(tmp_path):
    park = model.load_park(small(tmp_path, None))
    inputs = {i.key: i for i in ranged_inputs(park)}
    # power's fly ash is estimated: 1000 -/+ 30 %; plaster's gypsum measured: 500 -/+ 5 %.
    ash = inputs[("streams", "power/supply/fly_ash", "quantity")]
    assert (ash.low, ash.value, ash.high, ash.origin) == (pytest.approx(700), 1000, pytest.approx(1300),
                                                           "quality:estimated")
    gypsum = inputs[("streams", "plaster/demand/gypsum", "quantity")]
    assert (gypsum.low, gypsum.high) == (pytest.approx(475), pytest.approx(525))
    assert DEFAULT_QUALITY_RANGES["estimated"] == 0.30
    assert len(inputs) == 2  # cement's stream has no quality, the exchanges neither

    other = model.load_park(small(tmp_path / "b", """\
        table,row,column,low,high
        streams,power/supply/fly_ash,quantity,950,1010
        """, toml_extra="\n[quality_ranges]\nmeasured = 0\n"))
    inputs = {i.key: i for i in ranged_inputs(other)}
    assert set(inputs) == {("streams", "power/supply/fly_ash", "quantity")}  # measured: 0, so none
    assert (inputs[("streams", "power/supply/fly_ash", "quantity")].low, inputs[
        ("streams", "power/supply/fly_ash", "quantity")].origin) == (950, "uncertainty")


def test_bad_quality_ranges_are_located(tmp_path):
    folder = small(tmp_path / "a", None, toml_extra="\n[quality_ranges]\nguessed = 0.3\nestimated = 1.5\n")
    assert errors(folder) == [
        "park.toml:quality_ranges.guessed: 'guessed' is not a data quality; give one of: measured, calculated, "
        "estimated, assumed, derived",
        "park.toml:quality_ranges.estimated: is 1.5; give a fraction between 0 and 1, e.g. 0.3 for -30 % to +30 %",
    ]


# -- the batch engine and the bands ----------------------------------------------------


def test_no_ranges_gives_the_deterministic_value_in_every_percentile(tmp_path):
    park = model.load_park(small(tmp_path, None, streams=STREAMS.replace("estimated", "").replace("measured", "")))
    active = {"ash_cement", "ash_plaster"}
    run = monte_carlo(park, active, samples=200, seed=3)
    assert not run.has_ranges and run.tornado == ()
    views = model.views(park, active)
    for name in model.KPI_NAMES:
        value = getattr(views.scenario.totals, name)
        change = getattr(views.vs_baseline.absolute, name)
        band = run.scenario[name]
        assert (band.p5, band.p50, band.p95, band.mean) == pytest.approx((value,) * 4)
        band = run.vs_baseline[name]
        assert (band.p5, band.p50, band.p95, band.mean) == pytest.approx((change,) * 4, abs=1e-9)


def test_a_scenario_with_a_firm_leaving_has_its_bands_around_that_view(tmp_path):
    park = model.load_park(small(tmp_path, "table,row,column,low,high\nresources,gypsum,virgin_price,10,40\n",
                                 streams=STREAMS.replace("estimated", "").replace("measured", "")))
    scenario = model.Scenario(on=("ash_plaster",), without=("cement",))
    run = monte_carlo(park, scenario, samples=300, seed=2)
    views = model.views(park, scenario)
    assert run.value == views.scenario.totals and run.value_vs_baseline == views.vs_baseline.absolute
    # Without cement, plaster's 500 t of gypsum all come from fly ash: no gypsum is bought,
    # so the gypsum price does not reach the scenario, which has no spread.
    assert run.scenario["cost"].p5 == pytest.approx(run.scenario["cost"].p95)
    bars = {bar.input.key: bar for bar in run.tornado}
    assert bars[("resources", "gypsum", "virgin_price")].at_low == bars[("resources", "gypsum", "virgin_price")].at_high


def test_same_seed_same_numbers_and_percentiles_ordered(tmp_path):
    park = model.load_park(small(tmp_path, """\
        table,row,column,low,high,distribution
        resources,gypsum,virgin_price,10,40,uniform
        exchanges,ash_plaster,capex,5000,20000,
        """))
    first = monte_carlo(park, {"ash_cement", "ash_plaster"}, samples=500, seed=7)
    again = monte_carlo(park, {"ash_cement", "ash_plaster"}, samples=500, seed=7)
    other = monte_carlo(park, {"ash_cement", "ash_plaster"}, samples=500, seed=8)
    assert first.as_dict() == again.as_dict()
    assert first.as_dict()["scenario"] != other.as_dict()["scenario"]
    for run in (first, other):
        for bands in (run.scenario, run.vs_baseline):
            for band in bands.values():
                assert band.p5 <= band.p50 <= band.p95
    assert first.scenario["cost"].p5 < first.scenario["cost"].p95  # the ranges do spread it


def test_the_change_is_taken_on_the_same_draw(tmp_path):
    # A firm baseline moves scenario and baseline alike: the change has no spread at all,
    # though the scenario's CO2e spreads from 100 to 400 (triangular, mode 100).
    toml_firms = "id,name,sector,baseline_co2\npower,Power,power,100\ncement,Cement,c,0\nplaster,Plaster,p,0\n"
    folder = small(tmp_path, "table,row,column,low,high\nfirms,power,baseline_co2,100,400\n",
                   streams=STREAMS.replace("estimated", "").replace("measured", ""))
    (folder / "firms.csv").write_text(toml_firms, encoding="utf-8")
    park = model.load_park(folder)
    run = monte_carlo(park, {"ash_cement", "ash_plaster"}, samples=20_000, seed=1)
    change = run.vs_baseline["co2_t"]
    assert change.p5 == pytest.approx(change.p95, abs=1e-9)
    # Triangular(100, 100, 400): mean (100 + 100 + 400) / 3 = 200; the baseline run's
    # other CO2e is 0.01 x 400 t fly ash left... which the scenario does not have. Take
    # the scenario's CO2e less its deterministic value: the baseline_co2 draw less 100.
    deterministic = model.evaluate(park, {"ash_cement", "ash_plaster"}).totals.co2_t
    assert run.scenario["co2_t"].mean - deterministic == pytest.approx(100, rel=0.02)
    # Its 95th percentile: 400 - 300 sqrt(0.05) = 332.9 (the triangle's upper tail).
    assert run.scenario["co2_t"].p95 - deterministic == pytest.approx(300 - 300 * math.sqrt(0.05), rel=0.02)


def _with_cell(source, target, table, row, column, value):
    """Copy a park folder with one cell of a CSV set to ``value``."""
    shutil.copytree(source, target)
    path = target / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for item in rows:
        key = "/".join((item["firm"], item["kind"], item["resource"])) if table == "streams" else item["id"]
        if key == row:
            item[column] = repr(value)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    (target / "uncertainty.csv").unlink(missing_ok=True)
    return target


KALUNDBORG_RANGES = """\
table,row,column,low,high,distribution
streams,asnaes/supply/steam,quantity,500000,900000,
resources,steam,virgin_price,150,400,uniform
resources,fly_ash,disposal_fee,200,600,
firms,asnaes,baseline_co2,3500000,4500000,
exchanges,heatpump_effluent_dh,capex,40000000,90000000,
exchanges,heatpump_effluent_dh,cost_per_unit,100,400,
exchanges,flyash_asnaes_cement,distance_km,100,400,
exchanges,tisso2_novozymes,capacity,400000,700000,
exchanges,novogro_novozymes_farms,ratio,0.002,0.006,
streams,statoil/demand/steam,virgin_co2,0.25,0.35,
"""


def test_tornado_ends_equal_evaluations_with_the_input_at_its_bound(tmp_path):
    source = tmp_path / "kalundborg"
    shutil.copytree("data/kalundborg", source)
    (source / "uncertainty.csv").write_text(KALUNDBORG_RANGES, encoding="utf-8")
    park = model.load_park(source)
    active = model.scenario_active(park, on=["heatpump_effluent_dh", "tisso2_novozymes", "biogas_novozymes_bioenergi"])
    bars = tornado(park, active, inputs=tuple(i for i in ranged_inputs(park) if i.origin == "uncertainty"))
    assert len(bars) == 10
    for number, bar in enumerate(bars):
        item = bar.input
        for end, expected in (("low", bar.at_low), ("high", bar.at_high)):
            edited = model.load_park(_with_cell(source, tmp_path / f"{number}{end}", item.table, item.row,
                                                item.column, getattr(item, end)))
            assert expected.values() == pytest.approx(model.evaluate(edited, active).totals.values(),
                                                      rel=1e-9, abs=1e-6), (item.key, end)
    moved = {bar.input.key for bar in bars if bar.at_low != bar.at_high}
    assert ("firms", "asnaes", "baseline_co2") in moved and ("exchanges", "heatpump_effluent_dh", "capex") in moved


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=parks_and_scenarios(), data=st.data())
def test_the_batch_engine_equals_evaluate_on_edited_parks(case, data):
    # Each sample edits one cell that moves the service order (a price, a ratio, a per-unit
    # cost) or the flows (a quantity, a capacity); the batch must match evaluate() on a park
    # with that cell edited, and at the values themselves match evaluate() of the park.
    park, active = case
    options = [("streams", s, c) for s in park.streams for c in ("quantity",
               "virgin_price" if s.kind is model.StreamKind.DEMAND else "disposal_fee")]
    options += [("exchanges", e, c) for e in park.exchanges for c in ("ratio", "cost_per_unit", "capex")]
    if not options:
        return
    picks = data.draw(st.lists(st.sampled_from(options), min_size=1, max_size=4))
    inputs, samples, edited = [], [], []
    for table, item, column in picks:
        new = data.draw(st.floats(0.1, 300, allow_nan=False))
        row = item.id if table == "exchanges" else f"{item.firm}/{item.kind.value}/{item.resource}"
        inputs.append(RangedInput(table, row, column, getattr(item, column), 0, 0, Distribution.UNIFORM, "test"))
        samples.append(new)
        replaced = dataclasses.replace(item, **{column: new})
        if table == "streams":
            streams = tuple(replaced if s.key == item.key else s for s in park.streams)
            edited.append(dataclasses.replace(park, streams=streams))
        else:
            exchanges = tuple(replaced if e.id == item.id else e for e in park.exchanges)
            edited.append(dataclasses.replace(park, exchanges=exchanges))
    # Sample j: input j at its new value, every other at the park's value; the last sample: all at value.
    k = len(inputs)
    values = np.array([[samples[i] if j == i else inputs[i].value for j in range(k + 1)] for i in range(k)])
    if len({i.key for i in inputs}) < k:
        return  # the same cell twice: its samples would overwrite each other
    (totals,) = evaluate_samples(park, inputs, values, [View(active)])
    for j in range(k):
        expected = model.evaluate(edited[j], active).totals.values()
        assert tuple(totals[j]) == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert tuple(totals[k]) == pytest.approx(model.evaluate(park, active).totals.values(), rel=1e-9, abs=1e-6)


def test_draws_are_triangular_or_uniform_within_the_range():
    items = [RangedInput("streams", "a/supply/b", "quantity", 10, 5, 30, Distribution.TRIANGULAR, "t"),
             RangedInput("streams", "a/supply/c", "quantity", 10, 5, 30, Distribution.UNIFORM, "t"),
             RangedInput("streams", "a/supply/d", "quantity", 7, 7, 7, Distribution.TRIANGULAR, "t")]
    values = draw(items, 50_000, seed=0)
    assert values.min() >= 5 and values.max() <= 30
    assert values[0].mean() == pytest.approx((5 + 10 + 30) / 3, rel=0.01)   # 15
    assert values[1].mean() == pytest.approx((5 + 30) / 2, rel=0.01)        # 17.5
    assert set(values[2]) == {7.0}
    assert np.array_equal(values, draw(items, 50_000, seed=0))


@pytest.mark.parametrize("name", ["kalundborg", "ulsan"])
def test_shipped_parks_range_their_estimates_and_the_bands_hold_the_value(name):
    park = model.load_park(f"data/{name}")
    explicit = [i for i in ranged_inputs(park) if i.origin == "uncertainty"]
    assert len(explicit) >= 10
    assert all(i.note.startswith("NOTES") for i in explicit)  # each range says where it comes from
    run = monte_carlo(park, samples=400, seed=0)
    for band in run.scenario.values():
        assert band.p5 <= band.p50 <= band.p95
    # The baseline against itself: no change on any draw.
    assert all(band.p5 == band.p95 == 0 for band in run.vs_baseline.values())


def test_progress_counts_the_tornado_then_the_draws(kalundborg):
    from dashboard.model.uncertainty import BASELINE_DRAWS

    BASELINE_DRAWS.clear()  # a known start: no park's draws at hand
    for baseline_part in (300, 0):  # the baseline's draws the first time only (then at hand)
        seen: list[tuple[int, int]] = []
        run = monte_carlo(kalundborg, samples=300, seed=1, progress=lambda done, total, seen=seen: seen.append(
            (done, total)))
        k = len(run.inputs)
        # the tornado's 2 x k evaluations, the baseline's 300 draws when not at hand, then
        # the scenario's 300 (in chunks of at most 250)
        total = 2 * k + baseline_part + 300
        assert all(t == total for _, t in seen)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (total, total)


def test_a_scenario_on_the_parks_kept_draws_has_the_bands_of_a_fresh_run(kalundborg):
    from dashboard.model.uncertainty import BASELINE_DRAWS

    on = model.Scenario(on=("tisso2_novozymes",), without=("gyproc",))
    BASELINE_DRAWS.clear()
    monte_carlo(kalundborg, samples=400, seed=3)  # keeps the park's draws and baseline
    kept = monte_carlo(kalundborg, on, samples=400, seed=3).as_dict()
    BASELINE_DRAWS.clear()
    fresh = monte_carlo(kalundborg, on, samples=400, seed=3).as_dict()
    assert kept == fresh
    # another seed is other draws, not the kept ones
    assert monte_carlo(kalundborg, on, samples=400, seed=4).as_dict()["vs_baseline"] != fresh["vs_baseline"]


@given(case=parks_and_scenarios(), others=st.lists(st.integers(0, 2**16), min_size=1, max_size=3),
       samples=st.integers(1, 700), chunk_cells=st.sampled_from([1, 1000, 250_000]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_held_and_chunked_samples_give_what_one_fresh_evaluation_gives(case, others, samples, chunk_cells):
    """A park's draws are prepared once and serve every scenario (``hold``), in chunks of
    any size: each view's KPIs are those of a fresh evaluation of all the samples at once.
    Every stream's quantity and price and every exchange's ratio and per-unit cost is
    ranged (+/-50 %), so the samples' service orders differ."""
    from dashboard.model import sampling
    park, active = case
    inputs = [RangedInput("streams", f"{s.firm}/{s.kind.value}/{s.resource}", column, getattr(s, column),
                          0.5 * getattr(s, column), 1.5 * getattr(s, column), Distribution.UNIFORM, "test")
              for s in park.streams
              for column in ("quantity", "virgin_price" if s.kind is model.StreamKind.DEMAND else "disposal_fee")]
    inputs += [RangedInput("exchanges", e.id, column, getattr(e, column), 0.5 * getattr(e, column),
                           1.5 * getattr(e, column), Distribution.UNIFORM, "test")
               for e in park.exchanges for column in ("ratio", "cost_per_unit")]
    values = draw(inputs, samples, seed=3)
    ids = sorted(e.id for e in park.exchanges)
    scenarios = [active] + [frozenset(i for k, i in enumerate(ids) if bits >> k & 1) for bits in others]
    saved = sampling.CHUNK_CELLS, sampling.CHUNK
    try:
        sampling.CHUNK_CELLS, sampling.CHUNK = 10**9, 10**9  # one chunk: the reference
        expected = [evaluate_samples(park, inputs, values, [View(s)])[0] for s in scenarios]
        sampling.CHUNK_CELLS, sampling.CHUNK = chunk_cells, 100
        prepared = sampling.PreparedSamples(park, inputs, values, hold=True)
        for view_active, reference in zip(scenarios, expected):
            (got,) = prepared.evaluate([View(view_active)])
            np.testing.assert_allclose(got, reference, rtol=1e-12, atol=1e-9)
        assert len(prepared._held) == -(-samples // max(100, chunk_cells // max(prepared.plan.size, 1)))
    finally:
        sampling.CHUNK_CELLS, sampling.CHUNK = saved


def test_a_band_is_the_5th_50th_and_95th_percentile_and_the_mean():
    # 0, 1, ..., 100: the k-th percentile is k (linear interpolation), the mean 50
    assert model.Band.of(np.arange(101.0)) == model.Band(5.0, 50.0, 95.0, 50.0)
    # two columns at once: the second is the first doubled, less 10
    assert model.Band.each(np.stack([np.arange(101.0), 2 * np.arange(101.0) - 10], axis=1)) == (
        model.Band(5.0, 50.0, 95.0, 50.0), model.Band(0.0, 90.0, 180.0, 90.0))


@given(st.lists(st.tuples(*[st.floats(-1e9, 1e9)] * 3), min_size=1, max_size=60))
def test_the_bands_of_columns_taken_together_are_each_columns_own(rows):
    values = np.array(rows)
    assert model.Band.each(values) == tuple(
        model.Band(*(float(np.percentile(values[:, k], p)) for p in (5, 50, 95)), float(np.mean(values[:, k])))
        for k in range(values.shape[1]))
