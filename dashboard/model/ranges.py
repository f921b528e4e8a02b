"""Ranges of uncertain inputs (PARK_MODEL.md section 7; docs/data-format.md "uncertainty").

Two kinds of range reach the Monte Carlo run and the tornado:

- rows of the optional ``uncertainty`` table, each giving ``low`` and ``high`` for one
  numeric cell of the resources, firms, streams or exchanges table;
- defaults by data quality: a stream's ``quantity`` or an exchange's ``capacity`` whose
  row has a ``quality`` but no explicit range gets ``value x (1 -/+ f)``, with ``f``
  the relative half-width of that quality (``[quality_ranges]`` in park.toml, else the
  project defaults below).

This module checks the table's rows (every problem located, none stops the checks) and
resolves both kinds into ``RangedInput`` objects with the cell's value beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .domain import UNLIMITED, Exchange, Firm, Park, Range, Resource, Stream
from .errors import ProblemLog
from .vocabulary import Distribution, Quality, RangedTable, StreamKind, choices

QUALITIES: tuple[str, ...] = choices(Quality)
"""The data-quality words a stream or exchange row may carry."""

DEFAULT_QUALITY_RANGES: Mapping[str, float] = {
    "measured": 0.05,
    "calculated": 0.10,
    "estimated": 0.30,
    "assumed": 0.50,
    "derived": 0.20,
}
"""Relative half-widths (0.30 = value -30 % to +30 %) by quality, where park.toml gives none.

