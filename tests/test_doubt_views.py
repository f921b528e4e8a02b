"""Firms leaving and uncertain inputs on screen, without a browser: the words and bands
the cards, kiosk and report show, the tornado's bars, the firm panel's "If this firm
left", the struck-out network, and the address the leave button writes."""

from __future__ import annotations

import pytest

from dashboard import model
from dashboard.app import create_app, ids
from dashboard.app.callbacks import Handlers
from dashboard.app.doubt import band_lines, resilience_table, scenario_query
from dashboard.app.kiosk import kiosk_layout
from dashboard.figures.network import GONE_GREY, network_figure
from dashboard.figures.tornado import tornado_figure, tornado_rows
from dashboard.formatting import band_text, band_words
from dashboard.storage import Store


@pytest.fixture
def state(tmp_path, kalundborg):
    app = create_app(kalundborg, store=Store(f"sqlite:///{tmp_path / 'test.sqlite3'}"))
    return app.server.config["ECO_PARK_STATE"]


def texts(component) -> str:
    """All the text of a Dash component tree, in order."""
    if component is None or isinstance(component, (int, float)):
        return ""
    if isinstance(component, str):
        return component
    if isinstance(component, (list, tuple)):
        return " ".join(texts(c) for c in component)
    return texts(getattr(component, "children", None))


def test_band_words_read_as_a_lobby_screen_says_them():
    assert band_words(-26_000, -9_000, "co2_t", "DKK") == "between 9 and 26 thousand tonnes less CO2 a year"
    assert band_words(1_100_000, 2_600_000, "cost", "DKK") == \
        "between DKK 1.1 million and DKK 2.6 million more cost a year"
    assert band_words(-500, 3_000, "landfill_t", "DKK") == \
        "between 500 tonnes less and 3 thousand tonnes more waste to landfill a year"
    assert band_words(0, 0, "freshwater_m3", "DKK") == "no change in freshwater"
    assert band_text(-26_000, -9_000, "t CO2e") == "90% range \u22129.00 to \u221226.0 kt CO2e"  # the one number rule: 3 figures, a real minus
    assert band_text(5, 5, "t") == "90% range 5.00 t (no spread)"


def test_tornado_bars_largest_swing_first_centred_on_the_value():
    document = {"value": {"co2_t": 100.0}, "tornado": [
        {"table": "firms", "row": "a", "column": "baseline_co2", "label": "A, CO2e outside its streams (t CO2e a year)",
         "low": 50, "high": 150, "at_low": {"co2_t": 50.0}, "at_high": {"co2_t": 150.0}},
        {"table": "firms", "row": "b", "column": "baseline_co2", "label": "B, CO2e outside its streams (t CO2e a year)",
         "low": 90, "high": 300, "at_low": {"co2_t": 90.0}, "at_high": {"co2_t": 300.0}},
        {"table": "streams", "row": "c/supply/x", "column": "quantity", "label": "C (t a year)",
         "low": 1, "high": 2, "at_low": {"co2_t": 100.0}, "at_high": {"co2_t": 100.0}},
    ]}
    rows = tornado_rows(document, "co2_t")
    assert [row.label for row in rows] == ["B, CO2e outside its streams", "A, CO2e outside its streams"]
    assert rows[0].range_text == "90.0 to 300 t CO2e a year" and rows[0].swing == 210  # C moves nothing: no bar
    figure = tornado_figure(document, "co2_t", "DKK")
    low, high = figure.data
    assert list(low.base) == [100.0, 100.0] and list(low.x) == [-10.0, -50.0]   # 90 - 100, 50 - 100
    assert list(high.x) == [200.0, 50.0]                                           # 300 - 100, 150 - 100


def test_cards_say_no_ranges_given_or_show_both_bands(state, kalundborg):
    request = state.read("?on=heatpump_effluent_dh&off=dh_asnaes_town")
    document = state.uncertainty(request)
    lines = band_lines(document, "DKK", True)
    co2 = document["vs_baseline"]["co2_t"]
    assert "90% range" in texts(lines["co2_t"]) and co2["p5"] <= co2["p95"]
    assert texts(band_lines(None, "DKK", False)["cost"]) == "no ranges given"


