"""Every component id of the app, one enum per page (as webviz-subsurface does). Python
uses the members; the browser code gets the same names and values from ``client_ids()``
(written into each page by ``create_app``), so assets/eco_park.js names no id of its
own. Browser tests select by these too.

The old flat names (``ids.URL``, ``ids.FILTER_TEXT``, ...) stay as aliases of the members:
``ids.URL is ShellIds.URL``. A new id goes into its page's enum.
"""

from __future__ import annotations

import json
from enum import StrEnum


class ShellIds(StrEnum):
    """The shell around every page."""

    URL = "url"
    PAGE_CONTENT = "page-content"
    CLIENT_IDS = "eco-ids"  # <script type="application/json">: client_ids(), for assets/eco_park.js


class MainIds(StrEnum):
    """The dashboard page."""

    PAGE = "page"
    MAIN_PAGE = "main-page"  # store inside the dashboard page: its callbacks run when it appears
    ADDRESS = "main-address"  # the page's own dcc.Location: the Sankey shown, in the fragment
    PARK_EXCHANGES = "park-exchanges"  # store: the park's key, exchange and firm order and baseline

    # header
    PARK_TITLE = "park-title"
    PARK_META = "park-meta"
    NAV_TOGGLE = "nav-toggle"
    NAV_COLLAPSE = "nav-collapse"
    SOURCES_BUTTON = "sources-button"
    SHARE_BUTTON = "share-button"
    SHARE_STATUS = "share-status"
    SHARE_LINK = "share-link"
    USER_BAR = "user-bar"
    DECIDE_LINK = "decide-link"  # header link to the decide page

    # scenario bar
    SCENARIO_SUMMARY = "scenario-summary"
    RESET_BUTTON = "reset-baseline"
    ALL_CANDIDATES_BUTTON = "all-candidates-on"
    ERROR_ALERT = "error-alert"
    SWITCH_NOTE = "switch-note"      # "Switched on: Tissø II", the change just made
    UNDO_BUTTON = "undo-switch"
    LAST_SEARCH = "last-search"      # store: the address's query before the latest change
    UNDO_SEARCH = "undo-search"      # store: the query Undo goes back to

    # KPI strip, and the 90% ranges under the cards
    KPI_STRIP = "kpi-strip"
    KPI_FRESHWATER = "kpi-freshwater"
    KPI_CO2 = "kpi-co2"
    KPI_LANDFILL = "kpi-landfill"
    KPI_COST = "kpi-cost"
    KPI_BANDS = "kpi-bands"
    BAND_FRESHWATER = "band-freshwater"
    BAND_CO2 = "band-co2"
    BAND_LANDFILL = "band-landfill"
    BAND_COST = "band-cost"

    # views
    NETWORK_GRAPH = "network-graph"
    NETWORK_VIEW = "network-view"          # store: the network part of the address's fragment (network=...)
    NETWORK_SHOWN = "network-shown"        # store: the view drawn (grouping, group, firm, breadcrumb targets)
    NETWORK_GROUPING = "network-grouping"  # select: every firm / sector / site zone / community
    NETWORK_CRUMBS = "network-crumbs"      # nav: "All sectors > Chemicals"
    NETWORK_CRUMB = "network-crumb"        # pattern: {"type": NETWORK_CRUMB, "index": n} breadcrumb button
    NETWORK_BACK = "network-back"
    NETWORK_SEARCH = "network-search"      # dropdown: find a firm, jump to its neighbourhood
    SANKEY_TABS = "sankey-tabs"
    SANKEY_GRAPH = "sankey-graph"
    SANKEY_SHARE = "sankey-share"          # select: group flows under this share into "other"
    SANKEY_SHOWN = "sankey-shown"          # store: what the Sankey shows (Handlers.sankey_drawn)

    # exchange list: one page of it, drawn on the server
    EXCHANGE_TABLE = "exchange-table"
    EXCHANGE_TOGGLE = "exchange-toggle"  # a checkbox's DOM id: dom_id({"type": EXCHANGE_TOGGLE, "index": exchange id})
    EXCHANGE_ROWS = "exchange-rows"  # the list's tbody, one page of rows (app/markup.py): .toggled, .opened
    SORT_BUTTON = "sort-button"  # pattern: {"type": SORT_BUTTON, "index": column}
    SORT_HEADING = "sort-heading"  # pattern: {"type": SORT_HEADING, "index": column}, the th
    FILTER_CATEGORY = "filter-category"
    FILTER_STATUS = "filter-status"
    FILTER_TEXT = "filter-text"
    TABLE_SORT = "table-sort"
    TABLE_PAGE = "table-page"
    TABLE_PAGER = "table-pager"
    TABLE_COUNT = "table-count"
    PAGE_PREVIOUS = "page-previous"
    PAGE_NEXT = "page-next"

    # firm panel
    FIRM_PANEL = "firm-panel"
    FIRM_PANEL_BODY = "firm-panel-body"
    FIRM_PANEL_TITLE = "firm-panel-title"
    SELECTED_FIRM = "selected-firm"
    LEAVE_BUTTON = "leave-firm"  # the scenario without (or with) this firm

    # how sure, and firms leaving (docs/screens.md, "Deciding and doubting")
    DOUBT_TABS = "doubt-tabs"
    DOUBT_SURE_PANE = "doubt-sure-pane"              # the bands and tornado, shown by DOUBT_TABS
    DOUBT_RESILIENCE_PANE = "doubt-resilience-pane"  # the resilience ranking, shown by DOUBT_TABS
    TORNADO_KPI = "tornado-kpi"
    TORNADO_GRAPH = "tornado-graph"
    DOUBT_RESULT = "doubt-result"            # store: the Monte Carlo document of the scenario shown
    DOUBT_REQUEST = "doubt-request"          # store: a scenario whose run is too slow to answer at once
    DOUBT_STATUS = "doubt-status"
    DOUBT_PROGRESS = "doubt-progress"
    DOUBT_CANCEL = "doubt-cancel"
    RESILIENCE_TABLE = "resilience-table"
    RESILIENCE_REQUEST = "resilience-request"  # store: a park too large to rank its firms at once
    TORNADO_ASK = "tornado-ask"        # store: the tornado's KPI, written when it is picked or its pane opened
    RESILIENCE_ASK = "resilience-ask"  # store: the address whose firms the open resilience pane ranks

    # sources
    SOURCES_MODAL = "sources-modal"
    SOURCES_BODY = "sources-body"
    SOURCES_TITLE = "sources-title"

    # header actions (workshops and reporting)
    SAVE_BUTTON = "save-button"
    SCENARIOS_BUTTON = "scenarios-button"
    UPLOAD_BUTTON = "upload-button"
    EXPORT_MENU = "export-menu"
    EXPORT_HTML = "export-html"
    EXPORT_PDF = "export-pdf"
    EXPORT_XLSX = "export-xlsx"
    EXPORT_CSV = "export-csv"
    EXPORT_PNG = "export-png"
    EXPORT_SVG = "export-svg"
    KIOSK_LINK = "kiosk-link"
    EXPORT_JOB_PANEL = "export-progress"
    EXPORT_JOB_TEXT = "export-job-text"
    EXPORT_JOB_BAR = "export-job-bar"
    EXPORT_JOB_CANCEL = "export-job-cancel"
    EXPORT_JOB_RESULT = "export-job-result"
    EXPORT_JOB_DOWNLOAD = "export-job-download"

    # upload
    UPLOAD_MODAL = "upload-modal"
    UPLOAD_TITLE = "upload-title"
    UPLOAD = "upload"
    UPLOAD_AUTHOR = "upload-author"
    UPLOAD_RESULT = "upload-result"
    TEMPLATE_LINK = "template-link"

    # save and list scenarios
    SAVE_MODAL = "save-modal"
    SAVE_TITLE = "save-title"
    SAVE_NAME = "save-name"
    SAVE_AUTHOR = "save-author"
    SAVE_REPLACE = "save-replace"
    SAVE_CONFIRM = "save-confirm"
    SAVE_RESULT = "save-result"
    SCENARIOS_MODAL = "scenarios-modal"
    SCENARIOS_TITLE = "scenarios-title"
    SCENARIOS_BODY = "scenarios-body"
    SCENARIOS_VERSION = "scenarios-version"  # store bumped after every save, rename or delete
    SCENARIO_PICK = "scenario-pick"          # pattern: {"type": SCENARIO_PICK, "index": id} checkbox
    SCENARIO_DELETE = "scenario-delete"      # pattern: ConfirmDialogProvider around a delete button
    SCENARIO_RENAME = "scenario-rename"      # pattern: rename button
    SCENARIO_NEW_NAME = "scenario-new-name"  # pattern: text input
    COMPARE_LINK = "compare-link"
    SCENARIOS_MESSAGE = "scenarios-message"

    # stored parks (in the upload dialog)
    PARKS_BODY = "parks-body"
    PARKS_MESSAGE = "parks-message"
    PARKS_VERSION = "parks-version"
    PARK_RENAME = "park-rename"          # pattern: button
    PARK_NEW_NAME = "park-new-name"      # pattern: text input
    PARK_DELETE = "park-delete"          # pattern: ConfirmDialogProvider


