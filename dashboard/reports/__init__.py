"""A scenario report a park manager takes away: one self-contained HTML page, the same
page printed to PDF by a headless Chromium, and the figures as PNG and SVG.

No Dash here: the app's download routes and the command line both call these.

- ``report_html(park, active)``: the page as text (plotly.js, CSS and data inlined;
  nothing fetched from the network when it is opened);
- ``report_pdf(park, active)``: that page printed by the system Chromium (bytes);
- ``figure_images(park, active, fmt)``: the network and each Sankey drawn by kaleido
  with the system Chromium, ``{file name: bytes}``;
- ``write_report(park, active, out)``: any of these (and the result tables), chosen by
  the suffix of ``out``;
- ``run_export(kind, park, active, seconds)``: the PDF or the figures made in a process
  of their own that is stopped, with every browser it started, after ``seconds`` or
  when the caller dies (the web app's downloads use this).

Chromium is found by ``find_browser``: ``BROWSER_PATH``, else ``CHROME_PATH``, else
``/usr/bin/chromium`` or a ``chromium``/``google-chrome`` on ``PATH``. Nothing is ever
downloaded. When none is found, or it fails, ``ReportError`` says so in plain words.
"""

from .chromium import ReportError, find_browser, html_to_pdf
from .files import SUFFIXES, OutputSuffixError, report_pdf, write_report
from .images import figure_images, report_figures
from .isolated import ExportTimeout, run_export
from .page import report_html

__all__ = [
    "ReportError", "find_browser", "html_to_pdf", "report_pdf", "SUFFIXES", "OutputSuffixError", "write_report",
    "figure_images", "report_figures", "report_html", "ExportTimeout", "run_export",
]
