"""The app's callbacks. ``Handlers`` holds the logic as plain methods (tested directly);
``register_callbacks`` wires them to component ids. No module-level state: everything
a handler needs comes from the AppState it is given and from its inputs."""

from __future__ import annotations

from urllib.parse import quote, unquote

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from dashboard import model
from dashboard.figures.sankey import SHARES, SankeyView, sankey_spec, sankey_views
from dashboard.model.deal import deal_in
from dashboard.model.worth import on_minus_off, worth_of

from . import components, doubt, ids, markup, network_ui
from . import inputs as check
from .downloads import export_href
from .exchange_list import SORTABLE, ListQuery, first_direction, list_page
from .export_jobs import JOB_KINDS
from .network_ui import NetworkHandlers, register_network_callbacks
from .state import AppState, resolve_lenient

LINKED_EXPORTS = tuple(kind for kind in ids.EXPORT_LINK if kind not in JOB_KINDS)
"""Exports that are plain links (the others are background jobs, app/export_jobs.py)."""

Ids = ids.MainIds

SCENARIO_OUTPUTS = (
    Output(Ids.PARK_TITLE, "children"), Output(Ids.PARK_META, "children"),
    Output(Ids.SANKEY_TABS, "options"), Output(Ids.PARK_EXCHANGES, "data"),
    Output(Ids.KPI_STRIP, "tree"), Output(Ids.SCENARIO_SUMMARY, "children"),
    Output(Ids.ERROR_ALERT, "children"), Output(Ids.ERROR_ALERT, "is_open"),
    *[Output(ids.EXPORT_LINK[kind], "href") for kind in LINKED_EXPORTS], Output(Ids.KIOSK_LINK, "href"),
    Output(Ids.DECIDE_LINK, "href"),
    Output(Ids.EXCHANGE_ROWS, "tree"), Output(Ids.TABLE_COUNT, "children"),
    Output(Ids.TABLE_PAGER, "children"), Output(Ids.PAGE_PREVIOUS, "disabled"),
    Output(Ids.PAGE_NEXT, "disabled"), Output(Ids.TABLE_PAGE, "data"),
    Output({"type": Ids.SORT_BUTTON, "index": ALL}, "children"),
    Output({"type": Ids.SORT_HEADING, "index": ALL}, "aria-sort"),
    Output(Ids.FIRM_PANEL_BODY, "children"), Output(Ids.FIRM_PANEL_TITLE, "children"),
    Output(Ids.SWITCH_NOTE, "children"), Output(Ids.UNDO_BUTTON, "style"),
    Output(Ids.UNDO_SEARCH, "data"), Output(Ids.LAST_SEARCH, "data"),
    Output(Ids.SANKEY_GRAPH, "figure", allow_duplicate=True), Output(Ids.SANKEY_SHOWN, "data"),
)
"""Everything a scenario shows but its network, in one response
(``Handlers.render_scenario``); the Sankey's own callback redraws it for another tab or
grouping share."""
HEADING_OUTPUTS = tuple(i for i, output in enumerate(SCENARIO_OUTPUTS) if isinstance(output.component_id, dict))
"""The list headings' labels and aria-sort: a value per heading the page has."""

LIST_CONTROLS = (f"{Ids.FILTER_CATEGORY}.value", f"{Ids.FILTER_STATUS}.value", f"{Ids.FILTER_TEXT}.value",
                 f"{Ids.TABLE_SORT}.data")
PAGE_BUTTONS = (f"{Ids.PAGE_PREVIOUS}.n_clicks", f"{Ids.PAGE_NEXT}.n_clicks")
FIRM_INPUTS = (f"{Ids.SELECTED_FIRM}.data", f"{Ids.FIRM_PANEL}.is_open")


