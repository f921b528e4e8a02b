"""The Dash app: layout and callbacks only; all numbers come from ``dashboard.model``."""

from __future__ import annotations

import gc
import html as html_text
import json
import os
from functools import partial
from pathlib import Path

import dash_bootstrap_components as dbc  # noqa: F401  (registers the component suite)
from dash import Dash, Input, Output, State, dcc, html

from dashboard import model
from dashboard.auth import AUTH_ENV, USER_HEADER_ENV, Auth
from dashboard.model.writing import park_json
from dashboard.paths import assets_dir, shipped_park
from dashboard.storage import Store

from . import ids
from .access import current_user, install_access, kiosk_allows
from .callbacks import register_callbacks
from .compare import compare_layout
from .decide import decide_layout, register_decide_callbacks
from .doubt import register_doubt_callbacks
from .downloads import downloads_blueprint
from .export_jobs import register_export_jobs
from .http import install_http
from .ids import MainIds, ShellIds
from .inputs import address, checked, register_input_errors
from .jobs import background_manager
from .kiosk import kiosk_layout, register_kiosk_callbacks
from .layout import build_layout
from .state import AppState
from .storage_ui import MAX_UPLOAD_BYTES, register_storage_callbacks


def create_app(park: model.Park | str | Path | None = None, store: Store | None = None,
               database_url: str | None = None, auth: Auth | str | Path | None = None,
               user_header: str | None = None, jobs=None) -> Dash:
    """A Dash app serving ``park`` (a Park or a path; default: the shipped Kalundborg park)
    as its default park. Uploaded parks and saved scenarios go to ``store`` (default: a
    Store on ``database_url``, ``ECO_PARK_DB`` or the SQLite file in the data directory).
    Logins are on when ``auth`` (a users file, or ``ECO_PARK_AUTH``) is given; a login
    proxy's ``user_header`` (or ``ECO_PARK_USER_HEADER``) is then trusted too (see
    ``app.access``). Slow callbacks run as jobs on ``jobs`` (default: ``app.jobs``'s
    manager: Celery when ``ECO_PARK_REDIS_URL`` is set, else diskcache). Raises ParkError if the park cannot be loaded, AuthError if the
    users file cannot."""
    auth = auth or os.environ.get(AUTH_ENV) or None
    if auth is not None and not isinstance(auth, Auth):
        auth = Auth(auth)
    user_header = user_header or os.environ.get(USER_HEADER_ENV) or None
    if store is None:
        store = Store(database_url)
    park = register_default_park(store, park)
    state = AppState(park, store=store)
    jobs = jobs or background_manager(store.url)
    # Dash writes the title into the page's <title> as it is: the park's name is data
    # from a file, so it is escaped here (a name like "</title><script>" stays text).
    app = Dash(__name__, assets_folder=str(assets_dir()), title=html_text.escape(f"{park.name} \u00b7 eco-park"),
               suppress_callback_exceptions=True, serve_locally=True, update_title=None,
               background_callback_manager=jobs,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.index_string = index_page()
    app.layout = html.Div([dcc.Location(id=ShellIds.URL, refresh="callback-nav"), *job_requests(),
                           html.Div(id=ShellIds.PAGE_CONTENT)])
    app.callback(Output(ShellIds.PAGE_CONTENT, "children"), Input(ShellIds.URL, "pathname"),
                 State(ShellIds.URL, "search"))(checked(address, address)(partial(page_layout, state)))
    register_callbacks(app, state)
    register_storage_callbacks(app, state)
    register_kiosk_callbacks(app)
    register_decide_callbacks(app, state)
    register_doubt_callbacks(app, state)
    register_export_jobs(app, state)
    install_access(app.server, auth, user_header)
    install_http(app)
    app.server.register_blueprint(downloads_blueprint(state))
    register_input_errors(app)
    # Refuse oversized requests before reading them: uploads travel base64-encoded.
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES * 4 // 3 + 256 * 1024
    app.server.config["ECO_PARK_STATE"] = state  # for tests and the WSGI entry point, read-only
    app.server.config["ECO_PARK_JOBS"] = jobs  # its launcher is started by the server (start_serving)
    return app


INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <script id="CLIENT_IDS" type="application/json">IDS_JSON</script>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>
"""
"""Dash's page with the document language set, for screen readers, and every page's
component ids for the browser code (ids.client_ids)."""


def index_page() -> str:
    ids_json = json.dumps(ids.client_ids(), separators=(",", ":")).replace("</", "<\\/")
    return INDEX.replace("CLIENT_IDS", ShellIds.CLIENT_IDS).replace("IDS_JSON", ids_json)


def register_default_park(store: Store, park: model.Park | str | Path | None) -> model.Park:
    """Load the default park and make sure the store holds it, so saved scenarios can
    refer to it by content hash like any uploaded park. Idempotent."""
    if isinstance(park, model.Park):
        store.add_park(f"{park.name}.json", park_json(park).encode("utf-8"), "eco-park")
        return park
    path = Path(park or shipped_park())
    loaded = model.load_park(path)
    if path.is_dir():
        store.add_park_folder(path)
    else:
        store.add_park(path.name, path.read_bytes(), "eco-park")
    return loaded


def job_requests() -> list:
    """The stores that start the dashboard's background jobs (the bands' draws, the
    resilience ranking: app/doubt.py writes them with set_props). They sit in the shell,
    not in the page: Dash calls a callback whose input appears in a newly drawn page as
    if that input had changed, and each page would start, and poll, a job with nothing
    to do."""
    return [dcc.Store(id=MainIds.DOUBT_REQUEST, data=None), dcc.Store(id=MainIds.RESILIENCE_REQUEST, data=None)]


def page_layout(state: AppState, pathname: str | None, search: str | None):
    """The page for a path: the dashboard, /compare, /kiosk or /decide (query in ``search``)."""
    path = (pathname or "/").rstrip("/")
    if not kiosk_allows(current_user(), pathname, search):
        return html.P("This kiosk link shows its own scenario only; sign in to see more.", className="m-4")
    if path.endswith("/kiosk"):
        return kiosk_layout(state, search or "")
    if path.endswith("/compare"):
        return compare_layout(state, search or "")
    if path.endswith("/decide"):
        return decide_layout(search or "", pathname or "/decide")
    return [*user_bar(current_user()), build_layout()]


def user_bar(user) -> list:
    """Signed in: who, with which role, and a sign-out form (it carries the CSRF token)."""
    from flask import session

    from .access import CSRF_FIELD

    if not user.name or user.kiosk:
        return []
    return [html.Form([
        html.Span(f"Signed in as {user.name} ({user.role.label})", className="me-2"),
        dcc.Input(type="hidden", name=CSRF_FIELD, value=session.get("csrf", "")),
        html.Button("Sign out", type="submit", className="btn btn-link btn-sm p-0 align-baseline"),
    ], action="/logout", method="POST", id=ids.USER_BAR, className="user-bar small text-end px-3 py-1")]


SERVING_GC_THRESHOLD = 10_000
"""The garbage collector's first threshold in a serving process (Python's default: 700).
A callback request allocates more than 700 objects, so at the default the collector ran
once or more a request, about a millisecond each; with this, about once in ten requests."""


def start_serving(app: Dash) -> None:
    """Make this process ready to serve ``app``: call it in the serving process once the
    app is built, before the server starts its first thread.

    - It starts the background jobs' launcher (see ``app.jobs.JobLauncher``).
    - It keeps NumPy's linear algebra (OpenBLAS) to one thread in this process and its
      jobs: the app's matrices are small, and with several server processes on few cores
      OpenBLAS's own threads spin for work (in paired runs a toggle cost about a tenth
      more CPU with them).
    - It tunes the garbage collector: what the app holds once built (the park, its
      caches, Dash's layout) is frozen out of the collector's work, and young objects
      are collected less often (SERVING_GC_THRESHOLD). In paired runs of
      bench/bench_load.py this gave about a tenth more toggles a second."""
    from threadpoolctl import threadpool_limits

    from .jobs import start_job_launcher

    threadpool_limits(1, user_api="blas")
    gc.collect()
    gc.freeze()  # before the launcher forks: the frozen objects are not touched again
    gc.set_threshold(SERVING_GC_THRESHOLD, *gc.get_threshold()[1:])
    start_job_launcher(app.server.config["ECO_PARK_JOBS"])
