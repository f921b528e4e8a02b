"""Firms leaving and how sure the numbers are, in a real browser (docs/screens.md,
"Deciding and doubting"): leave a firm from its panel and see the cards, the network and
the address change; bands under the cards and the tornado drawn; the kiosk and the
report carry the bands. Screenshots go to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard import model
from dashboard.app import ids
from tests.browser.conftest import click_point, kpi_values, wait_for_dashboard, wait_for_kpis_to_change

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_leaving_a_firm_from_its_panel_changes_cards_network_and_address(server, page, kalundborg):
    gone = model.views(kalundborg, model.Scenario(without=("asnaes",))).scenario.totals
    lost = [e for e in kalundborg.exchanges if "asnaes" in (e.from_firm, e.to_firm)]
    page.goto(server.url)
    wait_for_dashboard(page)
    before = kpi_values(page)
    click_point(page, "network-graph", "firm", "asnaes")
    page.wait_for_selector(f"#{ids.FIRM_PANEL}.show", timeout=60_000)
    body = page.locator(f"#{ids.FIRM_PANEL_BODY}")
    expect(body.locator(".firm-leaving")).to_contain_text("If Asnæs power station left", timeout=60_000)
    expect(body.locator(".firm-leaving")).to_contain_text(f"{len(lost)} exchange(s) lost")
    expect(body.locator(".firm-leaving")).to_contain_text("Hit hardest")
    body.locator(".firm-leaving").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "firm-leaving-panel.png"))
    page.locator(f"#{ids.LEAVE_BUTTON}").click()
    page.wait_for_function("window.location.search.includes('without=asnaes')", timeout=60_000)
    after = wait_for_kpis_to_change(page, before)
    # Asnæs' own 4.3 Mt and the steam it gave leave with it: the cards show the scenario
    # view without it, as `eco-park evaluate --without asnaes` prints it.
    assert after["co2_t"] == pytest.approx(gone.co2_t) and after["cost"] == pytest.approx(gone.cost)
    # the network draws it struck out: a cross over its node, its links grey and dotted
    page.wait_for_function("""() => [...document.querySelectorAll('#network-graph .legendtext')]
        .some(t => t.textContent.includes('firm that leaves'))""", timeout=60_000)
    expect(body).to_contain_text("leaves the park in this scenario", timeout=60_000)
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "firm-left-network.png"))
    # and it comes back
    click_point(page, "network-graph", "firm", "asnaes")
    page.locator(f"#{ids.LEAVE_BUTTON}").click()
    page.wait_for_function("!window.location.search.includes('without')", timeout=60_000)
    wait_for_kpis_to_change(page, after)


def test_bands_and_tornado_are_drawn(server, page):
    page.goto(server.url + "/?on=heatpump_effluent_dh&off=dh_asnaes_town")
    wait_for_dashboard(page)
    band = page.locator(f"#{ids.KPI_BAND['co2_t']}")
    expect(band).to_contain_text("90% range", timeout=60_000)
    expect(band.locator(".band-change")).to_contain_text("Change")
    p5 = float(band.locator(".band-change").get_attribute("data-p5"))
    p95 = float(band.locator(".band-change").get_attribute("data-p95"))
    assert p5 <= p95
    page.wait_for_selector(f"#{ids.TORNADO_GRAPH} .bars path", timeout=60_000)
    labels = page.evaluate(f"""() => [...document.querySelectorAll('#{ids.TORNADO_GRAPH} .ytick text')]
        .map(t => t.textContent)""")
    assert labels and all("range" in text for text in labels)
    page.locator(f"#{ids.TORNADO_GRAPH}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "bands-and-tornado.png"), full_page=True)
    page.get_by_text("Resilience: if a firm left").click()
    table = page.locator(f"#{ids.RESILIENCE_TABLE} table")
    expect(table).to_be_visible(timeout=60_000)
    assert table.locator("tbody tr").first.get_attribute("data-firm") == "asnaes"
    expect(page.locator(f"#{ids.RESILIENCE_TABLE}")).to_contain_text("Single points of failure")
    page.locator(f"#{ids.RESILIENCE_TABLE}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "resilience.png"))


def test_kiosk_and_report_show_the_bands(server, page):
    page.goto(server.url + "/kiosk?on=heatpump_effluent_dh&off=dh_asnaes_town")
    page.wait_for_selector(".kiosk-kpi-band", timeout=30_000)
    text = page.locator(".kiosk-kpis").inner_text()
    assert "between" in text and "a year" in text
    page.screenshot(path=str(SHOTS / "kiosk-bands.png"))
    page.goto(server.url + "/export/html?on=heatpump_effluent_dh&off=dh_asnaes_town")
    expect(page.locator("body")).to_contain_text("90% range", timeout=30_000)


def test_a_large_parks_ranges_are_worked_out_in_the_background(own_server, page, tmp_path):
    from dashboard.model.generate import generate_park
    from dashboard.model.writing import write_park_folder

    park = generate_park(90, 450, seed=3)  # more than QUICK_EXCHANGES: the run goes to the background
    folder = write_park_folder(park, tmp_path / "large")
    rows = ["table,row,column,low,high"] + [
        f"streams,{s.firm}/{s.kind.value}/{s.resource},quantity,{s.quantity * 0.8!r},{s.quantity * 1.2!r}"
        for s in park.streams[::7] if s.quantity]
    (folder / "uncertainty.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    server = own_server(folder)
    page.goto(server.url)
    page.wait_for_selector("#kpi-co2 .kpi-value", timeout=60_000)
    # ("Working out the ranges..." shows meanwhile, with a progress bar and Cancel; on a quick
    # machine the run may be over before the page is looked at, so only its end is checked.)
    expect(page.locator(f"#{ids.KPI_BAND['co2_t']}")).to_contain_text("90% range", timeout=240_000)
    expect(page.locator(f"#{ids.DOUBT_STATUS}")).to_contain_text("1,000 samples", timeout=60_000)
    page.wait_for_selector(f"#{ids.TORNADO_GRAPH} .bars path", timeout=30_000)


def test_open_panes_follow_a_toggle_and_a_pane_opened_later_shows_the_scenario_then(server, page):
    """The resilience ranking and the tornado are asked for only while their pane is
    shown; one open during a toggle is redrawn for the new scenario, one opened after
    toggles shows the scenario of that moment, not the one it last drew."""
    page.goto(server.url)
    wait_for_dashboard(page)
    page.locator(f"#{ids.TORNADO_KPI} label", has_text="Freshwater").click()
    # baseline: 6,100,000 m3 of freshwater a year, 6 ranged inputs move it
    expect_tornado(page, 6_100_000.0, 6)
    page.get_by_text("Resilience: if a firm left").click()
    rows = page.locator(f"#{ids.RESILIENCE_TABLE} tbody tr")
    water = rows.locator("xpath=self::*[@data-firm='forsyning_water']")
    # Kalundborg Forsyning's leaving loses 3 exchanges in the baseline; with Tissø II on
    # (its lake water to Novozymes) 4, and the others' cost of it falls from DKK 18.1 M
    # to DKK 14.1 M, so Roads (DKK 16.9 M) now ranks above it (`eco-park resilience`).
    expect(water.locator("td").nth(1)).to_have_text("3", timeout=20_000)
    order = rows.evaluate_all("rows => rows.map(r => r.dataset.firm)")
    assert order.index("forsyning_water") < order.index("roads")
    posts = []
    page.on("request", lambda r: posts.append(r.post_data_json.get("output"))
            if "/_dash-update-component" in r.url and r.method == "POST" else None)
    page.get_by_label("Switch tisso2_novozymes:", exact=False).check()
    expect(water.locator("td").nth(1)).to_have_text("4", timeout=20_000)
    order = rows.evaluate_all("rows => rows.map(r => r.dataset.firm)")
    assert order.index("roads") < order.index("forsyning_water")
    assert sum("resilience-table.children" in p for p in posts) == 1
    assert "tornado-graph.figure" not in posts  # its pane is closed (nor do the bands draw it then)
    page.get_by_text("How sure are these numbers").click()
    # 6,100,000 - 600,000 m3 Tissø II brings from the lake = 5,500,000; its quantity and
    # Forsyning's lake water supply are 2 more inputs that move freshwater
    expect_tornado(page, 5_500_000.0, 8)
    assert page.locator(f"#{ids.TORNADO_KPI} input:checked").get_attribute("value") == "freshwater_m3"


def expect_tornado(page, value: float, bars: int) -> None:
    """Wait until the tornado's bars start from ``value``, ``bars`` of them."""
    page.wait_for_function("""([value, bars]) => {
        const gd = document.querySelector('#tornado-graph .js-plotly-plot');
        const base = gd && gd.data && gd.data[0] && gd.data[0].base;
        return !!base && base.length === bars && Array.from(base).every(b => b === value);
    }""", arg=[value, bars], timeout=20_000)