Chosen from the orders of magnitude the IPCC 2006 Guidelines (vol. 1, ch. 3) give for
activity data: metered figures +/-2-5 % (5 % here: park meters are rarely of fiscal
standard); figures calculated from metered ones by a mass or energy balance or a design
rating +/-10 %; expert or published estimates +/-30 %; placeholders with no published
basis +/-50 %; a residual of other figures +/-20 %, since it carries their errors
(about the root-sum-square of two or three estimates' ranges on a larger total).
A park that knows better says so in ``[quality_ranges]``."""

_BASELINE_FIELDS = {"baseline_freshwater": "freshwater_m3", "baseline_co2": "co2_t",
                    "baseline_landfill": "landfill_t", "baseline_cost": "cost"}


@dataclass(frozen=True)
class ColumnRule:
    """What a ranged column may hold: ``minimum`` (None: any sign) and whether the
    minimum itself is allowed; ``kind`` limits a stream column to supply or demand."""

    minimum: float | None = None
    inclusive: bool = True
    kind: StreamKind | None = None

    def refuses(self, value: float) -> str | None:
        if self.minimum is None:
            return None
        if value < self.minimum or (value == self.minimum and not self.inclusive):
            return "cannot be negative" if self.inclusive else "must be greater than 0"
        return None


RANGEABLE: Mapping[str, Mapping[str, ColumnRule]] = {
    "resources": {c: ColumnRule() for c in ("virgin_price", "virgin_co2", "disposal_fee", "disposal_co2")},
    "firms": {"baseline_co2": ColumnRule(), "baseline_freshwater": ColumnRule(0.0),
              "baseline_landfill": ColumnRule(0.0), "baseline_cost": ColumnRule()},
    "streams": {"quantity": ColumnRule(0.0),
                "virgin_price": ColumnRule(kind=StreamKind.DEMAND), "virgin_co2": ColumnRule(kind=StreamKind.DEMAND),
                "disposal_fee": ColumnRule(kind=StreamKind.SUPPLY),
                "disposal_co2": ColumnRule(kind=StreamKind.SUPPLY)},
    "exchanges": {"ratio": ColumnRule(0.0, inclusive=False), "capacity": ColumnRule(0.0),
                  "distance_km": ColumnRule(0.0), "capex": ColumnRule(0.0),
                  "lifetime_years": ColumnRule(0.0, inclusive=False), "opex_per_year": ColumnRule(),
                  "cost_per_unit": ColumnRule(), "co2_per_unit": ColumnRule(), "price_per_unit": ColumnRule()},
}
"""The numeric columns of each table that enter the KPIs, and so may be ranged."""


def stream_row_id(stream: Stream) -> str:
    """A stream's id in the ``row`` column: ``firm/kind/resource``."""
    return f"{stream.firm}/{stream.kind.value}/{stream.resource}"


def parse_stream_row(row: str) -> tuple[str, StreamKind, str] | None:
    """``firm/kind/resource`` as a stream key; None if it does not have that shape."""
    parts = row.split("/")
    for i, part in enumerate(parts[1:-1], start=1):
        if part.strip().lower() in ("supply", "demand"):
            return "/".join(parts[:i]).strip(), StreamKind(part.strip().lower()), "/".join(parts[i + 1:]).strip()
    return None


def cell_value(table: str, row: Any, column: str) -> float:
    """The value of ``column`` on a built row object (Resource, Firm, Stream or Exchange)."""
    if table == "firms":
        return getattr(row.baseline, _BASELINE_FIELDS[column])
    return float(getattr(row, column))


class Tables:
    """The built rows by id, for looking a ranged cell up, plus the ids present in each
    table's file (even on rows that failed their own checks, so those are not reported
    again as unknown). ``failed`` tables could not be read: their rows are not checked."""

    def __init__(self, resources: Mapping[str, Resource], firms: Mapping[str, Firm],
                 streams: Mapping[tuple, Stream], exchanges: Mapping[str, Exchange],
                 present: Mapping[str, set], failed: set[str]):
        self.built = {"resources": resources, "firms": firms,
                      "streams": {stream_row_id(s): s for s in streams.values()},
                      "exchanges": exchanges}
        self.present = present
        self.failed = failed


def check_ranges(rows: list, label: str, tables: Tables, log: ProblemLog) -> tuple[Range, ...]:
    """The ``uncertainty`` table's typed rows (``validation.ParsedRow``) checked against
    the park's built tables: every problem logged with its row and column."""
    result: list[Range] = []
    first: dict[tuple, int] = {}
    for row in rows:
        table, row_id, column = row["table"], row["row"], row["column"]
        if column is not None:
            column = column.strip().lower()
        ok = row.ok
        name = table.value if table is not None else None
        if name is not None and column is not None:
            rules = RANGEABLE[name]
            if column not in rules:
                log.error(label, row.number, "column",
                          f"'{column}' is not a numeric column of {name} that enters the KPIs; "
                          f"give one of: {', '.join(rules)}")
                ok = False
        target = None
        if name is not None and row_id is not None and name not in tables.failed:
            key = row_id
            if name == "streams":
                parsed = parse_stream_row(row_id)
                if parsed is None:
                    log.error(label, row.number, "row", f"'{row_id}' is not a stream id; write it "
                              "firm/kind/resource, e.g. asnaes/supply/fly_ash")
                    ok = False
                    key = None
                else:
                    key = f"{parsed[0]}/{parsed[1].value}/{parsed[2]}"
            if key is not None:
                target = tables.built[name].get(key)
                if target is None:
                    if key not in tables.present.get(name, set()):
                        noun = {"resources": "resource", "firms": "firm", "streams": "stream",
                                "exchanges": "exchange"}[name]
                        log.error(label, row.number, "row", f"{noun} '{row_id}' is not in the {name} table")
                    ok = False  # else: the row itself has an error, reported in its table
                row_id = key if key is not None else row_id
        if ok and target is not None:
            ok = _check_bounds(row, name, target, column, label, log)
        if ok:
            where = (name, row_id, column)
            if where in first:
                log.error(label, row.number, "column", f"{name} '{row_id}' {column} already has a range "
                          f"(row {first[where]}); give one range per cell")
                ok = False
            else:
                first[where] = row.number
        if ok and target is not None:
            result.append(Range(RangedTable(name), row_id, column, row["low"], row["high"],
                                row["distribution"] or Distribution.TRIANGULAR, row["note"] or ""))
    return tuple(result)


def _check_bounds(row, table: str, target: Any, column: str, label: str, log: ProblemLog) -> bool:
    rule = RANGEABLE[table][column]
    if rule.kind is not None and target.kind is not rule.kind:
        log.error(label, row.number, "column", f"'{column}' applies to {rule.kind.value} streams only; "
                  f"this stream is a {target.kind.value}")
        return False
    value = cell_value(table, target, column)
    if column == "capacity" and value == UNLIMITED:
        log.error(label, row.number, "column", "the exchange's capacity is unlimited; give it a capacity "
                  "in the exchanges table before giving a range")
        return False
    low, high = row["low"], row["high"]
    ok = True
    if low > value:
        log.error(label, row.number, "low", f"is {_text(low)}, above the cell's value {_text(value)}; "
                  "the range must contain the value")
        ok = False
    if high < value:
        log.error(label, row.number, "high", f"is {_text(high)}, below the cell's value {_text(value)}; "
                  "the range must contain the value")
        ok = False
    if ok and (problem := rule.refuses(low)):
        log.error(label, row.number, "low", f"is {_text(low)}; {column} {problem}")
        ok = False
    return ok


def _text(value: float) -> str:
    return f"{value:g}"


def check_quality_ranges(value: Any, label: str, log: ProblemLog) -> dict[str, float]:
    """park.toml's ``[quality_ranges]``: quality word -> relative half-width, 0 to 1."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        log.error(label, None, "quality_ranges", "must be a table such as [quality_ranges] with "
                  "estimated = 0.3 (a fraction: 0.3 is -30 % to +30 %)")
        return {}
    result = {}
    for key, fraction in value.items():
        word = str(key).strip().lower()
        where = f"quality_ranges.{word}"
        if word not in QUALITIES:
            log.error(label, None, where, f"'{key}' is not a data quality; give one of: {', '.join(QUALITIES)}")
            continue
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float, str)):
            log.error(label, None, where, "must be a number between 0 and 1, e.g. 0.3 for -30 % to +30 %")
            continue
        try:
            number = float(fraction)
        except ValueError:
            log.error(label, None, where, f"'{fraction}' is not a number; give e.g. 0.3 for -30 % to +30 %")
            continue
        if not 0 <= number <= 1:
            log.error(label, None, where, f"is {fraction}; give a fraction between 0 and 1, e.g. 0.3 for "
                      "-30 % to +30 %")
            continue
        result[word] = number
    return result


# -- resolved inputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class RangedInput:
    """One uncertain input: a cell, its value and its range (all in the column's unit).

    ``origin`` is ``"uncertainty"`` for a row of the uncertainty table, else
    ``"quality:WORD"`` for a default by data quality."""

    table: str
    row: str
    column: str
    value: float
    low: float
    high: float
    distribution: Distribution
    origin: str
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


def quality_of(item: Any) -> str | None:
    """The quality word of a stream or exchange row, or None where it has none."""
    quality = getattr(item, "quality", None)
    if quality is None:
        return None
    return str(getattr(quality, "value", quality))


def quality_ranges(park: Park) -> dict[str, float]:
    """The relative half-width of each quality: park.toml's where given, else the defaults."""
    return {**DEFAULT_QUALITY_RANGES, **park.quality_ranges}


def row_object(park: Park, table: str, row: str) -> Any:
    """The Resource, Firm, Stream or Exchange a ranged cell belongs to."""
    if table == "streams":
        key = parse_stream_row(row)
        return park.stream.get(key) if key else None
    return {"resources": park.resource, "firms": park.firm, "exchanges": park.exchange}[table].get(row)


_RANGED = "_ranged_inputs"


def ranged_inputs(park: Park) -> tuple[RangedInput, ...]:
    """Every uncertain input of the park: the uncertainty table's rows, then the quality
    defaults for cells the table does not range (quantity of streams, finite capacity of
    exchanges), each with a non-zero width. In a stable order (the table's rows first).
    Kept on the (immutable) park: every toggle's bands ask for them."""
    cached = park.__dict__.get(_RANGED)
    if cached is None:
        cached = park.__dict__[_RANGED] = _ranged_inputs(park)
    return cached


def _ranged_inputs(park: Park) -> tuple[RangedInput, ...]:
    result = []
    explicit = set()
    for item in park.uncertainty:
        target = row_object(park, item.table.value, item.row)
        if target is None:
            continue  # its row is gone (a park with firms taken out, ``model.park_without``)
        value = cell_value(item.table.value, target, item.column)
        result.append(RangedInput(item.table.value, item.row, item.column, value, item.low, item.high,
                                  item.distribution, "uncertainty", item.note))
        explicit.add(item.key)
    fractions = quality_ranges(park)
    for stream in park.streams:
        word = quality_of(stream)
        if word is None or not fractions.get(word) or not stream.quantity:
            continue
        key = ("streams", stream_row_id(stream), "quantity")
        if key in explicit:
            continue
        f = fractions[word]
        result.append(RangedInput(*key, stream.quantity, stream.quantity * (1 - f), stream.quantity * (1 + f),
                                  Distribution.TRIANGULAR, f"quality:{word}"))
    for exchange in park.exchanges:
        word = quality_of(exchange)
        if word is None or not fractions.get(word) or exchange.capacity in (UNLIMITED, 0.0):
            continue
        key = ("exchanges", exchange.id, "capacity")
        if key in explicit:
            continue
        f = fractions[word]
        result.append(RangedInput(*key, exchange.capacity, exchange.capacity * (1 - f),
                                  exchange.capacity * (1 + f), Distribution.TRIANGULAR, f"quality:{word}"))
    return tuple(result)


def describe(park: Park, item: RangedInput) -> str:
    """The input in words, e.g. "Asnæs: fly ash given off (t a year)"."""
    target = row_object(park, item.table, item.row)
    unit = column_unit(park, item.table, target, item.column)
    words = item.column.replace("_", " ")
    if item.table == "resources":
        subject = target.name
    elif item.table == "firms":
        subject = target.name
        words = {"baseline_co2": "CO2e outside its streams", "baseline_freshwater": "freshwater outside its streams",
                 "baseline_landfill": "landfill outside its streams",
                 "baseline_cost": "cost outside its streams"}[item.column]
    elif item.table == "streams":
        firm = park.firm[target.firm].name
        resource = park.resource[target.resource].name
        what = "needed" if target.kind is StreamKind.DEMAND else "given off"
        subject = f"{firm}: {resource} {what}"
        if item.column == "quantity":
            words = "quantity"
    else:
        subject = target.name
    return f"{subject}, {words}" + (f" ({unit})" if unit else "")


def column_unit(park: Park, table: str, target: Any, column: str) -> str:
    """The unit of a ranged cell in words: "t a year", "DKK per MWh", "t CO2e per t"."""
    currency = park.currency
    if table == "firms":
        return {"baseline_co2": "t CO2e a year", "baseline_freshwater": "m3 a year",
                "baseline_landfill": "t a year", "baseline_cost": f"{currency} a year"}[column]
    if table in ("resources", "streams"):
        unit = park.resource[target.id if table == "resources" else target.resource].unit
        if column == "quantity":
            return f"{unit} a year"
        return (f"{currency} per {unit}" if column in ("virgin_price", "disposal_fee") else f"t CO2e per {unit}")
    unit = park.resource[target.resource].unit
    demand_unit = park.resource[target.replaces].unit
    return {"ratio": f"{demand_unit} per {unit}", "capacity": f"{unit} a year", "distance_km": "km",
            "capex": currency, "lifetime_years": "years", "opex_per_year": f"{currency} a year",
            "cost_per_unit": f"{currency} per {unit}", "co2_per_unit": f"t CO2e per {unit}",
            "price_per_unit": f"{currency} per {unit}"}[column]
