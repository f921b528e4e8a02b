"""How numbers are written for people: ONE rule for the dashboard, the kiosk, the
report and the CLI (docs/screens.md, "Numbers").

- Summary figures (cards, kiosk, report key figures, chart labels): three significant
  figures, trailing zeros kept, with an SI prefix joined to the unit: ``3.60 Mm3``,
  ``635 kt CO2e``, ``80.0 GWh``; money leads with its code and says ``k``, ``M``,
  ``bn``, ``tn``: ``EUR 13.3 bn`` (``si``). A change carries its sign, a real minus:
  ``−1.20 kt CO2e`` (``signed``).
- The kiosk speaks to the public: the same figure with its unit in words,
  ``3.60 million cubic metres``, ``635 thousand tonnes of CO2e`` (``in_words``).
- Tables and exports: full precision with thousands separators (``full``); CSV
  writes numbers without float noise (``exports.tables.number_text``).
- Percentages: one decimal, and as many significant figures as a small change needs
  to show as the number it is (``+0.031 %``), never a bare ``+<0.1 %`` (``percent``).
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
_MONEY = {"T": "tn", "G": "bn", "M": "M", "k": "k"}
"""Money says billions as ``bn`` (a reader of accounts takes ``G`` for nothing)."""

MINUS = "\u2212"


def significant(value: float, digits: int = 3) -> str:
    """``value`` rounded to ``digits`` significant figures, with thousands separators."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    ndigits = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, ndigits)
    if rounded and math.floor(math.log10(abs(rounded))) > math.floor(math.log10(abs(value))):
        ndigits -= 1  # 0.99996 rounds up to 1.00, not 1.000
    return f"{rounded:,.{max(0, ndigits)}f}"


def si(value: float, unit: str = "", digits: int = 3) -> str:
    """Three significant figures, trailing zeros kept, with an SI prefix:
    ``si(3.6e6, "m3") == "3.60 Mm3"``.

    Prefixes join the unit (``kt``, ``Mm3``; MWh scales to ``GWh``); m3 below a million
    is written in full (``km3`` would read as cubic kilometres); for a currency (three
    capitals) the code leads and billions are ``bn``: ``EUR 13.3 bn``. A negative value
    starts with a minus sign (U+2212).
    """
    sign, number, prefix = _scaled(value, unit, digits)
    if _is_currency(unit):
        return f"{sign}{unit} {number}{' ' + _MONEY[prefix] if prefix else ''}"
    if unit == "MWh" and prefix:
        shifted = {"k": "G", "M": "T", "G": "P", "T": "E"}[prefix]
        return f"{sign}{number} {shifted}Wh"
    if unit.startswith("t CO2e"):
        return f"{sign}{number} {prefix}t CO2e"
    return f"{sign}{number} {prefix}{unit}".rstrip()


def _scaled(value: float, unit: str, digits: int) -> tuple[str, str, str]:
    """(sign, number of ``digits`` significant figures, SI prefix letter or "")."""
    sign = MINUS if value < 0 else ""
    magnitude = abs(value)
    prefix = ""
    for factor, letter in _PREFIXES:
        if unit == "m3" and factor < 1e6:
            break  # "km3" would read as cubic kilometres: write thousands of m3 in full
        if magnitude >= factor * (1 - 0.5 * 10 ** -digits):
            magnitude /= factor
            prefix = letter
            break
    return sign, significant(magnitude, digits), prefix


def signed(value: float, unit: str = "", scale: float | None = None) -> str:
    """A change as ``si`` writes it, with its sign: ``+1.20 kt CO2e``, ``−EUR 2.00 M``;
    ``0`` (no unit) when it is zero or float noise against ``scale``."""
    if abs(value) <= 1e-9 * max(1.0, abs(scale if scale is not None else value)):
        return "0"
    text = si(abs(value), unit)
    return ("+" if value > 0 else MINUS) + text


_WORDS = {"k": "thousand", "M": "million", "G": "billion", "T": "trillion"}
_UNIT_WORDS = {"m3": "cubic metres", "t": "tonnes", "t CO2e": "tonnes of CO2e", "MWh": "megawatt hours",
               "kWh": "kilowatt hours", "GJ": "gigajoules", "kg": "kilograms"}


def in_words(value: float, unit: str, digits: int = 3) -> str:
    """A figure for the public (the kiosk): ``si``'s three significant figures, the
    scale and unit in words: ``3.60 million cubic metres``, ``635 thousand tonnes of
    CO2e``, ``8,500 tonnes``, ``DKK 24.1 million``. A unit it does not know is kept."""
    figure, words = in_words_parts(value, unit, digits)
    return f"{figure} {words}".rstrip()


