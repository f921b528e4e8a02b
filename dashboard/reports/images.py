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
import textwrap
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import plotly
import plotly.graph_objects as go

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import sankey_figure, sankey_views
from dashboard.figures.text import plain

from .chromium import ReportError, find_browser

NETWORK_HEIGHT = 560
"""Height of the network, px (on the page and in images): about the dashboard panel's
proportions at the page's 968 px of width, which the drawing's label placement is
judged in."""

IMAGE_WIDTH = 1200
"""Width of the static images, CSS px; PNGs are drawn at ``PNG_SCALE`` times that."""

PNG_SCALE = 2
"""PNG pixels per CSS pixel: sharp on paper and on high-density screens."""

FORMATS = ("png", "svg")

RENDER_TIMEOUT = 120.0
"""Seconds the whole drawing may take (starting Chromium included)."""

TITLE_LINE = 150
"""Characters of the scenario on one line of an image's title (1200 px at 12 px)."""

LABEL_ROOM = 24
"""Least left and right margin of the network in the report and its images, px. The
firm labels are text of a fixed size beside points of a drawing that scales with the
figure, so on a page narrower than the dashboard a label at the side can reach past the
plot area, where plotly would cut it. The report lets labels draw outside the plot area
(``cliponaxis`` off) and keeps this much room for them on each side."""


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
    figures = [ReportFigure("network", "Network", _room_for_labels(network_figure(scenario, "light", font_size,
                                                                                  click_hints=False)),
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


def _room_for_labels(figure: go.Figure) -> go.Figure:
    """``figure`` (the report's own network figure) with its text free to use the side
    margins, and those at least ``LABEL_ROOM`` px (see there)."""
    figure = go.Figure(figure)  # a copy, whatever network_figure may share
    figure.update_traces(cliponaxis=False, selector=lambda trace: "text" in (getattr(trace, "mode", "") or ""))
    margin = figure.layout.margin
    figure.update_layout(margin={"l": max(margin.l or 0, LABEL_ROOM), "r": max(margin.r or 0, LABEL_ROOM)})
    return figure


@dataclass(frozen=True)
class ImageTitle:
    """What an exported image says above the figure: the park, its data year and the
    scenario (plain text; made safe for plotly when drawn)."""

    park: str
    year: int | None
    scenario: str

    @classmethod
    def of(cls, park: model.Park, active: Iterable[str]) -> ImageTitle:
        return cls(park.name, park.year, model.scenario_summary(park, active))


def _title_lines(scenario: str) -> list[str]:
    lines = textwrap.wrap(scenario, TITLE_LINE, break_long_words=True) or [""]
    if len(lines) > 3:
        lines = lines[:2] + [lines[2][:TITLE_LINE - 1].rstrip() + "\u2026"]
    return lines


def titled(item: ReportFigure, title: ImageTitle | None) -> tuple[go.Figure, int]:
    """A copy of ``item.figure`` for an image, white, with ``title`` above it (the
    figure's own title, if any, after the park and year), and the image's height: the
    figure's plus the title's, so the drawing keeps its size. A legend placed above the
    plot area is moved under the title. The figure itself is left as it is: the page and
    the dashboard draw it untitled."""
    figure = go.Figure(item.figure)  # a copy
    figure.update_layout(paper_bgcolor="#ffffff", plot_bgcolor="#ffffff")
    if title is None:
        return figure, item.height
    size = figure.layout.font.size or 13
    own = figure.layout.title.text or plain(item.title)  # a figure's title is plotly-safe already
    year = f" \u00b7 data year {title.year}" if title.year else ""
    lines = _title_lines(title.scenario)
    small = max(size - 2, 9)
    text = (f"<b>{plain(title.park)}</b>{year} \u00b7 {own}<br>"
            + "<br>".join(f'<span style="font-size:{small}px">{plain(line)}</span>' for line in lines))
    top = 10 + (size + 2)  # px down to the first line's baseline: plotly sets each line's y
    # to the title's own, so "top" is where the first baseline goes, not the glyphs' top
    band = int(top + 1.3 * (size + 2) * len(lines) + 14)  # px: lines 1.3 em of the title apart, a gap
    height = item.height + band
    margin = figure.layout.margin
    figure.update_layout(
        title={"text": text, "x": 0, "xref": "container", "xanchor": "left", "y": 1 - top / height,
               "yref": "container", "yanchor": "top", "pad": {"l": 12}, "font": {"size": size + 2}},
        margin={"t": (margin.t or 0) + band})
    for name in [key for key in figure.layout if key.startswith("legend")]:
        legend = figure.layout[name]
        if (legend.yref or "paper") == "paper" and legend.y is not None and legend.y > 1:
            # above the plot area its height would push into the same margin as the title
            # (plotly takes the larger push, not the sum): hang it from the title instead
            figure.layout[name].update(yref="container", y=1 - band / height, yanchor="top")
    return figure, height


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
    return render_images(report_figures(scenario, font_size=14), formats, ImageTitle.of(park, scenario.active))


def render_images(figures: list[ReportFigure], formats: Iterable[str],
                  title: ImageTitle | None = None) -> dict[str, bytes]:
    """Draw ``figures`` in each of ``formats`` with one kaleido/Chromium session, each
    with ``title`` above it (see ``titled``); the figures themselves are not changed."""
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
        figure, height = titled(item, title)
        spec = figure.to_dict()
        for fmt in formats:
            opts = {"format": fmt, "width": IMAGE_WIDTH, "height": height,
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
