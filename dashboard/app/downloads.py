"""File downloads as plain links (keyboard- and screen-reader-friendly, no callbacks):
``/download/<file>?park=..&on=..&off=..`` for the scenario in the query."""

from __future__ import annotations

import logging
import os
import threading
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, request

from dashboard import model

from .state import AppState

logger = logging.getLogger(__name__)

FILES: dict[str, tuple[str, str]] = {
    "report.html": ("text/html; charset=utf-8", "html"),
    "report.pdf": ("application/pdf", "pdf"),
    "results.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "results.zip": ("application/zip", "csv"),
    "figures-png.zip": ("application/zip", "png"),
    "figures-svg.zip": ("application/zip", "svg"),
}


def export_href(kind: str, search: str | None) -> str:
    """The download link of ``kind`` (html, pdf, xlsx, csv, png, svg) for a URL query."""
    name = next(file for file, (_, k) in FILES.items() if k == kind)
    return f"/download/{name}{search or ''}"


def _slug(text: str) -> str:
    """Letters and digits of ``text`` (any script), each run of anything else one dash;
    at most 40 characters."""
    slug = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in slug.split("-") if part)[:40].strip("-") or "park"


_ASCII_LOOKALIKES = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
                                   "þ": "th", "ð": "d", "ı": "i", "ħ": "h"})
"""Letters that NFKD does not split into an ASCII letter and a mark."""


def _ascii_slug(text: str) -> str:
    """``_slug`` in ASCII only (Łódź -> lodz), for the plain ``filename=`` of old clients."""
    plain = unicodedata.normalize("NFKD", text.lower().translate(_ASCII_LOOKALIKES))
    return _slug(plain.encode("ascii", "ignore").decode("ascii"))


def content_disposition(disposition: str, park_name: str, name: str) -> str:
    """The Content-Disposition of the download ``name`` of a park. HTTP headers are
    Latin-1 (the server cannot send a Korean or Polish name as it is), so: an ASCII
    ``filename=`` for every client and, when the name is not ASCII, the full name as
    RFC 5987/6266 ``filename*=UTF-8''...``, which browsers prefer."""
    plain = f"{_ascii_slug(park_name)}-{name}"
    full = f"{_slug(park_name)}-{name}"
    header = f'{disposition}; filename="{plain}"'
    if full != plain:
        header += f"; filename*=UTF-8''{quote(full, safe='')}"
    return header


BROWSER_KINDS = frozenset({"pdf", "png", "svg"})
"""Exports that start a headless chromium: a few hundred MB each, so few at a time."""

DEFAULT_EXPORT_SECONDS = 25.0
"""Seconds a PDF or figure export may take before it is stopped: below gunicorn's
default worker timeout (30 s), so the person gets a reason, not a killed worker's bare
500. ``ECO_PARK_EXPORT_SECONDS`` changes it (raise gunicorn's ``--timeout`` with it)."""


def export_seconds() -> float:
    """The export time limit: ``ECO_PARK_EXPORT_SECONDS``, else the default."""
    try:
        seconds = float(os.environ.get("ECO_PARK_EXPORT_SECONDS", DEFAULT_EXPORT_SECONDS))
    except ValueError:
        return DEFAULT_EXPORT_SECONDS
    return seconds if 1 <= seconds <= 3600 else DEFAULT_EXPORT_SECONDS


def client_message(kind: str, error: Exception) -> str:
    """What the person asking for an export is told when it fails: what happened and
    what to do, without the server's paths, programs or error dumps (the log has them)."""
    from dashboard.reports import ExportTimeout

    if isinstance(error, ExportTimeout):
        return (f"The {kind.upper()} took longer than this server allows and was stopped. For a park this large, "
                "the HTML report and the Excel results hold the same figures and tables and are made in "
                "seconds; whoever runs the server can allow longer (ECO_PARK_EXPORT_SECONDS).")
    return (f"The {kind.upper()} could not be made on this server: PDF and image exports need Chromium there, "
            "and it is missing or failed (the server's log says why). The HTML report and the Excel and CSV "
            "results need no browser.")


