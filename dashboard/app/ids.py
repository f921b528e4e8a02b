"""Every component id of the app, in one place. Browser tests select by these too."""

URL = "url"
PARK_EXCHANGES = "park-exchanges"  # store: the park key, exchange order and baseline
PAGE = "page"
PAGE_CONTENT = "page-content"
MAIN_PAGE = "main-page"  # store inside the dashboard page: its callbacks run when it appears

# header
PARK_TITLE = "park-title"
PARK_META = "park-meta"
NAV_TOGGLE = "nav-toggle"
NAV_COLLAPSE = "nav-collapse"
SOURCES_BUTTON = "sources-button"
SHARE_BUTTON = "share-button"
SHARE_STATUS = "share-status"
SHARE_LINK = "share-link"

# scenario bar
SCENARIO_SUMMARY = "scenario-summary"
RESET_BUTTON = "reset-baseline"
ALL_CANDIDATES_BUTTON = "all-candidates-on"
ERROR_ALERT = "error-alert"
SWITCH_NOTE = "switch-note"      # "Switched on: Tissø II", the change just made
UNDO_BUTTON = "undo-switch"
LAST_SEARCH = "last-search"      # store: the address's query before the latest change
UNDO_SEARCH = "undo-search"      # store: the query Undo goes back to

# KPI strip: ids named in the issue
KPI_STRIP = "kpi-strip"
KPI_CARD = {"freshwater_m3": "kpi-freshwater", "co2_t": "kpi-co2", "landfill_t": "kpi-landfill", "cost": "kpi-cost"}

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

# exchange table
EXCHANGE_TABLE = "exchange-table"  # drawn by assets/eco_park.js from TABLE_DATA
TABLE_DATA = "table-data"
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

# sources
SOURCES_MODAL = "sources-modal"
SOURCES_BODY = "sources-body"
SOURCES_TITLE = "sources-title"

# header actions (issue: workshops and reporting)
SAVE_BUTTON = "save-button"
SCENARIOS_BUTTON = "scenarios-button"
UPLOAD_BUTTON = "upload-button"
EXPORT_MENU = "export-menu"
EXPORT_LINK = {kind: f"export-{kind}" for kind in ("html", "pdf", "xlsx", "csv", "png", "svg")}
KIOSK_LINK = "kiosk-link"
EXPORT_JOB_PANEL = "export-progress"
EXPORT_JOB_TEXT = "export-job-text"
EXPORT_JOB_BAR = "export-job-bar"
EXPORT_JOB_CANCEL = "export-job-cancel"
EXPORT_JOB_RESULT = "export-job-result"
EXPORT_JOB_DOWNLOAD = "export-job-download"
USER_BAR = "user-bar"

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

# kiosk
KIOSK_TICK = "kiosk-tick"
KIOSK_VIEW = "kiosk-view"                # pattern: {"type": KIOSK_VIEW, "index": n}
KIOSK_ROOT = "kiosk-root"

# compare
COMPARE_ROOT = "compare-root"
COMPARE_EXPORT = {"xlsx": "compare-export-xlsx", "csv": "compare-export-csv"}

# stored parks (in the upload dialog)
PARKS_BODY = "parks-body"
PARKS_MESSAGE = "parks-message"
PARKS_VERSION = "parks-version"
PARK_RENAME = "park-rename"          # pattern: button
PARK_NEW_NAME = "park-new-name"      # pattern: text input
PARK_DELETE = "park-delete"          # pattern: ConfirmDialogProvider

# decide page (/decide): which candidates to build, in what order, at what price
DECIDE_ROOT = "decide-root"
DECIDE_PAGE = "decide-page"              # store: the page's callbacks run when it appears
DECIDE_TITLE = "decide-title"
DECIDE_BACK = "decide-back"
DECIDE_KPIS = "decide-kpis"
DECIDE_MACC = "decide-macc"
DECIDE_MACC_NOTE = "decide-macc-note"
DECIDE_MACC_QUERIES = "decide-macc-queries"    # store: the URL query each bar applies
DECIDE_OBJECTIVE = "decide-objective"
DECIDE_BUDGET = "decide-budget"
DECIDE_LIMIT = {kpi: f"decide-limit-{kpi.replace('_', '-')}" for kpi in ("freshwater_m3", "co2_t", "landfill_t", "cost")}
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
DECIDE_LINK = "decide-link"              # header link from the dashboard

# firms leaving and uncertain inputs (docs/screens.md, "Deciding and doubting")
LEAVE_BUTTON = "leave-firm"              # in the firm panel: the scenario without (or with) this firm
KPI_BANDS = "kpi-bands"                  # the 90% ranges under the KPI cards
KPI_BAND = {"freshwater_m3": "band-freshwater", "co2_t": "band-co2", "landfill_t": "band-landfill",
            "cost": "band-cost"}
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
