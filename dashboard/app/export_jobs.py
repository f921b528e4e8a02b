"""PDF reports and PNG/SVG figures made as background jobs (``app.jobs``), not in the
web worker: the Export menu's items start one, the page shows its progress with a
Cancel button, and the file arrives as a download. The same files stay available as
plain links (``/download/report.pdf?...``) for scripts."""

from __future__ import annotations

import base64
import logging

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import model

from . import ids
from .downloads import FILES, content_disposition, render
from .jobs import no_stray_processes
from .state import AppState

logger = logging.getLogger(__name__)

JOB_KINDS = {"pdf": "report.pdf", "png": "figures-png.zip", "svg": "figures-svg.zip"}
LABELS = {"pdf": "Report (PDF)", "png": "Figures (PNG, zip)", "svg": "Figures (SVG, zip)"}


def export_panel() -> list:
    """The job's progress, Cancel, the last outcome, and the download it delivers."""
    return [
        html.Div([
            html.Div(id=ids.EXPORT_JOB_TEXT, className="export-progress-text"),
            dbc.Progress(id=ids.EXPORT_JOB_BAR, value=0, striped=True, animated=True, class_name="my-2"),
            dbc.Button("Cancel", id=ids.EXPORT_JOB_CANCEL, size="sm", color="secondary", outline=True, n_clicks=0,
                       class_name="align-self-start"),
        ], id=ids.EXPORT_JOB_PANEL, className="export-progress card shadow", hidden=True, role="status",
            **{"aria-live": "polite"}),
        html.Div(id=ids.EXPORT_JOB_RESULT, className="export-result card shadow small", role="status",
                 **{"aria-live": "polite"}),
        dcc.Download(id=ids.EXPORT_JOB_DOWNLOAD),
    ]


def make_export(state: AppState, kind: str, search: str | None, set_progress=None) -> tuple[dict | None, str]:
    """(dcc.Download data or None, a message) of the export ``kind`` of the scenario in
    ``search``. Runs inside the job; no exception leaves it."""
    def step(percent: int, text: str) -> None:
        if set_progress is not None:
            set_progress((percent, f"{percent} %", text))

    name = JOB_KINDS[kind]
    label = LABELS[kind]
    try:
        park, active, scenario = state.resolve(search)
        if scenario.without:  # the reports take the Scenario itself (firms leave)
            active = scenario
    except model.ParkError as error:
        return None, f"{label} was not made: this link does not fit the park (" + \
            "; ".join(p.message for p in error.problems) + ")."
    try:
        with no_stray_processes():
            if kind == "pdf":
                from dashboard import reports

                step(10, f"Making {label}: drawing the report\u2026")
                page = reports.report_html(park, active)
                step(50, f"Making {label}: printing it with Chromium\u2026")
                data = reports.html_to_pdf(page)
            else:
                step(10, f"Making {label}: drawing the figures with Chromium\u2026")
                data = render(kind, park, active)
    except Exception as error:  # no browser, a timeout, a bug: say so, keep the page working
        logger.exception("export %s failed", name)
        return None, f"{label} could not be made: {error}"
    step(100, f"{label} is ready.")
    filename = content_disposition("attachment", park.name, name).split('filename="')[1].split('"')[0]
    return ({"content": base64.b64encode(data).decode("ascii"), "filename": filename, "base64": True,
             "type": FILES[name][0]}, f"Downloaded {filename}")


def register_export_jobs(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.EXPORT_JOB_DOWNLOAD, "data"), Output(ids.EXPORT_JOB_RESULT, "children"),
        *[Input(ids.EXPORT_LINK[kind], "n_clicks") for kind in JOB_KINDS],
        State(ids.URL, "search"),
        background=True,
        running=[(Output(ids.EXPORT_JOB_PANEL, "hidden"), False, True),
                 (Output(ids.EXPORT_JOB_CANCEL, "disabled"), False, True)],
        progress=[Output(ids.EXPORT_JOB_BAR, "value"), Output(ids.EXPORT_JOB_BAR, "label"),
                  Output(ids.EXPORT_JOB_TEXT, "children")],
        progress_default=[0, "", "Starting\u2026"],
        cancel=[Input(ids.EXPORT_JOB_CANCEL, "n_clicks")],
        prevent_initial_call=True)
    def _export(set_progress, *args):
        search = args[-1]
        trigger = ctx.triggered_id
        kind = next((k for k in JOB_KINDS if ids.EXPORT_LINK[k] == trigger), None)
        if kind is None or not any(args[:-1]):
            return no_update, no_update
        return make_export(state, kind, search, set_progress)
