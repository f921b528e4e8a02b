"""The kiosk page for public screens: read-only, dark, very large type, no controls;
it cycles through the KPIs, the network and each Sankey every N seconds.

``/kiosk?park=..&on=..&off=..&every=15``, or ``/kiosk?s=ID`` for a saved scenario (its
name and author are shown). A link naming a park or scenario this server does not hold
shows that, never another park. The views are built once per page load and
cycled in the browser, so the screen keeps going while the server restarts; a small
heartbeat (assets/eco_park.js) reloads the page once the server answers again.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import ALL, ClientsideFunction, Dash, Input, Output, dcc, html

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import sankey_figure, sankey_views
from dashboard.formatting import KPI_LABELS, band_words, in_words, in_words_parts, kpi_unit, percent
from dashboard.storage import StorageError

from .components import ARROW_DOWN, ARROW_UP
from .doubt import QUICK_EXCHANGES
from .ids import KioskIds
from .state import AppState, Request, scenario_number

DEFAULT_SECONDS = 15
KIOSK_FONT = 22
NBSP = "\u00a0"  # keeps "%" on the line of its number when a change wraps


def seconds_per_view(query: str) -> int:
    """``every`` from the URL, in seconds, kept between 5 and 600 (default 15)."""
    raw = (parse_qs(query.lstrip("?")).get("every") or [str(DEFAULT_SECONDS)])[0]
    try:
        return min(600, max(5, int(float(raw))))
    except (ValueError, OverflowError):  # 'abc', 'nan'; 'inf' and '1e999' overflow int()
        return DEFAULT_SECONDS


def kpi_panel(park: model.Park, views: model.Views, bands: dict | None = None) -> html.Div:
    """The four KPIs in large type; with ``bands`` (a Monte Carlo document) each change's
    90% range in words ("between 9 and 26 thousand tonnes less CO2 a year")."""
    tiles = []
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        value = getattr(views.scenario.totals, kpi)
        base = getattr(views.baseline.totals, kpi)
        saved = getattr(views.scenario_savings, kpi)
        kind = model.direction(value - base, base).value
        arrow = {"good": ARROW_DOWN, "bad": ARROW_UP, "same": "="}[kind]
        change = "no change vs baseline" if kind == "same" else \
            f"{in_words(abs(value - base), unit)} {'lower' if kind == 'good' else 'higher'} than baseline " \
            f"({percent(model.relative_change(value, base)).replace(' ', NBSP)})"
        figure, words = in_words_parts(value, unit)
        tiles.append(html.Div([
            html.Div(KPI_LABELS[kpi] + " a year", className="kiosk-kpi-label"),
            html.Div([figure, " ", html.Span(words, className="kiosk-kpi-unit")], className="kiosk-kpi-value",
                     title=in_words(value, unit), **{"data-value": repr(float(value))}),
            html.Div([html.Span(arrow + " ", **{"aria-hidden": "true"}), change], className=f"kiosk-kpi-change {kind}"),
            html.Div(f"Symbiosis saves {in_words(saved, unit)} a year" if saved > 0 else "", className="kiosk-kpi-saved"),
            html.Div(_band_words(bands, kpi, park.currency), className="kiosk-kpi-band") if bands else None,
        ], className="kiosk-kpi"))
    return html.Div(tiles, className="kiosk-kpis")


def _band_words(bands: dict, kpi: str, currency: str) -> str:
    change = bands["vs_baseline"][kpi]
    if change["p5"] == change["p95"]:
        value = bands["scenario"][kpi]
        return "" if value["p5"] == value["p95"] else \
            f"90% sure: {band_words(value['p5'], value['p95'], kpi, currency).replace(' more ', ' ')}"
    return f"90% sure: {band_words(change['p5'], change['p95'], kpi, currency)} than the baseline"


def kiosk_scenario(state: AppState, query: str) -> tuple[Request, str, list[str]]:
    """(request, what the screen calls the scenario, notes on ignored ids) of a
    kiosk link. Raises ParkError where the link's park or saved scenario is not here."""
    params = parse_qs(query.lstrip("?"))
    saved = (params.get("s") or [""])[0].strip()
    if saved:
        number = scenario_number(saved)
        if state.store is None or number is None:
            raise model.ParkError.single(f"'{saved}' is not a saved scenario number")
        try:
            record = state.store.get_scenario(number)
        except StorageError:
            raise model.ParkError.single(f"there is no saved scenario number {saved}; it may have been deleted") \
                from None
        park = state.park(record.park_hash)
        search = model.Scenario(state.park_key(park), record.on, record.off).to_query()
        title = f"Scenario \u201c{record.name}\u201d by {record.author}"
    else:
        search = "?" + query.lstrip("?")
        state.park(model.Scenario.from_query(search).park_key)  # an unknown park is an error, not the default park
        title = ""
    request = state.read(search)
    return request, title or model.scenario_summary(request.park, request.scenario), list(request.messages)


