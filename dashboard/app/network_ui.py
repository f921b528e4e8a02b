"""The network panel's controls and callbacks: which view is drawn (every firm, groups by
sector, site zone or community, an opened group, a firm's neighbourhood), the
breadcrumb, Back, and the firm search.

The view lives in the address's fragment (``#network=sector/g:chemicals``, next to
``sankey=``), apart from the scenario in the query: a shared link shows the same view,
Back and Forward walk through views, and changing the view recomputes no KPI. Clicks,
the breadcrumb, Back, the grouping picker and the search only write the fragment (in
the browser); the fragment's network part then redraws the network."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update

from dashboard.figures.geometry import drawing_for
from dashboard.figures.groups import NetworkView, grouping_choices, search_firms
from dashboard.figures.network import network_spec

from . import ids
from . import inputs as check
from .state import AppState


def network_controls() -> html.Div:
    """Breadcrumb and Back on the left; the grouping picker and the firm search on the
    right. Filled by ``render_network``."""
    return html.Div([
        html.Nav(id=ids.NETWORK_CRUMBS, className="network-crumbs small", **{"aria-label": "Network view"}),
        dbc.Button("\u2190 Back", id=ids.NETWORK_BACK, size="sm", color="secondary", outline=True,
                   class_name="py-0", style={"display": "none"}),
        html.Div([
            dbc.Label("Group by", html_for=ids.NETWORK_GROUPING, className="small mb-0"),
            dbc.Select(id=ids.NETWORK_GROUPING, options=[], size="sm", class_name="w-auto"),
            html.Label("Find a firm", htmlFor=ids.NETWORK_SEARCH, className="small mb-0 ms-2"),
            dcc.Dropdown(id=ids.NETWORK_SEARCH, options=[], placeholder="name or id", clearable=True,
                         className="network-search", style={"minWidth": "11rem"}),
        ], className="d-flex flex-wrap align-items-center gap-1 ms-auto"),
    ], className="d-flex flex-wrap align-items-center gap-2 px-2 pt-1 network-controls")


def view_of(fragment: str | None, park) -> NetworkView:
    return NetworkView.from_fragment(fragment).resolve(park)


def crumbs(trail: list[tuple[str, str]]) -> list:
    """The breadcrumb: a button per step up (its fragment value in ``shown``), the view
    drawn last, as text."""
    items = []
    for number, (text, _value) in enumerate(trail):
        if number:
            items.append(html.Span("\u203a", className="mx-1 text-muted", **{"aria-hidden": "true"}))
        if number < len(trail) - 1:
            items.append(html.Button(text, id={"type": ids.NETWORK_CRUMB, "index": number},
                                     className="btn btn-link btn-sm p-0 align-baseline"))
        else:
            items.append(html.Span(text, className="fw-semibold", **{"aria-current": "page"}))
    return items


class NetworkHandlers:
    """The network's callback logic, bound to one AppState (tested directly)."""

    def __init__(self, state: AppState):
        self.state = state

    def render(self, search: str | None, fragment: str | None = None):
        """The figure (a plain dict), the breadcrumb, Back shown or not, the grouping
        picker's options and value, the view drawn (for the browser's navigation) and
        the search box's value."""
        request = self.state.read(search)
        gone = frozenset(request.scenario.without)
        if gone:  # drawn on the whole park, their exchanges off, struck out (network_spec)
            park = request.park
            evaluation = self.state.evaluate(park, frozenset(
                i for i in request.active if park.exchange[i].from_firm not in gone
                and park.exchange[i].to_firm not in gone))
        else:
            evaluation = self.state.scenario_evaluation(request)
        park = evaluation.park
        view = view_of(fragment, park)
        trail = [(text, step.to_fragment().partition("=")[2]) for text, step in drawing_for(park, view, 13)
                 .graph.breadcrumb]
        shown = {"grouping": view.grouping, "group": view.group, "firm": view.firm,
                 "crumbs": [value for _, value in trail]}
        options = [{"label": label, "value": value} for value, label in grouping_choices(park)]
        back = {"display": "inline-block"} if len(trail) > 1 else {"display": "none"}
        return (network_spec(evaluation, view=view, gone=gone), crumbs(trail), back, options, view.grouping, shown,
                view.firm)

    def answer(self, search: str | None, fragment: str | None, searched, was_shown, had_options) -> tuple:
        """The values of ``drawing_outputs``: ``render``'s, with the controls left as they
        are when the view drawn is the one shown (``was_shown``, ``had_options``: the
        page's) and the search box when it already names the view's firm (``searched``).
        Writing a control, even unchanged, fires the callbacks that listen to it (the
        breadcrumb's new buttons and the grouping's value fire the view's navigation, the
        search box's value its options): a toggle leaves them as they are."""
        figure, trail, back, options, grouping, shown, firm = self.render(search, fragment)
        if shown == was_shown and options == had_options:
            trail = back = options = grouping = shown = no_update
        return figure, trail, back, options, grouping, shown, no_update if firm == searched else firm

    def search_options(self, search: str | None, text: str | None, chosen: str | None) -> list[dict]:
        """Up to 20 firms matching ``text``, and the firm chosen (so it stays shown).
        Inputs of the wrong type (a hand-made request) count as none."""
        park = self.state.read(search).park
        found = search_firms(park, text if isinstance(text, str) else "")
        if isinstance(chosen, str) and chosen in park.firm and chosen not in {firm for firm, _ in found}:
            found.insert(0, (chosen, park.firm[chosen].name))
        return [{"label": f"{name} ({firm})" if name != firm else firm, "value": firm} for firm, name in found]


