"""Browser exports (PDF, PNG, SVG) in a process of their own, so that none outlives
the request that asked for it.

A headless Chromium runs as a tree of processes (the browser, its zygote, renderers),
and kaleido starts its Chromium in a session of its own: when a server worker is
killed (gunicorn does so at its ``--timeout``) or a request gives up, that tree would
be left running. So ``run_export`` starts ``python -m dashboard.reports.isolated`` for
each export, hands it the park and scenario, and waits at most ``seconds``:

- on time it returns the bytes; a ReportError in the runner comes back as one;
- past ``seconds`` it kills the runner and every process below it (psutil walks the
  tree) and raises ExportTimeout;
- if the process waiting is killed outright, Linux sends the runner SIGTERM (its
  parent-death signal), and the runner kills every process below it, then itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterable

import psutil

from dashboard import model
from dashboard.processes import die_with_parent, kill_tree

from .chromium import ReportError

KINDS = ("pdf", "png", "svg")


class ExportTimeout(ReportError):
    """An export ran past its time and was stopped, with every process it started."""


def run_export(kind: str, park: model.Park, active: Iterable[str] | None, seconds: float) -> bytes:
    """The bytes of the ``kind`` export (pdf, png or svg: a zip of the figures) of the
    scenario, made in a runner process (see the module's doc). Raises ExportTimeout
    after ``seconds``, ReportError when the runner fails."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    from dashboard.model.writing import park_json

    # the park travels as its JSON file (it loads back with the same content hash)
    # a Scenario (firms that leave) travels as itself, a set of exchange ids as a list
    chosen = None if active is None else active if isinstance(active, model.Scenario) else sorted(active)
    job = pickle.dumps((kind, park_json(park).encode("utf-8"), chosen))
    process = subprocess.Popen([sys.executable, "-m", "dashboard.reports.isolated"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=die_with_parent,
                               start_new_session=True)
    try:
        out, err = process.communicate(job, timeout=seconds)
    except subprocess.TimeoutExpired:
        kill_tree(process.pid)
        process.communicate()
        raise ExportTimeout(f"The {kind.upper()} export took longer than this server allows ({seconds:g} s) and "
                            "was stopped.") from None
    except BaseException:  # the request was interrupted: leave nothing behind
        kill_tree(process.pid)
        raise
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise ReportError(message[-1] if message and process.returncode == 3 else
                          f"the export runner stopped (exit code {process.returncode})")
    return out


def _make(kind: str, park: model.Park, active) -> bytes:
    import io
    import zipfile

    from .files import report_pdf
    from .images import figure_images

    if kind == "pdf":
        return report_pdf(park, active)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, content in figure_images(park, active, fmt=kind).items():
            archive.writestr(filename, content)
    return buffer.getvalue()


def _main() -> int:
    def stop(_signum, _frame):  # the server gave up or died: take every browser down too
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                child.kill()
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    if os.getppid() == 1:  # the parent was gone before the death signal was set
        return 1
    kind, park_file, active = pickle.loads(sys.stdin.buffer.read())  # from our own parent only
    park = model.load_park_bytes("park.json", park_file)
    try:
        data = _make(kind, park, active)
    except ReportError as error:
        sys.stderr.write(" ".join(str(error).split()) + "\n")
        return 3
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
