"""The app's callbacks. ``Handlers`` holds the logic as plain methods (tested directly);
``register_callbacks`` wires them to component ids. No module-level state: everything
a handler needs comes from the AppState it is given and from its inputs."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from dashboard import model
from dashboard.figures.network import network_figure
from dashboard.figures.sankey import SankeyView, sankey_figure, sankey_views

from . import components, ids
from .downloads import export_href
from .state import AppState, resolve_lenient


class Handlers:
    """Callback logic bound to one AppState."""

    def __init__(self, state: AppState):
        self.state = state

    # -- rendering ------------------------------------------------------------------

    def render_header(self, search: str | None, sankey_value: str | None):
        """Park title and facts, and the Sankey diagrams this park needs."""
        park, _, _ = resolve_lenient(self.state, search)
        meta = " \u00b7 ".join(str(part) for part in (park.country, park.year, f"money in {park.currency}",
                                                       "per year") if part)
        options = [{"label": view.label, "value": view.key} for view in sankey_views(park)]
        keys = [option["value"] for option in options]
        value = no_update if sankey_value in keys else (keys[0] if keys else None)
        exchanges = {"key": self.state.park_key(park), "order": [e.id for e in park.exchanges],
                     "existing": sorted(park.baseline_active)}
        return park.name, meta, options, value, exchanges

    def render_kpis(self, search: str | None, href: str | None = None):
        """KPI cards, scenario summary, the error state of a bad link, and the share link."""
        park, active, messages = resolve_lenient(self.state, search)
        views = self.state.views(park, active)
        alert = components.problems_alert([model.Problem(None, None, None, m) for m in messages]) \
            if messages else None
        return (components.kpi_strip(views, park.currency), components.scenario_summary(park, active),
                alert, bool(messages), href or "")

    def render_network(self, search: str | None):
        park, active, _ = resolve_lenient(self.state, search)
        return network_figure(self.state.evaluate(park, active))

    def render_sankey(self, search: str | None, view_key: str | None):
        park, active, _ = resolve_lenient(self.state, search)
        views = sankey_views(park)
        if not views:
            return no_update
        keys = [v.key for v in views]
        view = SankeyView.from_key(view_key) if view_key in keys else views[0]
        return sankey_figure(self.state.evaluate(park, active), view)

    def render_table(self, search: str | None, category: str, status: str, text: str, sort: dict, page: int):
        park, active, _ = resolve_lenient(self.state, search)
        evaluation = self.state.evaluate(park, active)
        marginal = self.state.marginal(park, active)
        rows = components.exchange_rows(park, evaluation, marginal, category, status, text, sort)
        pages = components.page_count(len(rows))
        page = min(max(int(page or 0), 0), pages - 1)
        shown = rows[page * components.PAGE_SIZE:(page + 1) * components.PAGE_SIZE]
        count = f"{len(rows)} of {len(park.exchanges)} exchanges"
        return (components.exchange_table(park, shown, marginal, sort), count, f"page {page + 1} of {pages}",
                page == 0, page >= pages - 1)

    def render_firm_panel(self, search: str | None, firm_id: str | None):
        park, active, _ = resolve_lenient(self.state, search)
        if not firm_id or firm_id not in park.firm:
            return no_update, no_update
        return components.firm_panel(park, firm_id, self.state.views(park, active)), park.firm[firm_id].name

    def render_sources(self, search: str | None):
        park, active, _ = resolve_lenient(self.state, search)
        return components.sources_view(park, self.state.views(park, active))

    @staticmethod
    def clicked(click_data: dict | None) -> tuple[str, str] | None:
        """("firm", id) or ("exchange", id) from a network click, else None."""
        try:
            kind, ref = click_data["points"][0]["customdata"]
        except (TypeError, KeyError, IndexError, ValueError):
            return None
        return (kind, ref) if kind in ("firm", "exchange") else None


def register_callbacks(app: Dash, state: AppState) -> Handlers:
    """Wire the handlers to the layout's component ids."""
    handlers = Handlers(state)

    @app.callback(
        Output(ids.PARK_TITLE, "children"), Output(ids.PARK_META, "children"),
        Output(ids.SANKEY_TABS, "options"), Output(ids.SANKEY_TABS, "value"), Output(ids.PARK_EXCHANGES, "data"),
        Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"), State(ids.SANKEY_TABS, "value"))
    def _render_header(search, _page, sankey_value):
        return handlers.render_header(search, sankey_value)

    @app.callback(
        Output(ids.KPI_STRIP, "children"), Output(ids.SCENARIO_SUMMARY, "children"),
        Output(ids.ERROR_ALERT, "children"), Output(ids.ERROR_ALERT, "is_open"), Output(ids.SHARE_LINK, "value"),
        Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"), State(ids.URL, "href"))
    def _render_kpis(search, _page, href):
        return handlers.render_kpis(search, href)

    @app.callback([Output(ids.EXPORT_LINK[kind], "href") for kind in ids.EXPORT_LINK] + [Output(ids.KIOSK_LINK, "href")],
                  Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    def _links(search, _page):
        return [export_href(kind, search) for kind in ids.EXPORT_LINK] + ["/kiosk" + (search or "")]

    @app.callback(Output(ids.NETWORK_GRAPH, "figure"), Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"))
    def _render_network(search, _page):
        return handlers.render_network(search)

    @app.callback(Output(ids.SANKEY_GRAPH, "figure"), Input(ids.URL, "search"), Input(ids.SANKEY_TABS, "value"))
    def _render_sankey(search, view_key):
        return handlers.render_sankey(search, view_key)

    @app.callback(
        Output(ids.EXCHANGE_TABLE, "children"), Output(ids.TABLE_COUNT, "children"), Output(ids.TABLE_PAGER, "children"),
        Output(ids.PAGE_PREVIOUS, "disabled"), Output(ids.PAGE_NEXT, "disabled"),
        Input(ids.URL, "search"), Input(ids.FILTER_CATEGORY, "value"), Input(ids.FILTER_STATUS, "value"),
        Input(ids.FILTER_TEXT, "value"), Input(ids.TABLE_SORT, "data"), Input(ids.TABLE_PAGE, "data"))
    def _render_table(search, category, status, text, sort, page):
        return handlers.render_table(search, category, status, text, sort, page)

    # Scenario changes only edit the URL, in the browser (assets/eco_park.js): no round trip.
    app.clientside_callback(
        ClientsideFunction(namespace="eco", function_name="scenario"),
        Output(ids.URL, "search"),
        Input({"type": ids.TOGGLE, "index": ALL}, "value"), Input(ids.NETWORK_GRAPH, "clickData"),
        Input(ids.RESET_BUTTON, "n_clicks"), Input(ids.ALL_CANDIDATES_BUTTON, "n_clicks"),
        State(ids.URL, "search"), State(ids.PARK_EXCHANGES, "data"), prevent_initial_call=True)

    @app.callback(
        Output(ids.SELECTED_FIRM, "data"), Output(ids.FIRM_PANEL, "is_open"),
        Input(ids.NETWORK_GRAPH, "clickData"), Input({"type": ids.FIRM_LINK, "index": ALL, "firm": ALL}, "n_clicks"),
        prevent_initial_call=True)
    def _open_firm(click_data, _clicks):
        trigger = ctx.triggered_id
        if trigger == ids.NETWORK_GRAPH:
            clicked = Handlers.clicked(click_data)
            if clicked and clicked[0] == "firm":
                return clicked[1], True
            return no_update, no_update
        if isinstance(trigger, dict) and len(ctx.triggered) == 1 and ctx.triggered[0]["value"]:
            return trigger["firm"], True
        return no_update, no_update

    @app.callback(Output(ids.FIRM_PANEL_BODY, "children"), Output(ids.FIRM_PANEL, "title"),
                  Input(ids.URL, "search"), Input(ids.SELECTED_FIRM, "data"))
    def _render_firm(search, firm_id):
        return handlers.render_firm_panel(search, firm_id)

    @app.callback(Output(ids.SOURCES_MODAL, "is_open"), Output(ids.SOURCES_BODY, "children"),
                  Input(ids.SOURCES_BUTTON, "n_clicks"), State(ids.URL, "search"), prevent_initial_call=True)
    def _open_sources(_clicks, search):
        return True, handlers.render_sources(search)

    @app.callback(Output(ids.TABLE_SORT, "data"), Input({"type": ids.SORT_HEADER, "column": ALL}, "n_clicks"),
                  State(ids.TABLE_SORT, "data"), prevent_initial_call=True)
    def _sort(_clicks, sort):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or len(ctx.triggered) != 1 or not ctx.triggered[0]["value"]:
            return no_update
        column = trigger["column"]
        same = (sort or {}).get("column") == column
        return {"column": column, "descending": not (sort or {}).get("descending") if same else column != "name"}

    @app.callback(Output(ids.TABLE_PAGE, "data"),
                  Input(ids.PAGE_PREVIOUS, "n_clicks"), Input(ids.PAGE_NEXT, "n_clicks"),
                  Input(ids.FILTER_CATEGORY, "value"), Input(ids.FILTER_STATUS, "value"),
                  Input(ids.FILTER_TEXT, "value"), Input(ids.TABLE_SORT, "data"),
                  State(ids.TABLE_PAGE, "data"), prevent_initial_call=True)
    def _page(_previous, _next, _category, _status, _text, _sort, page):
        if ctx.triggered_id == ids.PAGE_PREVIOUS:
            return max(0, (page or 0) - 1)
        if ctx.triggered_id == ids.PAGE_NEXT:
            return (page or 0) + 1
        return 0

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
