"""Benchmarks of the dashboard's toggle: server-side callback time and browser time.

    python bench/bench_app.py [--repeat 15] [--browser-clicks 15] [--no-browser]

Server side: a toggle changes the URL in the browser (no request); the server then
answers the callbacks that redraw the page for the new scenario: KPI cards, header,
export links, network, Sankey, exchange table, firm panel. Each is timed as Dash runs
it, including the JSON encoding of its output, for a scenario not seen before (the
baseline and no-symbiosis views are cached, as in a running server). Browser: median time from a click on a toggle to the updated KPI cards,
measured in the page (performance.now) against a real server. Targets on the default
park: <= 50 ms server side, <= 300 ms click to update. Medians, since the machine is
shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from plotly.utils import PlotlyJSONEncoder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import model  # noqa: E402
from dashboard.app.callbacks import Handlers  # noqa: E402
from dashboard.app.state import AppState  # noqa: E402
from dashboard.model import Scenario  # noqa: E402
from dashboard.model.generate import generate_park  # noqa: E402
from dashboard.paths import shipped_park  # noqa: E402

CALLBACKS = ("kpis", "header", "network", "sankey", "table", "firm panel")


def encode(value) -> None:
    json.dumps(value, cls=PlotlyJSONEncoder)


def time_toggles(park: model.Park, repeat: int) -> dict[str, float]:
    """Median ms per callback over `repeat` toggles, each a fresh scenario."""
    ids = [e.id for e in park.exchanges]
    timings: dict[str, list[float]] = {name: [] for name in CALLBACKS}
    totals = []
    handlers = Handlers(AppState(park))
    handlers.render_kpis("")  # a running server has the baseline and no-symbiosis views cached
    for i in range(repeat):
        search = Scenario("", (ids[i % len(ids)],) if park.exchange[ids[i % len(ids)]].status is model.Status.CANDIDATE
                          else (), () if park.exchange[ids[i % len(ids)]].status is model.Status.CANDIDATE
                          else (ids[i % len(ids)],)).to_query()
        firm = park.firms[0].id
        calls = {
            "kpis": lambda: handlers.render_kpis(search),
            "header": lambda: handlers.render_header(search),
            "network": lambda: handlers.render_network(search),
            "sankey": lambda: handlers.render_sankey(search, "water:m3"),
            "table": lambda: handlers.render_table(search),
            "firm panel": lambda: handlers.render_firm_panel(search, firm),
        }
        total = 0.0
        for name, call in calls.items():
            start = time.perf_counter()
            encode(call())
            elapsed = (time.perf_counter() - start) * 1000
            timings[name].append(elapsed)
            total += elapsed
        totals.append(total)
    result = {name: statistics.median(values) for name, values in timings.items()}
    result["total"] = statistics.median(totals)
    return result


ARM = """(id) => new Promise((resolve) => {
  const box = document.querySelector('input[data-toggle="' + id + '"]');
  const before = document.querySelector('#kpi-freshwater .kpi-value').dataset.value
    + document.querySelector('#kpi-cost .kpi-value').dataset.value;
  const now = () => document.querySelector('#kpi-freshwater .kpi-value').dataset.value
    + document.querySelector('#kpi-cost .kpi-value').dataset.value;
  const observer = new MutationObserver(() => {
    if (now() !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(document.getElementById('kpi-strip'), {subtree: true, childList: true, attributes: true});
  const start = performance.now();
  box.click();
})"""


def time_browser(park_path: Path | None, clicks: int) -> float:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Server, wait_for_dashboard

    with tempfile.TemporaryDirectory() as tmp:
        server = Server(park_path, Path(tmp) / "bench.sqlite3").start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(server.url)
                wait_for_dashboard(page)
                page.wait_for_timeout(1500)
                targets = page.eval_on_selector_all("input[data-toggle]", "els => els.map(e => e.dataset.toggle)")
                times = []
                # Each click switches the next exchange, so every scenario is new to the server
                # (nothing comes from its cache) until the list has been gone through twice.
                for i in range(clicks):
                    times.append(page.evaluate(ARM, targets[i % len(targets)]))
                    page.wait_for_timeout(800)  # let the rest of the page settle between clicks
                browser.close()
        finally:
            server.stop()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="Toggle benchmarks of the dashboard")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--browser-clicks", type=int, default=21)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    parks = {"Kalundborg (default, 19 exchanges)": model.load_park(shipped_park()),
             "generated, 1,000 firms / 5,000 exchanges": generate_park(1000, 5000, seed=42)}
    print("Server side, median ms per toggle")
    print("| park | " + " | ".join(CALLBACKS) + " | total |")
    print("|---|" + "---:|" * (len(CALLBACKS) + 1))
    for name, park in parks.items():
        model.evaluate(park)  # the per-park service plan is built once, at load
        result = time_toggles(park, args.repeat)
        print(f"| {name} | " + " | ".join(f"{result[c]:.1f}" for c in CALLBACKS) + f" | {result['total']:.1f} |")
    if not args.no_browser:
        print()
        print(f"Browser, click to updated KPI cards, default park: median {time_browser(None, args.browser_clicks):.0f} ms")


if __name__ == "__main__":
    main()
