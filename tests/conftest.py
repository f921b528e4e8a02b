"""Fixtures shared by the test modules: the shipped parks, loaded once per session
(parks are immutable, so sharing them is safe), and real PostgreSQL and Redis servers
on loopback ports (see tests/services.py)."""

from __future__ import annotations

import itertools
import os
import shutil

import pytest

from dashboard import model
from dashboard.paths import shipped_park
from tests import services

_DATABASES = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def _jobs_folder(tmp_path_factory):
    """Apps made by the tests keep their background jobs' diskcache here, not in the
    user's data directory."""
    os.environ.setdefault("ECO_PARK_JOBS_DIR", str(tmp_path_factory.mktemp("jobs")))


@pytest.fixture(scope="session")
def kalundborg() -> model.Park:
    return model.load_park(shipped_park())


@pytest.fixture(scope="session")
def ulsan() -> model.Park:
    return model.load_park(shipped_park("ulsan"))


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server on a loopback port, for the whole session."""
    if services.postgres_bin() is None:
        services.missing("PostgreSQL (Debian's postgresql package)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        services.missing("psycopg (pip install -e '.[postgres]')")
    server = services.Postgres().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres) -> str:
    """The URL of a new, empty PostgreSQL database for one test."""
    return postgres.create_database(f"eco_test_{next(_DATABASES)}")


@pytest.fixture(scope="session")
def redis_server():
    """redis-server on a loopback port, for the whole session."""
    if shutil.which("redis-server") is None:
        services.missing("redis-server (Debian's redis-server package)")
    server = services.Redis().start()
    yield server
    server.stop()
