"""The app's callbacks. ``Handlers`` holds the logic as plain methods (tested directly);
``register_callbacks`` wires them to component ids. No module-level state: everything
a handler needs comes from the AppState it is given and from its inputs."""

from __future__ import annotations

from urllib.parse import quote, unquote

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import SankeyView, sankey_figure, sankey_views
from dashboard.model.deal import deal_in
from dashboard.model.worth import on_minus_off, worth_of

from . import components, ids
from .downloads import export_href
from .exchange_list import ListQuery, first_direction, list_page
from .state import AppState


class Handlers:
    """Callback logic bound to one AppState."""

    def __init__(self, state: AppState):
        self.state = state

    # -- rendering ------------------------------------------------------------------

    def render_header(self, park_key: str | None):
        """Park title and facts, the Sankey diagrams this park needs, and what the browser
        needs to edit the scenario (``client_park``). Runs when the park changes, not on a
        toggle. Which Sankey is shown follows the address's fragment (``sankey_tab``)."""
        park = self.state.read(model.Scenario(park_key or "").to_query()).park
        meta = " \u00b7 ".join(str(part) for part in (park.country, park.year, f"money in {park.currency}",
                                                       "per year") if part)
        options = [{"label": view.label, "value": view.key} for view in sankey_views(park)]
        return park.name, meta, options, client_park(park, self.state.park_key(park))

    def render_kpis(self, search: str | None):
        """KPI cards, scenario summary, and the error state of a bad link."""
        request = self.state.read(search)
        park, messages = request.park, request.messages
        views = self.state.views(request)
        alert = components.problems_alert([model.Problem(None, None, None, m) for m in messages]) \
            if messages else None
        return (components.kpi_strip(views, park.currency), model.scenario_summary(park, request.scenario),
                alert, bool(messages))

    def render_network(self, search: str | None):
        return network_figure(self.state.scenario_evaluation(self.state.read(search)))

    def render_sankey(self, search: str | None, view_key: str | None):
        request = self.state.read(search)
        views = sankey_views(request.park)
        if not views:
            return no_update
        keys = [v.key for v in views]
        view = SankeyView.from_key(view_key) if view_key in keys else views[0]
        return sankey_figure(self.state.scenario_evaluation(request), view)

    def render_list(self, search: str | None, query: ListQuery):
        """The page of the exchange list ``query`` asks for, in the scenario of ``search``:
        (rows, "n of N exchanges", "page p of P", previous disabled, next disabled, page,
        the headings' labels and their aria-sort)."""
        request = self.state.read(search)
        evaluation = self.state.scenario_evaluation(request)
        shown = list_page(evaluation, self.state.list_entries(request.park), query,
                          lambda: self.state.marginal(request))
        rows = model.exchange_rows(request.park, evaluation, self.state.marginal_of(request, shown.ids), shown.ids)
        labels, orders = components.sort_state(request.park.currency,
                                               {"column": query.sort, "descending": query.descending})
        return ([components.exchange_row(row, request.park.currency) for row in rows],
                f"{shown.matched:,} of {shown.total:,} exchanges", f"page {shown.page + 1:,} of {shown.pages:,}",
                shown.page == 0, shown.page >= shown.pages - 1, shown.page, labels, orders)

    def render_firm_panel(self, search: str | None, firm_id: str | None, is_open: bool = True):
        """The firm panel's body and title; nothing while the panel is closed."""
        request = self.state.read(search) if is_open else None
        if request is None or not firm_id or firm_id not in request.park.firm:
            return no_update, no_update
        park = request.park
        views = self.state.views(request)
        base = views.scenario      # a firm that leaves is gone from it, with its links
        mine = [e.id for e in base.park.exchanges if firm_id in (e.from_firm, e.to_firm)]
        marginal = self.state.marginal_of(request, tuple(mine))
        values = {i: worth_of(base.park, base.park.exchange[i], delta)
                  for i, delta in on_minus_off(base, marginal).items()}
        fair = {i: deal for i in mine if (deal := deal_in(base, i)) is not None}
        return components.firm_panel(park, firm_id, views, values, fair), park.firm[firm_id].name

    def render_sources(self, search: str | None):
        request = self.state.read(search)
        return components.sources_view(request.park, self.state.views(request))

    @staticmethod
    def clicked(click_data: dict | None) -> tuple[str, str] | None:
        """("firm", id) or ("exchange", id) from a network click, else None."""
        try:
            kind, ref = click_data["points"][0]["customdata"]
        except (TypeError, KeyError, IndexError, ValueError):
            return None
        return (kind, ref) if kind in ("firm", "exchange") else None


def client_park(park: model.Park, key: str) -> dict:
    """What the browser needs to write a scenario's address without a round trip
    (assets/eco_scenario.js): the park's key, its exchange ids in order, the existing
    ones, and its firm ids in order. Sent once per park."""
    return {"key": key, "order": [e.id for e in park.exchanges], "existing": sorted(park.baseline_active),
            "firms": [f.id for f in park.firms]}


