"""The app's callbacks. ``Handlers`` holds the logic as plain methods (tested directly);
``register_callbacks`` wires them to component ids. No module-level state: everything
a handler needs comes from the AppState it is given and from its inputs."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import SankeyView, sankey_figure, sankey_views
from dashboard.model.deal import deal_in
from dashboard.model.worth import on_minus_off, worth_of

from . import components, ids
from . import inputs as check
from .downloads import export_href
from .state import AppState, resolve_lenient


class Handlers:
    """Callback logic bound to one AppState."""

    def __init__(self, state: AppState):
        self.state = state

    # -- rendering ------------------------------------------------------------------

    def render_header(self, search: str | None):
        """Park title and facts, the Sankey diagrams this park needs, and the exchange ids
        the browser needs to edit the scenario. Which Sankey is shown is the browser's
        business (``eco.syncSankey``): it follows the address's fragment."""
        park = self.state.read(search).park
        meta = " \u00b7 ".join(str(part) for part in (park.country, park.year, f"money in {park.currency}",
                                                       "per year") if part)
        options = [{"label": view.label, "value": view.key} for view in sankey_views(park)]
        exchanges = {"key": self.state.park_key(park), "order": [e.id for e in park.exchanges],
                     "existing": sorted(park.baseline_active)}
        return park.name, meta, options, exchanges

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

    def render_table(self, search: str | None) -> dict:
        """The exchange list's rows for the scenario (the browser filters, sorts and draws)."""
        request = self.state.read(search)
        return components.exchange_table_data(request.park, self.state.scenario_evaluation(request),
                                              self.state.marginal(request), self.state.park_key(request.park))

    def render_firm_panel(self, search: str | None, firm_id: str | None):
        request = self.state.read(search)
        park = request.park
        if not firm_id or firm_id not in park.firm:
            return no_update, no_update
        views = self.state.views(request)
        base = views.scenario      # a firm that leaves is gone from it, with its links
        mine = [e.id for e in base.park.exchanges if firm_id in (e.from_firm, e.to_firm)]
        marginal = self.state.marginal(request)
        values = {i: worth_of(base.park, base.park.exchange[i], delta)
                  for i, delta in on_minus_off(base, {i: marginal[i] for i in mine}).items()}
        fair = {i: deal for i in mine if (deal := deal_in(base, i)) is not None}
        return components.firm_panel(park, firm_id, views, values, fair), park.firm[firm_id].name

    def render_sources(self, search: str | None):
        request = self.state.read(search)
        return components.sources_view(request.park, self.state.views(request))

    def switch_note(self, search: str, last: str | None):
        """(note, Undo's style, the query Undo goes back to, the query to remember) after
        the address changed from ``last`` to ``search``: the exchanges just switched, by
        name, with Undo; nothing on the first page load or when the park changed."""
        hidden = {"display": "none"}
        if last is None or last == search:
            return "", hidden, None, search
        park, before, _ = resolve_lenient(self.state, last)
        now, after, _ = resolve_lenient(self.state, search)
        note = components.switch_note(now, before, after) if now is park else ""
        if not note:
            return "", hidden, None, search
        return note, {}, last, search

    @staticmethod
    def clicked(click_data: dict | None) -> tuple[str, str] | None:
        """("firm", id) or ("exchange", id) from a network click, else None."""
        try:
            kind, ref = click_data["points"][0]["customdata"]
        except (TypeError, KeyError, IndexError, ValueError):
            return None
        return (kind, ref) if kind in ("firm", "exchange") and isinstance(ref, str) else None


