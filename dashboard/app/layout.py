"""The page's static skeleton; callbacks fill in everything that depends on the park
and the scenario."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.figures.sankey import MAX_LINKS, SHARES

from . import ids
from .components import KPI_STRIP_CLASS, exchange_table_head
from .export_jobs import export_panel
from .ids import MainIds
from .markup import Markup
from .network_ui import network_controls
from .storage_ui import storage_modals

DIMMED = {"visibility": "visible", "opacity": 0.55}
"""How a view waiting for the server looks: its old content, dimmed, under the spinner."""

SEARCH_PAUSE_MS = 250
"""The list's search box filters as you type, once typing pauses this long."""

GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}


def header() -> dbc.Navbar:
    button = {"color": "light", "outline": True, "size": "sm"}
    export_items = [
        # the HTML report opens in a tab of its own: the dashboard and its scenario stay
        dbc.DropdownMenuItem("Report (HTML, new tab)", id=ids.EXPORT_LINK["html"], href="#", external_link=True,
                             target="_blank"),  # browsers imply rel=noopener for _blank
        # PDF and figures are made as background jobs with progress and Cancel (app/export_jobs.py)
        dbc.DropdownMenuItem("Report (PDF)", id=ids.EXPORT_LINK["pdf"], n_clicks=0),
        dbc.DropdownMenuItem("Results (Excel)", id=ids.EXPORT_LINK["xlsx"], href="#", external_link=True),
        dbc.DropdownMenuItem("Results (CSV, zip)", id=ids.EXPORT_LINK["csv"], href="#", external_link=True),
        dbc.DropdownMenuItem("Figures (PNG, zip)", id=ids.EXPORT_LINK["png"], n_clicks=0),
        dbc.DropdownMenuItem("Figures (SVG, zip)", id=ids.EXPORT_LINK["svg"], n_clicks=0),
    ]
    return dbc.Navbar(dbc.Container([
        html.Div([
            # data-page-title: the browser tab takes this heading's text (assets/eco_park.js)
            html.H1("Loading the park\u2026", id=MainIds.PARK_TITLE, className="h4 mb-0 text-white",
                    **{"data-page-title": ""}),
            html.Div(id=MainIds.PARK_META, className="small text-white-50"),
        ], className="me-auto flex-shrink-1"),
        dbc.NavbarToggler(id=MainIds.NAV_TOGGLE, class_name="ms-2"),
        dbc.Collapse(html.Div([
            dbc.Button("Sources", id=MainIds.SOURCES_BUTTON, **button),
            dbc.Button("Share link", id=MainIds.SHARE_BUTTON, **button),
            dbc.Button("Save scenario", id=MainIds.SAVE_BUTTON, **button),
            dbc.Button("Saved scenarios", id=MainIds.SCENARIOS_BUTTON, **button),
            dbc.Button("Upload park", id=MainIds.UPLOAD_BUTTON, **button),
            dbc.DropdownMenu(export_items, label="Export", id=MainIds.EXPORT_MENU, color="dark", size="sm",
                             align_end=True, toggle_class_name="border-light"),
            dcc.Link("Decide", id=ids.DECIDE_LINK, href="/decide", className="btn btn-outline-light btn-sm"),
            html.A("Kiosk", id=MainIds.KIOSK_LINK, href="/kiosk", className="btn btn-outline-light btn-sm",
                   target="_blank", rel="noopener"),
            html.Span(id=MainIds.SHARE_STATUS, className="small text-white ms-1", role="status"),
        ], className="d-flex align-items-center flex-wrap gap-1 header-actions ms-lg-auto py-2 py-lg-0"),
            id=MainIds.NAV_COLLAPSE, is_open=False, navbar=True),
    ], fluid=True), color="dark", dark=True, expand="lg", className="mb-3 app-header", tag="header")


