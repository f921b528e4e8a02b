"""The dashboard as a person uses it, in a real browser against a real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard import model
from dashboard.paths import shipped_park
from tests.browser.conftest import (
    cli_kpis,
    click_point,
    kpi_values,
    toggle_id,
    toggles_shown,
    wait_for_dashboard,
    wait_for_kpis_to_change,
)

CANDIDATE = "tisso2_novozymes"


def test_page_loads_with_header_cards_and_views(server, page):
    from plotly.offline import get_plotlyjs_version

    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    page.goto(server.url)
    wait_for_dashboard(page)
    # the graphs are drawn by the app's own plotly.js (tools/plotly/README.md), not the full one
    assert page.evaluate("window.Plotly.version") == get_plotlyjs_version()
    assert any("/assets/plotly-eco.min.js" in url for url in scripts)
    assert not any("plotly.min.js" in url for url in scripts)
    assert page.inner_text("#park-title") == "Kalundborg Symbiosis"
    assert "DKK" in page.inner_text("#park-meta") and "2008" in page.inner_text("#park-meta")
    assert kpi_values(page) == pytest.approx(cli_kpis(), rel=0, abs=0)
    # one toggle per exchange, each a real checkbox labelled with the exchange's id and name
    park = model.load_park(shipped_park())
    for exchange in park.exchanges:
        box = page.get_by_label(f"Switch {exchange.id}: {exchange.name}", exact=True)
        assert box.get_attribute("type") == "checkbox"
        assert box.is_checked() == (exchange.status is model.Status.EXISTING)


def test_toggling_a_candidate_gives_exactly_the_cli_figures(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    before = kpi_values(page)
    page.get_by_label(f"Switch {CANDIDATE}:", exact=False).check()
    after = wait_for_kpis_to_change(page, before)
    assert after == cli_kpis("--on", CANDIDATE)
    assert page.url.endswith(f"?on={CANDIDATE}")
    name = model.load_park(shipped_park()).exchange[CANDIDATE].name
    assert page.inner_text("#scenario-summary") == f"Scenario: the baseline with switched on: {name}"
    # the link offered for copying carries the scenario (dcc.Location's href does not follow it)
    assert page.input_value("#share-link") == page.url
    assert "\u25bc" in page.inner_text("#kpi-freshwater")  # a down arrow: less freshwater is better


def test_two_toggles_in_one_instant_both_count(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    page.wait_for_selector("#exchange-table input[type=checkbox]")
    before = kpi_values(page)
    page.evaluate("""(boxes) => boxes.forEach(id => document.getElementById(id).click())""",
                  [toggle_id("tisso2_novozymes"), toggle_id("heatpump_effluent_dh")])
    page.wait_for_function("location.search.includes('heatpump_effluent_dh')")
    assert page.url.endswith("?on=heatpump_effluent_dh,tisso2_novozymes") or \
        page.url.endswith("?on=tisso2_novozymes,heatpump_effluent_dh")
    expected = cli_kpis("--on", "tisso2_novozymes,heatpump_effluent_dh")
    wait_for_kpis_to_change(page, before)
    page.wait_for_function("""(want) => document.querySelector('#kpi-cost .kpi-value').dataset.value === want""",
                           arg=repr(expected["cost"]), timeout=10_000)
    assert kpi_values(page) == expected


def test_scenario_url_shows_its_kpis_and_back_forward_work(server, page):
    scenario = "?on=biogas_novozymes_bioenergi,heatpump_effluent_dh&off=dh_asnaes_town"
    page.goto(server.url + "/" + scenario)
    wait_for_dashboard(page)
    expected = cli_kpis("--on", "biogas_novozymes_bioenergi,heatpump_effluent_dh", "--off", "dh_asnaes_town")
    assert kpi_values(page) == expected
    before = kpi_values(page)
    page.get_by_role("button", name="Reset to baseline").click()
    baseline = wait_for_kpis_to_change(page, before)
    assert baseline == cli_kpis()
    page.go_back()
    assert wait_for_kpis_to_change(page, baseline) == expected
    page.go_forward()
    assert wait_for_kpis_to_change(page, expected) == baseline
    page.get_by_role("button", name="All candidates on").click()
    park = model.load_park(shipped_park())
    candidates = ",".join(e.id for e in park.exchanges if e.status is model.Status.CANDIDATE)
    assert wait_for_kpis_to_change(page, baseline) == cli_kpis("--on", candidates)


def test_sankey_category_switch(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    assert "Water (m3)" in page.text_content("#sankey-graph .gtitle")
    for label in ("Energy (MWh)", "Materials (t)"):
        page.locator("#sankey-tabs label", has_text=label).click()
        page.wait_for_function(f"document.querySelector('#sankey-graph .gtitle').textContent.includes('{label}')")
        assert page.locator("#sankey-graph .sankey-node").count() > 2
    # the view shown is part of the link, so a shared link opens on it
    assert page.url.endswith("#sankey=material:t")
    expect(page.locator("#share-link")).to_have_value(page.url)
    # Back and Forward bring the view back with the address
    shown = "document.querySelector('#sankey-graph .gtitle')?.textContent.includes('{}')"
    page.go_back()
    page.wait_for_function(shown.format("Energy (MWh)"))
    assert page.locator("#sankey-tabs input:checked").get_attribute("value") == "energy:MWh"
    page.go_back()
    page.wait_for_function(shown.format("Water (m3)"))
    assert page.locator("#sankey-tabs input:checked").get_attribute("value") == "water:m3"
    expect(page.locator("#share-link")).to_have_value(page.url)
    page.go_forward()
    page.wait_for_function(shown.format("Energy (MWh)"))
    assert page.url.endswith("#sankey=energy:MWh")
    page.goto(server.url + "/?on=" + CANDIDATE + "#sankey=energy:MWh")
    wait_for_dashboard(page)
    page.wait_for_function("document.querySelector('#sankey-graph .gtitle')?.textContent.includes('Energy (MWh)')")
    assert page.locator("#sankey-tabs input:checked").get_attribute("value") == "energy:MWh"


def test_clicking_a_firm_opens_its_panel(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    click_point(page, "network-graph", "firm", "gyproc")
    page.wait_for_selector("#firm-panel.show", timeout=10_000)
    # The panel opens at once; its content follows from the server.
    expect(page.locator("#firm-panel .offcanvas-title")).to_have_text("Gyproc", timeout=10_000)
    assert "Natural gypsum" in page.inner_text("#firm-panel-body")
    page.keyboard.press("Escape")
    page.wait_for_selector("#firm-panel.show", state="detached", timeout=10_000)
    page.get_by_role("button", name="Novozymes", exact=True).first.click()
    page.wait_for_selector("#firm-panel.show", timeout=10_000)
    expect(page.locator("#firm-panel .offcanvas-title")).to_have_text("Novozymes", timeout=10_000)


def test_clicking_an_exchange_in_the_network_toggles_it(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    before = kpi_values(page)
    click_point(page, "network-graph", "exchange", CANDIDATE)
    assert wait_for_kpis_to_change(page, before) == cli_kpis("--on", CANDIDATE)
    assert page.get_by_label(f"Switch {CANDIDATE}:", exact=False).is_checked()


def test_keyboard_alone_switches_an_exchange(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    before = kpi_values(page)
    page.get_by_label(f"Switch {CANDIDATE}:", exact=False).focus()
    page.keyboard.press("Space")
    assert wait_for_kpis_to_change(page, before) == cli_kpis("--on", CANDIDATE)


def test_a_link_with_unknown_ids_says_so(server, page):
    page.goto(server.url + "/?on=no_such_link")
    wait_for_dashboard(page)
    page.wait_for_selector("#error-alert", timeout=10_000)
    assert "no_such_link" in page.inner_text("#error-alert")
    assert kpi_values(page) == cli_kpis()


def test_phone_layout_puts_cards_two_by_two_without_sideways_scrolling(server, page_factory):
    page = page_factory(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(server.url)
    wait_for_dashboard(page)
    boxes = [page.locator(f"#{card}").bounding_box() for card in ("kpi-freshwater", "kpi-co2", "kpi-landfill", "kpi-cost")]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[2]["y"] == boxes[3]["y"] and boxes[2]["y"] > boxes[0]["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_park_with_loops_renders(own_server, page, tmp_path):
    """A supplies B, B supplies A, and a three-firm ring: the Sankey must still draw."""
    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "park.toml").write_text('name = "Loop park"\ncurrency = "EUR"\n', encoding="utf-8")
    (folder / "resources.csv").write_text(
        "id,name,category,unit,virgin_price,disposal_fee\nheat,Heat,energy,MWh,30,0\nwater,Water,water,m3,1,0.5\n",
        encoding="utf-8")
    (folder / "firms.csv").write_text("id,name\na,Alpha\nb,Beta\nc,Gamma\n", encoding="utf-8")
    (folder / "streams.csv").write_text(
        "firm,kind,resource,quantity,fate\n"
        "a,supply,heat,100,vent\nb,demand,heat,80,\nb,supply,heat,90,vent\na,demand,heat,70,\n"
        "a,supply,water,50,discharge\nb,demand,water,40,\nb,supply,water,60,discharge\nc,demand,water,30,\n"
        "c,supply,water,20,discharge\na,demand,water,25,\n", encoding="utf-8")
    (folder / "exchanges.csv").write_text(
        "id,from_firm,resource,to_firm,status\nab_heat,a,heat,b,existing\nba_heat,b,heat,a,existing\n"
        "ab_water,a,water,b,existing\nbc_water,b,water,c,existing\nca_water,c,water,a,existing\n", encoding="utf-8")
    running = own_server(folder)
    page.goto(running.url)
    wait_for_dashboard(page)
    assert page.inner_text("#park-title") == "Loop park"
    for label in ("Water (m3)", "Energy (MWh)"):
        page.locator("#sankey-tabs label", has_text=label).click()
        page.wait_for_function(f"document.querySelector('#sankey-graph .gtitle').textContent.includes('{label}')",
                               timeout=10_000)
        assert page.locator("#sankey-graph .sankey-link").count() >= 3


def test_exchange_list_filters_and_sorts(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    rows = page.locator("#exchange-table tbody tr")
    assert rows.count() == 18  # Kalundborg ships 13 existing and 5 candidate exchanges
    page.select_option("#filter-status", "candidate")
    page.wait_for_function("document.querySelectorAll('#exchange-table tbody tr').length === 5")
    assert all("candidate-row" in (rows.nth(i).get_attribute("class") or "") for i in range(rows.count()))
    page.select_option("#filter-status", "all")
    page.select_option("#filter-category", "water")
    page.wait_for_function("document.querySelectorAll('#exchange-table tbody tr').length < 18")
    assert "of 18 exchanges" in page.inner_text("#table-count")
    page.select_option("#filter-category", "all")
    page.get_by_role("button", name="Carried a year").click()
    page.wait_for_selector("#exchange-table th[aria-sort=descending]")
    # quantities compare only within a unit: grouped by unit, largest first in each
    shown = toggles_shown(page)
    flows = model.evaluate(model.load_park(shipped_park())).flows
    expected = [f.id for _, f in sorted(enumerate(flows), key=lambda p: (p[1].unit, -p[1].carried, p[0]))]
    assert shown == expected and len(shown) == 18
    page.fill("#filter-text", "tissø")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#exchange-table tbody tr').length < 18")
    assert all("tisso" in r for r in toggles_shown(page))


def test_several_gunicorn_workers_serve_one_user(page, tmp_path):
    """Four workers share nothing but the database; the scenario travels in the URL."""
    import os
    import shutil
    import time
    import urllib.request

    from tests.browser.conftest import ROOT, free_port

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed (pip install -e '.[server]')")
    port = free_port()
    env = dict(os.environ, ECO_PARK_DB=f"sqlite:///{tmp_path / 'workers.sqlite3'}")
    process = subprocess.Popen([gunicorn, "-w", "4", "-b", f"127.0.0.1:{port}", "dashboard.wsgi:server"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        page.goto(url)
        wait_for_dashboard(page)
        for scenario in ((CANDIDATE,), (CANDIDATE, "heatpump_effluent_dh"), ("heatpump_effluent_dh",)):
            before = kpi_values(page)
            page.goto(url + "/?on=" + ",".join(scenario))
            wait_for_dashboard(page)
            assert kpi_values(page) == cli_kpis("--on", ",".join(scenario)) != before
        before = kpi_values(page)
        page.get_by_label(f"Switch {CANDIDATE}:", exact=False).check()
        assert wait_for_kpis_to_change(page, before) == cli_kpis("--on", f"heatpump_effluent_dh,{CANDIDATE}")
    finally:
        process.terminate()
        process.wait(timeout=30)
