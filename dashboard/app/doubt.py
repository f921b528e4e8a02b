"""Deciding and doubting (docs/screens.md): what if a firm left, and how sure are these
numbers. Layout pieces, pure component builders and their callbacks; every number comes
from ``dashboard.model`` (firm_leaving, resilience, monte_carlo) through ``AppState``.

A Monte Carlo run of a small park (at most QUICK_EXCHANGES exchanges: Kalundborg's
1,000 samples take a tenth of a second) is answered at once; a larger park's goes to a
Dash background callback with a progress bar and a Cancel button, so the page stays
usable while it runs.
"""

from __future__ import annotations

import time

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import model
from dashboard.figures.tornado import tornado_spec
from dashboard.formatting import KPI_LABELS, band_text, full, kpi_unit, si

from . import ids
from . import inputs as check
from .components import change_text
from .layout import DIMMED, GRAPH_CONFIG
from .state import AppState, Request

QUICK_EXCHANGES = 400
"""Parks with at most this many exchanges get their bands at once; larger ones in the
background (1,000 samples of a 5,000-exchange park take some seconds)."""

HIT_HARDEST = 3
RESILIENCE_ROWS = 15

# Stores written in the browser only while a pane is shown, so a toggle asks the server
# for no view the user cannot see (docs/screens.md, "Deciding and doubting").


# -- layout ------------------------------------------------------------------------------

def bands_row() -> dbc.Row:
    """Under each KPI card: its 90% range and that of its change against the baseline."""
    return dbc.Row([dbc.Col(html.Div(id=ids.KPI_BAND[kpi], className="kpi-band small text-muted"),
                            xs=6, lg=3, className="mb-2") for kpi in model.KPI_NAMES],
                   id=ids.KPI_BANDS, className="kpi-bands")


def doubt_card() -> dbc.Card:
    """The tornado of a KPI, and the ranking of firms by what their leaving costs the others."""
    sure = html.Div([
        html.P("Each bar: the scenario's value with one uncertain input at the low end of its range (blue) and "
               "at the high end (orange), all else as given. The longest bars are the figures worth "
               "checking first.", className="small text-muted mb-2"),
        dbc.RadioItems(id=ids.TORNADO_KPI, value="co2_t", inline=True,
                       options=[{"label": KPI_LABELS[k], "value": k} for k in model.KPI_NAMES],
                       class_name="btn-group flex-wrap mb-2", input_class_name="btn-check",
                       label_class_name="btn btn-outline-primary btn-sm", label_checked_class_name="active"),
        html.Div([
            html.Span(id=ids.DOUBT_STATUS, className="small me-2", role="status"),
            html.Progress(id=ids.DOUBT_PROGRESS, value="0", max="1", className="doubt-progress me-2",
                          style={"display": "none"}),
            dbc.Button("Cancel", id=ids.DOUBT_CANCEL, size="sm", color="secondary", outline=True,
                       style={"display": "none"}),
        ], className="d-flex flex-wrap align-items-center mb-1"),
        dcc.Loading(dcc.Graph(id=ids.TORNADO_GRAPH, config=GRAPH_CONFIG, className="tornado-graph"),
                    delay_show=300, type="circle", overlay_style=DIMMED),
    ])
    resilience = dcc.Loading(html.Div(id=ids.RESILIENCE_TABLE, className="table-responsive"),
                             delay_show=300, type="circle", overlay_style=DIMMED)
    return dbc.Card([
        dbc.CardHeader(html.H2("Doubt and resilience", className="h6 mb-0")),
        dbc.CardBody([
            # a button group, not dbc.Tabs: its tabs render one shared id and point at no panel
            dbc.RadioItems(id=ids.DOUBT_TABS, value="sure", inline=True, class_name="btn-group mb-2",
                           options=[{"label": "How sure are these numbers", "value": "sure"},
                                    {"label": "Resilience: if a firm left", "value": "resilience"}],
                           input_class_name="btn-check", label_class_name="btn btn-outline-primary btn-sm",
                           label_checked_class_name="active"),
            html.Div(sure, id=ids.DOUBT_SURE_PANE),
            html.Div(resilience, id=ids.DOUBT_RESILIENCE_PANE, style={"display": "none"}),
            dcc.Store(id=ids.TORNADO_ASK, data=None),
            dcc.Store(id=ids.RESILIENCE_ASK, data=None),
        ]),
    ], className="mb-3")


