"""How numbers are written for people: shared by the CLI, the app and the reports.

Cards use three significant figures with SI prefixes (``3.6 Mm3``, ``635 kt CO2e``,
``DKK 24.1 M``); tables and exports use full precision with thousands separators.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from dashboard.model import KPI_NAMES

KPI_LABELS: dict[str, str] = {
    "freshwater_m3": "Freshwater intake",
    "co2_t": "CO2e",
    "landfill_t": "Waste to landfill",
    "cost": "Cost",
}
"""Short names of the four KPIs, in display order."""

assert tuple(KPI_LABELS) == KPI_NAMES


def kpi_unit(kpi: str, currency: str) -> str:
    """The unit a KPI is reported in (per year)."""
    return {"freshwater_m3": "m3", "co2_t": "t CO2e", "landfill_t": "t", "cost": currency}[kpi]


def reported_measure(kpi: str, unit: str | None, currency: str) -> tuple[str, str]:
    """(label, unit) of a published figure (a ``[[reported]]`` entry's ``kpi``): a KPI's
    saving, or what exchanges delivered, in ``unit`` (the demands' unit it counts)."""
    if kpi in KPI_LABELS:
        return f"{KPI_LABELS[kpi]} saved", kpi_unit(kpi, currency)
    return "Delivered by exchanges", unit or ""


_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def significant(value: float, digits: int = 3) -> str:
    """``value`` rounded to ``digits`` significant figures, with thousands separators."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    ndigits = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, ndigits)
    if rounded and math.floor(math.log10(abs(rounded))) > math.floor(math.log10(abs(value))):
        ndigits -= 1  # 0.99996 rounds up to 1.00, not 1.000
    return f"{rounded:,.{max(0, ndigits)}f}"


def si(value: float, unit: str = "", digits: int = 3, trim: bool = True) -> str:
    """Three significant figures with an SI prefix: ``si(3.6e6, "m3") == "3.6 Mm3"``.

    Prefixes join the unit (``kt``, ``Mm3``; MWh scales to ``GWh``); m3 below a million
    is written in full (``km3`` would read as cubic kilometres); for a currency (three
    capitals) the code leads: ``DKK 24.1 M``. ``trim=False`` keeps trailing zeros
    (``4.30 Mt CO2e``), so a card's figure keeps its width and precision as it changes.
    """
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    prefix = ""
    for factor, letter in _PREFIXES:
        if unit == "m3" and factor < 1e6:
            break  # "km3" would read as cubic kilometres: write thousands of m3 in full
        if magnitude >= factor * 0.9995:
            magnitude /= factor
            prefix = letter
            break
    number = significant(magnitude, digits)
    number = _trim(number) if trim else number
    if _is_currency(unit):
        return f"{sign}{unit} {number}{' ' + prefix if prefix else ''}"
    if unit == "MWh" and prefix:
        shifted = {"k": "G", "M": "T", "G": "P", "T": "E"}[prefix]
        return f"{sign}{number} {shifted}Wh"
    if unit.startswith("t CO2e"):
        return f"{sign}{number} {prefix}t CO2e"
    return f"{sign}{number} {prefix}{unit}".rstrip()


def _trim(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _is_currency(unit: str) -> bool:
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def full(value: float, decimals: int | None = None) -> str:
    """Full precision with thousands separators; ``decimals`` fixed, else up to 2 as needed."""
    if not math.isfinite(value):
        return "unlimited" if value > 0 else str(value)
    if decimals is None:
        decimals = 0 if abs(value) >= 1000 or float(value).is_integer() else 2
    return f"{value:,.{decimals}f}"


def percent(fraction: float | None) -> str:
    """``-0.123`` -> ``-12.3 %``; None (no reference) -> ``n/a``; a change too small to
    show at one decimal keeps its sign: ``+<0.1 %``, never ``+0.0 %`` beside an arrow."""
    if fraction is None or not math.isfinite(fraction):
        return "n/a"
    if 0 < abs(fraction) < 0.0005:
        return ("+" if fraction > 0 else "\u2212") + "<0.1 %"
    return f"{fraction * 100:+.1f} %".replace("-", "\u2212")


def payback(years: float | None) -> str:
    """A simple payback for people: ``never`` where there is none, ``at once`` for 0,
    else years to one decimal (``3.5 years``)."""
    if years is None:
        return "never"
    if years == 0:
        return "at once"
    return f"{years:,.1f} years" if years != 1 else "1.0 year"


def per_tonne(value: float | None, currency: str) -> str:
    """An abatement cost: ``DKK -2,104 /t CO2e``, or ``-`` where the link cuts no CO2e."""
    if value is None:
        return "-"
    return f"{currency} {full(value, 0)} /t CO2e"


def price_range(low: float | None, high: float | None, currency: str, unit: str) -> str:
    """A fair-deal price range: ``DKK 0.00 to 198.93 per t``, or ``no price works``."""
    if low is None or high is None:
        return "no price works for both"
    return f"{currency} {full(low, 2)} to {full(high, 2)} per {unit}"


WEB_SCHEMES = ("http", "https")


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None: a park's source links are data
    from a file, and ``data:``, ``javascript:`` or ``file:`` links run or open things in
    the reader's browser, so only web pages become links (the rest is shown as text)."""
    text = (url or "").strip()
    if not text or any(ord(c) < 33 for c in text):
        return None
    try:
        scheme, netloc = urlsplit(text)[:2]
    except ValueError:
        return None
    return text if scheme.lower() in WEB_SCHEMES and netloc else None
