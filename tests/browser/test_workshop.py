"""Workshops and public screens, in a real browser: bring your own park, keep and
compare scenarios, export, kiosk, accessibility."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect

from dashboard import model
from dashboard.model.writing import park_json, write_park_folder
from dashboard.paths import shipped_park
from dashboard.storage import Store
from tests.browser.conftest import (
    assert_no_job_processes_left,
    kpi_values,
    wait_for_dashboard,
    wait_for_job_browser,
    wait_until_settled,
)
from tests.helpers import workbook_bytes

CANDIDATE = "tisso2_novozymes"


def upload(page, path) -> None:
    page.get_by_role("button", name="Upload park").click()
    page.wait_for_selector("#upload", state="visible")
    page.set_input_files("#upload input[type=file]", str(path))


def test_upload_with_errors_shows_them_and_keeps_the_park_then_a_good_one_replaces_it(own_server, page, tmp_path):
    running = own_server()
    page.goto(running.url + f"/?on={CANDIDATE}")
    wait_for_dashboard(page)
    before = kpi_values(page)
    document = json.loads(park_json(model.load_park(shipped_park("ulsan"))))
    document["streams"][0]["quantity"] = "lots"
    document["exchanges"][0]["status"] = "someday"
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    upload(page, bad)
    page.wait_for_selector("#upload-result .upload-problems", timeout=20_000)
    rows = page.eval_on_selector_all("#upload-result .upload-problems tbody tr",
                                     "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert ["broken.json[streams]", "1", "quantity", "'lots' is not a number"] in rows
    assert any("someday" in row[3] for row in rows)
    assert page.inner_text("#park-title") == "Kalundborg Symbiosis" and kpi_values(page) == before
    assert page.url.endswith(f"?on={CANDIDATE}")

    # a workbook with a sheet per table, as a park manager would fill in the template
    ulsan = model.load_park(shipped_park("ulsan"))
    good = tmp_path / "ulsan.xlsx"
    good.write_bytes(workbook_bytes(ulsan))
    page.set_input_files("#upload input[type=file]", str(good))
    page.wait_for_function("document.querySelector('#park-title').textContent.startsWith('Ulsan')", timeout=20_000)
    assert "Loaded Ulsan" in page.inner_text("#upload-result")
    assert "park=" in page.url
    expected = model.evaluate(ulsan).kpis
    assert kpi_values(page) == pytest.approx(expected, rel=1e-12)
    expect(page).to_have_title(re.compile("^Ulsan"))  # the browser tab names the park shown


def test_a_zip_of_the_csv_folder_uploads(own_server, page, tmp_path):
    running = own_server()
    page.goto(running.url)
    wait_for_dashboard(page)
    write_park_folder(model.load_park(shipped_park("ulsan")), tmp_path / "ulsan")
    archive = tmp_path / "ulsan.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for file in (tmp_path / "ulsan").iterdir():
            handle.write(file, f"ulsan/{file.name}")
    upload(page, archive)
    page.wait_for_function("document.querySelector('#park-title').textContent.startsWith('Ulsan')", timeout=20_000)
    assert "Loaded Ulsan" in page.inner_text("#upload-result")


def test_a_file_over_the_size_limit_is_refused_with_a_reason(server, page, tmp_path):
    page.goto(server.url)
    wait_for_dashboard(page)
    big = tmp_path / "huge-park.json"
    big.write_bytes(b" " * (11 * 1024 * 1024))  # the server takes 10 MB (ECO_PARK_MAX_UPLOAD_MB)
    upload(page, big)
    expect(page.locator("#upload-result")).to_contain_text(
        "huge-park.json is 11 MB; this server takes park files up to 10 MB", timeout=10_000)
    assert page.inner_text("#park-title") == "Kalundborg Symbiosis"


def test_a_slow_export_shows_progress_and_can_be_cancelled(server, page):
    """PDF and figures are background jobs (diskcache by default): progress, Cancel,
    and a cancelled job leaves no Chromium behind."""
    page.goto(server.url + f"/?on={CANDIDATE}")
    wait_for_dashboard(page)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.get_by_role("button", name="Export").click()
    page.get_by_role("button", name="Figures (PNG, zip)").click()
    progress = page.locator("#export-progress")
    expect(progress.get_by_role("progressbar")).to_be_visible()
    expect(progress).to_contain_text("Making Figures (PNG, zip)")
    wait_for_job_browser(server.process.pid)
    progress.get_by_role("button", name="Cancel").click()
    expect(progress).to_be_hidden()
    assert_no_job_processes_left(server.process.pid)
    page.wait_for_timeout(500)
    assert downloads == []
    # and one run to the end downloads the file the job made
    page.get_by_role("button", name="Export").click()
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("button", name="Figures (SVG, zip)").click()
    assert download_info.value.suggested_filename == "kalundborg-symbiosis-figures-svg.zip"
    expect(page.locator("#export-job-result")).to_contain_text("Downloaded kalundborg-symbiosis-figures-svg.zip")
    assert_no_job_processes_left(server.process.pid)


def save_scenario(page, name: str, author: str = "Workshop 3") -> None:
    page.get_by_role("button", name="Save scenario").click()
    page.wait_for_selector("#save-name", state="visible")
    page.fill("#save-name", name)
    page.fill("#save-author", author)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_function("document.querySelector('#save-result').textContent.includes('Saved')", timeout=10_000)
    page.keyboard.press("Escape")
    page.wait_for_selector("#save-name", state="hidden")


def test_saved_scenario_survives_a_restart_and_compare_shows_the_right_numbers(own_server, page):
    running = own_server()
    park = model.load_park(shipped_park())
    page.goto(running.url + f"/?on={CANDIDATE}")
    wait_for_dashboard(page)
    save_scenario(page, "More lake water")
    page.goto(running.url + "/?on=heatpump_effluent_dh,biogas_novozymes_bioenergi&off=dh_asnaes_town")
    wait_for_dashboard(page)
    save_scenario(page, "Heat pump instead")
    wait_until_settled(page)  # a request the restart cut off would be a console error

    running.restart()
    page.goto(running.url)
    wait_for_dashboard(page)
    page.get_by_role("button", name="Saved scenarios").click()
    page.wait_for_selector("#scenarios-body table")
    assert "More lake water" in page.inner_text("#scenarios-body")
    assert "Heat pump instead" in page.inner_text("#scenarios-body")
    page.get_by_label("Compare More lake water").check()
    page.get_by_label("Compare Heat pump instead").check()
    # the link is made by the server once both boxes are ticked
    expect(page.locator("#compare-link")).to_have_attribute("href", re.compile(r"^/compare\?s=\d+,\d+$"),
                                                            timeout=10_000)
    href = page.get_attribute("#compare-link", "href")
    page.goto(running.url + href)
    page.wait_for_selector(".compare-table")
    values = [float(v) for v in page.eval_on_selector_all(".compare-table [data-value]", "c => c.map(e => e.dataset.value)")]
    first = model.evaluate(park, model.scenario_active(park, [CANDIDATE]))
    second = model.evaluate(park, model.scenario_active(
        park, ["heatpump_effluent_dh", "biogas_novozymes_bioenergi"], ["dh_asnaes_town"]))
    assert values == [v for kpi in model.KPI_NAMES for v in (first.kpis[kpi], second.kpis[kpi])]
    page.wait_for_selector(".waterfall-graph .main-svg")
    assert page.locator(".waterfall-graph").count() == 4 * 2  # each KPI, each scenario


def test_csv_export_of_a_formula_named_firm_is_inert(own_server, page, tmp_path):
    park = model.load_park(shipped_park())
    document = json.loads(park_json(park))
    document["firms"][0]["name"] = "=cmd|' /C calc'!A0"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    running = own_server()
    page.goto(running.url)
    wait_for_dashboard(page)
    upload(page, path)
    page.wait_for_function("location.search.includes('park=')", timeout=20_000)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Results (CSV, zip)").click()
    data = download_info.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("firms.csv").decode("utf-8-sig")
        exchanges = archive.read("exchanges.csv").decode("utf-8-sig")
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert "'=cmd|' /C calc'!A0" in names and "=cmd|' /C calc'!A0" not in names
    marginal = [row["marginal_co2_t"] for row in csv.DictReader(io.StringIO(exchanges))]
    assert any(value.startswith("-") for value in marginal)  # numbers stay numbers, signs and all
    float(marginal[0])


def test_kiosk_shows_every_view_in_turn(server, page):
    page.clock.install()  # the page's timers run when the test says, not on the wall clock
    page.goto(server.url + f"/kiosk?on={CANDIDATE}&every=7")
    page.wait_for_selector(".kiosk-view.shown .kiosk-kpi-value")
    shown = []
    for _ in range(6):
        shown.append(page.eval_on_selector_all(".kiosk-view.shown h2", "e => e.map(h => h.textContent)"))
        page.clock.run_for(7_000)
        page.wait_for_timeout(200)  # the renderer applies the callback's classes
    # one view at a time, each for 7 s, and round again
    assert shown == [["Key figures"], ["Symbiosis network"], ["Flows: Water (m3)"], ["Flows: Energy (MWh)"],
                     ["Flows: Materials (t)"], ["Key figures"]]
    hidden = page.eval_on_selector_all(".kiosk-view:not(.shown)", "e => e.map(v => v.getAttribute('aria-hidden'))")
    assert hidden == ["true"] * 4


def test_kiosk_link_to_a_park_not_here_says_so(server, page):
    page.goto(server.url + "/kiosk?park=deadbeef")
    expect(page.locator(".kiosk-title")).to_have_text("This screen's link does not fit this server")
    expect(page.locator(".kiosk-stage")).to_contain_text("no park 'deadbeef'")
    assert page.locator(".kiosk-kpi-value").count() == 0  # never another park's figures


def test_kiosk_cycles_views_and_recovers_after_a_restart(own_server, page_factory, console):
    running = own_server()
    page = page_factory()
    page.goto(running.url + f"/kiosk?on={CANDIDATE}&every=5")
    page.wait_for_selector(".kiosk-view.shown .kiosk-kpi-value")
    views = page.locator(".kiosk-view").count()
    assert views == 5  # KPIs, network, three Sankeys
    park = model.load_park(shipped_park())
    expected = model.evaluate(park, model.scenario_active(park, [CANDIDATE])).kpis
    assert float(page.get_attribute(".kiosk-kpi-value", "data-value")) == expected["freshwater_m3"]
    assert page.locator("button, input, select").count() == 0  # read-only: no controls

    console.expect("ERR_CONNECTION_REFUSED")  # the heartbeat's probes while the server is down
    console.expect("ERR_EMPTY_RESPONSE")  # a probe the server dropped as it stopped
    running.stop()
    page.wait_for_timeout(7000)  # the heartbeat notices the server is gone
    assert page.locator(".kiosk-view.shown").count() == 1  # the screen keeps showing its views
    running.start()
    page.wait_for_event("load", timeout=30_000)  # it reloads itself once the server answers
    page.wait_for_selector(".kiosk-view.shown h2", timeout=30_000)


def serious_violations(page, axe_source) -> list:
    page.add_script_tag(content=axe_source)
    # Dash 4's dcc.Dropdown (the network's firm search) keeps an aria-hidden, focusable
    # input as its own focus target: the component's DOM, not ours, so it is left out
    result = page.evaluate("async () => await axe.run({include: [document], exclude: [['.dash-dropdown-focus-target']]},"
                           " {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("opened", [None, "#upload-button", "#save-button", "#scenarios-button", "#sources-button",
                                    "firm panel"])
def test_axe_finds_no_serious_or_critical_violation_on_the_dashboard(server, page, axe_source, opened):
    page.goto(server.url)
    wait_for_dashboard(page)
    page.wait_for_selector("#exchange-table table")
    if opened == "firm panel":
        page.locator("#exchange-table .firm-link").first.click()
        expect(page.locator("#firm-panel-body table").first).to_be_visible(timeout=10_000)
    elif opened:
        page.click(opened)
        page.wait_for_selector(".modal.show .modal-body", timeout=10_000)
    page.wait_for_timeout(500)
    assert serious_violations(page, axe_source) == []


def test_axe_finds_no_serious_or_critical_violation_on_kiosk_and_compare(own_server, page, axe_source):
    running = own_server()
    page.goto(running.url + f"/kiosk?on={CANDIDATE}")
    page.wait_for_selector(".kiosk-view.shown .kiosk-kpi-value")
    page.wait_for_timeout(500)
    assert serious_violations(page, axe_source) == []
    store = Store(f"sqlite:///{running.database}")
    default = model.load_park(shipped_park())
    first = store.save_scenario(default.content_hash, "Lake water", [CANDIDATE], [], "axe")
    second = store.save_scenario(default.content_hash, "Heat pump", ["heatpump_effluent_dh"], [], "axe")
    page.goto(running.url + f"/compare?s={first.id},{second.id}")
    page.wait_for_selector(".compare-table")
    page.wait_for_selector(".waterfall-graph .main-svg")
    assert serious_violations(page, axe_source) == []


def test_healthz_for_monitoring(server):
    with urllib.request.urlopen(server.url + "/healthz") as response:
        assert json.load(response)["status"] == "ok"


def test_html_and_pdf_reports_open_and_carry_the_scenario_kpis(server, page, tmp_path):
    from pypdf import PdfReader

    from dashboard.formatting import full

    park = model.load_park(shipped_park())
    expected = model.evaluate(park, model.scenario_active(park, [CANDIDATE])).kpis
    page.goto(server.url + f"/?on={CANDIDATE}")
    wait_for_dashboard(page)
    page.get_by_role("button", name="Export").click()
    with page.expect_download(timeout=90_000) as download_info:  # made by a background job
        page.get_by_role("button", name="Report (PDF)").click()
    pdf = PdfReader(download_info.value.path())
    text = " ".join(p.extract_text() for p in pdf.pages)
    for kpi in model.KPI_NAMES:
        assert full(expected[kpi]) in text, kpi
    html_path = tmp_path / "report.html"
    with urllib.request.urlopen(server.url + f"/download/report.html?on={CANDIDATE}") as response:
        html_path.write_bytes(response.read())
    page.goto(html_path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg")  # plotly.js came inline: nothing fetched
    for kpi in model.KPI_NAMES:
        cell = page.locator(f'td.scenario[data-kpi="{kpi}"][data-view="scenario"]')
        assert float(cell.get_attribute("data-value")) == expected[kpi]
