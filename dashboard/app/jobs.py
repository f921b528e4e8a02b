"""Long work outside the web workers: the ONE place the background-callback manager is
made. Every slow callback (PDF and figure exports, the optimiser and its Pareto front,
Monte Carlo bands on big parks) is a Dash background callback (``background=True``) on
the app's manager:

- by default a ``DiskcacheManager``: each job runs in a process of its own, forked from
  the web worker's :class:`JobLauncher` (started by the server before its threads, see
  its doc for why), and its progress and result go through a diskcache folder shared by
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
import sys
import threading
from pathlib import Path

import diskcache

from dashboard.processes import die_with_parent

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


JOB_STALL_SECONDS = 300
"""A job still running after this long writes the stack of each of its threads to the
server's log (and goes on): where a stuck job waits is then on record."""


class JobLauncher:
    """Starts diskcache jobs from a process forked off the server *before* it ran a
    thread, instead of forking the busy web process itself as Dash does.

    A fork copies only the thread that forks, with every lock as it was at that instant:
    a lock another request thread held (one of Python's module-import locks while that
    thread imports a module for the first time, SQLite's own mutexes, a cache's lock)
    stays held for ever in the job, which then waits for ever at its first use of it:
    the Decide page's front never came on a freshly started server. The launcher has one
    thread, waiting on a pipe, and holds nothing when it forks a job; the job runs the
    callback registered under the same name (the launcher was forked after every callback
    was registered). A job reads what it needs from the database, as any worker does.

    Used only by the process that started it (a gunicorn master that preloaded the app
    hands its workers none): elsewhere, and for arguments that do not pickle, Dash's own
    fork is the fallback."""

    def __init__(self, manager):
        self._manager = manager
        self._owner: int | None = None
        self._connection = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._connection is not None and self._owner == os.getpid()

    def start(self) -> None:
        """Fork the launcher; call it before the server starts a thread. Once per process."""
        if self.running:
            return
        from multiprocessing import Pipe

        mine, its = Pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the launcher process; it never returns
            mine.close()
            self._serve(its)
        its.close()
        self._connection, self._owner = mine, os.getpid()

    def launch(self, job_fn, cache_key: str, progress_key: str, args, context) -> int | None:
        """The pid of the job now running ``job_fn``; None when this launcher cannot start it."""
        if not self.running:
            return None
        name = next((key for key, registered in self._manager.func_registry.items() if registered is job_fn), None)
        if name is None:
            return None
        with self._lock:
            try:
                self._connection.send((name, cache_key, progress_key, args, dict(context)))
                return self._connection.recv()
            except (OSError, EOFError):  # the launcher is gone: fork here from now on
                self._connection = None
                return None
            except Exception:  # noqa: BLE001 - arguments that do not pickle: nothing was sent
                return None

    def _serve(self, connection) -> None:  # pragma: no cover - runs in the launcher process
        import traceback

        die_with_parent()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server; the server's end stops us
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended jobs are reaped at once
        while True:
            try:
                name, cache_key, progress_key, args, context = connection.recv()
            except (EOFError, OSError):
                os._exit(0)
            pid = os.fork()
            if pid == 0:
                connection.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # a job waits for its own helpers
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                code = 0
                try:
                    run_watched(self._manager.func_registry[name], cache_key, progress_key, args, context)
                except BaseException:  # noqa: BLE001 - reported in the log, the job's page shows no result
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            connection.send(pid)


def run_watched(job_fn, *args) -> None:
    """Run a job; if it runs past JOB_STALL_SECONDS, its threads' stacks go to the log."""
    import faulthandler

    faulthandler.dump_traceback_later(JOB_STALL_SECONDS, file=sys.stderr)
    try:
        job_fn(*args)
    finally:
        faulthandler.cancel_dump_traceback_later()


def start_job_launcher(manager) -> None:
    """Start ``manager``'s job launcher (a diskcache manager's; Celery's workers are
    processes of their own). Servers call this before their first thread."""
    launcher = getattr(manager, "launcher", None)
    if launcher is not None:
        launcher.start()


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
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.launcher = JobLauncher(self)

        def call_job_fn(self, key, job_fn, args, context):
            pid = self.launcher.launch(job_fn, key, self._make_progress_key(key), args, context)
            return pid if pid is not None else super().call_job_fn(key, job_fn, args, context)

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