# -- pure builders -------------------------------------------------------------------------

def band_lines(document: dict | None, currency: str, has_ranges: bool) -> dict[str, list]:
    """Per KPI, the lines under its card: the scenario's 90% range and its change's."""
    lines = {}
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, currency)
        if not has_ranges:
            lines[kpi] = ["no ranges given"]
        elif document is None:
            lines[kpi] = ["working out the ranges\u2026"]
        else:
            value, change = document["scenario"][kpi], document["vs_baseline"][kpi]
            lines[kpi] = [html.Div(["Value: ", band_text(value["p5"], value["p95"], unit)],
                                   **{"data-p5": repr(value["p5"]), "data-p95": repr(value["p95"])}),
                          html.Div([f"Change {si(document['value_vs_baseline'][kpi], unit)}, ",
                                    band_text(change["p5"], change["p95"], unit)], className="band-change",
                                   **{"data-p5": repr(change["p5"]), "data-p95": repr(change["p95"])})]
    return lines


_WHAT = {"freshwater_m3": " freshwater", "co2_t": "", "landfill_t": " to landfill", "cost": ""}


def signed(value: float, unit: str, scale: float) -> html.Span:
    """A change with its sign and arrow but no percentage: ``▲ +260 kt CO2e``."""
    kind = model.direction(value, scale).value
    if kind == "same":
        return html.Span("= no change", className="change same")
    arrow = "\u25bc" if kind == "good" else "\u25b2"
    return html.Span(f"{arrow} {'+' if value > 0 else ''}{si(value, unit)}", className=f"change {kind}")


def leaving_section(park: model.Park, leaving: model.FirmLeaving, views: model.Views) -> html.Div:
    """"If this firm left": the exchanges lost, the park's KPIs with it gone against the
    baseline, the other firms' combined change, the firms hit hardest, and the button that
    puts its leaving into the scenario."""
    firm = park.firm[leaving.firm]
    rows = []
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        after, base = getattr(leaving.kpis, kpi), getattr(views.baseline.totals, kpi)
        others = getattr(leaving.impact_on_others, kpi)
        rows.append(html.Tr([html.Th(KPI_LABELS[kpi], scope="row"), html.Td(f"{full(after)} {unit}", className="num"),
                             html.Td(change_text(after - base, unit, model.relative_change(after, base), base)),
                             html.Td(signed(others, unit, base), className="num")]))
    lost = [park.exchange[i].name for i in leaving.exchanges_lost]
    hit = leaving.hit_hardest(HIT_HARDEST)
    hit_items = [html.Li([html.Strong(park.firm[f].name), ": ",
                          "; ".join(f"{'+' if getattr(c, k) > 0 else ''}{si(getattr(c, k), kpi_unit(k, park.currency))}"
                                    f"{_WHAT[k]}" for k in model.KPI_NAMES if getattr(c, k))]) for f, c in hit]
    return html.Div([
        html.H3(f"If {firm.name} left", className="h6 mt-3"),
        html.P(f"{len(lost)} exchange(s) lost: " + ", ".join(lost) if lost else
               "It has no exchange in this scenario: the others would not notice.", className="small"),
        html.Table([html.Thead(html.Tr([html.Th(""), html.Th("Park without it", className="num"),
                                        html.Th("vs baseline"), html.Th("Other firms, combined")])),
                    html.Tbody(rows)], className="table table-sm leaving-table"),
        html.P("Hit hardest (valued as cost + carbon price \u00d7 CO2e):", className="small mb-1") if hit_items else None,
        html.Ul(hit_items, className="small") if hit_items else None,
        dbc.Button(f"Show the park without {firm.name}", id=ids.LEAVE_BUTTON, color="danger", outline=True,
                   size="sm"),
    ], className="firm-leaving")


