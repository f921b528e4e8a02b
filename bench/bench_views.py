"""Server time to build the network and the Sankey per toggle, on Kalundborg and on a
generated 1,000-firm / 5,000-exchange park.

    python bench/bench_views.py [--repeat 15]

Each toggle is a new scenario (one more exchange switched); its evaluation is made
first and not timed (the KPI callback makes it in a running server), and its per-exchange
flows and per-firm KPIs, which the list and the firm panel use too, are timed on their
own line; so the figure lines time the figures' own work: building the figure and encoding it as Dash does. Both ways are timed:
the plain dict the app sends (``*_spec``) and a ``go.Figure`` built from it (what the
app built before, with plotly's validation). The network is timed in the view a page
opens with (every firm on Kalundborg, sectors on the big park) and, on the big park, with
a sector opened. Medians, in ms; the machine is shared and noisy. Targets (issue "Big
parks"): the whole toggle <= 15 ms server time on Kalundborg, <= 120 ms on 1,000 firms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import model  # noqa: E402
from dashboard.figures.groups import NetworkView  # noqa: E402
from dashboard.figures.network import network_spec  # noqa: E402
from dashboard.figures.sankey import SankeyView, sankey_spec  # noqa: E402
from dashboard.model.generate import generate_park  # noqa: E402
from dashboard.paths import shipped_park  # noqa: E402


def encoded(value) -> int:
    return len(json.dumps(value, cls=PlotlyJSONEncoder))


def time_views(park: model.Park, views: dict[str, NetworkView], repeat: int) -> dict[str, tuple[float, int]]:
    """Median ms and the encoded size (bytes, last run) of each figure over ``repeat``
    toggles."""
    candidates = [e.id for e in park.exchanges if e.status is model.Status.CANDIDATE]
    sankey = SankeyView("water", "m3")
    for view in views.values():  # the geometry is made once per park and view, then kept
        network_spec(model.evaluate(park), view=view)
    timings: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for i in range(repeat):
        evaluation = model.evaluate(park, park.baseline_active | {candidates[i % len(candidates)]})
        start = time.perf_counter()  # what the list and the cards need as well: timed apart
        evaluation.flows, evaluation.stream_flows, evaluation.firm_kpis  # noqa: B018
        timings.setdefault("evaluation's flows and firm KPIs (shared)", []).append((time.perf_counter() - start) * 1000)
        sizes["evaluation's flows and firm KPIs (shared)"] = 0
        calls = {f"network, {name}": (lambda v=view: network_spec(evaluation, view=v)) for name, view in views.items()}
        calls["sankey (water)"] = lambda: sankey_spec(evaluation, sankey)
        for name, call in list(calls.items()):
            for way in ("dict", "go.Figure"):
                start = time.perf_counter()
                figure = call() if way == "dict" else go.Figure(call())
                size = encoded(figure)
                timings.setdefault(f"{name} [{way}]", []).append((time.perf_counter() - start) * 1000)
                sizes[f"{name} [{way}]"] = size
    return {name: (statistics.median(values), sizes[name]) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    parks = {
        "Kalundborg": (model.load_park(shipped_park()), {"opening view": NetworkView()}),
        "1,000 firms / 5,000 exchanges": (generate_park(1000, 5000, seed=1),
                                          {"opening view (sectors)": NetworkView(),
                                           "chemicals opened": NetworkView("sector", group="chemicals")}),
    }
    for label, (park, views) in parks.items():
        print(f"\n{label}: median ms per toggle over {args.repeat} toggles (encoded KB)")
        for name, (ms, size) in time_views(park, views, args.repeat).items():
            print(f"  {name:48s} {ms:8.1f} ms {size / 1000:8.0f} KB")


if __name__ == "__main__":
    main()
