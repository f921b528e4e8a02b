"""Fixtures shared by the test modules: the shipped parks, loaded once per session
(parks are immutable, so sharing them is safe)."""

from __future__ import annotations

import pytest

from dashboard import model
from dashboard.paths import shipped_park


@pytest.fixture(scope="session")
def kalundborg() -> model.Park:
    return model.load_park(shipped_park())


@pytest.fixture(scope="session")
def ulsan() -> model.Park:
    return model.load_park(shipped_park("ulsan"))
