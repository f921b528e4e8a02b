"""Benchmarks of the dashboard's toggle: server time per callback, response sizes, and
browser times.

    python bench/bench_app.py [--repeat 15] [--browser-clicks 15] [--no-browser]

Server side: a toggle changes the address in the browser (no request); the server then
answers the callbacks that depend on the scenario: KPI cards, network, Sankey, the
exchange list's page and the export links (the header and the Sankey tabs depend on the
park alone and are not asked for; the firm panel only while it is open). Each is timed as
Dash runs it, JSON encoding included, for a scenario not seen before (the baseline and
no-symbiosis views are cached, as in a running server); the largest response is reported
against the 300 KB budget.

Browser (Playwright + Debian's chromium against a real server, measured in the page with
performance.now): a click on a list checkbox to the updated KPI cards, and to every view
redrawn (no Dash component still loading); and the first page load (navigation start to
every view drawn, in a browser with nothing cached, from a running server). Each click
switches the next exchange on the page, so every scenario is new to the server. Targets
(medians): Kalundborg <= 15 ms server, 150 ms cards, 400 ms every view; 1,000 firms /
5,000 exchanges <= 120 ms, 300 ms, 1 s, first load <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plotly.utils import PlotlyJSONEncoder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import model  # noqa: E402
from dashboard.app.callbacks import Handlers  # noqa: E402
from dashboard.app.doubt import QUICK_EXCHANGES  # noqa: E402
from dashboard.app.downloads import export_href  # noqa: E402
from dashboard.app.exchange_list import ListQuery  # noqa: E402
from dashboard.app.state import AppState  # noqa: E402
from dashboard.model import Scenario  # noqa: E402
from dashboard.model.generate import generate_park  # noqa: E402
from dashboard.paths import shipped_park  # noqa: E402

CALLBACKS = ("kpis", "network", "sankey", "list", "links", "bands")
FIRST_LOADS = 5
"""First page loads timed, each in a new browser context (nothing cached), against a
server that has answered one page load before (a running server, not one just started)."""
BIG = (1000, 5000, 42)  # firms, exchanges, seed


def encode(value) -> int:
    """Bytes of the JSON Dash sends for a callback's output."""
    return len(json.dumps(value, cls=PlotlyJSONEncoder).encode("utf-8"))


def time_toggles(park: model.Park, repeat: int) -> dict[str, float]:
    """Median ms per callback over `repeat` toggles, each a fresh scenario; and the
    largest response in KB (key 'largest KB', with 'header KB' for the per-park one)."""
    ids = [e.id for e in park.exchanges]
    timings: dict[str, list[float]] = {name: [] for name in CALLBACKS}
    totals, largest = [], 0
    state = AppState(park)
    handlers = Handlers(state)
    handlers.render_kpis("")  # a running server has the baseline and no-symbiosis views cached
    for i in range(repeat):
        exchange = park.exchange[ids[(i * 7) % len(ids)]]
        candidate = exchange.status is model.Status.CANDIDATE
        search = Scenario("", (exchange.id,) if candidate else (), () if candidate else (exchange.id,)).to_query()
        calls = {
            "kpis": lambda: handlers.render_kpis(search),
            "network": lambda: handlers.render_network(search),
            "sankey": lambda: handlers.render_sankey(search, None),
            "list": lambda: handlers.render_list(search, ListQuery()),
            "links": lambda: [export_href(kind, search) for kind in ("html", "pdf", "xlsx", "csv", "png", "svg")],
            # the cards' uncertainty bands: 1,000 Monte Carlo draws, in the request on a park of
            # up to QUICK_EXCHANGES exchanges, a background job past that (not timed here)
            "bands": (lambda: state.uncertainty(state.read(search))) if len(park.exchanges) <= QUICK_EXCHANGES
            else (lambda: None),
        }
        total = 0.0
        for name, call in calls.items():
            start = time.perf_counter()
            size = encode(call())
            elapsed = (time.perf_counter() - start) * 1000
            timings[name].append(elapsed)
            total += elapsed
            largest = max(largest, size)
        totals.append(total)
    result = {name: statistics.median(values) for name, values in timings.items()}
    result["total"] = statistics.median(totals)
    result["largest KB"] = largest / 1000
    result["header KB"] = encode(handlers.render_header("")) / 1000
    return result


