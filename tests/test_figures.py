"""Figures are pure functions of model results: checked here without a server."""

from __future__ import annotations

import math

import pytest

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.positions import firm_positions
from dashboard.figures.sankey import SankeyView, sankey_figure, sankey_views
from dashboard.figures.waterfall import kpi_waterfall
from tests.helpers import LOOP_EXCHANGES, LOOP_STREAMS, load


def test_network_has_a_clickable_marker_per_exchange_and_a_node_per_firm(kalundborg):
    evaluation = model.evaluate(kalundborg, model.scenario_active(kalundborg, ["tisso2_novozymes"]))
    figure = network_figure(evaluation)
    markers = [tuple(c) for trace in figure.data if trace.customdata is not None for c in trace.customdata]
    assert sorted(ref for kind, ref in markers if kind == "exchange") == sorted(e.id for e in kalundborg.exchanges)
    assert sorted(ref for kind, ref in markers if kind == "firm") == sorted(f.id for f in kalundborg.firms)
    lines = [t for t in figure.data if t.mode == "lines" and t.hoverinfo == "skip"]  # arrows, not the legend
    assert lines
    # candidates dashed, existing solid; a switched-off group is faded
    assert {t.line.dash for t in lines if "candidate" in t.name} == {"dash"}
    assert {t.line.dash for t in lines if "existing" in t.name} == {"solid"}
    assert all(t.opacity < 1 for t in lines if t.name == "switched off")
    hollow = [t for t in figure.data if t.mode == "markers" and t.marker.symbol.endswith("-open")]
    off = {e.id for e in kalundborg.exchanges} - evaluation.active
    assert sorted(ref for t in hollow for _, ref in t.customdata) == sorted(off)


def test_network_hover_names_resource_quantity_unit_and_bound(kalundborg):
    figure = network_figure(model.evaluate(kalundborg))
    texts = [text for t in figure.data if t.hovertext is not None for text in t.hovertext]
    steam = next(t for t in texts if "steam_asnaes_statoil" in t)
    assert "Process steam" in steam and "200,000 MWh a year" in steam and "limited by: demand" in steam


def test_a_candidate_s_hover_says_what_it_could_carry_and_why_it_carries_nothing(kalundborg):
    # the heat pump could meet the town's 80,000 MWh of district heat on its own, but
    # Asnæs district heat (existing, served first) meets all of it already
    figure = network_figure(model.evaluate(kalundborg, kalundborg.baseline_active | {"heatpump_effluent_dh"}))
    texts = [text for t in figure.data if t.hovertext is not None for text in t.hovertext]
    pump = next(t for t in texts if "heatpump_effluent_dh" in t)
    assert "would carry 80,000 MWh; now 0 MWh" in pump and "already met by Asnæs district heat" in pump


def test_sankey_draws_each_firm_once_per_side_so_loops_make_no_cycle(tmp_path):
    park = load(tmp_path, streams=LOOP_STREAMS, exchanges=LOOP_EXCHANGES)
    evaluation = model.evaluate(park)
    figure = sankey_figure(evaluation, SankeyView("water", "m3"))
    link = figure.data[0].link
    sources, targets = set(link.source), set(link.target)
    assert not sources & targets  # two columns: nothing is both a source and a target
    # every m3 is somewhere: exchanges + leftovers of supply, and bought-new demand
    carried = sum(f.carried for f in evaluation.flows)
    supplies = sum(s.quantity for s in park.streams if s.kind is model.StreamKind.SUPPLY)
    bought = sum(evaluation.stream_flows[s.key].leftover for s in park.streams if s.kind is model.StreamKind.DEMAND)
    assert sum(link.value) == pytest.approx(supplies + bought)
    assert carried == pytest.approx(80 + 70)


def test_sankey_views_never_mix_units(kalundborg):
    views = sankey_views(kalundborg)
    assert [v.label for v in views] == ["Water (m3)", "Energy (MWh)", "Materials (t)"]
    for view in views:
        figure = sankey_figure(model.evaluate(kalundborg), view)
        assert figure.data[0].valuesuffix == f" {view.unit}"


