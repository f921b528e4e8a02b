"""Where the database is and how to connect to it.

The URL is, in order: the one given (the ``--db`` option), the ``ECO_PARK_DB``
environment variable (any SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/eco``),
else the SQLite file ``<data dir>/eco-park.sqlite3``. The data directory is
``ECO_PARK_DATA_DIR`` if set, else ``$XDG_DATA_HOME/eco-park``, else
``~/.local/share/eco-park``; it is created when needed.

SQLite connections are set up for several server processes sharing one file: WAL
journal (readers never block the writer), a busy timeout (a writer waits for another
instead of failing), foreign keys enforced and ``synchronous=FULL`` (a committed
transaction survives a power cut, not just a crashed process). Transactions begin with
an explicit ``BEGIN``; on the engine returned by :func:`writer` with ``BEGIN IMMEDIATE``,
which takes the write lock at once so a read-then-write transaction cannot deadlock.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

DB_ENV = "ECO_PARK_DB"
DATA_DIR_ENV = "ECO_PARK_DATA_DIR"
DB_FILENAME = "eco-park.sqlite3"
BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "eco_park_write"


def data_dir() -> Path:
    """The folder for the default SQLite database (not created here)."""
    explicit = os.environ.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "eco-park"


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$ECO_PARK_DB``, else the default SQLite file."""
    if url:
        return url
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    return URL.create("sqlite+pysqlite", database=str(data_dir() / DB_FILENAME)).render_as_string()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (resolved by :func:`resolve_url`). For a SQLite file its
    folder is created and every connection gets the pragmas described above."""
    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        on_disk = database not in ("", ":memory:") and not database.startswith("file:")
        if on_disk:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    _dispose_in_forked_child(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) marked so that, on SQLite, its transactions start
    with ``BEGIN IMMEDIATE``. Use it for every transaction that writes."""
    return engine.execution_options(**{_WRITE_OPTION: True})


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own would come late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: WAL switch may wait
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(connection) -> None:
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _dispose_in_forked_child(engine: Engine) -> None:
    """A process forked after connections were opened (gunicorn ``--preload``) must not
    reuse the parent's: drop them from the child's pool without closing them."""
    if not hasattr(os, "register_at_fork"):
        return
    ref = weakref.ref(engine)

    def reset() -> None:
        alive = ref()
        if alive is not None:
            alive.dispose(close=False)

    os.register_at_fork(after_in_child=reset)
