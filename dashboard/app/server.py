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
        database_url: str | None = None, auth: str | None = None, user_header: str | None = None) -> int:
    """Serve ``park`` (loaded, or a path to load) until Ctrl+C; 2 if a path or the users
    file cannot be loaded."""
    from dashboard.auth import AuthError

    from . import create_app, start_serving

    os.environ.setdefault("ECO_PARK_EXPORT_SECONDS", str(SERVE_EXPORT_SECONDS))
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
    start_serving(app)
    app.run(host=host, port=port, debug=debug)
    return 0


THREADS_PER_WORKER = 8
"""gthread workers: each worker process answers this many requests at once, so a few
slow clients (a body sent a byte at a time) hold a few threads, not whole workers."""


def gunicorn_options(host: str, port: int, workers: int, threads: int = THREADS_PER_WORKER) -> dict:
    """The gunicorn settings of ``eco-park serve --workers N`` (the README gives the same
    as a gunicorn command line)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 120,  # a PDF export may take a while; a stuck worker is replaced after this
        "graceful_timeout": 30,
        "keepalive": 5,
        # Workers are renewed now and then, staggered (a guard against slow leaks). A new
        # worker costs about 2 s of CPU (imports, the app, its first Monte Carlo run) taken
        # from the others: at 2,000 requests, renewals took about a seventh of the
        # throughput of bench/bench_load.py; at 20,000 a busy worker (40 requests a
        # second) is renewed every 8 minutes or so.
        "max_requests": 20_000,
        "max_requests_jitter": 2_000,
        "limit_request_line": 8190,
        "accesslog": None,
        "errorlog": "-",
    }


def run_workers(park_path: Path | None, host: str, port: int, workers: int, database_url: str | None = None,
                auth: str | None = None, user_header: str | None = None,
                threads: int = THREADS_PER_WORKER) -> int:
    """Serve with ``workers`` gunicorn processes (gthread); each builds its own app, as
    ``dashboard.wsgi`` does. 2 if gunicorn is not installed or the users file is bad."""
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        print("eco-park serve: --workers needs gunicorn: pip install 'eco-park[server]'", file=sys.stderr)
        return 2
    from dashboard.auth import Auth, AuthError

    if auth:
        try:
            Auth(auth)  # refuse a bad users file here, not in every worker
        except AuthError as error:
            print(f"eco-park serve: {error}", file=sys.stderr)
            return 2

    class EcoPark(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(host, port, workers, threads).items():
                self.cfg.set(key, value)

        def load(self):  # in each worker, before its threads start
            from . import create_app, start_serving

            app = create_app(park_path, database_url=database_url, auth=auth, user_header=user_header)
            start_serving(app)
            return app.server

    print(f"eco-park: serving on http://{host}:{port}/ with {workers} worker processes x {threads} threads "
          "(Ctrl+C to stop)")
    EcoPark().run()
    return 0
