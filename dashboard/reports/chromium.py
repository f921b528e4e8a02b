"""Finding the system Chromium and printing a page to PDF with it.

The browser is never downloaded: ``find_browser`` looks at ``BROWSER_PATH``, then
``CHROME_PATH``, then ``/usr/bin/chromium`` (Debian's) and the usual names on ``PATH``.
``html_to_pdf`` runs it once, headless, in a fresh temporary profile, with a time limit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

ENV_VARS = ("BROWSER_PATH", "CHROME_PATH")
"""Environment variables naming the browser, in the order they are read."""

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
              "chrome")
"""Where to look when no variable names the browser, in order."""

PDF_TIMEOUT = 120.0
"""Seconds Chromium may take to print a report before it is stopped."""

VIRTUAL_TIME_MS = 10_000
"""Virtual time the page gets before printing (ms): plotly draws the figures in it."""


class ReportError(RuntimeError):
    """A report could not be made here (no browser, the browser failed or took too
    long); the message says what happened and what to do, in plain words."""


def find_browser() -> str:
    """The path of the Chromium (or Chrome) to use. Raises ReportError when a variable
    names a program that is not there, or when none is found."""
    for variable in ENV_VARS:
        value = os.environ.get(variable, "").strip()
        if value:
            found = shutil.which(value)
            if not found:
                raise ReportError(f"{variable} is set to {value!r}, but no program can be run there. Point "
                                  f"{variable} at a Chromium or Chrome executable, or unset it to use the "
                                  f"system Chromium.")
            return found
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise ReportError("PDF and image exports need Chromium (or Chrome) on this computer, and none was found "
                      "(looked at BROWSER_PATH, CHROME_PATH, /usr/bin/chromium and the PATH). On Debian or "
                      "Ubuntu install it with 'apt-get install chromium', or set BROWSER_PATH to the "
                      "browser's executable. The HTML report and the CSV and Excel tables need no browser.")


def pdf_command(browser: str, page: Path, out: Path, profile: Path) -> list[str]:
    """The Chromium command line that prints ``page`` to ``out`` (A4 per the page's
    own ``@page`` rule, no header or footer), offline and in a throwaway profile."""
    return [
        browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--no-first-run", "--no-default-browser-check",
        "--disable-breakpad", "--disable-crash-reporter", "--hide-scrollbars", "--mute-audio",
        f"--user-data-dir={profile}", "--window-size=1280,900",
        "--run-all-compositor-stages-before-draw", f"--virtual-time-budget={VIRTUAL_TIME_MS}",
        f"--print-to-pdf={out}", "--no-pdf-header-footer", page.as_uri(),
    ]


def _stop(process: subprocess.Popen) -> None:
    """Stop the browser we started and the helper processes it started (its own group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()


def html_to_pdf(html: str, timeout: float = PDF_TIMEOUT) -> bytes:
    """Print the HTML page ``html`` to PDF with headless Chromium and return the PDF.

    The page is written to a temporary folder and opened from there (``file://``), so
    it must be self-contained. Raises ReportError when no browser is found, when it
    fails or writes no PDF, or after ``timeout`` seconds.
    """
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="eco-park-pdf-", ignore_cleanup_errors=True) as temp:
        folder = Path(temp)
        page, out, profile = folder / "report.html", folder / "report.pdf", folder / "profile"
        page.write_text(html, encoding="utf-8")
        try:
            process = subprocess.Popen(pdf_command(browser, page, out, profile), cwd=folder,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=True)
        except OSError as error:
            raise ReportError(f"Chromium ({browser}) could not be started: {error}") from error
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise ReportError(f"Chromium ({browser}) took longer than {timeout:g} s to print the report and "
                              f"was stopped.") from None
        data = out.read_bytes() if out.is_file() else b""
        if process.returncode != 0 or not data.startswith(b"%PDF"):
            detail = "\n".join(stderr.decode("utf-8", "replace").strip().splitlines()[-5:])
            raise ReportError(f"Chromium ({browser}) could not print the report to PDF (exit code "
                              f"{process.returncode})." + (f" It said:\n{detail}" if detail else ""))
        return data