def scenario_bar() -> html.Div:
    return html.Div([
        html.Span(id=MainIds.SCENARIO_SUMMARY, className="me-3 fw-semibold", role="status", **{"aria-live": "polite"}),
        dbc.Button("Reset to baseline", id=MainIds.RESET_BUTTON, color="secondary", outline=True, size="sm",
                   className="me-2"),
        dbc.Button("All candidates on", id=ids.ALL_CANDIDATES_BUTTON, color="primary", outline=True, size="sm"),
        html.Span([html.Span(id=ids.SWITCH_NOTE, role="status", **{"aria-live": "polite"}),
                   dbc.Button("Undo", id=ids.UNDO_BUTTON, color="link", size="sm", class_name="py-0 px-1",
                              style={"display": "none"})], className="switch-note small ms-2"),
        html.Label("Link to this scenario", htmlFor=ids.SHARE_LINK, className="visually-hidden"),
        dbc.Input(id=ids.SHARE_LINK, type="text", readonly=True, size="sm", class_name="share-link ms-auto"),
    ], className="d-flex flex-wrap align-items-center gap-2 mb-3 scenario-bar")


def views_row() -> dbc.Row:
    network = dbc.Card([
        dbc.CardHeader([html.H2("Symbiosis network", className="h6 mb-0 d-inline"),
                        html.Span(" click an arrow's marker to switch it, a firm for its panel, a group to open it",
                                  className="small text-muted")]),
        network_controls(),
        dbc.CardBody(dcc.Loading(dcc.Graph(id=ids.NETWORK_GRAPH, config=GRAPH_CONFIG, className="network-graph",
                                           clear_on_unhover=True),
                                 delay_show=300, type="circle", overlay_style=DIMMED), className="p-1"),
    ], className="h-100")
    sankey = dbc.Card([
        dbc.CardHeader([
            html.H2("Flows", className="h6 mb-0 me-2 d-inline"),
            dbc.RadioItems(id=MainIds.SANKEY_TABS, options=[], value=None, inline=True, class_name="btn-group sankey-tabs",
                           input_class_name="btn-check", label_class_name="btn btn-outline-primary btn-sm",
                           label_checked_class_name="active"),
            html.Div([
                dbc.Label("Group flows", html_for=ids.SANKEY_SHARE, className="small mb-0"),
                dbc.Select(id=ids.SANKEY_SHARE, value="auto", size="sm", class_name="w-auto", options=[
                    {"label": f"as needed (\u2264 {MAX_LINKS} links)", "value": "auto"}]
                    + [{"label": f"under {share:.1%}".replace(".0%", "%") + " of the flow", "value": str(share)}
                       for share in SHARES]),
            ], className="d-flex flex-wrap align-items-center gap-1 ms-auto"),
        ], className="d-flex flex-wrap align-items-center gap-2"),
        dbc.CardBody(dcc.Loading(dcc.Graph(id=MainIds.SANKEY_GRAPH, config=GRAPH_CONFIG, className="sankey-graph"),
                                 delay_show=300, type="circle", overlay_style=DIMMED), className="p-1"),
    ], className="h-100")
    return dbc.Row([dbc.Col(network, lg=7, className="mb-3"), dbc.Col(sankey, lg=5, className="mb-3")])


