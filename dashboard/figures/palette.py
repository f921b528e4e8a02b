"""Colours and shapes, chosen so colour is never the only cue (docs/screens.md).

Categories use Okabe-Ito colours, safe for colour-blind readers; fates and virgin
supply are greys. Sectors use Paul Tol's 'muted' scheme on the network's nodes.
"""

from __future__ import annotations

CATEGORY_COLOURS: dict[str, str] = {"water": "#0072B2", "energy": "#E69F00", "material": "#009E73"}
CATEGORY_LABELS: dict[str, str] = {"water": "Water", "energy": "Energy", "material": "Materials"}
CATEGORY_SYMBOLS: dict[str, str] = {"water": "circle", "energy": "diamond", "material": "square"}
"""Marker shape at the middle of an exchange's arrow: the second cue for its category."""

STATUS_DASH: dict[str, str] = {"existing": "solid", "candidate": "dash"}

VIRGIN_GREY = "#8c8c8c"
FATE_GREY = "#5f5f5f"
GOOD = "#1a7f37"
BAD = "#c62828"
NEUTRAL = "#6c757d"

SECTOR_COLOURS: tuple[str, ...] = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
                                   "#882255", "#44AA99", "#999933", "#AA4499", "#DDDDDD")


def sector_colours(sectors) -> dict[str, str]:
    """A stable colour per sector, in sorted order (cycling past ten sectors)."""
    return {sector: SECTOR_COLOURS[i % len(SECTOR_COLOURS)] for i, sector in enumerate(sorted(set(sectors)))}


def with_alpha(hex_colour: str, alpha: float) -> str:
    """``#rrggbb`` -> ``rgba(r,g,b,alpha)``."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


THEMES: dict[str, dict[str, str]] = {
    "light": {"text": "#212529", "background": "rgba(0,0,0,0)", "grid": "#e9ecef", "hover": "#ffffff",
              "node_line": "#212529", "font_family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
    "dark": {"text": "#f8f9fa", "background": "#000000", "grid": "#333333", "hover": "#222222",
             "node_line": "#f8f9fa", "font_family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
}


def base_layout(theme: str, font_size: int) -> dict:
    """Layout settings every figure shares. Styled here rather than with a plotly
    template: applying a named template deep-copies it, about 20 ms per figure, which
    is most of a toggle's budget."""
    style = THEMES[theme]
    return {
        "template": "none", "paper_bgcolor": style["background"], "plot_bgcolor": style["background"],
        "font": {"size": font_size, "color": style["text"], "family": style["font_family"]},
        "hoverlabel": {"bgcolor": style["hover"], "font": {"color": style["text"], "size": font_size}},
    }