def test_the_firm_panel_says_what_if_the_firm_left_and_the_button_writes_the_address(state, kalundborg):
    handlers = Handlers(state)
    body, title = handlers.render_firm_panel("?on=biogas_novozymes_bioenergi", "gyproc")
    text = texts(body)
    assert title == "Gyproc" and "If Gyproc left" in text and "1 exchange(s) lost" in text
    # Gyproc leaving: Asnæs landfills its 100,000 t of FGD gypsum (NOTES.md section 6).
    leaving = state.leaving(state.read("?on=biogas_novozymes_bioenergi"), "gyproc")
    assert leaving.impact_on_others.landfill_t == pytest.approx(100_000)
    assert scenario_query("?on=biogas_novozymes_bioenergi", "gyproc") == "?on=biogas_novozymes_bioenergi&without=gyproc"
    assert scenario_query("?on=x&without=gyproc,farms", "gyproc") == "?on=x&without=farms"
    body, _ = handlers.render_firm_panel("?without=gyproc", "gyproc")
    assert "Bring Gyproc back" in texts(body)


def test_the_network_strikes_out_a_leaving_firm_and_its_links(kalundborg):
    gone = frozenset({"asnaes"})
    kept = frozenset(i for i in kalundborg.baseline_active if "asnaes" not in
                     (kalundborg.exchange[i].from_firm, kalundborg.exchange[i].to_firm))
    figure = network_figure(model.evaluate(kalundborg, kept), gone=gone)
    lost = [t for t in figure.data if t.name == "gone with a firm that leaves" and t.mode == "lines"]
    assert len(lost) == 1 and lost[0].line.color == GONE_GREY and lost[0].showlegend
    # every exchange to or from Asnæs (9 in the shipped data): one dotted path each, ended by a gap (NaN)
    touching = [e for e in kalundborg.exchanges if "asnaes" in (e.from_firm, e.to_firm)]
    assert len(touching) == 9 and sum(1 for x in lost[0].x if x != x) == len(touching)
    cross = [t for t in figure.data if t.name == "firm that leaves"]
    assert len(cross) == 1 and len(cross[0].x) == 1
    nodes = next(t for t in figure.data if t.name == "firm")
    colours = dict(zip((c[1] for c in nodes.customdata), nodes.marker.color))
    assert colours["asnaes"] == GONE_GREY and colours["gyproc"] != GONE_GREY


def test_resilience_view_ranks_firms_and_names_single_points_of_failure(state, kalundborg):
    request = state.read("")
    table = resilience_table(kalundborg, state.resilience(request))
    text = texts(table)
    assert "Single points of failure:  Asnæs power station, Novozymes" in text
    # The first row is the firm whose leaving costs the others most: Asnæs, DKK 420.9 M
    # (its cost to others plus 150 DKK a t of their CO2e, as `eco-park resilience` prints).
    assert text.index("Asnæs power station") < text.index("Gyproc") < text.index("Novo Nordisk")
    assert "DKK 421 M" in text


def test_kiosk_shows_the_change_band_in_words(state):
    layout = kiosk_layout(state, "?on=heatpump_effluent_dh&off=dh_asnaes_town")
    text = texts(layout)
    assert "90% sure: between" in text and "more CO2 a year than the baseline" in text


def test_the_report_carries_the_bands(kalundborg):
    from dashboard import reports

    page = reports.report_html(kalundborg, model.scenario_active(kalundborg, ["heatpump_effluent_dh"],
                                                                 ["dh_asnaes_town"]))
    assert "How sure are these numbers" in page and 'data-view="change_band"' in page
    run = model.monte_carlo(kalundborg, model.scenario_active(kalundborg, ["heatpump_effluent_dh"], ["dh_asnaes_town"]),
                            samples=1000, seed=0)
    band = run.vs_baseline["co2_t"]
    assert band_text(band.p5, band.p95, "t CO2e") in page


def test_ids_of_the_new_views_are_in_ids():
    assert ids.LEAVE_BUTTON and ids.KPI_BAND["co2_t"] and ids.TORNADO_GRAPH and ids.RESILIENCE_TABLE


def test_the_quality_of_a_row_shows_in_the_firm_panel_and_the_exchange_list(tmp_path):
    from dashboard.app import components
    from tests.helpers import load

    park = load(tmp_path / "q", streams="""\
        firm,kind,resource,quantity,fate,quality
        power,supply,fly_ash,100,landfill,estimated
        plaster,demand,gypsum,70,,
        """, exchanges="""\
        id,name,from_firm,resource,to_firm,replaces,status,quality
        ash,Ash to plaster,power,fly_ash,plaster,gypsum,existing,measured
        """)
    views = model.views(park)
    panel = texts(components.firm_panel(park, "power", views))
    assert "data: estimated" in panel and "data: measured" in panel
    from tests.helpers import list_cells

    cells = list_cells(park, views.scenario, model.marginal_effects(park))["ash"]
    assert cells[1]["children"].endswith("\u00b7 data: measured")