class KioskIds(StrEnum):
    """The kiosk page (/kiosk)."""

    KIOSK_ROOT = "kiosk-root"
    KIOSK_TICK = "kiosk-tick"
    KIOSK_VIEW = "kiosk-view"  # pattern: {"type": KIOSK_VIEW, "index": n}


class CompareIds(StrEnum):
    """The compare page (/compare)."""

    COMPARE_ROOT = "compare-root"
    COMPARE_EXPORT_XLSX = "compare-export-xlsx"
    COMPARE_EXPORT_CSV = "compare-export-csv"


class DecideIds(StrEnum):
    """The decide page (/decide): which candidates to build, in what order, at what price."""

    DECIDE_ROOT = "decide-root"
    DECIDE_PAGE = "decide-page"              # store: the page's callbacks run when it appears
    DECIDE_ADDRESS = "decide-address"        # the page's own dcc.Location: its callbacks' search
    DECIDE_TITLE = "decide-title"
    DECIDE_BACK = "decide-back"
    DECIDE_KPIS = "decide-kpis"
    DECIDE_MACC = "decide-macc"
    DECIDE_MACC_NOTE = "decide-macc-note"
    DECIDE_MACC_QUERIES = "decide-macc-queries"    # store: the URL query each bar applies
    DECIDE_OBJECTIVE = "decide-objective"
    DECIDE_BUDGET = "decide-budget"
    DECIDE_LIMIT_FRESHWATER = "decide-limit-freshwater-m3"
    DECIDE_LIMIT_CO2 = "decide-limit-co2-t"
    DECIDE_LIMIT_LANDFILL = "decide-limit-landfill-t"
    DECIDE_LIMIT_COST = "decide-limit-cost"
    DECIDE_FORCE_ON = "decide-force-on"
    DECIDE_FORCE_OFF = "decide-force-off"
    DECIDE_RUN = "decide-run"
    DECIDE_CANCEL = "decide-cancel"
    DECIDE_PROGRESS = "decide-progress"
    DECIDE_ANSWER = "decide-answer"
    DECIDE_APPLY = "decide-apply"
    DECIDE_FRONT = "decide-front"
    DECIDE_FRONT_X = "decide-front-x"
    DECIDE_FRONT_Y = "decide-front-y"
    DECIDE_FRONT_NOTE = "decide-front-note"
    DECIDE_FRONT_QUERIES = "decide-front-queries"  # store: the URL query each point applies
    DECIDE_DEALS = "decide-deals"