def kiosk_layout(state: AppState, query: str) -> html.Div:
    try:
        request, title, notes = kiosk_scenario(state, query)
        park = request.park
    except model.ParkError as error:
        return html.Div([
            html.Header(html.H1("This screen's link does not fit this server", className="kiosk-title"),
                        className="kiosk-header"),
            html.Main(html.Div([html.P(problem.message, className="kiosk-view-title") for problem in error.problems]
                               + [html.P("Ask the park manager for a new kiosk link (Kiosk, in the dashboard's header).",
                                         className="kiosk-sub")], className="kiosk-view shown"),
                      className="kiosk-stage"),
        ], id=KioskIds.KIOSK_ROOT, className="kiosk", **{"data-page-title": "Kiosk link does not fit"})
    views = state.views(request)
    bands = state.uncertainty(request) if model.ranged_inputs(park) and \
        len(park.exchanges) <= QUICK_EXCHANGES else None
    config = {"displayModeBar": False, "staticPlot": False, "responsive": True}
    panels = [("Key figures", kpi_panel(park, views, bands)),
              ("Symbiosis network", dcc.Graph(figure=network_figure(views.scenario, theme="dark", font_size=KIOSK_FONT, click_hints=False),
                                              config=config, className="kiosk-graph"))]
    for view in sankey_views(park):
        panels.append((f"Flows: {view.label}", dcc.Graph(
            figure=sankey_figure(views.scenario, view, theme="dark", font_size=KIOSK_FONT),
            config=config, className="kiosk-graph")))
    seconds = seconds_per_view(query)
    return html.Div([
        html.Header([
            html.H1(park.name, className="kiosk-title"),
            html.Div(f"{title} \u00b7 {park.year or ''} \u00b7 per year"
                     + (f" \u00b7 {len(notes)} id(s) in the link not in this park, left out" if notes else ""),
                     className="kiosk-sub"),
        ], className="kiosk-header"),
        html.Main([html.Section([html.H2(title, className="kiosk-view-title"), content],
                                id={"type": KioskIds.KIOSK_VIEW, "index": index},
                                className="kiosk-view" + (" shown" if index == 0 else ""),
                                **{"aria-hidden": "false" if index == 0 else "true"})
                   for index, (title, content) in enumerate(panels)], className="kiosk-stage"),
        dcc.Interval(id=KioskIds.KIOSK_TICK, interval=seconds * 1000, n_intervals=0),
    ], id=KioskIds.KIOSK_ROOT, className="kiosk", **{"data-seconds": str(seconds), "data-page-title": f"{park.name} (kiosk)"})


def register_kiosk_callbacks(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="kioskCycle"),
        Output({"type": KioskIds.KIOSK_VIEW, "index": ALL}, "className"),
        Output({"type": KioskIds.KIOSK_VIEW, "index": ALL}, "aria-hidden"),
        Input(KioskIds.KIOSK_TICK, "n_intervals"))
