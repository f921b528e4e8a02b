"""The compare page: two to four saved scenarios of one park side by side."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import model
from dashboard.figures.waterfall import change_range, change_steps, kpi_waterfall
from dashboard.formatting import KPI_LABELS, full, kpi_unit
from dashboard.storage import StorageError

from . import ids
from .components import change_text
from .ids import CompareIds
from .layout import GRAPH_CONFIG
from .state import AppState, scenario_number


def compare_layout(state: AppState, query: str) -> html.Div:
    """Built once per page load from ``?s=ID,ID[,ID[,ID]]`` (saved scenario ids)."""
    try:
        park, named = load_comparison(state, query)
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
    link_query = "?s=" + ",".join(str(record.id) for _, record, _ in evaluations)
    return _page(f"Compare scenarios \u00b7 {park.name}", [
        html.P([f"{park.name}, {park.year or ''}; money in {park.currency}; all figures per year. ",
                html.A("\u2190 Back to the dashboard", href="/" + model.Scenario(state.park_key(park)).to_query())]),
        dbc.Card(dbc.CardBody(dbc.Table([html.Thead(header), html.Tbody(rows)], class_name="compare-table",
                                        responsive=True)), className="mb-3 compare-card"),
        html.P(["Download this comparison: ",
                html.A("Excel", href=f"/download/compare.xlsx{link_query}", id=ids.COMPARE_EXPORT["xlsx"]), " \u00b7 ",
                html.A("CSV (zip)", href=f"/download/compare.zip{link_query}", id=ids.COMPARE_EXPORT["csv"]),
                html.Span(" (each chart also downloads as a picture from its camera button)",
                          className="text-muted")], className="small"),
        html.H2("Where each change comes from", className="h5"),
        html.P("Each chart starts at the baseline (zero) and adds one exchange's effect at a time: exchanges "
               "switched on or off, and those that carry more or less because a competitor changed. The last "
               "bar is the whole change. Falls are green, rises red; the charts of one KPI share one scale.",
               className="small text-muted"),
        *[section for kpi in model.KPI_NAMES for section in _kpi_charts(kpi, baseline, evaluations)],
    ])


def _kpi_charts(kpi: str, baseline, evaluations) -> list:
    """A KPI's heading and one change chart per scenario, all on one scale."""
    changes = [change_steps(baseline, evaluation, kpi) for _, _, evaluation in evaluations]
    y_range = change_range(changes)
    width = 12 // min(len(evaluations), 4) if len(evaluations) > 2 else 6
    charts = [dbc.Col(dcc.Graph(figure=kpi_waterfall(baseline, evaluation, name, kpi=kpi,
                                                     after_label=f"Change: {name}", y_range=y_range),
                                config=dict(GRAPH_CONFIG, toImageButtonOptions={
                                    "format": "png", "scale": 2, "filename": f"compare-{kpi}-{index + 1}"}),
                                className="waterfall-graph"),
                      xs=12, md=6, xl=width, className="mb-3")
              for index, (name, _, evaluation) in enumerate(evaluations)]
    return [html.H3(f"{KPI_LABELS[kpi]}: change from the baseline", className="h6 mt-2",
                    id=f"compare-{kpi}"), dbc.Row(charts, className="compare-charts")]


def load_comparison(state: AppState, query: str):
    """(park, [(name, record, active set)]) of ``?s=ID,ID[,ID[,ID]]``; ValueError saying
    what does not fit (also used by the comparison's download)."""
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
