"""The Decide page (/decide): which candidate links to build, in what order, and at what
price. The scenario is the URL's, as everywhere: clicking a MACC bar, a point of the
Pareto front or Apply only changes the address's query.

The MACC starts from the scenario's existing links with every candidate off, so the
curve stays put while bars are switched on (they are drawn solid when on). The optimiser
runs as a background callback (progress and Cancel); so does the Pareto front, which can
take a while on a large park.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import model
from dashboard.figures.decide import front_figure, macc_figure
from dashboard.formatting import KPI_LABELS, kpi_unit, si
from dashboard.model.deal import deals
from dashboard.model.macc import macc
from dashboard.model.portfolio import Best, Front, best_portfolio, pareto_front, question

from . import ids, markup
from . import inputs as check
from .components import change_text, kpi_strip
from .layout import DIMMED, GRAPH_CONFIG
from .state import AppState, Request
from .value import deal_bar, deal_summary

PAGE_TIME_LIMIT = 30.0
"""Seconds the page gives the optimiser or the front on a park too large to prove."""

QUESTIONS = {
    "co2_t": "Which proposals give the most CO2e cut for the money?",
    "cost": "Which proposals save the park the most money?",
    "freshwater_m3": "Which proposals save the most freshwater?",
    "landfill_t": "Which proposals keep the most waste out of landfill?",
}


def kpi_options() -> list[dict]:
    return [{"label": KPI_LABELS[k], "value": k} for k in model.KPI_NAMES]


def decide_layout(search: str = "", pathname: str = "/decide") -> html.Div:
    """The decide page for the address ``pathname`` + ``search`` (its callbacks fill it in)."""
    number = {"type": "number", "size": "sm", "debounce": True}
    limits = [dbc.Row([dbc.Label(f"{KPI_LABELS[k]} at most", html_for=ids.DECIDE_LIMIT[k], width=6,
                                 class_name="small"),
                       dbc.Col(dbc.Input(id=ids.DECIDE_LIMIT[k], placeholder="no limit", **number), width=6)],
                      class_name="mb-1 g-1") for k in model.KPI_NAMES]
    form = dbc.Card([
        dbc.CardHeader(html.H3("Best set of links", className="h6 mb-0")),
        dbc.CardBody([
            dbc.Row([dbc.Label("Make lowest", html_for=ids.DECIDE_OBJECTIVE, width=6, class_name="small"),
                     dbc.Col(dbc.Select(id=ids.DECIDE_OBJECTIVE, options=kpi_options(), value="co2_t", size="sm"),
                             width=6)], class_name="mb-1 g-1"),
            dbc.Row([dbc.Label("Capex budget", html_for=ids.DECIDE_BUDGET, width=6, class_name="small"),
                     dbc.Col(dbc.Input(id=ids.DECIDE_BUDGET, placeholder="no budget", min=0, **number), width=6)],
                    class_name="mb-1 g-1"),
            html.Div("Limits on the scenario's KPIs a year", className="small fw-semibold mt-2"),
            *limits,
            dbc.Label("Always on", html_for=ids.DECIDE_FORCE_ON, class_name="small mt-2 mb-0"),
            dcc.Dropdown(id=ids.DECIDE_FORCE_ON, multi=True, placeholder="links to keep on", className="small"),
            dbc.Label("Never on", html_for=ids.DECIDE_FORCE_OFF, class_name="small mt-1 mb-0"),
            dcc.Dropdown(id=ids.DECIDE_FORCE_OFF, multi=True, placeholder="links to leave out", className="small"),
            html.Div([dbc.Button("Find the best set", id=ids.DECIDE_RUN, color="primary", size="sm"),
                      dbc.Button("Cancel", id=ids.DECIDE_CANCEL, color="secondary", outline=True, size="sm",
                                 disabled=True)], className="d-flex gap-2 mt-2"),
            dbc.Progress(id=ids.DECIDE_PROGRESS, value=0, striped=True, animated=True, className="mt-2",
                         style={"visibility": "hidden"}),
        ]),
    ], className="h-100")
    answer = dbc.Card([
        dbc.CardHeader(html.H3("Answer", className="h6 mb-0")),
        dbc.CardBody(html.Div("Choose what to make lowest and press \u201cFind the best set\u201d.",
                              id=ids.DECIDE_ANSWER, className="text-muted", role="status",
                              **{"aria-live": "polite"})),
    ], className="h-100")
    front = dbc.Card([
        dbc.CardHeader([html.H3("Best trade-offs", className="h6 mb-0 me-2"),
                        dbc.Label("First KPI", html_for=ids.DECIDE_FRONT_X, class_name="visually-hidden"),
                        dbc.Select(id=ids.DECIDE_FRONT_X, options=kpi_options(), value="co2_t", size="sm",
                                   class_name="w-auto"),
                        html.Span("against", className="small"),
                        dbc.Label("Second KPI", html_for=ids.DECIDE_FRONT_Y, class_name="visually-hidden"),
                        dbc.Select(id=ids.DECIDE_FRONT_Y, options=kpi_options(), value="cost", size="sm",
                                   class_name="w-auto")],
                       className="d-flex flex-wrap align-items-center gap-2"),
        dbc.CardBody([
            html.P("Each point is a set of links no other set beats on both; the star is the scenario shown. "
                   "Click a point to apply it.", className="small text-muted mb-1"),
            dcc.Loading(dcc.Graph(id=ids.DECIDE_FRONT, config=GRAPH_CONFIG, className="decide-front"),
                        delay_show=300, type="circle", overlay_style=DIMMED),
            html.Div(id=ids.DECIDE_FRONT_NOTE, className="small text-muted", role="status"),
        ]),
    ], className="h-100")
    return html.Div([
        dcc.Store(id=ids.DECIDE_PAGE, data=True),
        # the page's own address: the shell's would ask for this page's callbacks on every
        # toggle of the dashboard too (Dash requests a callback whose input changed before
        # it finds the outputs missing). Given the search, it does not set it on appearing.
        dcc.Location(id=ids.DECIDE_ADDRESS, refresh="callback-nav", search=search, pathname=pathname),
        dcc.Store(id=ids.DECIDE_MACC_QUERIES, data=[]),
        dcc.Store(id=ids.DECIDE_FRONT_QUERIES, data=[]),
        dbc.Navbar(dbc.Container([
            html.H1("Decide", id=ids.DECIDE_TITLE, className="h4 mb-0 text-white", **{"data-page-title": ""}),
            dcc.Link("\u2190 Dashboard", id=ids.DECIDE_BACK, href="/", className="btn btn-outline-light btn-sm"),
        ], fluid=True), color="dark", dark=True, className="mb-3 app-header", tag="header"),
        dbc.Container([
            html.H2(QUESTIONS["co2_t"], className="h4"),
            html.P("The curve takes the candidate links one at a time, cheapest CO2e cut first, each measured on "
                   "top of those before it, so the bars add up. Click a bar to switch on that link and every "
                   "cheaper one before it.", className="text-muted"),
            dcc.Loading(dbc.Row(id=ids.DECIDE_KPIS, className="kpi-strip"), delay_show=300, type="circle",
                        overlay_style=DIMMED),
            dbc.Card([
                dbc.CardHeader(html.H3("Marginal abatement cost curve", className="h6 mb-0")),
                dbc.CardBody([dcc.Loading(dcc.Graph(id=ids.DECIDE_MACC, config=GRAPH_CONFIG, className="decide-macc"),
                                          delay_show=300, type="circle", overlay_style=DIMMED),
                              html.Div(id=ids.DECIDE_MACC_NOTE, className="small text-muted")], className="p-1"),
            ], className="mb-3"),
            dbc.Row([dbc.Col(form, lg=4, className="mb-3"), dbc.Col(answer, lg=3, className="mb-3"),
                     dbc.Col(front, lg=5, className="mb-3")]),
            dbc.Card([
                dbc.CardHeader(html.H3("A fair deal on each candidate", className="h6 mb-0")),
                dbc.CardBody([html.P("The bar runs from the lowest to the highest transfer price (paid by the "
                                     "receiver to the supplier, per unit carried) that leaves both firms no worse "
                                     "off; the tick is the price in the data.", className="small text-muted"),
                              html.Div(id=ids.DECIDE_DEALS)]),
            ], className="mb-3"),
        ], fluid=True, tag="main"),
    ], id=ids.DECIDE_ROOT)


class DecideHandlers:
    """The page's logic as plain methods (tested without a server)."""

    def __init__(self, state: AppState):
        self.state = state

    def view(self, search: str | None) -> tuple[Request, model.Evaluation]:
        """The request of an address and its scenario view (a firm that leaves is gone from
        it with its links, so every figure here is of the park without it)."""
        request = self.state.read(search)
        return request, self.state.scenario_evaluation(request)

    @staticmethod
    def start(base: model.Evaluation) -> frozenset[str]:
        """Where the curve starts: the scenario's existing links, every candidate off."""
        park = base.park
        return frozenset(i for i in base.active if park.exchange[i].status is model.Status.EXISTING)

    @staticmethod
    def query(request: Request, on) -> str:
        """The URL query of the request's scenario with exactly the candidates ``on``
        switched on (existing links and firms that leave as they were)."""
        park, wanted = request.park, set(on)
        order = tuple(e.id for e in park.exchanges if e.id in wanted)
        off = tuple(i for i in request.scenario.off if park.exchange[i].status is model.Status.EXISTING)
        return model.Scenario(request.scenario.park_key, order, off, request.scenario.without).to_query() or "?"

    def render_top(self, search: str | None):
        request, _ = self.view(search)
        park = request.park
        views = self.state.views(request)
        candidates = [{"label": f"{e.name} ({e.id})", "value": e.id}
                      for e in park.exchanges if e.status is model.Status.CANDIDATE]
        return (f"Decide \u00b7 {park.name}", "/" + (search or "").lstrip("/"),
                [markup.to_dash(column) for column in kpi_strip(views, park.currency)], candidates, candidates)

    def render_macc(self, search: str | None):
        request, base = self.view(search)
        steps = macc(base.park, self.start(base))
        queries = [self.query(request, [s.id for s in steps[:n + 1]]) for n in range(len(steps))]
        cut = sum(s.co2_cut for s in steps)
        note = (f"{len(steps)} link{'s' if len(steps) != 1 else ''} cut CO2e, {si(cut, 't CO2e')} a year "
                "together; solid bars are on in the scenario shown.") if steps else \
            "No candidate link cuts CO2e from the existing links."
        return macc_figure(base.park, steps, base.active), queries, note

    def render_front(self, search: str | None, x: str, y: str, progress=None):
        request, base = self.view(search)
        if x == y:
            return no_update, [], "Pick two different KPIs."
        park = base.park
        front = pareto_front(park, (x, y), question(park, base.active), time_limit=PAGE_TIME_LIMIT,
                             progress=progress)
        queries = [self.query(request, point.on) for point in front.points]
        figure = front_figure(park, front.points, (x, y), base.totals)
        return figure, queries, front_note(front)

    def render_deals(self, search: str | None):
        _, base = self.view(search)
        park = base.park
        rows = []
        for exchange_id, deal in deals(park, base=base).items():
            exchange = park.exchange[exchange_id]
            rows.append(html.Tr([
                html.Td([exchange.name, html.Div(exchange_id, className="small text-muted font-monospace")]),
                html.Td(deal_summary(park, deal)),
                html.Td(deal_bar(park, deal, park.resource[exchange.resource].unit), className="deal-cell"),
            ], **{"data-exchange": exchange_id}))
        if not rows:
            return html.P("This park has no candidate links.")
        return dbc.Table([html.Thead(html.Tr([html.Th("Candidate"), html.Th("Who gains, who loses"),
                                              html.Th("Fair transfer price")])), html.Tbody(rows)],
                         size="sm", responsive=True, class_name="deal-table")

    def run(self, search: str | None, objective: str, budget, limits: dict, force_on, force_off, progress=None):
        """The optimiser's answer as components."""
        request, base = self.view(search)
        park = base.park
        try:
            q = question(park, base.active, budget=_number(budget),
                         limits={k: _number(v) for k, v in limits.items() if _number(v) is not None},
                         force_on=[i for i in force_on or () if i in park.exchange],
                         force_off=[i for i in force_off or () if i in park.exchange])
            best = best_portfolio(park, objective, q, time_limit=PAGE_TIME_LIMIT, progress=progress)
        except model.ParkError as error:
            return dbc.Alert("; ".join(p.message for p in error.problems), color="warning")
        return self.answer(request, best)

    def answer(self, request: Request, best: Best):
        if not best.feasible:
            return html.Div(dbc.Alert([html.Strong("No set of links works. "),
                                       best.message[:1].upper() + best.message[1:] + "."],
                                      color="warning", className="mb-0"), **{"data-feasible": "false"})
        portfolio = best.portfolio
        park = request.park
        baseline = self.state.evaluate(park, park.baseline_active).totals
        rows = []
        for kpi in model.KPI_NAMES:
            unit = kpi_unit(kpi, park.currency)
            value, base = getattr(portfolio.kpis, kpi), getattr(baseline, kpi)
            rows.append(html.Tr([html.Th(KPI_LABELS[kpi], scope="row", className="small"),
                                 html.Td(si(value, unit), className="num",
                                         **{"data-kpi": kpi, "data-value": repr(float(value))}),
                                 html.Td(change_text(value - base, unit, model.relative_change(value, base), base),
                                         className="small")]))
        names = [html.Li([park.exchange[i].name, " ", html.Code(i, className="small")]) for i in portfolio.on]
        proof = dbc.Badge("proven optimal", color="success") if best.optimal else \
            dbc.Badge("best found, not proven", color="secondary",
                      title="The park is too large to try every set; this is the best found in the time")
        target = "/decide" + self.query(request, portfolio.on)
        return html.Div([
            html.Div([proof, html.Span(f" capex {si(portfolio.capex, park.currency)}", className="small")]),
            dbc.Table([html.Thead(html.Tr([html.Th("A year"), html.Th("With this set", className="num"),
                                           html.Th("vs baseline")])), html.Tbody(rows)],
                      size="sm", class_name="mt-2 mb-2 decide-answer-kpis"),
            html.Div(f"{len(portfolio.on)} candidate link{'s' if len(portfolio.on) != 1 else ''} on:",
                     className="small fw-semibold"),
            html.Ul(names, className="small ps-3 mb-2") if names else html.P("none", className="small"),
            dcc.Link("Apply", id=ids.DECIDE_APPLY, href=target, className="btn btn-primary btn-sm"),
        ], **{"data-feasible": "true", "data-optimal": str(best.optimal).lower()})