def register_callbacks(app: Dash, state: AppState) -> Handlers:
    """Wire the handlers to the layout's component ids."""
    handlers = Handlers(state)

    @app.callback(
        Output(ids.PARK_TITLE, "children"), Output(ids.PARK_META, "children"),
        Output(ids.SANKEY_TABS, "options"), Output(ids.PARK_EXCHANGES, "data"),
        Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _render_header(search, _page):
        return handlers.render_header(search)

    @app.callback(
        Output(ids.KPI_STRIP, "children"), Output(ids.SCENARIO_SUMMARY, "children"),
        Output(ids.ERROR_ALERT, "children"), Output(ids.ERROR_ALERT, "is_open"),
        Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _render_kpis(search, _page):
        return handlers.render_kpis(search)

    @app.callback(Output(ids.SWITCH_NOTE, "children"), Output(ids.UNDO_BUTTON, "style"),
                  Output(ids.UNDO_SEARCH, "data"), Output(ids.LAST_SEARCH, "data"),
                  Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"), State(ids.LAST_SEARCH, "data"),
                  State(ids.UNDO_SEARCH, "data"))
    @check.checked(check.address, check.anything, check.optional_address, check.optional_address)
    def _switch_note(search, _page, last, _undo):
        return handlers.switch_note(search, last)

    @app.callback(Output(ids.URL, "search", allow_duplicate=True), Input(ids.UNDO_BUTTON, "n_clicks"),
                  State(ids.UNDO_SEARCH, "data"), prevent_initial_call=True)
    @check.checked(check.count, check.optional_address)
    def _undo(clicks, previous):
        return previous if clicks and previous is not None else no_update

    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="syncSankey"),
        Output(ids.SANKEY_TABS, "value"), Output(ids.URL, "hash"),
        Input(ids.SANKEY_TABS, "options"), Input(ids.SANKEY_TABS, "value"))

    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="shareLink"),
        Output(ids.SHARE_LINK, "value"), Input(ids.URL, "search"), Input(ids.URL, "hash"))

    @app.callback([Output(ids.EXPORT_LINK[kind], "href") for kind in ids.EXPORT_LINK]
                  + [Output(ids.KIOSK_LINK, "href"), Output(ids.DECIDE_LINK, "href")],
                  Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _links(search, _page):
        return [export_href(kind, search) for kind in ids.EXPORT_LINK] + ["/kiosk" + (search or ""),
                                                                           "/decide" + (search or "")]

    @app.callback(Output(ids.NETWORK_GRAPH, "figure"), Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _render_network(search, _page):
        return handlers.render_network(search)

    @app.callback(Output(ids.SANKEY_GRAPH, "figure"), Input(ids.URL, "search"), Input(ids.SANKEY_TABS, "value"))
    @check.checked(check.address, check.optional_text)
    def _render_sankey(search, view_key):
        return handlers.render_sankey(search, view_key)

    @app.callback(Output(ids.TABLE_DATA, "data"), Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    @check.checked(check.address, check.anything)
    def _render_table(search, _page):
        return handlers.render_table(search)

    # The list is drawn in the browser from that data (assets/eco_park.js): filtering,
    # sorting and paging need no round trip, and its toggles and firm buttons set the
    # URL and the firm panel directly.
    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="drawTable"),
        Output(ids.TABLE_COUNT, "children"), Output(ids.TABLE_PAGER, "children"),
        Output(ids.PAGE_PREVIOUS, "disabled"), Output(ids.PAGE_NEXT, "disabled"),
        Input(ids.TABLE_DATA, "data"), Input(ids.FILTER_CATEGORY, "value"), Input(ids.FILTER_STATUS, "value"),
        Input(ids.FILTER_TEXT, "value"), Input(ids.TABLE_SORT, "data"), Input(ids.TABLE_PAGE, "data"))

    # Scenario changes only edit the URL, in the browser (assets/eco_park.js): no round trip.
    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="scenario"),
        Output(ids.URL, "search"),
        Input(ids.NETWORK_GRAPH, "clickData"),
        Input(ids.RESET_BUTTON, "n_clicks"), Input(ids.ALL_CANDIDATES_BUTTON, "n_clicks"),
        State(ids.URL, "search"), State(ids.PARK_EXCHANGES, "data"), prevent_initial_call=True)

    @app.callback(
        Output(ids.SELECTED_FIRM, "data"), Output(ids.FIRM_PANEL, "is_open"),
        Input(ids.NETWORK_GRAPH, "clickData"), prevent_initial_call=True)
    @check.checked(check.click)
    def _open_firm(click_data):
        clicked = Handlers.clicked(click_data)
        if clicked and clicked[0] == "firm":
            return clicked[1], True
        return no_update, no_update

    @app.callback(Output(ids.FIRM_PANEL_BODY, "children"), Output(ids.FIRM_PANEL_TITLE, "children"),
                  Input(ids.URL, "search"), Input(ids.SELECTED_FIRM, "data"))
    @check.checked(check.address, check.firm_id)
    def _render_firm(search, firm_id):
        return handlers.render_firm_panel(search, firm_id)

    @app.callback(Output(ids.SOURCES_MODAL, "is_open"), Output(ids.SOURCES_BODY, "children"),
                  Input(ids.SOURCES_BUTTON, "n_clicks"), State(ids.URL, "search"), prevent_initial_call=True)
    @check.checked(check.anything, check.address)
    def _open_sources(_clicks, search):
        return True, handlers.render_sources(search)

    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="turnPage"),
        Output(ids.TABLE_PAGE, "data"),
        Input(ids.PAGE_PREVIOUS, "n_clicks"), Input(ids.PAGE_NEXT, "n_clicks"),
        Input(ids.FILTER_CATEGORY, "value"), Input(ids.FILTER_STATUS, "value"),
        Input(ids.FILTER_TEXT, "value"), Input(ids.TABLE_SORT, "data"),
        State(ids.TABLE_PAGE, "data"), prevent_initial_call=True)

    app.clientside_callback(
        "function(clicks, open) { return !open; }",
        Output(ids.NAV_COLLAPSE, "is_open"), Input(ids.NAV_TOGGLE, "n_clicks"), State(ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True)

    app.clientside_callback(
        """
        function(clicks) {
            const href = window.location.href;
            if (navigator.clipboard && window.isSecureContext) {
                return navigator.clipboard.writeText(href).then(() => "Link copied", () => "Copy the link below");
            }
            const field = document.getElementById("share-link");
            if (field) { field.focus(); field.select(); }
            return "Copy the link below";
        }
        """,
        Output(ids.SHARE_STATUS, "children"), Input(ids.SHARE_BUTTON, "n_clicks"), prevent_initial_call=True)
    return handlers


__all__ = ["Handlers", "register_callbacks"]
