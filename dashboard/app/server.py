"""Running the app from the command line (``eco-park serve``)."""

from __future__ import annotations

import sys
from pathlib import Path

from dashboard import model


def run(park: model.Park | Path, host: str = "127.0.0.1", port: int = 8050, debug: bool = False,
        database_url: str | None = None, auth: str | None = None, user_header: str | None = None) -> int:
    """Serve ``park`` (loaded, or a path to load) until Ctrl+C; 2 if a path or the users
    file cannot be loaded."""
    from dashboard.auth import AuthError

    from . import create_app

    try:
        app = create_app(park, database_url=database_url, auth=auth, user_header=user_header)
    except model.ParkError as error:
        print(f"eco-park serve: the park at {park} cannot be loaded:", file=sys.stderr)
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except AuthError as error:
        print(f"eco-park serve: {error}", file=sys.stderr)
        return 2
    print(f"eco-park: serving {app.title} on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=debug)
    return 0
