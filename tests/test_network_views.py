"""Views of the network for big parks (groups of firms, an opened group, a firm's
neighbourhood), their address, the Sankey's "other" flows, and the caches keyed by a
park's content: on the figure data alone (no server, no browser)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import model
from dashboard.app.network_ui import NetworkHandlers
from dashboard.app.state import AppState
from dashboard.figures import geometry
from dashboard.figures.groups import (
    AGGREGATE_ABOVE,
    FIRMS,
    NetworkView,
    graph_for,
    grouping_of,
    search_firms,
)
from dashboard.figures.network import network_figure, network_spec
from dashboard.figures.sankey import (
    MAX_LINKS,
    OTHER_LABEL,
    SankeyLink,
    SankeyNode,
    SankeyView,
    check_acyclic,
    group_small,
    sankey_data,
)
from dashboard.model.cache import BoundedCache
from dashboard.model.generate import generate_park
from tests.helpers import load

# Two sectors, "sa" (a1, a2) and "sb" (b1, b2).
FIRM_ROWS = """\
id,name,sector,x,y
a1,Alpha one,sa,0,0
a2,Alpha two,sa,1,0
b1,Beta one,sb,0,5
b2,Beta two,sb,1,5
"""
STREAMS = """\
firm,kind,resource,quantity,fate
a1,supply,wastewater,100,discharge
a2,supply,wastewater,50,discharge
a1,supply,fly_ash,30,landfill
a2,demand,freshwater,10,
b1,demand,freshwater,80,
b2,demand,freshwater,200,
b1,demand,gypsum,40,
"""
# a1's 100 m3 cover w1 (80) and w4 (10); w3 is a candidate, off in the baseline.
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status
w1,Water a1 to b1,a1,wastewater,b1,freshwater,existing
w2,Water a2 to b2,a2,wastewater,b2,freshwater,existing
w3,Water a1 to b2,a1,wastewater,b2,freshwater,candidate
ash,Ash a1 to b1,a1,fly_ash,b1,gypsum,existing
w4,Water a1 to a2,a1,wastewater,a2,freshwater,existing
"""


@pytest.fixture
def two_sectors(tmp_path):
    return load(tmp_path, firms=FIRM_ROWS, streams=STREAMS, exchanges=EXCHANGES)


def _refs(figure_dict, kind):
    return [ref for trace in figure_dict["data"] for k, ref in (trace.get("customdata") or []) if k == kind]


def test_a_view_of_sectors_sums_the_flows_between_them(two_sectors):
    evaluation = model.evaluate(two_sectors)
    spec = network_spec(evaluation, view=NetworkView("sector"))
    nodes = next(t for t in spec["data"] if t["name"] == "firm")
    assert [c for c in nodes["customdata"]] == [["group", "sa"], ["group", "sb"]]
    assert "2 firms" in nodes["hovertext"][0]
    hovers = [h for t in spec["data"] if t.get("hovertext") and t["name"] != "firm" for h in t["hovertext"]]
    between = next(h for h in hovers if "Sa \u2192 Sb" in h)
    # w1, w2, w3, ash; w3 off. Water carried 80 + 50 = 130 m3, ash 30 t.
    assert "4 links, 3 switched on" in between
    assert "carried: 130 m3 a year" in between and "carried: 30.0 t a year" in between
    within = next(h for h in hovers if "within Sa" in h)
    assert "1 link, 1 switched on" in within and "carried: 10.0 m3 a year" in within
    # Widths: shares of each unit's total carried (m3: 80 + 50 + 10 = 140; t: 30).
    # Sa -> Sb: 130/140 + 30/30 = 1.9286, the largest: 1 + 7 = 8 px.
    # within Sa: 10/140 = 0.0714; 1 + 7 sqrt(0.0714 / 1.9286) = 2.35, to 0.5 px: 2.5 px.
    lines = [t for t in spec["data"] if t.get("mode") == "lines" and t["x"] != [None]]
    assert sorted(t["line"]["width"] for t in lines) == [2.5, 8.0]
    # the colour is the category carrying the biggest share: materials (1.0 > 0.93)
    widest = max(lines, key=lambda t: t["line"]["width"])
    assert widest["name"] == "Materials links"
    # a link's marker opens its source group
    markers = [ref for t in spec["data"] if t["name"].endswith("links") and t.get("customdata")
               for _, ref in t["customdata"]]
    assert markers == ["sa", "sa"]


def test_opening_a_group_shows_its_firms_the_groups_it_trades_with_and_every_exchange(two_sectors):
    evaluation = model.evaluate(two_sectors)
    spec = network_spec(evaluation, view=NetworkView("sector", group="sb"))
    assert _refs(spec, "firm") == ["b1", "b2"]
    nodes = next(t for t in spec["data"] if t["name"] == "firm")
    assert ["group", "sa"] in nodes["customdata"]
    assert nodes["text"][nodes["customdata"].index(["group", "sa"])] == "Sa"  # named, firms on hover
    assert sorted(_refs(spec, "exchange")) == ["ash", "w1", "w2", "w3"]  # w4 stays inside sa
    graph = graph_for(two_sectors, NetworkView("sector", group="sb"))
    assert [text for text, _ in graph.breadcrumb] == ["All sectors", "Sb"]


