"""The kiosk page for public screens: read-only, dark, very large type, no controls;
it cycles through the KPIs, the network and each Sankey every N seconds.

``/kiosk?park=..&on=..&off=..&every=15``. The views are built once per page load and
cycled in the browser, so the screen keeps going while the server restarts; a small
heartbeat (assets/eco_park.js) reloads the page once the server answers again.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import ALL, ClientsideFunction, Dash, Input, Output, dcc, html

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import sankey_figure, sankey_views
from dashboard.formatting import KPI_LABELS, kpi_unit, percent, si

from . import ids
from .components import ARROW_DOWN, ARROW_UP, change_class, scenario_summary
from .state import AppState, resolve_lenient

DEFAULT_SECONDS = 15
KIOSK_FONT = 22


def seconds_per_view(query: str) -> int:
    """``every`` from the URL, in seconds, kept between 5 and 600 (default 15)."""
    raw = (parse_qs(query.lstrip("?")).get("every") or [str(DEFAULT_SECONDS)])[0]
    try:
        return min(600, max(5, int(float(raw))))
    except (ValueError, OverflowError):  # 'abc', 'nan'; 'inf' and '1e999' overflow int()
        return DEFAULT_SECONDS


def kpi_panel(park: model.Park, views: model.Views) -> html.Div:
    tiles = []
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        value = getattr(views.scenario.totals, kpi)
        base = getattr(views.baseline.totals, kpi)
        saved = getattr(views.scenario_savings, kpi)
        kind = change_class(value - base, base)
        arrow = {"good": ARROW_DOWN, "bad": ARROW_UP, "same": "="}[kind]
        change = "no change vs baseline" if kind == "same" else \
            f"{si(abs(value - base), unit)} {'lower' if kind == 'good' else 'higher'} than baseline " \
            f"({percent(model.relative_change(value, base))})"
        tiles.append(html.Div([
            html.Div(KPI_LABELS[kpi] + " a year", className="kiosk-kpi-label"),
            html.Div(si(value, unit), className="kiosk-kpi-value", **{"data-value": repr(float(value))}),
            html.Div([html.Span(arrow + " ", **{"aria-hidden": "true"}), change], className=f"kiosk-kpi-change {kind}"),
            html.Div(f"Symbiosis saves {si(saved, unit)} a year" if saved > 0 else "", className="kiosk-kpi-saved"),
        ], className="kiosk-kpi"))
    return html.Div(tiles, className="kiosk-kpis")


def kiosk_layout(state: AppState, query: str) -> html.Div:
    park, active, _ = resolve_lenient(state, "?" + query.lstrip("?"))
    views = state.views(park, active)
    config = {"displayModeBar": False, "staticPlot": False, "responsive": True}
    panels = [("Key figures", kpi_panel(park, views)),
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
            html.Div(f"{scenario_summary(park, active)} \u00b7 {park.year or ''} \u00b7 per year", className="kiosk-sub"),
        ], className="kiosk-header"),
        html.Main([html.Section([html.H2(title, className="kiosk-view-title"), content],
                                id={"type": ids.KIOSK_VIEW, "index": index},
                                className="kiosk-view" + (" shown" if index == 0 else ""),
                                **{"aria-hidden": "false" if index == 0 else "true"})
                   for index, (title, content) in enumerate(panels)], className="kiosk-stage"),
        dcc.Interval(id=ids.KIOSK_TICK, interval=seconds * 1000, n_intervals=0),
    ], id=ids.KIOSK_ROOT, className="kiosk", **{"data-seconds": str(seconds)})


def register_kiosk_callbacks(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="kioskCycle"),
        Output({"type": ids.KIOSK_VIEW, "index": ALL}, "className"),
        Output({"type": ids.KIOSK_VIEW, "index": ALL}, "aria-hidden"),
        Input(ids.KIOSK_TICK, "n_intervals"))
