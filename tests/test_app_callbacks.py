"""The app's callback logic, called directly (no browser): what each callback returns
for a given URL and input, checked against the model's own numbers."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from dash import no_update

from dashboard import model
from dashboard.app import create_app
from dashboard.app.callbacks import Handlers
from dashboard.app.compare import compare_layout
from dashboard.app.exchange_list import ListQuery
from dashboard.app.kiosk import kiosk_layout, seconds_per_view
from dashboard.app.state import resolve_lenient
from dashboard.app.storage_ui import StorageHandlers
from dashboard.formatting import full, si
from dashboard.model import Scenario
from dashboard.model.writing import park_json
from dashboard.paths import shipped_park
from dashboard.storage import Store
from tests.helpers import by_id, find_all, text_of


@pytest.fixture
def app(tmp_path, kalundborg):
    return create_app(kalundborg, store=Store(f"sqlite:///{tmp_path / 'test.sqlite3'}"))


@pytest.fixture
def state(app):
    return app.server.config["ECO_PARK_STATE"]


def test_url_round_trip():
    scenario = Scenario("abc", ("x", "y"), ("z",))
    assert scenario.to_query() == "?park=abc&on=x,y&off=z"
    assert Scenario.from_query(scenario.to_query()) == scenario
    assert Scenario.from_query("?on=a,,a, b&off=") == Scenario("", ("a", "b"), ())
    assert Scenario().to_query() == ""


def test_kpi_cards_show_the_model_scenario(state, kalundborg):
    search = "?on=tisso2_novozymes,biogas_novozymes_bioenergi&off=dh_asnaes_town"
    cards, summary, alert, alert_open = Handlers(state).render_kpis(search)
    expected = model.views(kalundborg, model.scenario_active(
        kalundborg, ["tisso2_novozymes", "biogas_novozymes_bioenergi"], ["dh_asnaes_town"]))
    for kpi, card_id in (("freshwater_m3", "kpi-freshwater"), ("co2_t", "kpi-co2"), ("landfill_t", "kpi-landfill"),
                         ("cost", "kpi-cost")):
        card = by_id(cards, card_id)[0]
        shown = [c for c in find_all(card, lambda c: getattr(c, "className", "") == "kpi-value")][0]
        assert float(getattr(shown, "data-value")) == expected.scenario.kpis[kpi]
        unit = {"freshwater_m3": "m3", "co2_t": "t CO2e", "landfill_t": "t", "cost": "DKK"}[kpi]
        assert shown.children == si(expected.scenario.kpis[kpi], unit)
    names = {e.id: e.name for e in kalundborg.exchanges}
    assert summary == (f"Scenario: the baseline with switched on: {names['tisso2_novozymes']}, "
                       f"{names['biogas_novozymes_bioenergi']}; switched off: {names['dh_asnaes_town']}")
    assert alert is None and alert_open is False


def test_kpi_card_arrow_and_colour_follow_the_change(state):
    cards = Handlers(state).render_kpis("?on=tisso2_novozymes")[0]
    water = by_id(cards, "kpi-freshwater")[0]
    change = find_all(water, lambda c: "change" in (getattr(c, "className", "") or "").split())[0]
    # Tissø II replaces 600,000 m3 of groundwater: lower is better, so green and a down arrow
    assert "good" in change.className and "\u25bc" in text_of(change) and "600,000 m3" in text_of(change)


def test_bad_link_is_explained_and_the_rest_is_shown(state, kalundborg):
    cards, summary, alert, alert_open = Handlers(state).render_kpis("?on=tisso2_novozymes,nope&park=zzz")
    assert alert_open
    assert "there is no exchange 'nope'" in text_of(alert) and "no park 'zzz'" in text_of(alert)
    assert summary == f"Scenario: the baseline with switched on: {kalundborg.exchange['tisso2_novozymes'].name}"


def test_header_lists_one_sankey_per_category_and_unit(state):
    title, meta, options, exchanges = Handlers(state).render_header("")
    assert title == "Kalundborg Symbiosis" and "2008" in meta and "DKK" in meta
    assert [o["label"] for o in options] == ["Water (m3)", "Energy (MWh)", "Materials (t)"]
    assert [o["value"] for o in options] == ["water:m3", "energy:MWh", "material:t"]
    assert exchanges["key"] == "" and "dh_asnaes_town" in exchanges["existing"]
    assert "tisso2_novozymes" in exchanges["order"] and "tisso2_novozymes" not in exchanges["existing"]


def test_sankey_for_the_chosen_view(state):
    figure = Handlers(state).render_sankey("", "energy:MWh")
    assert "Energy (MWh)" in figure["layout"]["title"]["text"]
    assert figure["data"][0]["type"] == "sankey"


def list_rows(table) -> dict:
    """{exchange id: row} of a drawn page of the exchange list."""
    return {getattr(row, "data-exchange"): row
            for row in find_all(table, lambda c: hasattr(c, "data-exchange"))}


def test_exchange_list_has_every_exchange_with_flows_and_marginal_effects(state, kalundborg):
    table, count, pager, no_previous, no_next, page, labels, orders = Handlers(state).render_list(
        "?on=tisso2_novozymes", ListQuery(sort="carried", descending=True))
    rows = list_rows(table)
    # all fit on the first page (25 rows); by quantity carried, grouped by unit (m3, MWh, t), largest first
    flows = model.evaluate(kalundborg, model.scenario_active(kalundborg, ["tisso2_novozymes"])).flows
    assert list(rows) == [f.id for _, f in sorted(enumerate(flows), key=lambda p: (p[1].unit, -p[1].carried, p[0]))]
    n = len(kalundborg.exchanges)
    assert (count, pager, no_previous, no_next, page) == (f"{n} of {n} exchanges", "page 1 of 1", True, True, 0)
    active = model.scenario_active(kalundborg, ["tisso2_novozymes"])
    evaluation = model.evaluate(kalundborg, active)
    marginal = model.marginal_effects(kalundborg, active)
    row = rows["tisso2_novozymes"]
    box = find_all(row, lambda c: type(c).__name__ == "Input")[0]
    label = find_all(row, lambda c: type(c).__name__ == "Label")[0]
    # a real checkbox, named by the exchange's id and name, on in this scenario; changing
    # it sets the list's "toggled" to this exchange (data-toggle)
    assert box.type == "checkbox" and box.checked is True and getattr(box, "data-toggle") == "tisso2_novozymes"
    assert box.id == '{"index":"tisso2_novozymes","type":"exchange-toggle"}' and label.htmlFor == box.id
    assert label.children == f"Switch tisso2_novozymes: {kalundborg.exchange['tisso2_novozymes'].name}"
    assert "candidate-row" in row.className
    cells = find_all(row, lambda c: type(c).__name__ == "Td")
    tisso = kalundborg.exchange["tisso2_novozymes"]
    quality = f" \u00b7 data: {tisso.quality.value}" if tisso.quality else ""
    assert cells[1].children == f"{tisso.name}\ncandidate \u00b7 tisso2_novozymes{quality}"
    assert text_of(cells[4]) == f"{evaluation.carried('tisso2_novozymes'):,.0f} m3"
    # on: what it saves is what switching it off would add back (the marginal effect)
    saved = marginal["tisso2_novozymes"].freshwater_m3
    assert saved > 0 and cells[6].title == f"saves {full(saved)} m3 a year; switching it off would lose that"
    # Tissø II saves the groundwater it replaces: a saving, so "good" and positive
    assert "good" in cells[6].className and text_of(cells[6]) == "+" + full(saved)
    assert text_of(find_all(rows["dh_asnaes_town"], lambda c: type(c).__name__ == "Td")[5]) == \
        "carries all it can: all of Kalundborg district heating's demand"
    # firm buttons open the firm's panel: the firm id travels in the button's data-firm
    firms = [getattr(b, "data-firm") for b in find_all(row, lambda c: type(c).__name__ == "Button")]
    assert firms == [kalundborg.exchange["tisso2_novozymes"].from_firm, kalundborg.exchange["tisso2_novozymes"].to_firm]
    # the headings carry their units; the sorted one its arrow and aria-sort
    assert labels[3] == "Carried a year \u25be" and orders[3] == "descending" and set(orders[:3]) == {"none"}
    assert labels[5:9] == ["Saves: freshwater (m3)", "Saves: CO2e (t)", "Saves: landfill (t)", "Saves: cost (DKK)"]
    assert labels[9:] == ["Payback", "NPV (DKK)", "Per t CO2e (DKK/t)"]
    # what the link is worth, from the model's Worth of its on-minus-off effect
    from dashboard.model.worth import worth_of
    worth = worth_of(kalundborg, kalundborg.exchange["tisso2_novozymes"], -marginal["tisso2_novozymes"])  # on: on - off
    assert len(cells) == 13 and cells[11].title.startswith(f"DKK {full(worth.npv)} over its life")


def test_exchange_list_without_a_firm_lists_only_what_is_left(state, kalundborg):
    gone = {e.id for e in kalundborg.exchanges if "gyproc" in (e.from_firm, e.to_firm)}
    table, count, *_ = Handlers(state).render_list("?without=gyproc", ListQuery())
    assert set(list_rows(table)) == {e.id for e in kalundborg.exchanges} - gone
    left = len(kalundborg.exchanges) - len(gone)
    assert count == f"{left} of {left} exchanges"


def test_header_sends_what_the_browser_needs_to_write_the_address(state, kalundborg):
    *_, park = Handlers(state).render_header("")
    assert park == {"key": "", "order": [e.id for e in kalundborg.exchanges],
                    "existing": sorted(kalundborg.baseline_active), "firms": [f.id for f in kalundborg.firms]}


def test_firm_panel_shows_who_gains_and_pays(state, kalundborg):
    body, title = Handlers(state).render_firm_panel("?off=gypsum_asnaes_gyproc", "gyproc")
    assert title == kalundborg.firm["gyproc"].name
    text = text_of(body)
    assert "Baseline" in text and "Scenario" in text and "FGD gypsum" in text
    # the firm's own figures from the model, baseline beside scenario, with units
    views = model.views(kalundborg, model.scenario_active(kalundborg, off=["gypsum_asnaes_gyproc"]))
    for kpi, unit in (("cost", "DKK"), ("co2_t", "t CO2e")):
        before = getattr(views.baseline.firm_kpis["gyproc"], kpi)
        after = getattr(views.scenario.firm_kpis["gyproc"], kpi)
        assert before != after and f"{full(before)} {unit}" in text and f"{full(after)} {unit}" in text
    # switched off: the exchange says so; the firm's source is its citation, not a bare id
    assert "off" in text and "existing" in text
    firm_source = next(s for s in kalundborg.sources if s.id == kalundborg.firm["gyproc"].source)
    assert firm_source.citation in text
    assert Handlers(state).render_firm_panel("", "nobody") == (no_update, no_update)


def test_sources_view_sets_reported_beside_model(state, kalundborg):
    text = text_of(Handlers(state).render_sources(""))
    assert "3,000,000 m3" in text  # reported water saving, and the model's
    assert all(source.id in text for source in kalundborg.sources)


def test_network_click_is_read_from_customdata():
    assert Handlers.clicked({"points": [{"customdata": ["firm", "gyproc"]}]}) == ("firm", "gyproc")
    assert Handlers.clicked({"points": [{"customdata": ["exchange", "x"]}]}) == ("exchange", "x")
    assert Handlers.clicked({"points": [{}]}) is None and Handlers.clicked(None) is None


def upload_contents(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def test_upload_valid_park_switches_to_it(state):
    park = model.load_park(shipped_park("ulsan"))
    message, search = StorageHandlers(state).upload(upload_contents(park_json(park).encode()), "ulsan.json", "Ana")
    assert search == f"?park=ulsan-mipo-and-onsan-steam-network-{park.content_hash[:16]}"  # readable, and unique
    assert "Loaded Ulsan" in text_of(message)
    assert resolve_lenient(state, search)[0].name == park.name


def test_upload_with_errors_shows_a_table_and_keeps_the_park(state, kalundborg):
    document = json.loads(park_json(kalundborg))
    document["streams"][0]["quantity"] = -4
    document["exchanges"][1]["status"] = "someday"
    message, search = StorageHandlers(state).upload(upload_contents(json.dumps(document).encode()), "mine.json", "")
    assert search is no_update
    cells = [text_of(c) for c in find_all(message, lambda c: type(c).__name__ == "Td")]
    assert ["mine.json[streams]", "1", "quantity", "is -4; it cannot be negative"] == cells[:4]
    assert "someday" in " ".join(cells)
    assert [p.content_hash for p in [r for r in state.store.list_parks()]] == [kalundborg.content_hash]


def test_upload_too_large_is_refused_on_the_server(state, monkeypatch):
    monkeypatch.setattr("dashboard.app.storage_ui.MAX_UPLOAD_BYTES", 1000)
    message, search = StorageHandlers(state).upload(upload_contents(b"x" * 5000), "big.zip", "")
    assert search is no_update and "larger than" in text_of(message)


def test_upload_zip_with_traversal_is_refused(state):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil/park.toml", "name='x'")
    message, search = StorageHandlers(state).upload(upload_contents(buffer.getvalue()), "evil.zip", "")
    assert search is no_update and "outside the zip" in text_of(message)


def test_save_list_rename_delete_and_compare(state, kalundborg):
    handlers = StorageHandlers(state)
    message, changed = handlers.save("?on=tisso2_novozymes", "Water plan", "Ana", False)
    assert changed and "Saved" in text_of(message)
    message, changed = handlers.save("?on=heatpump_effluent_dh", "Water plan", "Ana", False)
    assert not changed  # the name is taken; nothing overwritten without asking
    handlers.save("?on=heatpump_effluent_dh&off=dh_asnaes_town", "Heat plan", "Bo", False)
    records = sorted(state.store.list_scenarios(kalundborg.content_hash), key=lambda r: r.id)
    assert [r.name for r in records] == ["Water plan", "Heat plan"]
    assert records[0].on == ("tisso2_novozymes",) and records[0].author == "Ana"
    listing = text_of(handlers.listing(""))
    assert "Water plan" in listing and "Heat plan" in listing and "Bo" in listing
    assert handlers.compare_link([records[0].id]) == ("#", "btn btn-primary disabled", "true")
    href = handlers.compare_link([r.id for r in records])[0]
    assert href == f"/compare?s={records[0].id},{records[1].id}"
    page = compare_layout(state, href.split("?", 1)[1])
    values = [float(getattr(c, "data-value")) for c in find_all(page, lambda c: hasattr(c, "data-value"))]
    water = model.evaluate(kalundborg, model.scenario_active(kalundborg, ["tisso2_novozymes"]))
    heat = model.evaluate(kalundborg, model.scenario_active(kalundborg, ["heatpump_effluent_dh"], ["dh_asnaes_town"]))
    # per KPI row: water plan, heat plan
    assert values == [v for kpi in model.KPI_NAMES for v in (water.kpis[kpi], heat.kpis[kpi])]
    assert handlers.rename(records[1].id, "Heat pump plan")[1]
    assert handlers.delete(records[0].id)[1]
    assert [r.name for r in state.store.list_scenarios()] == ["Heat pump plan"]


def test_save_refuses_a_link_that_does_not_fit_rather_than_saving_something_else(state, kalundborg):
    handlers = StorageHandlers(state)
    message, changed = handlers.save("?on=tisso2_novozymes,bogus", "Typo", "Ana", False)
    assert not changed and "unknown exchange id 'bogus'" in text_of(message)
    ulsan = model.load_park(shipped_park("ulsan"))
    handlers.upload(upload_contents(park_json(ulsan).encode()), "ulsan.json", "Ana")
    assert handlers.delete_park(ulsan.content_hash)[1]
    message, changed = handlers.save(f"?park={ulsan.content_hash}", "On a deleted park", "Ana", False)
    assert not changed and "no park" in text_of(message)
    assert state.store.list_scenarios() == []  # nothing was stored against the default park


def test_compare_explains_what_is_wrong(state):
    assert "two to four" in text_of(compare_layout(state, "s=1"))
    assert "no saved scenario number 98" in text_of(compare_layout(state, "s=98,99"))
    for odd in ("s=\u00b2,3", "s=1,99999999999999999999999", "s=1,-2"):
        assert "should list saved scenario numbers" in text_of(compare_layout(state, odd))


def test_kiosk_has_kpis_network_and_each_sankey(state, kalundborg):
    page = kiosk_layout(state, "on=tisso2_novozymes&every=7")
    views = find_all(page, lambda c: isinstance(getattr(c, "id", None), dict) and c.id.get("type") == "kiosk-view")
    assert len(views) == 2 + 3
    value = [c for c in find_all(page, lambda c: hasattr(c, "data-value"))][0]
    expected = model.evaluate(kalundborg, model.scenario_active(kalundborg, ["tisso2_novozymes"]))
    assert float(getattr(value, "data-value")) == expected.kpis["freshwater_m3"]
    assert getattr(page, "data-seconds") == "7"
    assert seconds_per_view("every=1") == 5 and seconds_per_view("every=x") == 15
    assert [seconds_per_view(f"every={odd}") for odd in ("inf", "-inf", "1e999", "nan")] == [15] * 4


def test_kiosk_of_a_saved_scenario_names_it_and_a_link_that_does_not_fit_says_so(state, kalundborg):
    record = state.store.save_scenario(kalundborg.content_hash, "Biogas first", ["biogas_novozymes_bioenergi"], [],
                                       "Workshop 2")
    page = kiosk_layout(state, f"s={record.id}&every=9")
    assert "Scenario \u201cBiogas first\u201d by Workshop 2" in text_of(page)
    value = [c for c in find_all(page, lambda c: hasattr(c, "data-value"))][0]
    expected = model.evaluate(kalundborg, model.scenario_active(kalundborg, ["biogas_novozymes_bioenergi"]))
    assert float(getattr(value, "data-value")) == expected.kpis["freshwater_m3"]
    for query, said in (("park=deadbeef", "no park 'deadbeef'"), ("s=999", "no saved scenario number 999"),
                        ("s=abc", "'abc' is not a saved scenario number")):
        page = kiosk_layout(state, query)
        assert said in text_of(page) and not find_all(page, lambda c: hasattr(c, "data-value")), query
    # an id the park lacks is left out, and the screen says so
    assert "1 id(s) in the link not in this park" in text_of(kiosk_layout(state, "on=tisso2_novozymes,nope"))


def test_download_routes(app, kalundborg):
    client = app.server.test_client()
    response = client.get("/download/results.xlsx?on=tisso2_novozymes")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    response = client.get("/download/results.zip?on=nope")
    assert response.status_code == 400 and b"unknown exchange id 'nope'" in response.data
    assert client.get("/download/template.xlsx").status_code == 200
    assert client.get("/download/secrets.txt").status_code == 404
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_browser_exports_take_turns_and_a_waiting_request_is_told_to_retry(state, monkeypatch):
    from flask import Flask

    from dashboard.app import downloads

    server = Flask(__name__)
    server.register_blueprint(downloads.downloads_blueprint(state, browser_exports_at_once=1, wait_seconds=0.05))
    client = server.test_client()
    seen = []

    def render_while_another_asks(kind, park, active, seconds):
        if not seen:  # the first export is running; a second PDF asked meanwhile must not start a browser
            seen.append(client.get("/download/report.pdf"))
            seen.append(client.get("/download/results.xlsx"))  # no browser needed: not held back
        return b"made"

    monkeypatch.setattr(downloads, "render", render_while_another_asks)
    assert client.get("/download/figures-png.zip").data == b"made"
    assert seen[0].status_code == 503 and seen[0].headers["Retry-After"] == "60"
    assert b"busy making other exports" in seen[0].data
    assert seen[1].status_code == 200
    assert client.get("/download/report.pdf").status_code == 200  # the turn was given back


def test_stored_parks_can_be_listed_renamed_and_deleted_but_not_the_default(state, kalundborg):
    handlers = StorageHandlers(state)
    ulsan = model.load_park(shipped_park("ulsan"))
    handlers.upload(upload_contents(park_json(ulsan).encode()), "ulsan.json", "Ana")
    handlers.save(f"?park={ulsan.content_hash}", "Ulsan plan", "Ana", False)
    listing = text_of(handlers.parks_listing())
    assert "Kalundborg Symbiosis" in listing and "Ulsan" in listing and "default" in listing
    assert handlers.rename_park(ulsan.content_hash, "Ulsan, as of 2014")[1]
    assert "Ulsan, as of 2014" in text_of(handlers.parks_listing())
    assert not handlers.delete_park(kalundborg.content_hash)[1]
    assert handlers.delete_park(ulsan.content_hash)[1]
    assert [r.content_hash for r in state.store.list_parks()] == [kalundborg.content_hash]
    assert state.store.list_scenarios(ulsan.content_hash) == []
    # a link to the deleted park now says so and shows the default park
    assert "no park" in text_of(Handlers(state).render_kpis(f"?park={ulsan.content_hash}")[2])


def test_one_response_brings_the_scenario_and_a_firm_only_its_panel(state, kalundborg):
    from dashboard.app.callbacks import SCENARIO_OUTPUTS

    handlers = Handlers(state)
    search = "?on=tisso2_novozymes"
    first = handlers.render_scenario(search, "novozymes", None, set())
    assert len(first) == len(SCENARIO_OUTPUTS)
    names = [f"{o.component_id}.{o.component_property}" for o in SCENARIO_OUTPUTS]
    got = dict(zip(names, first))
    assert got["park-title.children"] == "Kalundborg Symbiosis"
    assert "network-graph.figure" not in got and got["exchange-rows.tree"] is not no_update  # the network: network_ui
    assert got["firm-panel-title.children"] == kalundborg.firm["novozymes"].name
    # a toggle on the same park: the header (and what follows from it) is not sent again
    shown = got["park-exchanges.data"]
    again = dict(zip(names, handlers.render_scenario("?on=heatpump_effluent_dh", None, shown, {"url.search"})))
    assert again["park-title.children"] is no_update and again["park-exchanges.data"] is no_update
    assert again["kpi-strip.tree"] is not no_update and again["exchange-rows.tree"] is not no_update
    # a firm alone: only its panel
    firm = dict(zip(names, handlers.render_scenario(search, "novozymes", shown, {"selected-firm.data"})))
    assert [n for n, v in firm.items() if v is not no_update] == ["firm-panel-body.children",
                                                                  "firm-panel-title.children"]