# The browser side: reads and writes the network part of the fragment, leaving the
# Sankey's part (sankey=...) as it is. Views are written as history entries, so Back
# and Forward walk through them.
_FRAGMENT_JS = """
    function withNetwork(fragment, value) {
        const parts = (fragment || "").replace(/^#/, "").split("&").filter(p => p && !p.startsWith("network="));
        if (value) { parts.push("network=" + value); }
        return parts.length ? "#" + parts.join("&") : "";
    }
"""

_READ_VIEW = """
function(hash, current) {
    const part = (hash || "").replace(/^#/, "").split("&").find(p => p.startsWith("network=")) || "";
    return part === (current || "") ? window.dash_clientside.no_update : part;
}
"""

_NAVIGATE = "function(click, grouping, firm, crumbClicks, back, shown) {" + _FRAGMENT_JS + """
    const noUpdate = window.dash_clientside.no_update;
    const triggered = (window.dash_clientside.callback_context.triggered || []).filter(t => t.value !== null);
    if (!shown || !triggered.length) { return noUpdate; }
    const source = triggered[0].prop_id;
    let value = null;
    if (source === "__GRAPH__.clickData") {
        const point = click && click.points && click.points[0];
        if (!point || !point.customdata || point.customdata[0] !== "group") { return noUpdate; }
        if (shown.grouping === "firms") { return noUpdate; }
        value = shown.grouping + "/g:" + encodeURIComponent(point.customdata[1]);
    } else if (source === "__GROUPING__.value") {
        if (!grouping || grouping === shown.grouping) { return noUpdate; }
        value = grouping;
    } else if (source === "__SEARCH__.value") {
        if (!firm || firm === shown.firm) { return noUpdate; }
        value = shown.grouping + "/f:" + encodeURIComponent(firm);
    } else if (source === "__BACK__.n_clicks") {
        if (shown.crumbs.length < 2) { return noUpdate; }
        value = shown.crumbs[shown.crumbs.length - 2];
    } else if (source.startsWith("{")) {
        const index = JSON.parse(source.slice(0, source.lastIndexOf("."))).index;
        value = shown.crumbs[index];
    } else { return noUpdate; }
    const wanted = withNetwork(window.location.hash, value);
    return wanted === window.location.hash ? noUpdate : wanted;
}
""".replace("__GRAPH__", ids.NETWORK_GRAPH).replace("__GROUPING__", ids.NETWORK_GROUPING).replace(
    "__SEARCH__", ids.NETWORK_SEARCH).replace("__BACK__", ids.NETWORK_BACK)


def drawing_outputs() -> list[Output]:
    """What a drawing of the network sets (``NetworkHandlers.answer``). It is asked for
    once the cards are drawn, with the cards' bands (``callbacks.register_callbacks``),
    and again when the view in the fragment (ids.NETWORK_VIEW) changes."""
    return [Output(ids.NETWORK_GRAPH, "figure"), Output(ids.NETWORK_CRUMBS, "children"),
            Output(ids.NETWORK_BACK, "style"), Output(ids.NETWORK_GROUPING, "options"),
            Output(ids.NETWORK_GROUPING, "value"), Output(ids.NETWORK_SHOWN, "data"),
            Output(ids.NETWORK_SEARCH, "value")]


def drawing_states() -> list[State]:
    """What ``NetworkHandlers.answer`` reads from the page besides the address and the view."""
    return [State(ids.NETWORK_SEARCH, "value"), State(ids.NETWORK_SHOWN, "data"),
            State(ids.NETWORK_GROUPING, "options")]


DRAWING_CHECKS = (check.anything, check.anything, check.anything)
"""The checks (``inputs.checked``) of ``drawing_states``' values, in their order."""


def register_network_callbacks(app: Dash, state: AppState) -> NetworkHandlers:
    """Wire the view's store, the firm search and the navigation. The drawing itself is
    wired with the cards' bands by ``callbacks.register_callbacks``, which uses the
    handlers returned."""
    handlers = NetworkHandlers(state)

    app.clientside_callback(_READ_VIEW, Output(ids.NETWORK_VIEW, "data"), Input(ids.URL, "hash"),
                            State(ids.NETWORK_VIEW, "data"))

    @app.callback(Output(ids.NETWORK_SEARCH, "options"), Input(ids.NETWORK_SEARCH, "search_value"),
                  Input(ids.NETWORK_SEARCH, "value"), State(ids.URL, "search"), prevent_initial_call=True)
    @check.checked(check.optional_text, check.firm_id, check.address)
    def _search(text, chosen, search):
        if text is None and not chosen:
            return no_update
        return handlers.search_options(search, text, chosen)

    app.clientside_callback(
        _NAVIGATE, Output(ids.URL, "hash", allow_duplicate=True),
        Input(ids.NETWORK_GRAPH, "clickData"), Input(ids.NETWORK_GROUPING, "value"),
        Input(ids.NETWORK_SEARCH, "value"), Input({"type": ids.NETWORK_CRUMB, "index": ALL}, "n_clicks"),
        Input(ids.NETWORK_BACK, "n_clicks"), State(ids.NETWORK_SHOWN, "data"), prevent_initial_call=True)
    return handlers


__all__ = ["DRAWING_CHECKS", "NetworkHandlers", "drawing_outputs", "drawing_states", "network_controls",
           "register_network_callbacks"]
