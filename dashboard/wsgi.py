r"""The WSGI entry point for production servers, e.g. (what ``eco-park serve --workers 4`` runs)

    gunicorn -k gthread -w 4 --threads 8 --timeout 120 --max-requests 20000 --max-requests-jitter 2000 \
        -b 127.0.0.1:8050 'dashboard.wsgi:server'

Settings come from the environment: ``ECO_PARK_PARK`` (the default park's path; the
shipped Kalundborg park when unset), ``ECO_PARK_DB`` (SQLAlchemy URL; a SQLite file
in the data directory when unset), ``ECO_PARK_AUTH`` (users file: logins on) and
``ECO_PARK_USER_HEADER`` (a login proxy's user header to trust). Every worker builds its
own app; they share nothing but the database, and the scenario lives in each request's URL.
"""

from __future__ import annotations

import os

from dashboard.app import create_app, start_serving

app = create_app(os.environ.get("ECO_PARK_PARK") or None, database_url=os.environ.get("ECO_PARK_DB") or None)
# imported by each worker before its threads start (with --preload, by the master: the
# workers then fork their jobs themselves, as Dash does)
start_serving(app)
server = app.server
