"""Screenshots for the README: the dashboard at 1920x1080 and on a phone, the firm panel,
the exchange list after a switch, the compare view (desk and phone), a report page, the
kiosk and the Decide page; the network of a generated 1,000-firm park, by sector and
with a sector opened; and the exchange list (Kalundborg, and a page of the 1,000-firm
park sorted by what each exchange saves).

    python docs/make_screenshots.py              # all of them
    python docs/make_screenshots.py --decide     # only the Decide page's
    python docs/make_screenshots.py --big        # only the 1,000-firm park's network
    python docs/make_screenshots.py --list-only  # only the exchange list's

Starts its own server on the shipped Kalundborg park with a throw-away database, drives
Debian's chromium through Playwright, and writes PNGs to docs/screenshots/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard import model  # noqa: E402
from dashboard.paths import shipped_park  # noqa: E402
from dashboard.storage import Store  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Server, click_point, wait_for_dashboard  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SCENARIO = "?on=tisso2_novozymes,biogas_novozymes_bioenergi"


def list_shots(browser) -> None:
    """The exchange list: Kalundborg's in a scenario, and a sorted page of a big park."""
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(None, Path(tmp) / "list.sqlite3").start()
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(server.url + "/" + SCENARIO)
            page.wait_for_selector("#exchange-table tbody tr", timeout=300_000)
            page.wait_for_selector("#kpi-co2 .kpi-value", timeout=300_000)
            page.wait_for_timeout(1000)
            page.locator("#exchange-table").scroll_into_view_if_needed()
            page.locator(".card", has=page.locator("#exchange-table")).screenshot(path=str(OUT / "exchange-list.png"))
        finally:
            server.stop()
        folder = Path(tmp) / "big"
        subprocess.run([sys.executable, "-m", "dashboard", "generate", "--firms", "1000", "--exchanges", "5000",
                        "--seed", "42", str(folder)], cwd=ROOT, check=True, capture_output=True)
        server = Server(folder, Path(tmp) / "big.sqlite3").start()
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(server.url)
            page.wait_for_selector("#exchange-table tbody tr", timeout=300_000)
            page.get_by_role("button", name="Saves: CO2e").click()
            page.wait_for_selector("#exchange-table th[aria-sort=descending]", timeout=60_000)
            page.click("#page-next")
            page.wait_for_function("document.querySelector('#table-pager').textContent.startsWith('page 2')",
                                   timeout=60_000)
            page.wait_for_timeout(500)
            page.locator("#exchange-table").scroll_into_view_if_needed()
            page.locator(".card", has=page.locator("#exchange-table")).screenshot(
                path=str(OUT / "exchange-list-1000-firms.png"))
        finally:
            server.stop()


