"""The browser code (assets/eco_park.js and the inline clientside callbacks) names
components by their id strings; each must still be an id of dashboard/app/ids.py, so a
rename there cannot silently break a toggle, the firm panel or the kiosk."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.app import callbacks, ids

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = [
    r'set_props\("([\w-]+)"',
    r'getElementById\("([\w-]+)"\)',
    r'(?:querySelector(?:All)?|closest)\("#([\w-]+)',
    r'"([\w-]+)\.(?:value|hash|search|n_clicks|options|data)"',
    r'source === "([\w-]+)"',
    r'source\.startsWith\("([\w-]+)"\)',
]


def app_ids() -> set[str]:
    found: set[str] = set()
    for value in vars(ids).values():
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            found.update(v for v in value.values() if isinstance(v, str))
    return found


def named_in(text: str) -> set[str]:
    return {name for pattern in PATTERNS for name in re.findall(pattern, text)}


def test_every_id_the_browser_code_names_is_an_app_id():
    script = (ROOT / "assets" / "eco_park.js").read_text(encoding="utf-8")
    inline = Path(callbacks.__file__).read_text(encoding="utf-8")
    named = named_in(script) | named_in(inline)
    assert {"url", "selected-firm", "firm-panel", "table-sort", "exchange-table", "sankey-tabs"} <= named
    assert named - app_ids() == set()