def test_waterfall_steps_add_up_to_the_change(kalundborg):
    before = model.evaluate(kalundborg)
    after = model.evaluate(kalundborg, model.scenario_active(
        kalundborg, ["heatpump_effluent_dh", "biogas_novozymes_bioenergi"], ["dh_asnaes_town"]))
    figure = kpi_waterfall(before, after, "CO2e")
    trace = figure.data[0]
    # the chart is the change from the baseline: steps from zero, the whole change last
    assert all(m == "relative" for m in trace.measure[:-1]) and trace.measure[-1] == "total"
    change = after.kpis["co2_t"] - before.kpis["co2_t"]
    assert sum(trace.y[:-1]) == pytest.approx(change) and trace.y[-1] == pytest.approx(change)
    low, high = figure.layout.yaxis.range
    assert low <= min(0.0, change) and high >= max(0.0, change)  # the axis holds zero: nothing is cut


def test_positions_from_latitude_and_longitude_and_from_a_layout(tmp_path):
    firms = "id,name,lat,lon\npower,Power,55.0,11.0\nplaster,Plaster,55.0,11.1\ncement,Cement,55.1,11.0\n"
    park = load(tmp_path / "a", firms=firms, streams=LOOP_STREAMS, exchanges=LOOP_EXCHANGES)
    positions = firm_positions(park)
    east = positions["plaster"][0] - positions["power"][0]
    north = positions["cement"][1] - positions["power"][1]
    # 0.1 degree of longitude at 55 N is about 6.4 km; 0.1 degree of latitude about 11.1 km
    assert east == pytest.approx(0.1 * math.pi / 180 * 6371 * math.cos(math.radians(55.0333)), rel=1e-3)
    assert north == pytest.approx(0.1 * math.pi / 180 * 6371, rel=1e-3)
    plain = load(tmp_path / "b", firms="id,name\npower,P\nplaster,Q\ncement,R\n", streams=LOOP_STREAMS,
                 exchanges=LOOP_EXCHANGES)
    assert firm_positions(plain) == firm_positions(plain)  # seeded: the same park always looks the same
    assert len(set(firm_positions(plain).values())) == 3


def test_park_text_is_shown_literally_not_read_as_plotly_markup(tmp_path):
    # Plotly reads <b>, <br>, <a href> in labels: a firm's name must show as typed.
    odd = "<b>Power</b> & <br>Heat"
    park = load(tmp_path, firms=FIRMS_WITH_ODD_NAME.format(name=odd), streams=LOOP_STREAMS,
                exchanges=LOOP_EXCHANGES)
    evaluation = model.evaluate(park)
    escaped = "&lt;b&gt;Power&lt;/b&gt; &amp; &lt;br&gt;Heat"
    network = network_figure(evaluation)
    firms = next(t for t in network.data if t.mode == "markers+text")
    # a long name may be drawn on two lines, split at a space
    assert escaped in [text.replace("<br>", " ") for text in firms.text] and escaped in firms.hovertext[0]
    assert not any(odd in text for text in firms.text)
    exchange_hovers = [h for t in network.data if t.hovertext is not None for h in t.hovertext if "(there)" in h]
    assert exchange_hovers and all(f"{escaped} \u2192 Plasterboard" in h for h in exchange_hovers)
    sankey = sankey_figure(evaluation, SankeyView("water", "m3"))
    assert escaped in sankey.data[0].node.label and odd not in sankey.data[0].node.label


FIRMS_WITH_ODD_NAME = """\
id,name,sector,x,y
power,"{name}",power,0,0
plaster,Plasterboard,building materials,1,0
cement,Cement works,building materials,0,1
"""


def test_an_exchange_across_units_shows_in_both_sankeys(tmp_path):
    # 100 t biomass replace gas at 2 MWh a t: carried 100 t (all the supply), meets 200 MWh.
    park = load(tmp_path, streams="""\
firm,kind,resource,quantity,fate
power,supply,biomass,100,landfill
plaster,demand,natural_gas,500,
""", exchanges="""\
id,name,from_firm,resource,to_firm,replaces,status,ratio
bio,Biomass for gas,power,biomass,plaster,natural_gas,existing,2
""")
    evaluation = model.evaluate(park)

    def links(view: SankeyView) -> dict[tuple[str, str], float]:
        trace = sankey_figure(evaluation, view).data[0]
        labels = trace.node.label
        return {(labels[s], labels[t]): v for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value)}

    assert links(SankeyView("energy", "MWh")) == {("Natural gas (new supply)", "Plasterboard"): 300.0,
                                                  ("Biomass (from t)", "Plasterboard"): 200.0}
    assert links(SankeyView("material", "t")) == {("Power station", "Plasterboard"): 100.0}