SANKEY_FRAGMENT = "#sankey="


def sankey_tab(keys: list[str], shown: str | None, fragment: str | None, clicked: bool) -> tuple[str | None, str | None]:
    """The Sankey tab and the address's fragment following each other: (tab to show,
    fragment to write), None for "leave it". A click on a tab writes ``#sankey=KEY`` (a
    history entry; none for the first view while no fragment is there, so a plain page load
    adds none); otherwise (a link opened, Back or Forward, a new park's tabs) the tab follows
    the fragment, the first view where it names none of this park's."""
    if not keys:
        return None, None
    text = fragment or ""
    linked = unquote(text[len(SANKEY_FRAGMENT):]) if text.startswith(SANKEY_FRAGMENT) else None
    if clicked and shown in keys:
        if linked is None and shown == keys[0]:
            return None, None
        wanted = SANKEY_FRAGMENT + quote(shown, safe=":")
        return None, (None if wanted == text else wanted)
    chosen = linked if linked in keys else keys[0]
    return (None if chosen == shown else chosen), None


def list_query(category: str | None, status: str | None, text: str | None, sort: dict | None,
               page: int | None) -> ListQuery:
    sort = sort or {}
    return ListQuery(category or "all", status or "all", text or "", sort.get("column") or "",
                     bool(sort.get("descending")), page or 0)


def next_sort(sort: dict | None, column: str) -> dict:
    """A heading clicked: the other direction if it is the sorted column, else its first one."""
    sort = sort or {}
    if sort.get("column") == column:
        return {"column": column, "descending": not sort.get("descending")}
    return {"column": column, "descending": first_direction(column)}


