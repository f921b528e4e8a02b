"""The Celery worker's entry point (``eco-park worker``, or
``celery -A dashboard.worker worker``): it builds the same app as the web workers, so
every background callback is registered as a Celery task under the same name, and
runs those tasks. Settings come from the environment, as for ``dashboard.wsgi``:
``ECO_PARK_REDIS_URL`` (required), ``ECO_PARK_PARK``, ``ECO_PARK_DB``.
"""

from __future__ import annotations

import os

from dashboard.app import create_app
from dashboard.app.jobs import REDIS_ENV, redis_url

if not redis_url():
    raise SystemExit(f"eco-park worker: set {REDIS_ENV} (e.g. redis://127.0.0.1:6379/0)")

app = create_app(os.environ.get("ECO_PARK_PARK") or None, database_url=os.environ.get("ECO_PARK_DB") or None)
celery_app = app._background_manager.handle