def come_back_section(park: model.Park, firm_id: str) -> html.Div:
    """For a firm that leaves in the scenario: the button that brings it back."""
    return html.Div(dbc.Button(f"Bring {park.firm[firm_id].name} back", id=ids.LEAVE_BUTTON, color="primary",
                               outline=True, size="sm"), className="mt-2")


def resilience_table(park: model.Park, result: model.Resilience) -> list:
    """Firms ranked by what their leaving costs the others, with the network measures."""
    currency = park.currency
    rows = []
    for item in result.leaving[:RESILIENCE_ROWS]:
        measures = result.measures[item.firm]
        impact = item.impact_on_others
        share = measures.largest_flow_share
        rows.append(html.Tr([
            html.Td([html.Strong(park.firm[item.firm].name),
                     html.Div(measures.single_point, className="small text-danger") if measures.single_point else None]),
            html.Td(str(len(item.exchanges_lost)), className="num"),
            *(html.Td(si(getattr(impact, k), kpi_unit(k, currency)), className="num") for k in model.KPI_NAMES),
            html.Td(si(item.cost_to_others(), currency), className="num fw-semibold"),
            html.Td(str(measures.partners), className="num"),
            html.Td(f"{measures.betweenness:.2f}", className="num"),
            html.Td(f"{share:.0%}", className="num"),
        ], **{"data-firm": item.firm}))
    spof = [park.firm[f].name for f in result.single_points_of_failure]
    return [
        html.P(["Single points of failure: ", html.Strong(", ".join(spof))] if spof else
               "No single point of failure: no firm's leaving splits the network or leaves another firm alone.",
               className="small"),
        html.P(f"Ranked by what each firm's leaving costs the others a year: their cost plus the park's carbon "
               f"price ({currency} {full(park.carbon_price)} per t) times their CO2e. Betweenness: the share of "
               "shortest paths between other firms that run through it; flow share: the largest share, in any "
               "unit, of what the exchanges carry that starts or ends at it.", className="small text-muted"),
        html.Table([html.Thead(html.Tr([html.Th("Firm"), html.Th("Exchanges lost", className="num"),
                                        *(html.Th(f"Others' {KPI_LABELS[k] if k == 'co2_t' else KPI_LABELS[k].lower()}",
                                                  className="num")
                                          for k in model.KPI_NAMES),
                                        html.Th("Cost to others", className="num"), html.Th("Partners", className="num"),
                                        html.Th("Betweenness", className="num"), html.Th("Flow share", className="num")])),
                    html.Tbody(rows)], className="table table-sm resilience"),
        html.P(f"and {len(result.leaving) - RESILIENCE_ROWS} more firms" if len(result.leaving) > RESILIENCE_ROWS
               else "", className="small text-muted"),
    ]


def scenario_query(search: str | None, firm_id: str) -> str:
    """The address with ``firm_id`` leaving the park, or coming back if it already leaves."""
    scenario = model.Scenario.from_query(search)
    without = tuple(f for f in scenario.without if f != firm_id) if firm_id in scenario.without \
        else (*scenario.without, firm_id)
    return model.Scenario(scenario.park_key, scenario.on, scenario.off, without).to_query()


# -- callbacks -------------------------------------------------------------------------------

def _quick(request: Request) -> bool:
    return len(request.park.exchanges) <= QUICK_EXCHANGES


def _bands_outputs(request: Request, document: dict | None) -> list:
    lines = band_lines(document, request.park.currency, bool(model.ranged_inputs(request.park)))
    return [lines[kpi] for kpi in model.KPI_NAMES]


def _tornado_kpi(kpi) -> str:
    if kpi not in (None, *model.KPI_NAMES):
        raise check.BadInput(f"'{kpi}' is not a KPI")
    return kpi or "co2_t"


def _tornado(document: dict | None, kpi: str, park: model.Park):
    """The tornado of ``kpi`` from a Monte Carlo document, or an empty one (no document yet)."""
    if document is None:
        document = {"value": {k: 0.0 for k in model.KPI_NAMES}, "tornado": []}
    return tornado_spec(document, kpi, park.currency)