class Handlers:
    """Callback logic bound to one AppState."""

    def __init__(self, state: AppState):
        self.state = state

    # -- rendering ------------------------------------------------------------------

    def render_header(self, search: str | None):
        """Park title and facts, the Sankey diagrams this park needs, and what the browser
        needs to edit the scenario (``client_park``). Which Sankey is shown follows the
        address's fragment (``sankey_tab``)."""
        park = self.state.read(search).park
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
        return (components.kpi_strip_markup(views, park.currency), model.scenario_summary(park, request.scenario),
                alert, bool(messages))

    def render_network(self, search: str | None, fragment: str | None = None):
        """The network figure (a plain dict) of a scenario and view (``network_ui``)."""
        return NetworkHandlers(self.state).render(search, fragment)[0]

    def render_sankey(self, search: str | None, view_key: str | None, share: str | None = None):
        """The Sankey (a plain figure dict) of the chosen view; flows under ``share`` (one
        of SHARES, as text; else none) and past MAX_LINKS links grouped into "other"."""
        drawn = self.sankey_drawn(search, view_key, share)
        return no_update if drawn is None else self.sankey_of(drawn)

    def sankey_of(self, drawn: dict):
        """The Sankey that ``drawn`` (from ``sankey_drawn``) names: its scenario, view and share."""
        chosen = next((value for value in SHARES if str(value) == drawn["share"]), 0.0)
        evaluation = self.state.scenario_evaluation(self.state.read(drawn["search"]))
        return sankey_spec(evaluation, SankeyView.from_key(drawn["view"]), share=chosen)

    def sankey_drawn(self, search: str | None, view_key: str | None, share: str | None = None) -> dict | None:
        """What ``render_sankey`` draws for these inputs, {"search", "view", "share"}: the
        page keeps it (SANKEY_SHOWN), so a tab set to the one already drawn (the first,
        as a park's tabs arrive) draws nothing again. None for a park with no Sankey."""
        keys = [view.key for view in sankey_views(self.state.read(search).park)]
        if not keys:
            return None
        return {"search": search or "", "view": view_key if view_key in keys else keys[0], "share": share or ""}

    def render_list(self, search: str | None, query: ListQuery):
        """The page of the exchange list ``query`` asks for, in the scenario of ``search``:
        (rows, "n of N exchanges", "page p of P", previous disabled, next disabled, page,
        the headings' labels and their aria-sort). Only the page's rows are built, and
        only their marginal effects computed unless the list is sorted by one."""
        request = self.state.read(search)
        evaluation = self.state.scenario_evaluation(request)
        shown = list_page(evaluation, self.state.list_entries(request.park), query,
                          lambda: self.state.marginal(request))
        rows = model.exchange_rows(request.park, evaluation, self.state.marginal_of(request, shown.ids), shown.ids)
        labels, orders = components.sort_state(request.park.currency,
                                               {"column": query.sort, "descending": query.descending})
        return (markup.node("tbody", {}, *(components.exchange_row(row, request.park.currency) for row in rows)),
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
        mine = tuple(e.id for e in base.park.exchanges if firm_id in (e.from_firm, e.to_firm))
        marginal = self.state.marginal_of(request, mine)
        values = {i: worth_of(base.park, base.park.exchange[i], delta)
                  for i, delta in on_minus_off(base, marginal).items()}
        fair = {i: deal for i in mine if (deal := deal_in(base, i)) is not None}
        body = components.firm_panel(park, firm_id, views, values, fair)
        if firm_id in request.scenario.without:
            body.append(doubt.come_back_section(park, firm_id))
        else:
            body.append(doubt.leaving_section(park, self.state.leaving(request, firm_id), views))
        return body, park.firm[firm_id].name

    def render_scenario(self, search: str | None, firm_id: str | None, shown: dict | None,
                        triggered: set[str], query: ListQuery | None = None, panel_open: bool = True,
                        last: str | None = None, sankey: tuple[str | None, str | None] = (None, None)) -> tuple:
        """What a scenario shows but its network and Sankey, in ONE response (see
        ``SCENARIO_OUTPUTS``): header, KPI cards, links, the list's page, the firm panel,
        the note naming what was just switched, and the Sankey of the tab and share in
        ``sankey`` (a toggle costs one request for all of these). The network, which
        follows its view in the fragment too, comes in the next request with the cards'
        bands (``register_callbacks``); the Sankey's own callback answers a change of tab
        or share.

        ``triggered`` are the inputs that changed ("url.search", ...): the list's controls
        alone redraw only its page, a firm alone only its panel, and the header is sent
        only when the park differs from the one ``shown``. With nothing ``shown`` yet the
        page has just appeared (Dash then names an arbitrary input as the trigger):
        everything."""
        query = query or ListQuery()
        everything = shown is None or not triggered or bool(triggered & {f"{ids.URL}.search", f"{Ids.MAIN_PAGE}.data"})
        skip = no_update
        if everything:
            header = self.render_header(search)
            if shown is not None and shown == header[3]:
                header = (skip,) * 4
            kpis = self.render_kpis(search)
            links = tuple(export_href(kind, search) for kind in LINKED_EXPORTS) + ("/kiosk" + (search or ""),
                                                                                   "/decide" + (search or ""))
        else:
            header, kpis, links = (skip,) * 4, (skip,) * 4, (skip,) * (len(LINKED_EXPORTS) + 2)
        if everything or triggered & {*LIST_CONTROLS, *PAGE_BUTTONS}:
            listed = self.render_list(search, query)
        else:
            listed = (skip,) * 8
        firm = self.render_firm_panel(search, firm_id, panel_open) if everything or triggered & set(FIRM_INPUTS) \
            else (skip, skip)
        # the list's controls or a firm alone leave the note; on the page's first call
        # (nothing shown yet) Dash may name any input as the trigger
        note = self.switch_note(search, last) if everything else (skip,) * 4
        drawn = self.sankey_drawn(search, *sankey) if everything else skip
        flows = skip if drawn is None or drawn is skip else self.sankey_of(drawn)
        return (*header, *kpis, *links, *listed, *firm, *note, flows, drawn)

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


def client_park(park: model.Park, key: str) -> dict:
    """What the browser needs to write a scenario's address without a round trip
    (assets/eco_scenario.js): the park's key, its exchange ids in order, the existing
    ones, and its firm ids in order. Sent once per park."""
    return {"key": key, "order": [e.id for e in park.exchanges], "existing": sorted(park.baseline_active),
            "firms": [f.id for f in park.firms]}


SANKEY_PART = "sankey="
"""The Sankey's part of the address's fragment (``#sankey=KEY``); the network's view
has a part of its own (``network=...``, app/network_ui.py); parts are joined by "&"."""


def sankey_tab(keys: list[str], shown: str | None, fragment: str | None, clicked: bool) -> tuple[str | None, str | None]:
    """The Sankey tab and the address's fragment following each other: (tab to show,
    fragment to write), None for "leave it". A click on a tab writes ``sankey=KEY`` into
    the fragment, leaving its other parts (a history entry; none for the first view while
    no Sankey part is there, so a plain page load adds none); otherwise (a link opened,
    Back or Forward, a new park's tabs) the tab follows the fragment, the first view
    where it names none of this park's."""
    if not keys:
        return None, None
    text = fragment or ""
    parts = [part for part in text.lstrip("#").split("&") if part]
    mine = next((part for part in parts if part.startswith(SANKEY_PART)), None)
    linked = unquote(mine[len(SANKEY_PART):]) if mine is not None else None
    if clicked and shown in keys:
        if linked is None and shown == keys[0]:
            return None, None
        others = [part for part in parts if not part.startswith(SANKEY_PART)]
        wanted = "#" + "&".join([SANKEY_PART + quote(shown, safe=":"), *others])
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


def changed_inputs() -> set[str]:
    """The inputs ("id.property") whose change called the running callback; none on the
    page's first call (Dash then names "." as the trigger)."""
    return {prop for prop in ctx.triggered_prop_ids if prop != "."}


def register_callbacks(app: Dash, state: AppState) -> Handlers:
    """Wire the handlers to the layout's component ids. A toggle changes the address's
    search in the browser (``eco.switchScenario``); then two requests bring what the
    scenario shows: ``render_scenario`` (cards, links, the list's page, an open firm
    panel, the Sankey), then the network (``network_ui``) with the cards' uncertainty
    bands (``doubt``)."""
    handlers = Handlers(state)
    url = ids.ShellIds.URL

    def eco(name: str) -> ClientsideFunction:
        return ClientsideFunction(namespace="eco", function_name=name)

    # -- the scenario: edited in the browser, drawn in one response ------------------------
    app.clientside_callback(
        eco("switchScenario"), Output(url, "search"),
        Input(Ids.NETWORK_GRAPH, "clickData"), Input(Ids.RESET_BUTTON, "n_clicks"),
        Input(Ids.ALL_CANDIDATES_BUTTON, "n_clicks"), Input(Ids.EXCHANGE_ROWS, "toggled"),
        State(url, "search"), State(Ids.PARK_EXCHANGES, "data"), prevent_initial_call=True)

    @app.callback(*SCENARIO_OUTPUTS,
                  Input(url, "search"), Input(Ids.MAIN_PAGE, "data"),
                  Input(Ids.SELECTED_FIRM, "data"), Input(Ids.FIRM_PANEL, "is_open"),
                  Input(Ids.FILTER_CATEGORY, "value"), Input(Ids.FILTER_STATUS, "value"),
                  Input(Ids.FILTER_TEXT, "value"), Input(Ids.TABLE_SORT, "data"),
                  Input(Ids.PAGE_PREVIOUS, "n_clicks"), Input(Ids.PAGE_NEXT, "n_clicks"),
                  State(Ids.TABLE_PAGE, "data"), State(Ids.PARK_EXCHANGES, "data"), State(Ids.LAST_SEARCH, "data"),
                  State(Ids.SANKEY_TABS, "value"), State(Ids.SANKEY_SHARE, "value"),
                  prevent_initial_call="initial_duplicate")
    @check.checked(check.address, check.anything, check.firm_id, check.flag,
                   check.optional_text, check.optional_text, check.optional_text, check.anything,
                   check.anything, check.anything, check.anything, check.anything, check.optional_address,
                   check.optional_text, check.optional_text)
    def _render_scenario(search, _page, firm_id, panel_open, category, status, text, sort, _previous, _next,
                         page, shown, last, view_key, share):
        triggered = changed_inputs()
        page = page if isinstance(page, int) and not isinstance(page, bool) else 0
        if f"{Ids.PAGE_PREVIOUS}.n_clicks" in triggered:
            page -= 1
        elif f"{Ids.PAGE_NEXT}.n_clicks" in triggered:
            page += 1
        elif triggered & set(LIST_CONTROLS):
            page = 0  # filters or sort changed: back to the first page
        query = list_query(category, status, text, sort if isinstance(sort, dict) else None, page)
        drawn = list(handlers.render_scenario(search, firm_id, shown if isinstance(shown, dict) else None, triggered,
                                              query, panel_open, last, (view_key, share)))
        for position in HEADING_OUTPUTS:  # one value per heading on the page, matched by its column
            by_column = dict(zip(components.SORT_COLUMNS, drawn[position])) if isinstance(drawn[position], list) \
                else {}
            drawn[position] = [by_column.get(spec["id"].get("index"), no_update)
                               for spec in ctx.outputs_list[position]]
        return drawn

    @app.callback(Output(Ids.TABLE_SORT, "data"), Input({"type": Ids.SORT_BUTTON, "index": ALL}, "n_clicks"),
                  State(Ids.TABLE_SORT, "data"), prevent_initial_call=True)
    def _sort(_clicks, sort):
        clicked = ctx.triggered_id
        if not isinstance(clicked, dict) or clicked.get("index") not in SORTABLE or not ctx.triggered[0]["value"]:
            return no_update
        return next_sort(sort if isinstance(sort, dict) else None, clicked["index"])

    @app.callback(Output(url, "search", allow_duplicate=True), Input(Ids.UNDO_BUTTON, "n_clicks"),
                  State(Ids.UNDO_SEARCH, "data"), prevent_initial_call=True)
    @check.checked(check.count, check.optional_address)
    def _undo(clicks, previous):
        return previous if clicks and previous is not None else no_update

    # -- the views ---------------------------------------------------------------------------
    network = register_network_callbacks(app, state)

    # Asked for once the cards are drawn (LAST_SEARCH is render_scenario's last output), so
    # they do not wait behind it in the browser: the network and the cards' bands, in one
    # request. The network follows its view in the fragment too; a new view alone leaves
    # the bands as they are.
    bands = doubt.band_outputs()

    @app.callback(*network_ui.drawing_outputs(), *bands,
                  Input(Ids.LAST_SEARCH, "data"), Input(Ids.NETWORK_VIEW, "data"), Input(Ids.MAIN_PAGE, "data"),
                  State(url, "search"), *network_ui.drawing_states(), *doubt.band_states(),
                  prevent_initial_call="initial_duplicate")
    @check.checked(check.anything, check.optional_text, check.anything, check.address,
                   *network_ui.DRAWING_CHECKS, *doubt.BAND_CHECKS)
    def _render_views(_drawn, fragment, _page, search, searched, was_shown, had_options, tab, kpi):
        drawing = network.answer(search, fragment, searched, was_shown, had_options)
        if changed_inputs() == {f"{Ids.NETWORK_VIEW}.data"}:
            return *drawing, *[no_update] * len(bands)
        return *drawing, *doubt.bands_answer(state, search, tab, kpi)

    # A new scenario's Sankey comes with render_scenario; this redraws it for another tab
    # or grouping share (and when a park's tabs first arrive).
    @app.callback(Output(Ids.SANKEY_GRAPH, "figure"), Output(Ids.SANKEY_SHOWN, "data", allow_duplicate=True),
                  Input(Ids.SANKEY_TABS, "value"), Input(Ids.SANKEY_SHARE, "value"), State(url, "search"),
                  State(Ids.SANKEY_SHOWN, "data"), prevent_initial_call=True)
    @check.checked(check.optional_text, check.optional_text, check.address, check.anything)
    def _render_sankey(view_key, share, search, shown):
        drawn = handlers.sankey_drawn(search, view_key, share)
        if drawn is None or drawn == shown:
            return no_update, no_update
        return handlers.sankey_of(drawn), drawn

    # The Sankey shown, in the address's fragment (Back and Forward bring it back). The
    # page's own dcc.Location: the shell's would fire this while no tabs are drawn.
    @app.callback(Output(Ids.SANKEY_TABS, "value"), Output(Ids.ADDRESS, "hash"),
                  Input(Ids.SANKEY_TABS, "options"), Input(Ids.SANKEY_TABS, "value"), Input(Ids.ADDRESS, "hash"),
                  prevent_initial_call=True)  # the tabs arrive with the park (render_header)
    @check.checked(check.anything, check.optional_text, check.optional_text)
    def _sankey_tab(options, shown, fragment):
        clicked = f"{Ids.SANKEY_TABS}.value" in ctx.triggered_prop_ids
        keys = [o.get("value") for o in options if isinstance(o, dict)] if isinstance(options, list) else []
        tab, written = sankey_tab(keys, shown, fragment, clicked)
        return (no_update if tab is None else tab), (no_update if written is None else written)

    # -- the firm panel ---------------------------------------------------------------------
    # From the list's firm buttons, in the browser (no request).
    app.clientside_callback(
        eco("openFirm"), Output(Ids.SELECTED_FIRM, "data", allow_duplicate=True),
        Output(Ids.FIRM_PANEL, "is_open", allow_duplicate=True),
        Input(Ids.EXCHANGE_ROWS, "opened"), prevent_initial_call=True)

    @app.callback(
        Output(Ids.SELECTED_FIRM, "data"), Output(Ids.FIRM_PANEL, "is_open"),
        Input(Ids.NETWORK_GRAPH, "clickData"), prevent_initial_call=True)
    @check.checked(check.click)
    def _open_firm(click_data):
        clicked = Handlers.clicked(click_data)
        if clicked and clicked[0] == "firm":
            return clicked[1], True
        return no_update, no_update

    @app.callback(Output(Ids.SOURCES_MODAL, "is_open"), Output(Ids.SOURCES_BODY, "children"),
                  Input(Ids.SOURCES_BUTTON, "n_clicks"), State(url, "search"), prevent_initial_call=True)
    @check.checked(check.anything, check.address)
    def _open_sources(_clicks, search):
        return True, handlers.render_sources(search)

    # -- the share link and the header's menu (no round trip) ---------------------------------
    app.clientside_callback(eco("shareLink"), Output(Ids.SHARE_LINK, "value"), Input(url, "search"),
                            Input(url, "hash"))
    app.clientside_callback(eco("copyLink"), Output(Ids.SHARE_STATUS, "children"), Input(Ids.SHARE_BUTTON, "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback(
        "function(clicks, open) { return !open; }",
        Output(Ids.NAV_COLLAPSE, "is_open"), Input(Ids.NAV_TOGGLE, "n_clicks"), State(Ids.NAV_COLLAPSE, "is_open"),
        prevent_initial_call=True)
    return handlers


__all__ = ["Handlers", "client_park", "list_query", "next_sort", "register_callbacks", "sankey_tab"]