def test_a_firms_neighbourhood_is_the_firm_its_partners_and_their_exchanges(two_sectors):
    spec = network_spec(model.evaluate(two_sectors), view=NetworkView("sector", firm="b2"))
    assert _refs(spec, "firm") == ["b2", "a1", "a2"]
    assert sorted(_refs(spec, "exchange")) == ["w2", "w3"]


def test_small_parks_keep_the_firm_drawing_and_big_ones_open_by_sector():
    small = generate_park(AGGREGATE_ABOVE, 300, seed=2)
    assert NetworkView().resolve(small).grouping == FIRMS
    big = generate_park(AGGREGATE_ABOVE + 1, 300, seed=2)
    assert NetworkView().resolve(big).grouping == "sector"
    assert NetworkView(FIRMS).resolve(big).grouping == "sector"  # not offered: an unreadable blot
    spec = network_spec(model.evaluate(big))
    assert {kind for trace in spec["data"] for kind, _ in (trace.get("customdata") or [])} == {"group"}


def test_zones_are_thirds_of_the_site_plan(tmp_path):
    firms = "id,name,sector,x,y\n" + "".join(f"f{i},F{i},s,{i % 3},{i // 3}\n" for i in range(9))
    streams = "firm,kind,resource,quantity,fate\nf0,supply,fly_ash,1,landfill\nf8,demand,gypsum,1,\n"
    exchanges = "id,name,from_firm,resource,to_firm,replaces,status\ne,E,f0,fly_ash,f8,gypsum,existing\n"
    park = load(tmp_path, firms=firms, streams=streams, exchanges=exchanges)
    zones = grouping_of(park, "zone")
    assert zones.of == {"f0": "south-west", "f1": "south", "f2": "south-east", "f3": "west", "f4": "centre",
                        "f5": "east", "f6": "north-west", "f7": "north", "f8": "north-east"}
    assert list(zones.names)[:3] == ["north-west", "north", "north-east"]


def test_communities_group_firms_that_trade_together():
    park = generate_park(60, 150, seed=4)
    communities = grouping_of(park, "community")
    assert set(communities.of) == {f.id for f in park.firms}
    assert all(name.startswith("Community ") for name in communities.names.values())
    # numbered by size, largest first
    sizes = [len(communities.members(key)) for key in communities.names]
    assert sizes == sorted(sizes, reverse=True)


@given(st.sampled_from(["", "firms", "sector", "zone", "community"]),
       st.one_of(st.none(), st.text(min_size=1, max_size=12)), st.booleans())
def test_a_view_survives_its_fragment(grouping, ref, is_firm):
    view = NetworkView(grouping, firm=ref) if is_firm else NetworkView(grouping, group=ref)
    fragment = "sankey=water:m3&" + view.to_fragment()
    assert NetworkView.from_fragment("#" + fragment) == view


def test_an_unreadable_or_unknown_view_is_the_default(two_sectors):
    assert NetworkView.from_fragment("#network=nonsense/x:1") == NetworkView()
    assert NetworkView.from_fragment(None) == NetworkView()
    assert NetworkView("sector", group="nowhere").resolve(two_sectors) == NetworkView("sector")
    assert NetworkView("sector", firm="nobody").resolve(two_sectors) == NetworkView("sector")


def test_search_finds_firms_by_name_or_id_those_starting_with_it_first(two_sectors):
    assert search_firms(two_sectors, "one") == [("a1", "Alpha one"), ("b1", "Beta one")]
    assert search_firms(two_sectors, "b") == [("b1", "Beta one"), ("b2", "Beta two")]
    assert search_firms(two_sectors, "  ") == []


def test_the_handler_gives_breadcrumb_picker_and_view(two_sectors):
    handlers = NetworkHandlers(AppState(two_sectors))
    figure, crumbs, back, options, grouping, shown, firm = handlers.render("", "#network=sector/g:sa")
    assert shown == {"grouping": "sector", "group": "sa", "firm": None, "crumbs": ["sector", "sector/g:sa"]}
    assert back == {"display": "inline-block"} and grouping == "sector" and firm is None
    assert [o["value"] for o in options] == ["firms", "sector", "zone", "community"]
    assert sorted(_refs(figure, "firm")) == ["a1", "a2"]
    assert handlers.search_options("", "two", None) == [
        {"label": "Alpha two (a2)", "value": "a2"}, {"label": "Beta two (b2)", "value": "b2"}]
    assert handlers.search_options("", ["two"], {"id": 1}) == []  # a hand-made request changes nothing
    assert handlers.render("", {"network": 1})[5]["grouping"] == "firms"


def test_a_big_opened_group_stays_under_the_payload_budget():
    park = generate_park(1000, 5000, seed=1)
    evaluation = model.evaluate(park)
    for view in (NetworkView(), NetworkView("sector", group="chemicals"), NetworkView("zone", group="centre")):
        size = len(network_figure(evaluation, view=view).to_json())
        assert size < 300_000, (view, size)


