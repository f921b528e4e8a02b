"""Every component id of the app, in one place. Browser tests select by these too."""

URL = "url"
PARK_EXCHANGES = "park-exchanges"  # store: the park key, exchange order and baseline
PAGE = "page"

# header
PARK_TITLE = "park-title"
PARK_META = "park-meta"
SOURCES_BUTTON = "sources-button"
SHARE_BUTTON = "share-button"
SHARE_STATUS = "share-status"
SHARE_LINK = "share-link"

# scenario bar
SCENARIO_SUMMARY = "scenario-summary"
RESET_BUTTON = "reset-baseline"
ALL_CANDIDATES_BUTTON = "all-candidates-on"
ERROR_ALERT = "error-alert"

# KPI strip: ids named in the issue
KPI_STRIP = "kpi-strip"
KPI_CARD = {"freshwater_m3": "kpi-freshwater", "co2_t": "kpi-co2", "landfill_t": "kpi-landfill", "cost": "kpi-cost"}

# views
NETWORK_GRAPH = "network-graph"
SANKEY_TABS = "sankey-tabs"
SANKEY_GRAPH = "sankey-graph"

# exchange table
EXCHANGE_TABLE = "exchange-table"
FILTER_CATEGORY = "filter-category"
FILTER_STATUS = "filter-status"
FILTER_TEXT = "filter-text"
TABLE_SORT = "table-sort"
TABLE_PAGE = "table-page"
TABLE_PAGER = "table-pager"
TABLE_COUNT = "table-count"
PAGE_PREVIOUS = "page-previous"
PAGE_NEXT = "page-next"

# pattern-matching ids (dicts): {"type": TOGGLE, "index": exchange id}
TOGGLE = "exchange-toggle"
SORT_HEADER = "sort-header"
FIRM_LINK = "firm-link"

# firm panel
FIRM_PANEL = "firm-panel"
FIRM_PANEL_BODY = "firm-panel-body"
SELECTED_FIRM = "selected-firm"

# sources
SOURCES_MODAL = "sources-modal"
SOURCES_BODY = "sources-body"