def exchange_card() -> dbc.Card:
    select = {"size": "sm", "class_name": "w-auto"}
    return dbc.Card([
        dbc.CardHeader(html.H2("Exchanges", className="h6 mb-0")),
        dbc.CardBody([
            html.Div([
                dbc.Label("Category", html_for=MainIds.FILTER_CATEGORY, className="small mb-0"),
                dbc.Select(id=MainIds.FILTER_CATEGORY, value="all", options=[
                    {"label": "All", "value": "all"}, {"label": "Water", "value": "water"},
                    {"label": "Energy", "value": "energy"}, {"label": "Materials", "value": "material"}], **select),
                dbc.Label("Status", html_for=MainIds.FILTER_STATUS, className="small mb-0 ms-2"),
                dbc.Select(id=MainIds.FILTER_STATUS, value="all", options=[
                    {"label": "All", "value": "all"}, {"label": "Existing", "value": "existing"},
                    {"label": "Candidate", "value": "candidate"}], **select),
                dbc.Label("Search", html_for=MainIds.FILTER_TEXT, className="small mb-0 ms-2"),
                dbc.Input(id=MainIds.FILTER_TEXT, type="search", placeholder="id, name, firm", debounce=SEARCH_PAUSE_MS,
                          size="sm", class_name="w-auto"),
                html.Span(id=MainIds.TABLE_COUNT, className="small text-muted ms-auto", role="status"),
            ], className="d-flex flex-wrap align-items-center gap-2 mb-2"),
            html.P("Saves columns: what each exchange saves a year, on rather than off (red and negative: "
                   "what it costs). For an exchange that is on: what switching it off would lose; for one that "
                   "is off: what switching it on would save. Candidate rows are marked.",
                   className="small text-muted mb-1"),
            # one page of the list, drawn on the server (Handlers.render_list) as one component
            html.Div(html.Table([exchange_table_head(), Markup(id=MainIds.EXCHANGE_ROWS, tree=["tbody", {}])],
                                className="table table-sm table-hover align-middle exchange-table"),
                     id=MainIds.EXCHANGE_TABLE, className="table-responsive"),
            html.Div([
                dbc.Button("\u2190 Previous", id=MainIds.PAGE_PREVIOUS, size="sm", color="secondary", outline=True),
                html.Span(id=MainIds.TABLE_PAGER, className="small mx-2"),
                dbc.Button("Next \u2192", id=MainIds.PAGE_NEXT, size="sm", color="secondary", outline=True),
            ], className="d-flex align-items-center justify-content-end"),
        ]),
    ], className="mb-3")


def build_layout() -> html.Div:
    from . import doubt  # it uses this module's DIMMED and GRAPH_CONFIG

    return html.Div([
        dcc.Store(id=MainIds.MAIN_PAGE, data=True),
        # the page's own address (the Sankey shown, in its fragment); "callback-nav" keeps it and
        # the shell's in step (each tells the other when it writes the address)
        dcc.Location(id=MainIds.ADDRESS, refresh="callback-nav"),
        dcc.Store(id=ids.TABLE_SORT, data={"column": "", "descending": False}),
        dcc.Store(id=ids.TABLE_PAGE, data=0),
        dcc.Store(id=ids.SELECTED_FIRM, data=None),
        dcc.Store(id=ids.PARK_EXCHANGES, data=None),
        dcc.Store(id=ids.NETWORK_VIEW, data=None),
        dcc.Store(id=ids.NETWORK_SHOWN, data=None),
        dcc.Store(id=ids.DOUBT_RESULT, data=None),
        dcc.Store(id=ids.LAST_SEARCH, data=None),
        dcc.Store(id=MainIds.SANKEY_SHOWN, data=None),
        dcc.Store(id=ids.UNDO_SEARCH, data=None),
        header(),
        dbc.Container([
            scenario_bar(),
            dbc.Alert(id=MainIds.ERROR_ALERT, is_open=False, color="warning", dismissable=True),
            # A slow toggle (a very large park) dims the cards under a spinner; the old
            # figures stay readable until the new ones arrive.
            dcc.Loading(Markup(id=MainIds.KPI_STRIP, tree=["div", {"className": KPI_STRIP_CLASS}]), delay_show=300,
                        type="circle", overlay_style=DIMMED, target_components={ids.KPI_STRIP: "tree"}),
            doubt.bands_row(),
            views_row(),
            doubt.doubt_card(),
            exchange_card(),
        ], fluid=True, tag="main"),
        dbc.Offcanvas(html.Div(id=MainIds.FIRM_PANEL_BODY), id=MainIds.FIRM_PANEL, placement="end", is_open=False,
                      title=html.Span("Firm", id=MainIds.FIRM_PANEL_TITLE), labelledby=MainIds.FIRM_PANEL_TITLE,
                      scrollable=True, class_name="firm-panel"),
        dbc.Modal([dbc.ModalHeader(dbc.ModalTitle("Data sources", id=MainIds.SOURCES_TITLE)),
                   dbc.ModalBody(id=MainIds.SOURCES_BODY)],
                  id=MainIds.SOURCES_MODAL, is_open=False, size="xl", scrollable=True, labelledby=MainIds.SOURCES_TITLE),
        *storage_modals(),
        *export_panel(),
    ], id=ids.PAGE)
