"""Park text (names, sectors, sources) made safe for plotly's labels and hover texts.

Plotly reads a small HTML subset there (``<b>``, ``<br>``, ``<a href>``...): a firm named
``<b>A&B</b>`` or ``x<br>y`` would otherwise change the drawing instead of being shown.
"""

from __future__ import annotations

import html


def plain(text: object) -> str:
    """``text`` as literal characters in a plotly label (``<`` ``>`` ``&`` escaped)."""
    return html.escape(str(text), quote=False)
