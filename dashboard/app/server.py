"""Running the app from the command line (``eco-park serve``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dashboard import model

SERVE_EXPORT_SECONDS = 120
"""The export time limit under ``eco-park serve``: Flask's own server has no worker
timeout to stay under (gunicorn's default 30 s is why the WSGI default is 25 s), and a
desk or workshop machine may be slow."""


def run(park: model.Park | Path, host: str = "127.0.0.1", port: int = 8050, debug: bool = False,
        database_url: str | None = None) -> int:
    """Serve ``park`` (loaded, or a path to load) until Ctrl+C; 2 if a path cannot be loaded."""
    from . import create_app

    os.environ.setdefault("ECO_PARK_EXPORT_SECONDS", str(SERVE_EXPORT_SECONDS))
    try:
        app = create_app(park, database_url=database_url)
    except model.ParkError as error:
        print(f"eco-park serve: the park at {park} cannot be loaded:", file=sys.stderr)
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        return 2
    print(f"eco-park: serving {app.title} on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=debug)
    return 0
