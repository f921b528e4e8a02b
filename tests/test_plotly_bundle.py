"""The app's own plotly.js (assets/plotly-eco.min.js, tools/plotly/README.md): the
version plotly.py ships, holding every trace type the app draws (one it lacks would be
drawn as nothing, silently)."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard import model
from dashboard.figures.groups import AGGREGATE_ABOVE
from dashboard.figures.network import GL_ABOVE, network_spec
from dashboard.figures.sankey import sankey_figure, sankey_views
from dashboard.model.generate import generate_park
from dashboard.paths import assets_dir

HEADER = re.compile(r"plotly\.js \(custom: ([a-z0-9,]+) - minified\) v(\S+)")
SOURCE = Path(__file__).resolve().parents[1] / "dashboard"
TRACE_TYPES = {cls().type: name for name, cls in ((name, getattr(go, name)) for name in dir(go))
               if isinstance(cls, type) and issubclass(cls, BaseTraceType) and cls is not BaseTraceType}
"""Every plotly trace type, by the name of its graph_objects class (go is lazily loaded)."""


def bundle_header() -> tuple[set[str], str]:
    text = (assets_dir() / "plotly-eco.min.js").read_text(encoding="utf-8")[:400]
    found = HEADER.search(text)
    assert found, "assets/plotly-eco.min.js has no custom-bundle header"
    return set(found.group(1).split(",")), found.group(2)


def test_the_bundle_is_the_plotly_js_that_plotly_py_ships():
    _, version = bundle_header()
    assert version == get_plotlyjs_version(), "rebuild it: tools/plotly/build.sh (tools/plotly/README.md)"


def traces_named_in(text: str) -> set[str]:
    """Trace types a source file names: go.Bar(...), type="bar", "type": "bar"."""
    by_class = {cls: kind for kind, cls in TRACE_TYPES.items()}
    named = {by_class[m] for m in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", text) if m in by_class}
    named |= {m for m in re.findall(r"""\btype\s*=\s*["'](\w+)["']|["']type["']\s*:\s*["'](\w+)["']""", text)
              for m in m if m in TRACE_TYPES}
    return named


def test_every_trace_type_the_app_names_is_in_the_bundle():
    bundled, _ = bundle_header()
    named = set().union(*(traces_named_in(path.read_text(encoding="utf-8")) for path in SOURCE.rglob("*.py")))
    assert {"scatter", "bar", "sankey"} <= named  # the scan finds what the app draws
    assert named <= bundled, f"not in assets/plotly-eco.min.js: {sorted(named - bundled)}"
    # and the scan reads each way of naming one
    assert traces_named_in('go.Pie(x) dict(type="funnel") {"type": "heatmap"} type="button"') == \
        {"pie", "funnel", "heatmap"}


def test_the_figures_of_a_big_park_use_only_bundled_traces():
    bundled, _ = bundle_header()
    park = generate_park(AGGREGATE_ABOVE, 4 * GL_ABOVE, seed=1)  # every firm drawn, markers in WebGL
    evaluation = model.evaluate(park)
    drawn = {trace["type"] for trace in network_spec(evaluation)["data"]}
    drawn |= {trace.type for view in sankey_views(park) for trace in sankey_figure(evaluation, view).data}
    assert "scattergl" in drawn and drawn <= bundled
