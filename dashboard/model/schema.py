"""The columns of each table: type, default and meaning (docs/data-format.md).

This one description drives validation, the Excel template and the column
reference in the docs, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import cells
from .cells import CellParser
from .vocabulary import Category, Distribution, Fate, Mode, Payer, Quality, RangedTable, Status, StreamKind


@dataclass(frozen=True)
class Column:
    """One column: how to read it, whether it must be filled, its default and meaning."""

    name: str
    parse: CellParser
    meaning: str
    required: bool = False
    default: Any = None

    @property
    def allowed(self) -> tuple[str, ...]:
        """The fixed vocabulary of the column, if it has one."""
        return getattr(self.parse, "allowed", ())

    @property
    def default_text(self) -> str:
        if self.required:
            return "required"
        if self.default is None or self.default in ("", ()):
            return "blank"
        if self.default == float("inf"):
            return "unlimited"
        return str(self.default).lower() if isinstance(self.default, bool) else str(self.default)


@dataclass(frozen=True)
class TableSpec:
    name: str
    purpose: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _quality() -> Column:
    return Column("quality", cells.one_of(Quality),
                  "how the row's figures were obtained: measured, calculated, estimated, assumed or derived")


def _note() -> Column:
    return Column("note", cells.text, "how the row's figures were read or worked out (for a derived row: from what)",
                  default="")


def _source() -> Column:
    return Column("source", cells.text, "id of a [[sources]] entry the row's figures come from", default="")


RESOURCES = TableSpec("resources", "one row per kind of thing that flows", (
    Column("id", cells.identifier, "stable id, e.g. freshwater, steam, fly_ash", required=True),
    Column("name", cells.text, "label shown on screen (default: the id)"),
    Column("category", cells.one_of(Category), "water, energy or material", required=True),
    Column("unit", cells.text, "unit of every quantity of this resource: m3, t, MWh or another", required=True),
    Column("freshwater", cells.boolean, "true where virgin supply of this demand is freshwater drawn by the park (unit m3)", default=False),
    Column("virgin_price", cells.number, "currency per unit bought new to meet a demand", default=0.0),
    Column("virgin_co2", cells.number, "t CO2e per unit bought new", default=0.0),
    Column("disposal_fee", cells.number, "currency per unit of a supply left to its fate", default=0.0),
    Column("disposal_co2", cells.number, "t CO2e per unit of a supply left to its fate", default=0.0),
    _source(),
))

FIRMS = TableSpec("firms", "one row per firm", (
    Column("id", cells.identifier, "stable id used by streams and exchanges", required=True),
    Column("name", cells.text, "label shown on screen (default: the id)"),
    Column("sector", cells.text, "sector, used to colour the network", default=""),
    Column("x", cells.number, "east position on the site plan, km"),
    Column("y", cells.number, "north position on the site plan, km"),
    Column("lat", cells.number, "latitude, degrees (instead of x/y)"),
    Column("lon", cells.number, "longitude, degrees (instead of x/y)"),
    Column("baseline_co2", cells.number, "t CO2e per year the firm reports beyond its modelled streams", default=0.0),
    Column("baseline_freshwater", cells.non_negative, "m3 per year of freshwater beyond its modelled streams", default=0.0),
    Column("baseline_landfill", cells.non_negative, "t per year to landfill beyond its modelled streams", default=0.0),
    Column("baseline_cost", cells.number, "currency per year beyond its modelled streams", default=0.0),
    _source(),
))

STREAMS = TableSpec("streams", "what each firm needs (demand) or gives off (supply), per year", (
    Column("firm", cells.identifier, "a firm id", required=True),
    Column("kind", cells.one_of(StreamKind), "supply or demand", required=True),
    Column("resource", cells.identifier, "a resource id", required=True),
    Column("quantity", cells.non_negative, "units per year, in the resource's unit", required=True),
    Column("fate", cells.one_of(Fate), "supply only: where what no exchange takes goes (landfill needs unit t)"),
    Column("virgin_price", cells.number, "demand only: overrides the resource's virgin_price"),
    Column("virgin_co2", cells.number, "demand only: overrides the resource's virgin_co2"),
    Column("disposal_fee", cells.number, "supply only: overrides the resource's disposal_fee"),
    Column("disposal_co2", cells.number, "supply only: overrides the resource's disposal_co2"),
    _quality(),
    _note(),
    _source(),
))

EXCHANGES = TableSpec("exchanges", "links that carry part of a supply to meet a demand", (
    Column("id", cells.identifier, "stable id (no commas): used in links and on the command line", required=True),
    Column("name", cells.text, "label shown on screen (default: the id)"),
    Column("from_firm", cells.identifier, "the supplying firm: its supply stream of `resource` is drawn on", required=True),
    Column("resource", cells.identifier, "what is carried; quantities carried are in its unit", required=True),
    Column("to_firm", cells.identifier, "the receiving firm: its demand stream of `replaces` is met", required=True),
    Column("replaces", cells.identifier, "the demand met (default: the same resource)"),
    Column("ratio", cells.positive, "units of demand met per unit carried; required where the units differ", default=1.0),
    Column("status", cells.one_of(Status), "existing (on in the baseline) or candidate (off)", required=True),
    Column("capacity", cells.capacity, "most units per year it can carry", default=float("inf")),
    Column("distance_km", cells.non_negative, "transport distance, km", default=0.0),
    Column("mode", cells.one_of(Mode), "pipeline, truck, rail, ship, conveyor or grid", default=Mode.PIPELINE),
    Column("capex", cells.non_negative, "one-off investment, currency", default=0.0),
    Column("lifetime_years", cells.positive, "life of the investment, years", default=20.0),
    Column("opex_per_year", cells.number, "fixed cost per year while active, currency", default=0.0),
    Column("cost_per_unit", cells.number, "transport and treatment cost per unit carried (blank: distance_km x the mode's cost_per_tkm where the unit is t, else 0)"),
    Column("co2_per_unit", cells.number, "t CO2e per unit carried (blank: distance_km x the mode's co2_per_tkm where the unit is t, else 0)"),
    Column("payer", cells.one_of(Payer), "to or from: whose books carry the exchange's own cost and CO2e", default=Payer.TO),
    Column("price_per_unit", cells.number, "transfer price per unit carried the receiver pays the supplier", default=0.0),
    _quality(),
    _note(),
    _source(),
))

TABLE_SPECS: dict[str, TableSpec] = {t.name: t for t in (RESOURCES, FIRMS, STREAMS, EXCHANGES)}

UNCERTAINTY = TableSpec("uncertainty", "ranges of uncertain inputs, one row per ranged cell (optional table)", (
    Column("table", cells.one_of(RangedTable), "the table of the ranged cell: resources, firms, streams or exchanges",
           required=True),
    Column("row", cells.text, "the row's id; for streams firm/kind/resource, e.g. asnaes/supply/fly_ash",
           required=True),
    Column("column", cells.text, "a numeric column of that table that enters the KPIs (quantity, a price, a CO2e "
           "factor, capacity, capex, ...)", required=True),
    Column("low", cells.number, "lowest plausible value, in the column's unit (at most the cell's value)",
           required=True),
    Column("high", cells.number, "highest plausible value, in the column's unit (at least the cell's value)",
           required=True),
    Column("distribution", cells.one_of(Distribution),
           "triangular (most likely at the cell's value) or uniform", default=Distribution.TRIANGULAR),
    Column("note", cells.text, "why this range: the estimate and its source", default=""),
))
"""The optional ``uncertainty`` table (PARK_MODEL.md section 7)."""

OPTIONAL_SPECS: dict[str, TableSpec] = {UNCERTAINTY.name: UNCERTAINTY}
"""Tables a park may have but need not: checked like the four when present."""

SOURCES = TableSpec("sources", "publications and datasets that rows cite", (
    Column("id", cells.identifier, "id that rows cite in their source column", required=True),
    Column("citation", cells.text, "author, title, publisher, year", required=True),
    Column("url", cells.text, "where to read it", default=""),
))

REPORTED = TableSpec("reported", "figures a park has published, shown beside the model's own figure on the same boundary", (
    Column("kpi", cells.text, "what it measures: the saving of freshwater_m3, co2_t, landfill_t or cost; "
           "or delivered (what exchanges deliver to the demands in `resources`)", required=True),
    Column("value", cells.number, "the published figure per year (a saving: positive = saved)", required=True),
    Column("year", cells.year, "the year the figure describes"),
    Column("source", cells.text, "a [[sources]] id", required=True),
    Column("boundary", cells.text, "what the published figure covers, in words (e.g. groundwater only)", default=""),
    Column("firm", cells.text, "a firm id: the figure is that firm's own (blank: the whole park)"),
    Column("exchanges", cells.id_list, "existing exchange ids, comma-separated: the figure is theirs alone (blank: all existing)", default=()),
    Column("resources", cells.id_list, "resource ids, comma-separated: only exchanges meeting a demand for these "
           "(their `replaces`); required for delivered, one unit", default=()),
    Column("note", cells.text, "how the figure was read", default=""),
))

TRANSPORT = TableSpec("transport", "per tonne-km factors by transport mode", (
    Column("mode", cells.one_of(Mode), "pipeline, truck, rail, ship, conveyor or grid", required=True),
    Column("co2_per_tkm", cells.non_negative, "t CO2e per tonne-km (project default where blank)"),
    Column("cost_per_tkm", cells.non_negative, "currency per tonne-km (0 where blank)"),
))

SETTINGS_SPECS: dict[str, TableSpec] = {t.name: t for t in (SOURCES, REPORTED, TRANSPORT)}

PARK_SETTINGS: tuple[Column, ...] = (
    Column("name", cells.text, "the park's name", required=True),
    Column("country", cells.text, "country", default=""),
    Column("currency", cells.text, "ISO 4217 code of every money figure, e.g. DKK, EUR", required=True),
    Column("year", cells.year, "the year the data describes"),
    Column("description", cells.text, "what the data is and which era it shows", default=""),
    Column("discount_rate", cells.fraction, "per year, for the capex annuity", default=0.06),
    Column("carbon_price", cells.non_negative, "currency per t CO2e, used to rank competing exchanges", default=0.0),
)

DEFAULT_TRANSPORT_CO2_PER_TKM: dict[Mode, float] = {
    Mode.PIPELINE: 0.000005,
    Mode.TRUCK: 0.00008,
    Mode.RAIL: 0.00002,
    Mode.SHIP: 0.000015,
    Mode.CONVEYOR: 0.000005,
    Mode.GRID: 0.0,
}
"""Project defaults, t CO2e per tonne-km, where park.toml gives none.

Truck is the middle of the GLEC framework's 0.06-0.10 kg per t-km well-to-wheel;
rail, short-sea ship, pipeline and conveyor are GLEC-order defaults for bulk goods.
Cost per t-km has no default (it depends on the currency): it is 0 where not given,
and loading warns where an exchange relies on it.
"""