def downloads_blueprint(state: AppState, browser_exports_at_once: int = 1,
                        wait_seconds: float = 30.0) -> Blueprint:
    """The download routes. At most ``browser_exports_at_once`` PDF/PNG/SVG exports run
    per worker; a request that waits ``wait_seconds`` for a turn is told to retry."""
    blueprint = Blueprint("eco_park_downloads", __name__)
    browser_turns = threading.BoundedSemaphore(browser_exports_at_once)

    @blueprint.get("/download/template.xlsx")
    def template():
        from dashboard.exports import template_workbook

        return Response(template_workbook(), content_type=FILES["results.xlsx"][0],
                        headers={"Content-Disposition": 'attachment; filename="eco-park-template.xlsx"'})

    @blueprint.get("/download/compare.<suffix>")
    def comparison(suffix: str):
        """Saved scenarios side by side (``?s=ID,ID``), as the compare page shows them."""
        from dashboard import exports

        from .compare import load_comparison

        if suffix not in ("xlsx", "zip"):
            return Response("No such download.", status=404, mimetype="text/plain")
        try:
            park, named = load_comparison(state, "?" + request.query_string.decode("utf-8", "replace"))
        except ValueError as problem:
            return Response(f"Nothing to compare: {problem}.", status=400, mimetype="text/plain")
        baseline = state.evaluate(park, park.baseline_active)
        tables = exports.compare_tables(park, baseline, [(name, state.evaluate(park, active))
                                                         for name, _, active in named])
        if suffix == "xlsx":
            data, mimetype = exports.to_xlsx(tables, park), FILES["results.xlsx"][0]
        else:
            data, mimetype = exports.to_csv_zip(tables, park), "application/zip"
        return Response(data, content_type=mimetype, headers={
            "Content-Disposition": content_disposition("attachment", park.name, f"comparison.{suffix}"),
            "Cache-Control": "no-store"})

    @blueprint.get("/download/<name>")
    def scenario_file(name: str):
        if name not in FILES:
            return Response("No such download.", status=404, mimetype="text/plain")
        try:
            park, active, scenario = state.resolve("?" + request.query_string.decode("utf-8", "replace"))
            if scenario.without:  # the reports and tables take the Scenario itself (firms leave)
                active = scenario
        except model.ParkError as error:
            return Response("This link does not fit the park:\n" + "\n".join(str(p) for p in error.problems),
                            status=400, mimetype="text/plain")
        mimetype, kind = FILES[name]
        turn = browser_turns if kind in BROWSER_KINDS else None
        if turn is not None and not turn.acquire(timeout=wait_seconds):
            return Response("The server is busy making other exports; try again in a minute.", status=503,
                            mimetype="text/plain", headers={"Retry-After": "60"})
        try:
            data = render(kind, park, active, seconds=export_seconds())
        except Exception as error:  # a missing browser for PDF/PNG, say: tell the person, no traceback
            logger.exception("export %s failed", name)
            return Response(client_message(kind, error), status=503, mimetype="text/plain")
        finally:
            if turn is not None:
                turn.release()
        disposition = "inline" if kind == "html" else "attachment"
        # content_type, not mimetype: Flask adds "; charset=utf-8" to a text/* mimetype,
        # and FILES already names the charset
        return Response(data, content_type=mimetype,
                        headers={"Content-Disposition": content_disposition(disposition, park.name, name),
                                 "Cache-Control": "no-store"})

    @blueprint.get("/healthz")
    def health():
        return {"status": "ok", "park": state.default_park.name}

    return blueprint


def render(kind: str, park: model.Park, active: frozenset[str], seconds: float = DEFAULT_EXPORT_SECONDS) -> bytes:
    """The bytes of one export of the scenario ``active``. PDF and figures are drawn by
    Chromium in a process of their own, stopped with everything it started after
    ``seconds`` or when this process dies (``reports.run_export``)."""
    from dashboard import exports

    if kind == "xlsx":
        return exports.to_xlsx(exports.scenario_tables(park, active), park)
    if kind == "csv":
        return exports.to_csv_zip(exports.scenario_tables(park, active), park)
    from dashboard import reports  # imported only when asked

    if kind == "html":
        return reports.report_html(park, active).encode("utf-8")
    return reports.run_export(kind, park, active, seconds)
