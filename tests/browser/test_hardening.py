"""The security faults of the hardening pass, seen in a real browser: a hostile park
served as the default runs no script and links no data: URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.model.writing import park_json
from tests.browser.conftest import wait_for_dashboard
from tests.helpers import DATA_URL, SCRIPT_NAME, hostile_park

FLAG = "window.__ecoParkAlerted"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from tests.browser.conftest import Server

    folder = tmp_path_factory.mktemp("hostile")
    park_file = folder / "hostile.json"
    park_file.write_text(park_json(hostile_park()), encoding="utf-8")
    running = Server(park_file, folder / "db.sqlite3").start()
    yield running
    running.stop()


def no_script_ran(page) -> None:
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
    assert not any("alert(1)" in text for text in scripts)
    assert page.evaluate(f"typeof {FLAG}") == "undefined"


@pytest.mark.parametrize("path", ["/", "/kiosk", "/compare?s=1,2"])
def test_a_park_named_like_a_script_runs_none(hostile_server, page, path):
    page.add_init_script(f"window.alert = () => {{ {FLAG} = true; }};")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_server.url + path)
    page.wait_for_selector("#dashboard-title, #park-title, #kiosk-root, #compare-root", timeout=30_000)
    page.wait_for_timeout(500)
    no_script_ran(page)
    assert dialogs == []
    if path == "/":
        wait_for_dashboard(page)
        assert page.inner_text("#park-title") == SCRIPT_NAME  # shown as the text it is
    if path != "/compare?s=1,2":  # nothing to compare there: that page names no park
        assert SCRIPT_NAME in page.title()


def test_a_data_url_source_is_no_link_in_sources_or_the_firm_panel(hostile_server, page):
    page.goto(hostile_server.url)
    wait_for_dashboard(page)
    page.get_by_role("button", name="Sources").click()
    page.wait_for_selector("#sources-body ol li")
    assert page.locator("#sources-body a[href^='data:']").count() == 0
    assert page.locator("#sources-body a[href^='http']").count() > 0
    assert DATA_URL in page.inner_text("#sources-body")  # shown as text
    assert page.locator("a[href^='data:'], a[href^='javascript:']").count() == 0


def test_a_single_csv_picked_in_upload_says_what_to_upload_instead(server, page, tmp_path):
    page.goto(server.url)
    wait_for_dashboard(page)
    table = tmp_path / "firms.csv"
    table.write_text("id,name\npower,Power station\n", encoding="utf-8")
    page.get_by_role("button", name="Upload park").click()
    page.wait_for_selector("#upload", state="visible")
    page.set_input_files("#upload input[type=file]", str(table))
    expect(page.locator("#upload-result")).to_contain_text(
        "firms.csv is one table; a park is several. Upload the folder of CSV files as one zip", timeout=10_000)
    assert page.inner_text("#park-title") == "Kalundborg Symbiosis"
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4")
    page.set_input_files("#upload input[type=file]", str(notes))
    expect(page.locator("#upload-result")).to_contain_text("notes.pdf is not a park file", timeout=10_000)


def test_compare_on_a_phone_shows_every_kpi_chart_without_sideways_scrolling(own_server, page_factory, tmp_path):
    from dashboard import model
    from dashboard.paths import shipped_park
    from dashboard.storage import Store

    running = own_server()
    park = model.load_park(shipped_park())
    store = Store(f"sqlite:///{running.database}")
    first = store.save_scenario(park.content_hash, "Lake water", ["tisso2_novozymes"], [], "Ana")
    second = store.save_scenario(park.content_hash, "Heat pump instead",
                                 ["heatpump_effluent_dh", "biogas_novozymes_bioenergi"], ["dh_asnaes_town"], "Ana")
    page = page_factory(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(running.url + f"/compare?s={first.id},{second.id}")
    page.wait_for_selector(".waterfall-graph .main-svg", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.waterfall-graph .main-svg').length >= 8", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.eval_on_selector_all(".waterfall-graph", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == 8 and all(300 <= w <= 390 for w in widths)
    # each chart's last bar is labelled with the whole change, and the text fits the chart
    texts = page.eval_on_selector_all(".waterfall-graph", "els => els.map(e => e.querySelector('.main-svg').textContent)")
    assert all("Change:" in t for t in texts)
    with page.expect_download() as download:
        page.click("#compare-export-xlsx")
    assert download.value.suggested_filename.endswith("comparison.xlsx")
    page.screenshot(path=str(tmp_path / "compare-phone.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_what_makes_this_up_shows_whole_lines(server, page_factory, width):
    page = page_factory(width, 900, is_mobile=width < 600, has_touch=width < 600)
    page.goto(server.url)
    wait_for_dashboard(page)
    for card in ("kpi-freshwater", "kpi-co2", "kpi-landfill", "kpi-cost"):
        page.click(f"#{card} .kpi-breakdown summary")
        cut = page.evaluate("""(card) => {
            const list = document.querySelector('#' + card + ' .kpi-breakdown ul');
            const box = document.querySelector('#' + card).getBoundingClientRect();
            const items = [...list.querySelectorAll('li')].map(li => li.getBoundingClientRect());
            return {scrolls: list.scrollHeight > list.clientHeight + 1,
                    outside: items.filter(r => r.bottom > box.bottom + 0.5 || r.right > box.right + 0.5).length};
        }""", card)
        assert cut == {"scrolls": False, "outside": 0}, card
        assert "and 1 smaller terms" not in page.inner_text(f"#{card}")


def test_an_uploaded_park_gets_a_readable_link_and_the_park_list_tells_parks_apart(own_server, page, tmp_path):
    from dashboard import model
    from dashboard.model.writing import park_json
    from dashboard.paths import shipped_park

    running = own_server()
    page.goto(running.url)
    wait_for_dashboard(page)
    ulsan = model.load_park(shipped_park("ulsan"))
    file = tmp_path / "ulsan.json"
    file.write_text(park_json(ulsan), encoding="utf-8")
    page.get_by_role("button", name="Upload park").click()
    page.wait_for_selector("#upload", state="visible")
    page.set_input_files("#upload input[type=file]", str(file))
    page.wait_for_function("document.querySelector('#park-title').textContent.startsWith('Ulsan')", timeout=30_000)
    assert page.url.endswith(f"?park=ulsan-mipo-and-onsan-steam-network-{ulsan.content_hash[:16]}")
    expect(page.locator("#parks-body")).to_contain_text("ulsan.json (JSON file", timeout=10_000)
    listing = page.inner_text("#parks-body")
    assert f"fingerprint {ulsan.content_hash[:12]}" in listing and "this server's default park" in listing
    page.reload()
    wait_for_dashboard(page)
    assert page.inner_text("#park-title").startswith("Ulsan")  # the readable link opens the park


def test_the_html_report_opens_in_a_new_tab_and_the_dashboard_stays(server, page):
    page.goto(server.url + "/?on=tisso2_novozymes")
    wait_for_dashboard(page)
    page.get_by_role("button", name="Export").click()
    with page.context.expect_page(timeout=60_000) as opened:
        page.get_by_role("link", name="Report (HTML, new tab)").click()
    report = opened.value
    report.wait_for_load_state()
    assert "/download/report.html?on=tisso2_novozymes" in report.url
    assert report.title().endswith("scenario report")
    assert page.url.endswith("/?on=tisso2_novozymes") and page.locator("#kpi-co2").count() == 1
    report.close()


def test_the_page_names_the_exchange_just_switched_and_undo_takes_it_back(server, page):
    from tests.browser.conftest import kpi_values, wait_for_kpis_to_change

    page.goto(server.url)
    wait_for_dashboard(page)
    before = kpi_values(page)
    assert page.inner_text("#switch-note") == ""
    page.get_by_label("Switch tisso2_novozymes:", exact=False).check()
    after = wait_for_kpis_to_change(page, before)
    expect(page.locator("#switch-note")).to_contain_text("Switched on: Tissø II", timeout=10_000)
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    undo.click()
    assert wait_for_kpis_to_change(page, after) == before
    assert "on=" not in page.url
    expect(page.locator("#switch-note")).to_contain_text("Switched off: Tissø II", timeout=10_000)


def test_search_filters_the_exchange_list_as_you_type(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    page.wait_for_selector("#exchange-table tbody tr")
    every = page.locator("#exchange-table tbody tr").count()
    page.locator("#filter-text").press_sequentially("tiss", delay=40)  # no Enter, focus stays in the box
    page.wait_for_function(f"document.querySelectorAll('#exchange-table tbody tr').length < {every}",
                           timeout=10_000)
    shown = page.eval_on_selector_all("#exchange-table tbody tr", "rs => rs.map(r => r.dataset.exchange)")
    assert shown and all("tisso" in r for r in shown)
    assert page.evaluate("document.activeElement.id") == "filter-text"