def front_note(front: Front) -> str:
    if not front.feasible:
        return f"No set of links works: {front.message}."
    count = len(front.points)
    proof = "Proven: this is the whole front." if front.optimal else \
        "Best found in the time; the park is too large to prove the front complete."
    return f"{count} point{'s' if count != 1 else ''}. {proof}"


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def register_decide_callbacks(app: Dash, state: AppState) -> DecideHandlers:
    handlers = DecideHandlers(state)

    @app.callback(Output(ids.DECIDE_TITLE, "children"), Output(ids.DECIDE_BACK, "href"),
                  Output(ids.DECIDE_KPIS, "children"), Output(ids.DECIDE_FORCE_ON, "options"),
                  Output(ids.DECIDE_FORCE_OFF, "options"),
                  Input(ids.DECIDE_ADDRESS, "search"), Input(ids.DECIDE_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _top(search, _page):
        return handlers.render_top(search)

    @app.callback(Output(ids.DECIDE_MACC, "figure"), Output(ids.DECIDE_MACC_QUERIES, "data"),
                  Output(ids.DECIDE_MACC_NOTE, "children"),
                  Input(ids.DECIDE_ADDRESS, "search"), Input(ids.DECIDE_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _macc(search, _page):
        return handlers.render_macc(search)

    @app.callback(Output(ids.DECIDE_DEALS, "children"), Input(ids.DECIDE_ADDRESS, "search"),
                  Input(ids.DECIDE_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _deals(search, _page):
        return handlers.render_deals(search)

    @app.callback(Output(ids.DECIDE_FRONT, "figure"), Output(ids.DECIDE_FRONT_QUERIES, "data"),
                  Output(ids.DECIDE_FRONT_NOTE, "children"),
                  Input(ids.DECIDE_ADDRESS, "search"), Input(ids.DECIDE_FRONT_X, "value"), Input(ids.DECIDE_FRONT_Y, "value"),
                  Input(ids.DECIDE_PAGE, "data"), background=True)
    def _front(search, x, y, _page):  # a background callback: its inputs are checked here
        return handlers.render_front(check.address(search), check.optional_text(x), check.optional_text(y))

    @app.callback(Output(ids.DECIDE_ANSWER, "children"),
                  Input(ids.DECIDE_RUN, "n_clicks"), State(ids.URL, "search"), State(ids.DECIDE_OBJECTIVE, "value"),
                  State(ids.DECIDE_BUDGET, "value"), *[State(ids.DECIDE_LIMIT[k], "value") for k in model.KPI_NAMES],
                  State(ids.DECIDE_FORCE_ON, "value"), State(ids.DECIDE_FORCE_OFF, "value"),
                  background=True, prevent_initial_call=True,
                  running=[(Output(ids.DECIDE_RUN, "disabled"), True, False),
                           (Output(ids.DECIDE_CANCEL, "disabled"), False, True),
                           (Output(ids.DECIDE_PROGRESS, "style"), {"visibility": "visible"}, {"visibility": "hidden"})],
                  progress=[Output(ids.DECIDE_PROGRESS, "value"), Output(ids.DECIDE_PROGRESS, "label")],
                  cancel=[Input(ids.DECIDE_CANCEL, "n_clicks")])
    def _run(set_progress, _clicks, search, objective, budget, *rest):
        limits = dict(zip(model.KPI_NAMES, rest[:4]))
        force_on, force_off = rest[4], rest[5]

        def progress(fraction: float, text: str) -> None:
            set_progress((round(100 * fraction), text))

        set_progress((2, "starting"))
        search, objective = check.address(search), check.optional_text(objective)
        force_on, force_off = check.each(check.optional_text)(force_on), check.each(check.optional_text)(force_off)
        return handlers.run(search, objective, budget, limits, force_on, force_off, progress)

    # A click on a bar or a point applies its scenario: only the address changes.
    app.clientside_callback(
        """
        function(macc, front, maccQueries, frontQueries) {
            const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
            const click = trigger.startsWith("MACC_ID") ? macc : front;
            const queries = trigger.startsWith("MACC_ID") ? maccQueries : frontQueries;
            if (!click || !click.points || !click.points.length) { return dash_clientside.no_update; }
            const data = click.points[0].customdata;
            const index = Array.isArray(data) ? data[0] : data;
            if (typeof index !== "number" || !queries || index >= queries.length) { return dash_clientside.no_update; }
            return queries[index] || "?";
        }
        """.replace("MACC_ID", ids.DECIDE_MACC),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.DECIDE_MACC, "clickData"), Input(ids.DECIDE_FRONT, "clickData"),
        State(ids.DECIDE_MACC_QUERIES, "data"), State(ids.DECIDE_FRONT_QUERIES, "data"),
        prevent_initial_call=True)
    return handlers


__all__ = ["DecideHandlers", "decide_layout", "register_decide_callbacks"]