PAGES: dict[str, type[StrEnum]] = {"shell": ShellIds, "main": MainIds, "kiosk": KioskIds, "compare": CompareIds,
                                   "decide": DecideIds}
"""Each page's ids, by the name the browser code uses (``IDS.main.FIRM_PANEL``)."""

KPI_CARD = {"freshwater_m3": MainIds.KPI_FRESHWATER, "co2_t": MainIds.KPI_CO2, "landfill_t": MainIds.KPI_LANDFILL,
            "cost": MainIds.KPI_COST}
KPI_BAND = {"freshwater_m3": MainIds.BAND_FRESHWATER, "co2_t": MainIds.BAND_CO2,
            "landfill_t": MainIds.BAND_LANDFILL, "cost": MainIds.BAND_COST}
EXPORT_LINK = {"html": MainIds.EXPORT_HTML, "pdf": MainIds.EXPORT_PDF, "xlsx": MainIds.EXPORT_XLSX,
               "csv": MainIds.EXPORT_CSV, "png": MainIds.EXPORT_PNG, "svg": MainIds.EXPORT_SVG}
COMPARE_EXPORT = {"xlsx": CompareIds.COMPARE_EXPORT_XLSX, "csv": CompareIds.COMPARE_EXPORT_CSV}
DECIDE_LIMIT = {"freshwater_m3": DecideIds.DECIDE_LIMIT_FRESHWATER, "co2_t": DecideIds.DECIDE_LIMIT_CO2,
                "landfill_t": DecideIds.DECIDE_LIMIT_LANDFILL, "cost": DecideIds.DECIDE_LIMIT_COST}


def dom_id(pattern_id: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (its JSON, keys sorted, no spaces); the
    list's checkboxes, drawn outside Dash's components, take the same."""
    return json.dumps(pattern_id, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def client_ids() -> dict[str, dict[str, str]]:
    """Every page's ids for the browser: ``{"main": {"FIRM_PANEL": "firm-panel", ...}, ...}``."""
    return {page: {member.name: member.value for member in members} for page, members in PAGES.items()}


# The old flat names, as aliases of the members (a name is in one page only).
for _members in PAGES.values():
    globals().update(_members.__members__)
del _members
