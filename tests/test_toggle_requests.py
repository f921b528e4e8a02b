"""What a scenario toggle asks the server for, through the real Flask server under Dash
(no browser): the network leaves the firm search alone when it already names the view's
firm (writing it would fire the search's options callback), the bands answer draws the
tornado only while its pane is shown, and the resilience ranking listens to nothing a
toggle writes, only to the store its open pane fills (tests/browser/test_serving.py
counts the requests in a real browser)."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app, ids
from dashboard.storage import Store
from tests.test_access import post_callback


@pytest.fixture
def app(tmp_path, kalundborg):
    return create_app(kalundborg, store=Store(f"sqlite:///{tmp_path / 'test.sqlite3'}"))


def answered(response) -> dict:
    """The outputs a callback's answer sets, as {"id.property": value}."""
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json.loads(response.get_data(as_text=True))["response"]
    return {f"{ident}.{prop}": value for ident, props in body.items() for prop, value in props.items()}


def render_network(app, fragment: str, searched: str | None) -> dict:
    client = app.server.test_client()
    client.get("/")
    return answered(post_callback(app, client, f"{ids.NETWORK_GRAPH}.figure", {
        f"{ids.URL}.search": "?on=tisso2_novozymes", f"{ids.NETWORK_VIEW}.data": fragment,
        f"{ids.MAIN_PAGE}.data": True, f"{ids.NETWORK_SEARCH}.value": searched}, f"{ids.URL}.search"))


def test_the_network_writes_the_firm_search_only_when_the_view_names_another_firm(app):
    assert f"{ids.NETWORK_GRAPH}.figure" in render_network(app, "", None)
    assert f"{ids.NETWORK_SEARCH}.value" not in render_network(app, "", None)  # a toggle: nothing to say
    assert f"{ids.NETWORK_SEARCH}.value" not in render_network(app, "network=firms/f:novozymes", "novozymes")
    assert render_network(app, "network=firms/f:novozymes", None)[f"{ids.NETWORK_SEARCH}.value"] == "novozymes"  # a link
    assert render_network(app, "", "novozymes")[f"{ids.NETWORK_SEARCH}.value"] is None  # Back from the firm


def test_a_drawn_scenario_brings_the_network_and_the_bands_in_one_answer_and_a_new_view_only_the_network(app):
    """Once the cards are drawn (LAST_SEARCH), one request brings the network and the
    cards' bands; a new view of the network (the fragment) draws the network only."""
    client = app.server.test_client()
    client.get("/")
    values = {f"{ids.URL}.search": "?on=tisso2_novozymes", f"{ids.LAST_SEARCH}.data": "?on=tisso2_novozymes",
              f"{ids.NETWORK_VIEW}.data": "", f"{ids.MAIN_PAGE}.data": True, f"{ids.DOUBT_TABS}.value": "sure",
              f"{ids.TORNADO_KPI}.value": "co2_t"}
    drawn = answered(post_callback(app, client, f"{ids.NETWORK_GRAPH}.figure", values, f"{ids.LAST_SEARCH}.data"))
    assert f"{ids.NETWORK_GRAPH}.figure" in drawn and drawn[f"{ids.DOUBT_RESULT}.data"]["samples"] == 1000
    assert "90% range" in json.dumps(drawn[f"{ids.BAND_CO2}.children"])
    moved = answered(post_callback(app, client, f"{ids.NETWORK_GRAPH}.figure",
                                   {**values, f"{ids.NETWORK_VIEW}.data": "network=sector"}, f"{ids.NETWORK_VIEW}.data"))
    assert f"{ids.NETWORK_GRAPH}.figure" in moved
    assert not any(key.startswith((ids.BAND_CO2, ids.DOUBT_RESULT, ids.DOUBT_STATUS, ids.TORNADO_GRAPH))
                   for key in moved)
    assert moved[f"{ids.NETWORK_GRAPH}.figure"] != drawn[f"{ids.NETWORK_GRAPH}.figure"]  # grouped by sector


def bands(app, tab: str, kpi: str = "freshwater_m3") -> dict:
    client = app.server.test_client()
    client.get("/")
    return answered(post_callback(app, client, f"{ids.DOUBT_RESULT}.data", {
        f"{ids.URL}.search": "?on=tisso2_novozymes", f"{ids.MAIN_PAGE}.data": True,
        f"{ids.DOUBT_TABS}.value": tab, f"{ids.TORNADO_KPI}.value": kpi}, f"{ids.URL}.search"))


def tornado_of(outputs: dict) -> dict | None:
    return next((value for key, value in outputs.items() if key.startswith(f"{ids.TORNADO_GRAPH}.figure")), None)


def test_the_bands_answer_draws_the_tornado_of_its_scenario_while_its_pane_is_shown(app):
    figure = tornado_of(bands(app, "sure"))
    # Tissø II on: 6,100,000 - 600,000 m3 of lake water instead of fresh = 5,500,000 m3 a
    # year, the value every bar starts from; 8 inputs move freshwater (the 6 of the
    # baseline, Tissø II's own quantity and Forsyning's lake water supply).
    low = figure["data"][0]
    assert set(low["base"]) == {5_500_000.0} and len(low["base"]) == 8
    assert tornado_of(bands(app, "resilience")) is None  # its pane is closed: drawn when it opens


