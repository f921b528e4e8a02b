"""Long work outside the web workers: the ONE place the background-callback manager is
made. Every slow callback (PDF and figure exports today; the optimiser and Monte Carlo
next) is a Dash background callback (``background=True``) on the app's manager:

- by default a ``DiskcacheManager``: each job runs in a process of its own, forked from
  the web worker, and its progress and result go through a diskcache folder shared by
  every worker of this server on the machine (``ECO_PARK_JOBS_DIR`` or ``ECO_PARK_CACHE``,
  else one in the system's temporary folder named after the database URL, so two servers
  on one machine never pick up each other's results);
- with ``ECO_PARK_REDIS_URL`` set (``redis://host:6379/0``), a ``CeleryManager``: jobs go
  to Celery workers (``eco-park worker``, any number, on any machine that reaches Redis
  and the database), progress and results through Redis.

A job should run its work inside :func:`no_stray_processes`, so that one that fails, or
is cancelled (Dash kills a diskcache job's process tree; Celery sends SIGTERM to the
worker's child), leaves no Chromium or other helper process behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

import diskcache

REDIS_ENV = "ECO_PARK_REDIS_URL"
JOBS_DIR_ENV = "ECO_PARK_JOBS_DIR"
CACHE_ENV = "ECO_PARK_CACHE"  # the same setting under its first name
RESULT_SECONDS = 3600
"""How long a finished job's result is kept for its page to collect."""
JOB_TIME_LIMIT = 600
"""Seconds after which a Celery worker stops a job outright."""


def redis_url() -> str | None:
    return os.environ.get(REDIS_ENV) or None


def jobs_dir(shared_by: str = "") -> Path:
    """The diskcache folder of the server whose database URL is ``shared_by``."""
    import hashlib
    import tempfile

    explicit = os.environ.get(JOBS_DIR_ENV) or os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    tag = hashlib.sha256(shared_by.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"eco-park-jobs-{os.getuid()}-{tag}"


def celery_app(url: str | None = None):
    """The Celery application on Redis at ``url`` (default ``ECO_PARK_REDIS_URL``)."""
    from celery import Celery

    url = url or redis_url()
    if not url:
        raise ValueError(f"{REDIS_ENV} is not set")
    app = Celery("eco-park", broker=url, backend=url)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        result_expires=RESULT_SECONDS, task_time_limit=JOB_TIME_LIMIT,
        worker_prefetch_multiplier=1,  # a long job does not hold queued ones behind it
        worker_max_tasks_per_child=50,  # renew worker processes now and then
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
    )
    return app


class PatientCache(diskcache.Cache):
    """A diskcache whose writes wait for SQLite's write lock instead of failing: every job
    process writes its progress and result into one file, and on a loaded machine a write
    can wait past the busy timeout; ``diskcache.Timeout`` then killed the job and left
    its page waiting for an answer that never came."""

    def set(self, key, value, expire=None, read=False, tag=None, retry=True):
        return super().set(key, value, expire=expire, read=read, tag=tag, retry=retry)


class ResultNotLost:
    """Mixed into Dash's managers. When a page polls a job, Dash reads its result, then
    asks whether the job still runs, and takes "no result and not running" for a
    cancelled job. A job that writes its result and ends between the two questions (a
    loaded machine makes that window wide) was taken as cancelled: its result was never
    collected and the page waited for ever. Here a job that has ended but left a result
    not yet collected still counts as running, so the page polls once more and gets it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._polled = threading.local()  # the key this thread's poll found no result under

    def get_result(self, key, job):
        result = super().get_result(key, job)
        self._polled.key = key if result is self.UNDEFINED else None
        return result

    def job_running(self, job):
        key, self._polled.key = getattr(self._polled, "key", None), None
        return super().job_running(job) or (key is not None and self.result_ready(key))


def background_manager(shared_by: str = "", url: str | None = None, folder: str | Path | None = None):
    """The manager for ``Dash(background_callback_manager=...)``: Celery on Redis when a
    Redis ``url`` is given or ``ECO_PARK_REDIS_URL`` is set, else diskcache in ``folder``
    (default :func:`jobs_dir` of ``shared_by``, the server's database URL)."""
    url = url or redis_url()
    if url:
        from dash import CeleryManager

        class Celery(ResultNotLost, CeleryManager):
            pass

        return Celery(celery_app(url), expire=RESULT_SECONDS)
    from dash import DiskcacheManager

    class Diskcache(ResultNotLost, DiskcacheManager):
        pass

    folder = Path(folder or jobs_dir(shared_by))
    folder.mkdir(parents=True, exist_ok=True)
    return Diskcache(PatientCache(str(folder)), expire=RESULT_SECONDS)


@contextlib.contextmanager
def no_stray_processes():
    """Run a job's work; when it ends, fails or is stopped by SIGTERM, kill every process
    it started (Chromium for PDFs and images) that is still running."""
    import psutil

    me = psutil.Process()
    before = {child.pid for child in me.children(recursive=True)}

    def reap() -> None:
        for child in me.children(recursive=True):
            if child.pid not in before:
                with contextlib.suppress(psutil.Error):
                    child.kill()

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main_thread else None

    def on_terminate(signum, frame):
        reap()
        signal.signal(signal.SIGTERM, previous if callable(previous) else signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    if in_main_thread:
        signal.signal(signal.SIGTERM, on_terminate)
    try:
        yield
    finally:
        reap()
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