ARM = """([id, everything]) => new Promise((resolve) => {
  const box = document.getElementById(id);
  const value = () => ['kpi-freshwater', 'kpi-cost'].map(
    (card) => document.querySelector('#' + card + ' .kpi-value').dataset.value).join();
  // every view redrawn: the page has settled (tests/browser/conftest.py SETTLED, put in by time_browser)
  const idle = () => __SETTLED__;
  const before = value();
  let cards = null;
  const start = performance.now();
  const check = () => {
    const now = performance.now() - start;
    if (cards === null && value() !== before) { cards = now; }
    if (cards !== null && (!everything || idle())) {
      resolve([cards, now]);
      return;
    }
    if (now > 60000) { resolve([cards, now]); return; }
    requestAnimationFrame(check);
  };
  box.click();
  requestAnimationFrame(check);
})"""


def time_browser(park_path: Path | None, clicks: int) -> dict[str, float]:
    """Medians in ms: click to cards, click to every view, first page load."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SETTLED, Server, toggle_id, toggles_shown

    arm = ARM.replace("__SETTLED__", SETTLED)

    def wait_for_dashboard(page) -> None:  # a big park on a busy machine: minutes, not seconds
        for selector in ("#kpi-co2 .kpi-value", "#network-graph .main-svg", "#sankey-graph .main-svg"):
            page.wait_for_selector(selector, timeout=300_000)

    with tempfile.TemporaryDirectory() as tmp:
        server = Server(park_path, Path(tmp) / "bench.sqlite3").start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # the app's policy forbids eval, which Playwright's string predicates need
                loads = []
                for _ in range(1 + FIRST_LOADS):  # the first warms the server up: not counted
                    page = browser.new_page(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
                    page.goto(server.url)
                    wait_for_dashboard(page)
                    page.wait_for_function(SETTLED, timeout=120_000, polling=50)
                    loads.append(page.evaluate("performance.now()"))
                    page.close()
                loads = loads[1:]
                page = browser.new_page(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
                page.goto(server.url)
                wait_for_dashboard(page)
                page.wait_for_timeout(1500)
                targets = [toggle_id(exchange) for exchange in toggles_shown(page)]
                cards, every = [], []
                for i in range(clicks):
                    card, whole = page.evaluate(arm, [targets[i % len(targets)], True])
                    cards.append(card)
                    every.append(whole)
                    page.wait_for_timeout(800)  # let the rest of the page settle between clicks
                browser.close()
        finally:
            server.stop()
    return {"cards": statistics.median(cards), "every view": statistics.median(every),
            "first load": statistics.median(loads)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Toggle benchmarks of the dashboard")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--browser-clicks", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    big_name = "generated, 1,000 firms / 5,000 exchanges"
    parks = {"Kalundborg (default park)": model.load_park(shipped_park()),
             big_name: generate_park(*BIG)}
    print("Server side, median ms per toggle; largest response of a toggle, and the header's (once per park)")
    print("| park | " + " | ".join(CALLBACKS) + " | total | largest response | header |")
    print("|---|" + "---:|" * (len(CALLBACKS) + 3))
    for name, park in parks.items():
        model.evaluate(park)  # the per-park service plan is built once, at load
        result = time_toggles(park, args.repeat)
        print(f"| {name} | " + " | ".join(f"{result[c]:.1f}" for c in CALLBACKS)
              + f" | {result['total']:.1f} | {result['largest KB']:.0f} KB | {result['header KB']:.0f} KB |")
    if args.no_browser:
        return
    print()
    print("Browser, medians in ms: click to cards | click to every view | first page load")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "big"
        subprocess.run([sys.executable, "-m", "dashboard", "generate", "--firms", str(BIG[0]), "--exchanges",
                        str(BIG[1]), "--seed", str(BIG[2]), str(folder)], check=True, cwd=ROOT, capture_output=True)
        for name, path in (("Kalundborg", None), (big_name, folder)):
            result = time_browser(path, args.browser_clicks)
            print(f"| {name} | {result['cards']:.0f} | {result['every view']:.0f} | {result['first load']:.0f} |")


if __name__ == "__main__":
    main()