def test_the_resilience_ranking_listens_only_to_its_open_panes_store(app):
    key = f"{ids.RESILIENCE_TABLE}.children"  # its job is asked for with set_props (app/doubt.py)
    assert [(i["id"], i["property"]) for i in app.callback_map[key]["inputs"]] == [(ids.RESILIENCE_ASK, "data")]
    client = app.server.test_client()
    client.get("/")
    outputs = answered(post_callback(app, client, key, {f"{ids.RESILIENCE_ASK}.data": "?on=tisso2_novozymes"},
                                     f"{ids.RESILIENCE_ASK}.data"))
    assert 'data-firm": "asnaes"' in json.dumps(outputs[f"{ids.RESILIENCE_TABLE}.children"])


def test_a_large_parks_draws_are_asked_for_as_a_job_only_when_needed(app, monkeypatch):
    """The bands' job is asked for with set_props (a store in the shell), never as an
    output: Dash would call the job's callback after each page's first bands call."""
    from dashboard.app import doubt

    key = next(k for k, spec in app.callback_map.items()
               if [(i["id"], i["property"]) for i in spec["inputs"]][:1] == [(ids.LAST_SEARCH, "data")]
               and f"{ids.DOUBT_STATUS}.children" in k)
    assert ids.DOUBT_REQUEST not in key
    values = {f"{ids.LAST_SEARCH}.data": "?on=tisso2_novozymes", f"{ids.URL}.search": "?on=tisso2_novozymes",
              f"{ids.MAIN_PAGE}.data": True}
    client = app.server.test_client()
    client.get("/")
    # Kalundborg is small: the draws are made in the request, no job is asked for
    quick = json.loads(post_callback(app, client, key, values, f"{ids.LAST_SEARCH}.data").get_data(as_text=True))
    assert "sideUpdate" not in quick and "1,000 samples" in json.dumps(quick["response"])
    monkeypatch.setattr(doubt, "QUICK_EXCHANGES", 0)  # as if it were a large park
    slow = json.loads(post_callback(app, client, key, values, f"{ids.LAST_SEARCH}.data").get_data(as_text=True))
    asked = slow["sideUpdate"][ids.DOUBT_REQUEST]["data"]
    assert asked["search"] == "?on=tisso2_novozymes" and "Working out" in json.dumps(slow["response"])
    again = json.loads(post_callback(app, client, key, values, f"{ids.LAST_SEARCH}.data").get_data(as_text=True))
    assert again["sideUpdate"][ids.DOUBT_REQUEST]["data"]["asked"] > asked["asked"]  # a new request each time


def test_a_tab_set_to_the_sankey_already_drawn_draws_nothing_again(app, kalundborg):
    """As a park's tabs arrive, the first is set; render_scenario has drawn it already."""
    from dashboard.app.callbacks import Handlers
    from dashboard.app.state import AppState

    client = app.server.test_client()
    client.get("/")
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.SANKEY_GRAPH}.figure..."))
    drawn = {"search": "?on=tisso2_novozymes", "view": "water:m3", "share": "auto"}
    values = {f"{ids.SANKEY_TABS}.value": "water:m3", f"{ids.SANKEY_SHARE}.value": "auto",
              f"{ids.URL}.search": "?on=tisso2_novozymes", f"{ids.SANKEY_SHOWN}.data": drawn}
    same = answered(post_callback(app, client, key, values, f"{ids.SANKEY_TABS}.value"))
    assert same == {}  # nothing drawn again
    other = answered(post_callback(app, client, key, {**values, f"{ids.SANKEY_TABS}.value": "energy:MWh"},
                                   f"{ids.SANKEY_TABS}.value"))
    assert "Energy (MWh)" in other[f"{ids.SANKEY_GRAPH}.figure"]["layout"]["title"]["text"]
    assert other[f"{ids.SANKEY_SHOWN}.data"] == {**drawn, "view": "energy:MWh"}
    # what render_scenario records (the first tab while none is chosen) is what this
    # callback compares with
    assert Handlers(AppState(kalundborg)).sankey_drawn("?on=tisso2_novozymes", None, "auto") == drawn


def test_panes_asked_for_nothing_yet_draw_nothing(app):
    """Dash calls these as the page appears, with their stores empty."""
    client = app.server.test_client()
    client.get("/")
    resilience = post_callback(app, client, f"{ids.RESILIENCE_TABLE}.children", {f"{ids.RESILIENCE_ASK}.data": None},
                               f"{ids.RESILIENCE_ASK}.data")
    tornado_key = next(k for k, spec in app.callback_map.items() if spec["inputs"][0]["id"] == ids.TORNADO_ASK)
    tornado = post_callback(app, client, tornado_key, {f"{ids.TORNADO_ASK}.data": None}, f"{ids.TORNADO_ASK}.data")
    assert answered(resilience) == {} and answered(tornado) == {}