def in_words_parts(value: float, unit: str, digits: int = 3) -> tuple[str, str]:
    """``in_words`` as (the figure with its scale, the unit in words), for a screen that
    sets the unit smaller under a very large figure: ``("6.40 million", "cubic
    metres")``, ``("DKK 149 million", "")``."""
    magnitude, prefix = abs(value), ""
    for factor, letter in _PREFIXES:
        # thousands from ten thousand on: "8,500 tonnes" reads better than "8.50 thousand"
        if magnitude >= max(factor, 1e4) * (1 - 0.5 * 10 ** -digits):
            magnitude, prefix = magnitude / factor, letter
            break
    sign = MINUS if value < 0 else ""
    number = significant(magnitude, digits)
    scale = f" {_WORDS[prefix]}" if prefix else ""
    if _is_currency(unit):
        return f"{sign}{unit} {number}{scale}", ""
    if unit == "MWh" and prefix:  # thousands of MWh are gigawatt hours
        return f"{sign}{number}", f"{dict(k='gigawatt', M='terawatt', G='petawatt', T='exawatt')[prefix]} hours"
    return f"{sign}{number}{scale}", _UNIT_WORDS.get(unit, unit)


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
    """``-0.123`` -> ``−12.3 %``; None (no reference) -> ``n/a``. A change below 0.1 %
    gets the significant figures that show it (``+0.031 %``, ``−0.0042 %``), so a
    small real change reads as the number it is and never as ``+0.0 %`` beside an arrow."""
    if fraction is None or not math.isfinite(fraction):
        return "n/a"
    points = fraction * 100
    if points == 0:
        return "0.0 %"
    sign = "+" if points > 0 else MINUS
    if abs(points) >= 0.095:
        return f"{sign}{abs(points):.1f} %"
    return f"{sign}{significant(abs(points), 2)} %"


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

# -- bands of a Monte Carlo run (docs/accounting.md, "How sure are these numbers") --------

def band_text(p5: float, p95: float, unit: str) -> str:
    """``90% range -9 to -26 kt CO2e``: the 5th to 95th percentile, nearest zero first
    when both are negative (a cut of 9 to 26 kt reads as it is said)."""
    first, second = (p95, p5) if p95 <= 0 else (p5, p95)
    first_text, second_text = si(first, unit), si(second, unit)
    if first_text == second_text:
        return f"90% range {first_text} (no spread)"
    if not _is_currency(unit):
        number, _, rest = first_text.partition(" ")
        if rest and second_text.partition(" ")[2] == rest:
            first_text = number  # "-9 to -26 kt CO2e": the unit once
    return f"90% range {first_text} to {second_text}"


def _trim(text: str) -> str:
    """``2.50`` -> ``2.5``: words on a lobby screen drop trailing zeros."""
    return text.rstrip("0").rstrip(".") if "." in text else text


_SCALE_WORDS = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_KPI_WORDS = {"freshwater_m3": ("cubic metres", "freshwater"), "co2_t": ("tonnes", "CO2"),
               "landfill_t": ("tonnes", "waste to landfill")}


def _in_scale_words(value: float) -> tuple[float, str]:
    for factor, word in _SCALE_WORDS:
        if abs(value) >= factor * 0.9995:
            return value / factor, word
    return value, ""


def amount_words(value: float, kpi: str, currency: str) -> str:
    """``9 thousand tonnes``, ``2.5 million cubic metres``, ``DKK 3.1 million``."""
    number, word = _in_scale_words(abs(value))
    figure = _trim(significant(number, 2))
    if kpi == "cost":
        return f"{currency} {figure}{' ' + word if word else ''}"
    noun = _KPI_WORDS[kpi][0]
    return f"{figure}{' ' + word if word else ''} {noun}"


def band_words(p5: float, p95: float, kpi: str, currency: str) -> str:
    """A change's 90% range in words for a lobby screen: "between 9 and 26 thousand
    tonnes less CO2 a year"; "more" for a rise; both where the range crosses zero."""
    what = "cost" if kpi == "cost" else _KPI_WORDS[kpi][1]
    if p5 == p95 == 0:
        return f"no change in {what}"
    if p5 >= 0 or p95 <= 0:
        direction = "more" if p5 >= 0 else "less"
        low, high = sorted((abs(p5), abs(p95)))
        if amount_words(low, kpi, currency) == amount_words(high, kpi, currency):
            return f"about {amount_words(high, kpi, currency)} {direction} {what} a year"
        low_text, high_text = amount_words(low, kpi, currency), amount_words(high, kpi, currency)
        # "between 9 and 26 thousand tonnes": the shared words said once
        low_number, low_word = _in_scale_words(low)
        high_number, high_word = _in_scale_words(high)
        if (low_word == high_word or low == 0) and kpi != "cost":
            low_text = _trim(significant(low_number, 2)) if low else "0"
        return f"between {low_text} and {high_text} {direction} {what} a year"
    return (f"between {amount_words(p5, kpi, currency)} less and {amount_words(p95, kpi, currency)} more "
            f"{what} a year")

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