# The panes' gates, in the browser (no request): the tornado is asked for when its KPI is
# picked or its pane opened (a toggle draws it with the bands while the pane is shown);
# the resilience ranking when its pane is open and the address is not the one it ranks.
_ASK_TORNADO = """function (kpi, tab) {
    return tab === "resilience" ? window.dash_clientside.no_update : (kpi || "co2_t");
}"""

_ASK_RESILIENCE = """function (search, tab, asked) {
    const wanted = search || "";
    return tab === "resilience" && wanted !== asked ? wanted : window.dash_clientside.no_update;
}"""


def band_outputs() -> list[Output]:
    """What the cards' bands answer sets (``bands_answer``): the four bands, the Monte
    Carlo document (DOUBT_RESULT: the tornado of another KPI is drawn from it), the status
    line and the tornado. The bands come in the request that draws the network
    (``callbacks.register_callbacks``): a toggle costs one request fewer."""
    return [*(Output(ids.KPI_BAND[kpi], "children", allow_duplicate=True) for kpi in model.KPI_NAMES),
            Output(ids.DOUBT_RESULT, "data"), Output(ids.DOUBT_STATUS, "children"),
            Output(ids.TORNADO_GRAPH, "figure", allow_duplicate=True)]


def band_states() -> list[State]:
    """What ``bands_answer`` reads besides the address: the pane shown and the tornado's KPI."""
    return [State(ids.DOUBT_TABS, "value"), State(ids.TORNADO_KPI, "value")]


BAND_CHECKS = (check.optional_text, _tornado_kpi)
"""The checks (``inputs.checked``) of ``band_states``' values, in their order."""


def bands_answer(state: AppState, search: str | None, tab: str | None, kpi: str) -> tuple:
    """The values of ``band_outputs`` for the scenario of ``search``: worked out here for a
    small park (QUICK_EXCHANGES), asked of a background job for a larger one. The tornado
    is drawn with them only while its pane is shown (else when it opens)."""
    request = state.read(search)

    def tornado(document):
        return no_update if tab == "resilience" else _tornado(document, kpi, request.park)

    if not model.ranged_inputs(request.park):
        return *_bands_outputs(request, None), None, "", tornado(None)
    if _quick(request):
        document = state.uncertainty(request)
        return *_bands_outputs(request, document), document, \
            f"{document['samples']:,} samples, seed {document['seed']}", tornado(document)
    # A large park's draws are a background job, asked for by writing DOUBT_REQUEST (a
    # store in the shell: app.job_requests) with set_props rather than as an output: as an
    # output, Dash calls the job's callback after this one's first call, and each page
    # load would start (and poll) a job with nothing to do. The resilience ranking likewise.
    # "asked" makes each request new, the same scenario asked again included.
    set_props(ids.DOUBT_REQUEST, {"data": {"search": search or "", "asked": time.time()}})
    return *_bands_outputs(request, None), None, "Working out the ranges\u2026", tornado(None)


