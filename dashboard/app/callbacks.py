"""The app's callbacks. ``Handlers`` holds the logic as plain methods (tested directly);
``register_callbacks`` wires them to component ids. No module-level state: everything
a handler needs comes from the AppState it is given and from its inputs."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from dashboard import model
from dashboard.figures.sankey import SHARES, SankeyView, sankey_spec, sankey_views
from dashboard.model.deal import deal_in
from dashboard.model.worth import on_minus_off, worth_of

from . import components, doubt, ids
from . import inputs as check
from .downloads import export_href
from .export_jobs import JOB_KINDS
from .network_ui import NetworkHandlers, register_network_callbacks
from .state import AppState, resolve_lenient

LINKED_EXPORTS = tuple(kind for kind in ids.EXPORT_LINK if kind not in JOB_KINDS)
"""Exports that are plain links (the others are background jobs, app/export_jobs.py)."""

SCENARIO_OUTPUTS = (
    Output(ids.PARK_TITLE, "children"), Output(ids.PARK_META, "children"),
    Output(ids.SANKEY_TABS, "options"), Output(ids.PARK_EXCHANGES, "data"),
    Output(ids.KPI_STRIP, "children"), Output(ids.SCENARIO_SUMMARY, "children"),
    Output(ids.ERROR_ALERT, "children"), Output(ids.ERROR_ALERT, "is_open"),
    *[Output(ids.EXPORT_LINK[kind], "href") for kind in LINKED_EXPORTS], Output(ids.KIOSK_LINK, "href"),
    Output(ids.DECIDE_LINK, "href"),
    Output(ids.TABLE_DATA, "data"),
    Output(ids.FIRM_PANEL_BODY, "children"), Output(ids.FIRM_PANEL_TITLE, "children"),
)


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

    def render_network(self, search: str | None, fragment: str | None = None):
        """The network figure (a plain dict) of a scenario and view (``network_ui``)."""
        return NetworkHandlers(self.state).render(search, fragment)[0]

    def render_sankey(self, search: str | None, view_key: str | None, share: str | None = None):
        """The Sankey (a plain figure dict) of the chosen view; flows under ``share`` (one
        of SHARES, as text; else none) and past MAX_LINKS links grouped into "other"."""
        request = self.state.read(search)
        views = sankey_views(request.park)
        if not views:
            return no_update
        keys = [v.key for v in views]
        view = SankeyView.from_key(view_key) if view_key in keys else views[0]
        chosen = next((value for value in SHARES if str(value) == share), 0.0)
        return sankey_spec(self.state.scenario_evaluation(request), view, share=chosen)

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
        body = components.firm_panel(park, firm_id, views, values, fair)
        if firm_id in request.scenario.without:
            body.append(doubt.come_back_section(park, firm_id))
        else:
            body.append(doubt.leaving_section(park, self.state.leaving(request, firm_id), views))
        return body, park.firm[firm_id].name

    def render_scenario(self, search: str | None, firm_id: str | None, shown: dict | None,
                        triggered: set[str]) -> tuple:
        """What a scenario shows, in ONE response: header, KPI cards, links, exchange list
        and firm panel (see ``SCENARIO_OUTPUTS``; the network follows its view in the fragment
        too and has its own callback, ``network_ui``; the Sankey has its own callback, since
        its tab follows the header's options in the browser and Dash does not run a callback
        again for an input that its own output led to). ``triggered`` are the inputs that changed ("url.search", ...): a firm alone redraws only its panel, and the
        header is sent only when the park differs from the one ``shown``. With nothing
        ``shown`` yet the page has just appeared (Dash then names an arbitrary input as the
        trigger): everything."""
        everything = shown is None or not triggered or bool(triggered & {f"{ids.URL}.search", f"{ids.MAIN_PAGE}.data"})
        skip = no_update
        if everything:
            header = self.render_header(search)
            if shown is not None and shown == header[3]:
                header = (skip,) * 4
            kpis = self.render_kpis(search)
            links = tuple(export_href(kind, search) for kind in LINKED_EXPORTS) + ("/kiosk" + (search or ""),
                                                                                   "/decide" + (search or ""))
            table = self.render_table(search)
        else:
            header, kpis, links, table = (skip,) * 4, (skip,) * 4, (skip,) * (len(LINKED_EXPORTS) + 2), skip
        firm = self.render_firm_panel(search, firm_id) if everything or f"{ids.SELECTED_FIRM}.data" in triggered \
            else (skip, skip)
        return (*header, *kpis, *links, table, *firm)

    def render_sources(self, search: str | None):
        request = self.state.read(search)
        return components.sources_view(request.park, self.state.views(request))

    def switch_note(self, search: str, last: str | None):
        """(note, Undo's style, the query Undo goes back to, the query to remember) after
        the address changed from ``last`` to ``search``: the exchanges just switched, by
        name, with Undo; nothing on the first page load or when the park changed. The
        query is remembered as "?" for the baseline: the page drops a store's empty text."""
        hidden = {"display": "none"}
        remembered = search or "?"
        if last is None or last == remembered:
            return "", hidden, None, remembered
        park, before, _ = resolve_lenient(self.state, last)
        now, after, _ = resolve_lenient(self.state, search)
        note = components.switch_note(now, before, after) if now is park else ""
        if not note:
            return "", hidden, None, remembered
        return note, {}, last, remembered

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

    # A toggle changes the address; three requests then bring everything the scenario shows
    # (Handlers.render_scenario, the network and the Sankey), instead of one per part of the page.
    # ... and the note naming what was just switched, with Undo (Handlers.switch_note)
    @app.callback(*SCENARIO_OUTPUTS, Output(ids.SWITCH_NOTE, "children"), Output(ids.UNDO_BUTTON, "style"),
                  Output(ids.UNDO_SEARCH, "data"), Output(ids.LAST_SEARCH, "data"),
                  Input(ids.URL, "search"), Input(ids.MAIN_PAGE, "data"),
                  Input(ids.SELECTED_FIRM, "data"), State(ids.PARK_EXCHANGES, "data"), State(ids.LAST_SEARCH, "data"))
    @check.checked(check.address, check.anything, check.firm_id, check.anything, check.optional_address)
    def _render_scenario(search, _page, firm_id, shown, last):
        triggered = {prop for prop in ctx.triggered_prop_ids if prop != "."}  # "." on the first call
        scenario = handlers.render_scenario(search, firm_id, shown if isinstance(shown, dict) else None, triggered)
        # a firm chosen alone leaves the note; on the page's first call (nothing shown yet)
        # Dash may name any input as the trigger, the firm's too
        firm_only = isinstance(shown, dict) and triggered == {f"{ids.SELECTED_FIRM}.data"}
        note = (no_update,) * 4 if firm_only else handlers.switch_note(search, last)
        return (*scenario, *note)

    @app.callback(Output(ids.SANKEY_GRAPH, "figure"), Input(ids.URL, "search"), Input(ids.SANKEY_TABS, "value"),
                  Input(ids.SANKEY_SHARE, "value"))
    @check.checked(check.address, check.optional_text, check.optional_text)
    def _render_sankey(search, view_key, share):
        return handlers.render_sankey(search, view_key, share)

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

    # The network has a callback of its own: it follows the view in the fragment too.
    register_network_callbacks(app, state)

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
