"""Where the shipped parks and the web assets are, from a checkout or an installed wheel.

A wheel carries ``data/`` and ``assets/`` inside the package as ``_data`` and
``_assets``; a checkout (or an editable install) has them beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def data_dir() -> Path:
    """The folder holding the shipped parks."""
    return _first_existing(_PACKAGE / "_data", _PACKAGE.parent / "data")


def assets_dir() -> Path:
    """The folder of CSS and other files the web app serves."""
    return _first_existing(_PACKAGE / "_assets", _PACKAGE.parent / "assets")


def shipped_park(name: str = "kalundborg") -> Path:
    """The path of a shipped park; ``kalundborg`` is the default park."""
    return data_dir() / name