def register_callbacks(app: Dash, state: AppState) -> Handlers:
    """Wire the handlers to the layout's component ids. A toggle changes the address's
    search in the browser (``eco.switchScenario``); the callbacks reading it redraw what
    depends on the scenario: cards, views, the list's page, links, an open firm panel."""
    handlers = Handlers(state)
    Ids = ids.MainIds
    url = ids.ShellIds.URL

    def eco(name: str) -> ClientsideFunction:
        return ClientsideFunction(namespace="eco", function_name=name)

    # -- the park (not redrawn on a toggle) ---------------------------------------------
    app.clientside_callback(eco("parkKey"), Output(Ids.PARK_KEY, "data"),
                            Input(url, "search"), Input(Ids.MAIN_PAGE, "data"), State(Ids.PARK_KEY, "data"))

    @app.callback(
        Output(Ids.PARK_TITLE, "children"), Output(Ids.PARK_META, "children"),
        Output(Ids.SANKEY_TABS, "options"), Output(Ids.PARK_EXCHANGES, "data"),
        Input(Ids.PARK_KEY, "data"), prevent_initial_call=True)
    def _render_header(park_key):
        return handlers.render_header(park_key)

    # -- the scenario ----------------------------------------------------------------------
    app.clientside_callback(
        eco("switchScenario"), Output(url, "search"),
        Input(Ids.NETWORK_GRAPH, "clickData"), Input(Ids.RESET_BUTTON, "n_clicks"),
        Input(Ids.ALL_CANDIDATES_BUTTON, "n_clicks"), Input({"type": Ids.EXCHANGE_TOGGLE, "index": ALL}, "value"),
        State(url, "search"), State(Ids.PARK_EXCHANGES, "data"), prevent_initial_call=True)

    @app.callback(
        Output(Ids.KPI_STRIP, "children"), Output(Ids.SCENARIO_SUMMARY, "children"),
        Output(Ids.ERROR_ALERT, "children"), Output(Ids.ERROR_ALERT, "is_open"),
        Input(url, "search"), Input(Ids.MAIN_PAGE, "data"))
    def _render_kpis(search, _page):
        return handlers.render_kpis(search)

    @app.callback(Output(Ids.NETWORK_GRAPH, "figure"), Input(url, "search"), Input(Ids.MAIN_PAGE, "data"))
    def _render_network(search, _page):
        return handlers.render_network(search)

    @app.callback(Output(Ids.SANKEY_GRAPH, "figure"), Input(url, "search"), Input(Ids.SANKEY_TABS, "value"))
    def _render_sankey(search, view_key):
        return handlers.render_sankey(search, view_key)

    @app.callback([Output(link, "href") for link in ids.EXPORT_LINK.values()]
                  + [Output(Ids.KIOSK_LINK, "href"), Output(ids.DECIDE_LINK, "href")],
                  Input(url, "search"), Input(Ids.MAIN_PAGE, "data"))
    def _links(search, _page):
        return [export_href(kind, search) for kind in ids.EXPORT_LINK] + ["/kiosk" + (search or ""),
                                                                           "/decide" + (search or "")]

    # -- the Sankey shown, in the address's fragment (Back and Forward bring it back) -----
    # (The page's own dcc.Location: the shell's would fire this while no tabs are drawn.)
    @app.callback(Output(Ids.SANKEY_TABS, "value"), Output(Ids.ADDRESS, "hash"),
                  Input(Ids.SANKEY_TABS, "options"), Input(Ids.SANKEY_TABS, "value"), Input(Ids.ADDRESS, "hash"),
                  prevent_initial_call=True)  # the tabs arrive with the park (_render_header)
    def _sankey_tab(options, shown, fragment):
        clicked = f"{Ids.SANKEY_TABS}.value" in ctx.triggered_prop_ids
        tab, written = sankey_tab([o["value"] for o in options or []], shown, fragment, clicked)
        return (no_update if tab is None else tab), (no_update if written is None else written)

    app.clientside_callback(eco("shareLink"), Output(Ids.SHARE_LINK, "value"), Input(url, "search"),
                            Input(url, "hash"))
    app.clientside_callback(eco("copyLink"), Output(Ids.SHARE_STATUS, "children"), Input(Ids.SHARE_BUTTON, "n_clicks"),
                            prevent_initial_call=True)

    # -- the exchange list: one page, drawn on the server ---------------------------------
    @app.callback(
        Output(Ids.EXCHANGE_ROWS, "children"), Output(Ids.TABLE_COUNT, "children"),
        Output(Ids.TABLE_PAGER, "children"), Output(Ids.PAGE_PREVIOUS, "disabled"),
        Output(Ids.PAGE_NEXT, "disabled"), Output(Ids.TABLE_PAGE, "data"),
        Output({"type": Ids.SORT_BUTTON, "index": ALL}, "children"),
        Output({"type": Ids.SORT_HEADING, "index": ALL}, "aria-sort"),
        Input(url, "search"), Input(Ids.MAIN_PAGE, "data"), Input(Ids.FILTER_CATEGORY, "value"),
        Input(Ids.FILTER_STATUS, "value"), Input(Ids.FILTER_TEXT, "value"), Input(Ids.TABLE_SORT, "data"),
        Input(Ids.PAGE_PREVIOUS, "n_clicks"), Input(Ids.PAGE_NEXT, "n_clicks"), State(Ids.TABLE_PAGE, "data"))
    def _render_list(search, _page, category, status, text, sort, _previous, _next, page):
        moved = ctx.triggered_prop_ids
        page = page or 0
        if f"{Ids.PAGE_PREVIOUS}.n_clicks" in moved:
            page -= 1
        elif f"{Ids.PAGE_NEXT}.n_clicks" in moved:
            page += 1
        elif {f"{Ids.FILTER_CATEGORY}.value", f"{Ids.FILTER_STATUS}.value", f"{Ids.FILTER_TEXT}.value",
              f"{Ids.TABLE_SORT}.data"} & set(moved):
            page = 0  # filters or sort changed: back to the first page
        return handlers.render_list(search, list_query(category, status, text, sort, page))

    @app.callback(Output(Ids.TABLE_SORT, "data"), Input({"type": Ids.SORT_BUTTON, "index": ALL}, "n_clicks"),
                  State(Ids.TABLE_SORT, "data"), prevent_initial_call=True)
    def _sort(_clicks, sort):
        clicked = ctx.triggered_id
        if not isinstance(clicked, dict) or not ctx.triggered[0]["value"]:
            return no_update
        return next_sort(sort, clicked["index"])

    # -- the firm panel ---------------------------------------------------------------------
    @app.callback(
        Output(Ids.SELECTED_FIRM, "data"), Output(Ids.FIRM_PANEL, "is_open"),
        Input(Ids.NETWORK_GRAPH, "clickData"), Input({"type": Ids.FIRM_BUTTON, "index": ALL, "firm": ALL}, "n_clicks"),
        prevent_initial_call=True)
    def _open_firm(click_data, _clicks):
        trigger = ctx.triggered_id
        if isinstance(trigger, dict):
            return (trigger["firm"], True) if ctx.triggered[0]["value"] else (no_update, no_update)
        clicked = Handlers.clicked(click_data)
        if clicked and clicked[0] == "firm":
            return clicked[1], True
        return no_update, no_update

    @app.callback(Output(Ids.FIRM_PANEL_BODY, "children"), Output(Ids.FIRM_PANEL_TITLE, "children"),
                  Input(url, "search"), Input(Ids.SELECTED_FIRM, "data"), Input(Ids.FIRM_PANEL, "is_open"))
    def _render_firm(search, firm_id, is_open):
        return handlers.render_firm_panel(search, firm_id, bool(is_open))

    @app.callback(Output(Ids.SOURCES_MODAL, "is_open"), Output(Ids.SOURCES_BODY, "children"),
                  Input(Ids.SOURCES_BUTTON, "n_clicks"), State(url, "search"), prevent_initial_call=True)
    def _open_sources(_clicks, search):
        return True, handlers.render_sources(search)

    app.clientside_callback(
        "function(clicks, open) { return !open; }",
        Output(Ids.NAV_COLLAPSE, "is_open"), Input(Ids.NAV_TOGGLE, "n_clicks"), State(Ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True)
    return handlers


__all__ = ["Handlers", "client_park", "list_query", "next_sort", "register_callbacks", "sankey_tab"]