def test_a_big_park_without_coordinates_draws():
    park = generate_park(600, 1200, seed=3)
    park = dataclasses.replace(park, firms=tuple(dataclasses.replace(f, x=None, y=None) for f in park.firms))
    figure = network_figure(model.evaluate(park))
    nodes = next(t for t in figure.data if t.name == "firm")
    assert len(nodes.x) == 10 and all(math.isfinite(v) for v in nodes.x)  # ten sectors


# -- Sankey ------------------------------------------------------------------------------

def _nodes(n):
    return [SankeyNode(f"n{i}", "#000000", "") for i in range(n)]


def test_small_flows_go_to_one_other_link_per_source():
    nodes = _nodes(4)
    links = [SankeyLink(0, 2, 50.0, "c", ["big"]), SankeyLink(0, 3, 1.0, "c", ["x"]),
             SankeyLink(1, 2, 2.0, "c", ["y"]), SankeyLink(1, 3, 47.0, "c", ["z"])]
    # total 100; under 5 %: the 1 and the 2, one "other" link from each of their sources
    kept, grouped = group_small(links, nodes, 0.05, MAX_LINKS, "m3")
    assert grouped == 2 and nodes[-1].label == OTHER_LABEL
    assert [(k.source, k.target, k.value, k.other) for k in kept] == [
        (0, 2, 50.0, False), (1, 3, 47.0, False), (0, 4, 1.0, True), (1, 4, 2.0, True)]
    assert kept[3].parts == ["1 smaller flow from n1:", "n2: 2 m3"]


def test_at_most_max_links_even_with_no_share():
    nodes = _nodes(12)
    links = [SankeyLink(i % 2, 2 + i, float(10 - i), "c") for i in range(10)]
    kept, grouped = group_small(links, nodes, 0.0, 5, "t")
    # 5 links at most: 3 kept (10, 9, 8) and one "other" from each of the two sources
    assert len(kept) == 5 and grouped == 7
    assert sum(k.value for k in kept) == sum(range(1, 11))  # nothing lost


def test_a_cycle_never_reaches_plotly():
    check_acyclic(3, [SankeyLink(0, 1, 1, "c"), SankeyLink(1, 2, 1, "c")])
    with pytest.raises(ValueError):
        check_acyclic(3, [SankeyLink(0, 1, 1, "c"), SankeyLink(1, 2, 1, "c"), SankeyLink(2, 0, 1, "c")])


def test_a_big_parks_sankey_stays_readable():
    park = generate_park(1000, 5000, seed=1)
    evaluation = model.evaluate(park)
    for view in (SankeyView("water", "m3"), SankeyView("material", "t")):
        data = sankey_data(evaluation, view)
        assert len(data.links) <= MAX_LINKS and data.grouped > 0
        other = next(link for link in data.links if link.other)
        assert data.nodes[other.target].label == OTHER_LABEL and "smaller flow" in other.parts[0]
        coarse = sankey_data(evaluation, view, share=0.05)
        assert len(coarse.links) < len(data.links)


def test_kalundborgs_sankey_is_drawn_whole(kalundborg):
    data = sankey_data(model.evaluate(kalundborg), SankeyView("water", "m3"))
    assert data.grouped == 0 and not any(link.other for link in data.links)


# -- caches ---------------------------------------------------------------------------------

def test_a_bounded_cache_keeps_the_most_recently_used():
    cache = BoundedCache(2)
    made = []

    def make(key):
        return lambda: made.append(key) or key.upper()
    assert cache.get_or_make("a", make("a")) == "A"
    cache.get_or_make("b", make("b"))
    cache.get_or_make("a", make("a"))  # kept; now the most recent
    cache.get_or_make("c", make("c"))  # pushes out b
    cache.get_or_make("b", make("b"))
    assert made == ["a", "b", "c", "b"] and len(cache) == 2


def test_drawings_are_kept_by_park_content_not_on_the_park(kalundborg):
    geometry.DRAWINGS.clear()
    network_spec(model.evaluate(kalundborg))
    assert len(geometry.DRAWINGS) == 1
    assert not [name for name in vars(kalundborg) if "drawing" in name or "plan" in name]


def test_switched_off_exchanges_stay_visible_on_the_dark_kiosk(kalundborg):
    """Dotted, 2 px (2 x 22 / 13 = 3.38 px in the kiosk's 22 px type), in the category's colour at 85 % and the trace at 90 %: seen on a
    projector and on black (the old faded 1.2 px line at 35 % was not)."""
    figure = network_spec(model.evaluate(kalundborg), theme="dark", font_size=22, click_hints=False)
    off = [t for t in figure["data"] if t.get("name") == "switched off" and t["x"] != [None]
           and t["mode"] == "lines"]
    assert off and all(t["line"]["dash"] == "dot" and t["line"]["width"] >= 3.38 and t["opacity"] >= 0.9 for t in off)
    assert all(t["line"]["color"].endswith(",0.85)") for t in off)
    hollow = [t for t in figure["data"] if str(t.get("marker", {}).get("symbol", "")).endswith("-open")]
    assert hollow and all(t["marker"]["line"]["width"] >= 2.5 for t in hollow)