def register_doubt_callbacks(app: Dash, state: AppState) -> None:
    """Wire the bands' background job, the tornado, the resilience view and the leave
    button (the bands of a toggle come with the network: ``bands_answer``).

    The resilience ranking is asked for only while its pane is open (ids.RESILIENCE_ASK);
    opening a pane after toggles draws the scenario shown then."""

    # the same outputs as the toggle's answer (band_outputs), written when the job is done
    @app.callback(*(Output(output.component_id, output.component_property, allow_duplicate=True)
                    for output in band_outputs()),
                  Input(ids.DOUBT_REQUEST, "data"), State(ids.TORNADO_KPI, "value"), background=True,
                  prevent_initial_call=True,
                  running=[(Output(ids.DOUBT_CANCEL, "style"), {"display": "inline-block"}, {"display": "none"}),
                           (Output(ids.DOUBT_PROGRESS, "style"), {"display": "inline-block"}, {"display": "none"})],
                  progress=[Output(ids.DOUBT_PROGRESS, "value"), Output(ids.DOUBT_PROGRESS, "max")],
                  cancel=[Input(ids.DOUBT_CANCEL, "n_clicks")])
    def _bands_slowly(set_progress, asked, kpi):
        if not isinstance(asked, dict):  # the store as the page starts: nothing asked yet
            raise PreventUpdate
        request = state.read(asked.get("search"))
        document = state.uncertainty(request, progress=lambda done, total: set_progress((str(done), str(total))))
        # the tornado drawn whichever pane is shown: one opened during the run would
        # otherwise have been drawn from no document
        return *_bands_outputs(request, document), document, \
            f"{document['samples']:,} samples, seed {document['seed']}", \
            _tornado(document, _tornado_kpi(kpi), request.park)

    app.clientside_callback(
        """function (chosen) {
            const hidden = {display: "none"}, shown = {display: "block"};
            return chosen === "resilience" ? [hidden, shown] : [shown, hidden];
        }""",
        Output(ids.DOUBT_SURE_PANE, "style"), Output(ids.DOUBT_RESILIENCE_PANE, "style"),
        Input(ids.DOUBT_TABS, "value"))

    app.clientside_callback(_ASK_TORNADO, Output(ids.TORNADO_ASK, "data"), Input(ids.TORNADO_KPI, "value"),
                            Input(ids.DOUBT_TABS, "value"), prevent_initial_call=True)

    @app.callback(Output(ids.TORNADO_GRAPH, "figure"), Input(ids.TORNADO_ASK, "data"), State(ids.DOUBT_RESULT, "data"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    @check.checked(check.anything, check.anything, check.address)
    def _tornado_asked(kpi, document, search):
        # Dash calls this as the page appears, its store empty (a callback whose input is in
        # a page drawn by a callback is called then, prevent_initial_call or not): the bands
        # draw the tornado then, so nothing here.
        if kpi is None:
            return no_update
        kpi = _tornado_kpi(kpi)
        # (Dash sends this only once a pending bands request has answered: DOUBT_RESULT is its output)
        if document is not None and not (isinstance(document, dict) and isinstance(document.get("value"), dict)
                                         and isinstance(document.get("tornado"), list)):
            raise check.BadInput("the ranges sent back are not the ones this page made")
        return _tornado(document, kpi, state.read(search).park)

    app.clientside_callback(_ASK_RESILIENCE, Output(ids.RESILIENCE_ASK, "data"), Input(ids.URL, "search"),
                            Input(ids.DOUBT_TABS, "value"), State(ids.RESILIENCE_ASK, "data"))

    @app.callback(Output(ids.RESILIENCE_TABLE, "children"),
                  Input(ids.RESILIENCE_ASK, "data"), prevent_initial_call=True)
    @check.checked(check.optional_address)
    def _resilience(search):
        if search is None:  # the page just appeared, nothing asked yet (see _tornado_asked)
            return no_update
        request = state.read(search)
        if _quick(request):
            return resilience_table(request.park, state.resilience(request))
        set_props(ids.RESILIENCE_REQUEST, {"data": {"search": search or "", "asked": time.time()}})  # see bands_answer
        return html.P("Working out what each firm's leaving would cost the others\u2026", className="small")

    @app.callback(Output(ids.RESILIENCE_TABLE, "children", allow_duplicate=True),
                  Input(ids.RESILIENCE_REQUEST, "data"), background=True, prevent_initial_call=True)
    def _resilience_slowly(asked):
        if not isinstance(asked, dict):
            raise PreventUpdate
        request = state.read(asked.get("search"))
        return resilience_table(request.park, state.resilience(request))

    @app.callback(Output(ids.URL, "search", allow_duplicate=True), Input(ids.LEAVE_BUTTON, "n_clicks"),
                  State(ids.URL, "search"), State(ids.SELECTED_FIRM, "data"), prevent_initial_call=True)
    @check.checked(check.count, check.address, check.firm_id)
    def _leave(clicks, search, firm_id):
        if not clicks or not firm_id:
            return no_update
        return scenario_query(search, firm_id)