def big_park() -> None:
    """The network of a generated 1,000-firm / 5,000-exchange park at 1920x1080: opened
    by sector, then with the chemicals sector opened (one of its candidates on)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "big"
        subprocess.run([sys.executable, "-m", "dashboard", "generate", "--firms", "1000", "--exchanges", "5000",
                        "--seed", "1", str(folder)], check=True, capture_output=True, cwd=ROOT)
        server = Server(folder, Path(tmp) / "big.sqlite3").start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                desk = browser.new_page(viewport={"width": 1920, "height": 1080})
                for name, address, crumb in (("big-park-sectors.png", "/", "All sectors"),
                                             ("big-park-opened.png", "/?on=x00016#network=sector/g:chemicals",
                                              "Chemicals")):
                    desk.goto(server.url + address)
                    desk.wait_for_function(f"document.querySelector('#network-crumbs')?.textContent.includes('{crumb}')",
                                           timeout=180_000)
                    wait_for_dashboard(desk)
                    desk.wait_for_timeout(3000)
                    desk.screenshot(path=str(OUT / name))
                browser.close()
        finally:
            server.stop()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if "--big" in sys.argv:
        big_park()
        return
    if "--list-only" in sys.argv:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            list_shots(browser)
            browser.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "shots.sqlite3"
        server = Server(None, database).start()
        try:
            park = model.load_park(shipped_park())
            store = Store(f"sqlite:///{database}")
            first = store.save_scenario(park.content_hash, "More lake water (Tissø II)", ["tisso2_novozymes"], [],
                                        "Workshop 3")
            second = store.save_scenario(park.content_hash, "Biogas and heat pump",
                                         ["biogas_novozymes_bioenergi", "heatpump_effluent_dh"], ["dh_asnaes_town"],
                                         "Workshop 3")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                decide_shots(browser, server)
                if "--decide" in sys.argv:
                    browser.close()
                    return
                desk = browser.new_page(viewport={"width": 1920, "height": 1080})
                desk.goto(server.url + "/" + SCENARIO)
                wait_for_dashboard(desk)
                desk.wait_for_timeout(1500)
                desk.screenshot(path=str(OUT / "dashboard-1920.png"))
                click_point(desk, "network-graph", "firm", "novozymes")
                desk.wait_for_selector("#firm-panel-body table")
                desk.wait_for_timeout(800)
                desk.screenshot(path=str(OUT / "firm-panel.png"))

                phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
                phone.goto(server.url + "/" + SCENARIO)
                wait_for_dashboard(phone)
                phone.wait_for_timeout(1500)
                phone.screenshot(path=str(OUT / "dashboard-phone.png"))

                # the exchange list just after a switch: the note naming it, Undo, the saving columns
                desk.goto(server.url + "/" + SCENARIO)
                wait_for_dashboard(desk)
                desk.get_by_label("Switch heatpump_effluent_dh:", exact=False).check()
                desk.wait_for_selector("#undo-switch:visible")
                desk.wait_for_timeout(1500)
                top = desk.evaluate("document.querySelector('.scenario-bar').getBoundingClientRect().top + scrollY")
                end = desk.evaluate("document.querySelector('#exchange-table').getBoundingClientRect().bottom + scrollY")
                desk.screenshot(path=str(OUT / "exchange-list.png"), full_page=True,
                                clip={"x": 0, "y": top - 8, "width": 1920, "height": min(1600, end - top + 24)})

                compare = f"{server.url}/compare?s={first.id},{second.id}"
                desk.goto(compare)
                desk.wait_for_function("document.querySelectorAll('.waterfall-graph .main-svg').length >= 8")
                desk.wait_for_timeout(1000)
                desk.screenshot(path=str(OUT / "compare.png"), full_page=True)
                phone.goto(compare)
                phone.wait_for_function("document.querySelectorAll('.waterfall-graph .main-svg').length >= 8")
                phone.wait_for_timeout(1000)
                phone.screenshot(path=str(OUT / "compare-phone.png"), full_page=True)

                report = Path(tmp) / "report.html"
                with urllib.request.urlopen(server.url + "/download/report.html" + SCENARIO) as response:
                    report.write_bytes(response.read())
                desk.goto(report.as_uri())
                desk.wait_for_selector(".js-plotly-plot .main-svg")
                desk.wait_for_timeout(1000)
                desk.screenshot(path=str(OUT / "report.png"))

                desk.goto(server.url + "/kiosk" + SCENARIO + "&every=600")
                desk.wait_for_selector(".kiosk-view.shown .kiosk-kpi-value")
                desk.wait_for_timeout(1000)
                desk.screenshot(path=str(OUT / "kiosk.png"))
                desk.goto(server.url + "/kiosk" + SCENARIO + "&every=5")
                desk.wait_for_selector(".kiosk-view.shown .kiosk-kpi-value")
                desk.wait_for_timeout(5800)
                desk.screenshot(path=str(OUT / "kiosk-network.png"))
                list_shots(browser)
                browser.close()
        finally:
            server.stop()
    big_park()
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


def decide_shots(browser, server: Server) -> None:
    """The Decide page with the cheapest MACC bar on and the optimiser's answer for a
    budget of DKK 150 M, the front of cost against freshwater and the fair deals."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server.url + "/decide?on=biogas_reactor_wastewater")
    page.wait_for_selector("#decide-macc .bars path", timeout=120_000)
    page.wait_for_selector("#decide-front .scatterlayer .point", timeout=120_000)
    page.select_option("#decide-front-y", "freshwater_m3")   # cost against freshwater: a trade-off
    page.select_option("#decide-front-x", "cost")
    page.wait_for_function("() => document.querySelectorAll('#decide-front .scatterlayer .point').length > 2",
                           timeout=120_000)
    page.fill("#decide-budget", "150000000")
    page.click("#decide-run")
    page.wait_for_selector("#decide-answer [data-feasible]", timeout=120_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(OUT / "decide.png"), full_page=True)
    page.close()


if __name__ == "__main__":
    main()
