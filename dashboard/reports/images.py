"""The report's figures (the network and one Sankey per category and unit) and their
static images, drawn by kaleido 1.x with the system Chromium.

kaleido drives a Chromium through choreographer. It is given the browser that
``find_browser`` finds (and ``BROWSER_PATH`` is set to it when unset, so plotly's own
``write_image`` finds the same one); its download helpers are never called. choreographer
starts Chromium headless with ``--no-sandbox`` unless told otherwise, so it runs as root
too. plotly.js comes from the installed plotly package and MathJax is switched off, so
drawing needs no network.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import plotly
import plotly.graph_objects as go

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import sankey_figure, sankey_views

from .chromium import ReportError, find_browser

NETWORK_HEIGHT = 620
"""Height of the network, px (on the page and in images)."""

IMAGE_WIDTH = 1200
"""Width of the static images, CSS px; PNGs are drawn at ``PNG_SCALE`` times that."""

PNG_SCALE = 2
"""PNG pixels per CSS pixel: sharp on paper and on high-density screens."""

FORMATS = ("png", "svg")

RENDER_TIMEOUT = 120.0
"""Seconds the whole drawing may take (starting Chromium included)."""



@dataclass(frozen=True)
class ReportFigure:
    """One figure of the report: ``name`` is its file stem (``network``,
    ``sankey-water-m3``), ``title`` its heading, ``height`` its height in px."""

    name: str
    title: str
    figure: go.Figure
    height: int


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _sankey_height(figure: go.Figure) -> int:
    """Tall enough for the busier side of the diagram: about 30 px a node."""
    nodes = len(figure.data[0].node.label or ()) if figure.data else 0
    return int(min(1000, max(420, 140 + 30 * math.ceil(nodes / 2))))


def report_figures(scenario: model.Evaluation, font_size: int = 13) -> list[ReportFigure]:
    """The network and one Sankey per ``sankey_views(park)`` for the evaluated
    scenario, light theme, quantities per year."""
    park = scenario.park
    figures = [ReportFigure("network", "Network", network_figure(scenario, "light", font_size, click_hints=False),
                            NETWORK_HEIGHT)]
    used: set[str] = {"network"}
    for view in sankey_views(park):
        name = base = f"sankey-{_slug(view.category)}-{_slug(view.unit)}"
        number = 2
        while name in used:  # two units that slug alike ('kg/h', 'kg-h')
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        figure = sankey_figure(scenario, view, "light", font_size)
        figures.append(ReportFigure(name, f"Sankey: {view.label}", figure, _sankey_height(figure)))
    return figures


def _formats(fmt: str | Iterable[str]) -> tuple[str, ...]:
    wanted = (fmt,) if isinstance(fmt, str) else tuple(fmt)
    wanted = tuple(dict.fromkeys(f.lower().lstrip(".") for f in wanted))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ValueError(f"image format must be one of {', '.join(FORMATS)}, not {', '.join(bad) or 'nothing'}")
    return wanted


def figure_images(park: model.Park, active: Iterable[str] | None = None,
                  fmt: str | Iterable[str] = "png") -> dict[str, bytes]:
    """The report's figures for the scenario ``active`` (exchange ids on; None: the
    baseline) as static images: ``{"network.png": bytes, "sankey-water-m3.png": ...}``.

    ``fmt`` is ``"png"`` (PNG_SCALE x IMAGE_WIDTH px wide, white background), ``"svg"``,
    or both, e.g. ``("png", "svg")``, drawn in one Chromium session. Raises ReportError
    when no Chromium is found or drawing fails; ParkError for unknown exchange ids.
    """
    formats = _formats(fmt)
    scenario = model.views(park, active).scenario
    return render_images(report_figures(scenario, font_size=14), formats)


def render_images(figures: list[ReportFigure], formats: Iterable[str]) -> dict[str, bytes]:
    """Draw ``figures`` in each of ``formats`` with one kaleido/Chromium session."""
    formats = _formats(formats)
    try:
        import kaleido
    except ImportError as error:
        raise ReportError("Figures as PNG or SVG need the Python package 'kaleido' (version 1 or later); "
                          "install it with: pip install 'kaleido>=1'") from error
    browser = find_browser()
    os.environ.setdefault("BROWSER_PATH", browser)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    jobs = []
    for item in figures:
        figure = go.Figure(item.figure)
        figure.update_layout(paper_bgcolor="#ffffff", plot_bgcolor="#ffffff")
        spec = figure.to_dict()
        for fmt in formats:
            opts = {"format": fmt, "width": IMAGE_WIDTH, "height": item.height,
                    "scale": PNG_SCALE if fmt == "png" else 1}
            jobs.append((f"{item.name}.{fmt}", spec, opts))

    async def draw() -> list[bytes]:
        async with kaleido.Kaleido(n=1, timeout=60, plotlyjs=str(plotly_js), mathjax=False, path=browser,
                                   enable_extensions=False) as session:
            return [await session.calc_fig(spec, opts) for _, spec, opts in jobs]

    outcome: dict[str, object] = {}

    def run() -> None:  # its own thread and event loop: safe under a caller's running loop
        try:
            outcome["images"] = asyncio.run(draw())
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    thread = threading.Thread(target=run, name="eco-park-kaleido", daemon=True)
    thread.start()
    thread.join(RENDER_TIMEOUT)
    if thread.is_alive():
        raise ReportError(f"Drawing the figures with Chromium ({browser}) took longer than "
                          f"{RENDER_TIMEOUT:.0f} s and was abandoned.")
    if "error" in outcome:
        error = outcome["error"]
        raise ReportError(f"Chromium ({browser}) could not draw the figures: {type(error).__name__}: {error}") \
            from error
    images = outcome["images"]
    return {name: bytes(data) for (name, _, _), data in zip(jobs, images)}
