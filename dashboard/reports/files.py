"""Reports as files: the PDF, and ``write_report`` choosing what to write by suffix."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from dashboard import exports, model

from .chromium import PDF_TIMEOUT, ReportError, html_to_pdf
from .images import FORMATS, ImageTitle, render_images, report_figures
from .page import report_html

SUFFIXES: dict[str, str] = {
    ".html": "the report as one self-contained HTML page",
    ".htm": "the same as .html",
    ".pdf": "the report printed to PDF by headless Chromium (A4 landscape)",
    ".zip": "report.html, every figure as PNG and SVG (figures/) and the result tables as CSV (tables/)",
    ".xlsx": "the result tables as an Excel workbook (kpis, exchanges, firms, sources, about)",
    ".csv": "the exchange table only (with marginal effects), UTF-8 CSV",
}
"""What ``write_report`` writes for each suffix of the output path."""


class OutputSuffixError(ReportError, ValueError):
    """``write_report`` was asked for a file type it does not write (a ValueError, and a
    ReportError so that callers that explain ReportErrors explain this one too)."""


def report_pdf(park: model.Park, active: Iterable[str] | None = None, generated_at: datetime | None = None,
               timeout: float = PDF_TIMEOUT) -> bytes:
    """The scenario report (see ``report_html``) printed to PDF by the system Chromium,
    A4 landscape, figures included. Raises ReportError when no Chromium is found, when
    it fails, or after ``timeout`` seconds; ParkError for unknown exchange ids."""
    return html_to_pdf(report_html(park, active, generated_at), timeout=timeout)


def report_zip(park: model.Park, active: Iterable[str] | None = None, generated_at: datetime | None = None) -> bytes:
    """A zip of ``report.html``, ``figures/<name>.png`` and ``.svg`` for the network and
    every Sankey, and ``tables/<table>.csv`` (kpis, exchanges, firms, sources, about)."""
    when = generated_at or datetime.now(UTC)
    seen = model.views(park, active)
    images = render_images(report_figures(seen.scenario, font_size=14), FORMATS,
                           ImageTitle.of(park, seen.scenario.active))
    tables = exports.scenario_tables(park, seen.scenario.active)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.html", report_html(park, seen.scenario.active, when).encode("utf-8"))
        for name, data in images.items():
            archive.writestr(f"figures/{name}", data)
        with zipfile.ZipFile(io.BytesIO(exports.to_csv_zip(tables, park, when))) as csvs:
            for info in csvs.infolist():
                archive.writestr(f"tables/{info.filename}", csvs.read(info))
    return buffer.getvalue()


def write_report(park: model.Park, active: Iterable[str] | None, out: str | Path,
                 generated_at: datetime | None = None) -> Path:
    """Write the scenario ``active`` (exchange ids on; None: the baseline) to ``out``;
    what is written depends on its suffix (see ``SUFFIXES``): .html, .pdf, .zip, .xlsx or
    .csv. Returns the path written. Raises OutputSuffixError (a ValueError) for another suffix, ReportError
    when .pdf or .zip needs a browser that is missing or fails (nothing is written
    then), ParkError for unknown exchange ids."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputSuffixError(f"cannot write a report as '{out.name}': the name must end in "
                                + ", ".join(SUFFIXES))
    if suffix in (".html", ".htm"):
        data = report_html(park, active, generated_at).encode("utf-8")
    elif suffix == ".pdf":
        data = report_pdf(park, active, generated_at)
    elif suffix == ".zip":
        data = report_zip(park, active, generated_at)
    elif suffix == ".xlsx":
        data = exports.to_xlsx(exports.scenario_tables(park, active), park, generated_at)
    else:
        table = exports.scenario_tables(park, active)["exchanges"]
        data = exports.to_csv(table, exports.TABLE_COLUMNS["exchanges"]).encode("utf-8")
    out.write_bytes(data)
    return out
