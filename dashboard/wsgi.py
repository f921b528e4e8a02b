"""The WSGI entry point for production servers, e.g.

    gunicorn -w 4 -b 0.0.0.0:8050 'dashboard.wsgi:server'

Settings come from the environment: ``ECO_PARK_PARK`` (the default park's path; the
shipped Kalundborg park when unset) and ``ECO_PARK_DB`` (SQLAlchemy URL; a SQLite file
in the data directory when unset). Every worker builds its own app; they share nothing
but the database, and the scenario lives in each request's URL.
"""

from __future__ import annotations

import os

from dashboard.app import create_app

app = create_app(os.environ.get("ECO_PARK_PARK") or None, database_url=os.environ.get("ECO_PARK_DB") or None)
server = app.server
