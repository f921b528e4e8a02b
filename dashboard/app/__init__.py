"""The Dash app: layout and callbacks only; all numbers come from ``dashboard.model``."""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc  # noqa: F401  (registers the component suite)
from dash import Dash

from dashboard import model
from dashboard.paths import assets_dir, shipped_park

from .callbacks import register_callbacks
from .layout import build_layout
from .state import AppState


def create_app(park: model.Park | str | Path | None = None, store=None) -> Dash:
    """A Dash app serving ``park`` (a Park or a path; default: the shipped Kalundborg park).
    Raises ParkError if the park cannot be loaded."""
    if not isinstance(park, model.Park):
        park = model.load_park(park or shipped_park())
    state = AppState(park, store=store)
    app = Dash(__name__, assets_folder=str(assets_dir()), title=f"{park.name} \u00b7 eco-park",
               suppress_callback_exceptions=True, serve_locally=True, update_title=None,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.layout = build_layout()
    register_callbacks(app, state)
    app.server.config["ECO_PARK_STATE"] = state  # for tests and the WSGI entry point, read-only
    return app
