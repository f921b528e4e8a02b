"""The compare page: two to four saved scenarios of one park side by side."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import model
from dashboard.figures.waterfall import kpi_waterfall
from dashboard.formatting import KPI_LABELS, full, kpi_unit
from dashboard.storage import StorageError

from .components import change_text
from .ids import CompareIds
from .layout import GRAPH_CONFIG
from .state import AppState, scenario_number


def compare_layout(state: AppState, query: str) -> html.Div:
    """Built once per page load from ``?s=ID,ID[,ID[,ID]]`` (saved scenario ids)."""
    try:
        park, named = _load(state, query)
    except ValueError as problem:
        return _page("Compare scenarios", [dbc.Alert([html.Strong("Nothing to compare. "), str(problem)],
                                                      color="warning"),
                                            html.A("\u2190 Back to the dashboard", href="/", className="btn btn-dark btn-sm")])
    baseline = state.evaluate(park, park.baseline_active)
    evaluations = [(name, record, state.evaluate(park, active)) for name, record, active in named]
    first = evaluations[0][2]
    header = html.Tr([html.Th("KPI a year", scope="col"), html.Th("Baseline", scope="col", className="num")]
                     + [html.Th([html.A(name, href="/" + (model.Scenario(state.park_key(park), tuple(record.on),
                                                                   tuple(record.off)).to_query() or "")),
                                 html.Div(f"by {record.author}", className="small text-muted fw-normal")],
                                scope="col", className="num") for name, record, _ in evaluations])
    rows = []
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        base = getattr(baseline.totals, kpi)
        cells = [html.Th(f"{KPI_LABELS[kpi]} ({unit})", scope="row"), html.Td(full(base), className="num")]
        for index, (_, _, evaluation) in enumerate(evaluations):
            value = getattr(evaluation.totals, kpi)
            lines = [html.Div(full(value), className="fw-semibold", **{"data-value": repr(float(value))}),
                     html.Div([change_text(value - base, unit, model.relative_change(value, base), base),
                               " vs baseline"], className="small")]
            if index:
                reference = getattr(first.totals, kpi)
                lines.append(html.Div([change_text(value - reference, unit,
                                                   model.relative_change(value, reference), reference),
                                       f" vs {evaluations[0][0]}"], className="small"))
            cells.append(html.Td(lines, className="num"))
        rows.append(html.Tr(cells))
    waterfalls = [dbc.Col(dcc.Graph(figure=kpi_waterfall(baseline, evaluation, f"CO2e: baseline \u2192 {name}",
                                                         after_label=name),
                                    config=GRAPH_CONFIG, className="waterfall-graph"),
                          lg=12 // min(len(evaluations), 2), className="mb-3")
                  for name, _, evaluation in evaluations]
    return _page(f"Compare scenarios \u00b7 {park.name}", [
        html.P([f"{park.name}, {park.year or ''}; money in {park.currency}; all figures per year. ",
                html.A("\u2190 Back to the dashboard", href="/" + model.Scenario(state.park_key(park)).to_query())]),
        dbc.Card(dbc.CardBody(dbc.Table([html.Thead(header), html.Tbody(rows)], class_name="compare-table",
                                        responsive=True)), className="mb-3"),
        html.H2("Where the CO2e change comes from", className="h5"),
        html.P("Each bar is one exchange's effect: exchanges switched on or off, and those that carry more or "
               "less because a competitor changed. Falls are green, rises red.", className="small text-muted"),
        dbc.Row(waterfalls),
    ])


def _load(state: AppState, query: str):
    raw = (parse_qs(query.lstrip("?")).get("s") or [""])[0]
    wanted = [part.strip() for part in raw.split(",") if part.strip()]
    parsed = [scenario_number(part) for part in wanted]
    if None in parsed:
        raise ValueError("the link should list saved scenario numbers, e.g. /compare?s=3,5")
    numbers = list(dict.fromkeys(parsed))
    if not 2 <= len(numbers) <= 4:
        raise ValueError("pick two to four saved scenarios (Saved scenarios, then tick them)")
    if state.store is None:
        raise ValueError("this server keeps no saved scenarios")
    records = []
    for number in numbers:
        try:
            records.append(state.store.get_scenario(number))
        except StorageError:
            raise ValueError(f"there is no saved scenario number {number}; it may have been deleted") from None
    if len({r.park_hash for r in records}) != 1:
        raise ValueError("these scenarios belong to different parks; compare scenarios of one park")
    try:
        park = state.park(records[0].park_hash)
    except model.ParkError as error:
        raise ValueError(error.problems[0].message) from None
    named = []
    for record in records:
        try:
            active = model.scenario_active(park, record.on, record.off)
        except model.ParkError as error:
            raise ValueError(f"scenario {record.name}: {error.problems[0].message}") from None
        named.append((record.name, record, active))
    return park, named


def _page(title: str, body: list) -> html.Div:
    return html.Div([
        dbc.Navbar(dbc.Container(html.H1(title, className="h4 mb-0 text-white"), fluid=True), color="dark", dark=True,
                   className="mb-3 app-header", tag="header"),
        dbc.Container(body, fluid=True, tag="main"),
    ], id=CompareIds.COMPARE_ROOT, **{"data-page-title": title})
