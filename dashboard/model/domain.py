"""Typed, immutable domain objects for a park (docs/data-format.md).

Every quantity is per year. A resource's ``unit`` (m3, t, MWh, ...) is the unit of
its streams' quantities and of the per-unit prices and CO2e factors that apply to it.
Money is in the park's ``currency``; CO2e is in tonnes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from types import MappingProxyType

from .kpis import Kpis
from .vocabulary import Category, Distribution, Fate, Mode, Payer, Quality, RangedTable, Status, StreamKind

UNLIMITED = math.inf
"""Capacity of an exchange with no capacity given."""


@dataclass(frozen=True)
class Source:
    """A publication or dataset that rows cite by ``id``."""

    id: str
    citation: str
    url: str = ""


DELIVERED = "delivered"
"""The measure of a ``[[reported]]`` figure that is not a KPI saving: the quantity the
existing exchanges deliver to demands, in the unit of the demands named (docs/accounting.md)."""

REPORTED_MEASURES: tuple[str, ...] = ("freshwater_m3", "co2_t", "landfill_t", "cost", DELIVERED)
"""What a ``[[reported]]`` entry may measure: a KPI's saving, or what exchanges delivered."""


@dataclass(frozen=True)
class Reported:
    """A figure the park has published, per year, and the boundary it was measured on.

    ``kpi`` is a KPI name (the figure is a saving, positive = saved, in the KPI's unit)
    or ``delivered`` (the quantity existing exchanges deliver to demands, in the unit of
    ``resources``). The boundary (docs/accounting.md, "Published figures"):

    - ``exchanges``: the existing exchanges whose saving it is (empty: all of them);
    - ``resources``: only the exchanges meeting a demand for one of these resources
      (their ``replaces``; empty: any), required for ``delivered``;
    - ``firm``: the figure is that firm's own (its KPIs; for ``delivered``, what the
      exchanges to or from it carry), None for the whole park;
    - ``boundary``: the same in words, as the publication puts it.
    """

    kpi: str
    value: float
    year: int | None
    source: str
    note: str = ""
    boundary: str = ""
    firm: str | None = None
    exchanges: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class TransportMode:
    """Per tonne-km factors of a transport mode.

    co2_per_tkm: t CO2e per tonne-km. cost_per_tkm: currency per tonne-km.
    """

    co2_per_tkm: float
    cost_per_tkm: float


@dataclass(frozen=True)
class Resource:
    """A kind of thing that flows, with the prices of buying it new and of disposing of it.

    virgin_price: currency per unit bought as virgin supply; virgin_co2: t CO2e per unit.
    disposal_fee: currency per unit left to a supply stream's fate; disposal_co2: t CO2e per unit.
    """

    id: str
    name: str
    category: Category
    unit: str
    freshwater: bool = False
    virgin_price: float = 0.0
    virgin_co2: float = 0.0
    disposal_fee: float = 0.0
    disposal_co2: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class Firm:
    """A firm on the park. ``x``/``y`` are km on the site plan; ``lat``/``lon`` degrees.

    ``baseline`` holds the firm's reported totals that its streams do not model.
    """

    id: str
    name: str
    sector: str = ""
    x: float | None = None
    y: float | None = None
    lat: float | None = None
    lon: float | None = None
    baseline: Kpis = Kpis()
    source: str = ""


StreamKey = tuple[str, StreamKind, str]
"""(firm id, kind, resource id): at most one stream per key."""


@dataclass(frozen=True)
class Stream:
    """What a firm needs (demand) or gives off (supply) of one resource, per year.

    ``quantity`` is in the resource's unit. The four price/CO2e fields are already
    resolved: the stream's own override where given, else the resource's value.
    Only ``virgin_*`` matter for demand and only ``disposal_*`` and ``fate`` for supply.
    """

    firm: str
    kind: StreamKind
    resource: str
    quantity: float
    fate: Fate | None = None
    virgin_price: float = 0.0
    virgin_co2: float = 0.0
    disposal_fee: float = 0.0
    disposal_co2: float = 0.0
    source: str = ""
    quality: Quality | None = None
    note: str = ""

    @property
    def key(self) -> StreamKey:
        return (self.firm, self.kind, self.resource)

    @property
    def label(self) -> str:
        return f"{self.firm} {self.kind.value} of {self.resource}"


@dataclass(frozen=True)
class Exchange:
    """A link carrying part of one firm's supply stream to meet another firm's demand.

    ``carried`` quantities are in the unit of ``resource`` (the supply side); each unit
    carried meets ``ratio`` units of the demand for ``replaces``. ``capacity`` is units
    per year (``UNLIMITED`` when not given). ``capex`` is a one-off investment in
    currency, annualised over ``lifetime_years``; ``opex_per_year`` currency per year
    while active; ``cost_per_unit`` currency and ``co2_per_unit`` t CO2e per unit
    carried (already derived from distance and mode where the data left them blank;
    ``derived_transport`` says so). ``price_per_unit`` is the transfer price per unit
    carried that the receiver pays the supplier.
    """

    id: str
    name: str
    from_firm: str
    resource: str
    to_firm: str
    replaces: str
    status: Status
    ratio: float = 1.0
    capacity: float = UNLIMITED
    distance_km: float = 0.0
    mode: Mode = Mode.PIPELINE
    capex: float = 0.0
    lifetime_years: float = 20.0
    opex_per_year: float = 0.0
    cost_per_unit: float = 0.0
    co2_per_unit: float = 0.0
    payer: Payer = Payer.TO
    price_per_unit: float = 0.0
    source: str = ""
    derived_transport: bool = False
    quality: Quality | None = None
    note: str = ""

    @property
    def supply_key(self) -> StreamKey:
        return (self.from_firm, StreamKind.SUPPLY, self.resource)

    @property
    def demand_key(self) -> StreamKey:
        return (self.to_firm, StreamKind.DEMAND, self.replaces)

    @property
    def payer_firm(self) -> str:
        return self.to_firm if self.payer is Payer.TO else self.from_firm


@dataclass(frozen=True)
class Range:
    """A range for one numeric cell of the park (a row of the ``uncertainty`` table,
    PARK_MODEL.md section 7): ``low`` and ``high`` in the column's unit, with
    ``low <= value <= high``. ``row`` is the row's id; a stream's is ``firm/kind/resource``."""

    table: RangedTable
    row: str
    column: str
    low: float
    high: float
    distribution: Distribution = Distribution.TRIANGULAR
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table.value, self.row, self.column)


@dataclass(frozen=True, eq=False)
class Park:
    """A whole park: its settings, sources and the four tables, validated and immutable.

    ``discount_rate`` is a fraction per year (0.06 = 6 %); ``carbon_price`` is currency
    per t CO2e. ``warnings`` lists what loading noticed but did not refuse.
    """

    name: str
    currency: str
    resources: tuple[Resource, ...]
    firms: tuple[Firm, ...]
    streams: tuple[Stream, ...]
    exchanges: tuple[Exchange, ...]
    country: str = ""
    year: int | None = None
    description: str = ""
    discount_rate: float = 0.06
    carbon_price: float = 0.0
    transport: Mapping[Mode, TransportMode] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    reported: tuple[Reported, ...] = ()
    uncertainty: tuple[Range, ...] = ()
    quality_ranges: Mapping[str, float] = field(default_factory=dict)
    """Relative half-widths by data quality that park.toml gives (``[quality_ranges]``);
    the project's defaults fill in the rest (``model.ranges``)."""
    warnings: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "transport", MappingProxyType(dict(self.transport)))
        object.__setattr__(self, "quality_ranges", MappingProxyType(dict(self.quality_ranges)))

    @cached_property
    def resource(self) -> Mapping[str, Resource]:
        """Resources by id."""
        return MappingProxyType({r.id: r for r in self.resources})

    @cached_property
    def firm(self) -> Mapping[str, Firm]:
        """Firms by id."""
        return MappingProxyType({f.id: f for f in self.firms})

    @cached_property
    def stream(self) -> Mapping[StreamKey, Stream]:
        """Streams by (firm, kind, resource)."""
        return MappingProxyType({s.key: s for s in self.streams})

    @cached_property
    def exchange(self) -> Mapping[str, Exchange]:
        """Exchanges by id."""
        return MappingProxyType({e.id: e for e in self.exchanges})

    @cached_property
    def source(self) -> Mapping[str, Source]:
        """Sources by id."""
        return MappingProxyType({s.id: s for s in self.sources})

    @property
    def baseline_active(self) -> frozenset[str]:
        """Ids of the exchanges on in the baseline: the existing ones."""
        return frozenset(e.id for e in self.exchanges if e.status is Status.EXISTING)

    def category_of(self, exchange: Exchange) -> Category:
        """An exchange's category is that of the resource it carries."""
        return self.resource[exchange.resource].category

    def to_dict(self) -> dict:
        """A plain, JSON-ready form of the park (the JSON data format of docs/data-format.md)."""
        def clean(value, key: str = ""):
            if isinstance(value, float) and math.isinf(value):
                return None
            if isinstance(value, int) and not isinstance(value, bool) and key != "year":
                return float(value)  # 0 and 0.0 are the same figure: hash them alike
            if isinstance(value, Kpis):
                return value.as_dict()
            if isinstance(value, dict):
                return {k: clean(v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            return value

        def rows(items):
            return [clean(asdict(item)) for item in items]

        firms = []
        for firm in self.firms:
            row = clean(asdict(firm))
            baseline = row.pop("baseline")
            row.update({f"baseline_{k.removesuffix('_m3').removesuffix('_t')}": v
                        for k, v in baseline.items()})
            firms.append(row)
        exchanges = rows(self.exchanges)
        for row in exchanges:
            row.pop("derived_transport")
        streams = rows(self.streams)
        for row in (*streams, *exchanges):
            if row["quality"] is None:
                del row["quality"]  # parks that give no quality keep the hash they had
            if not row["note"]:
                del row["note"]  # nor those that give no note
        document = {
            "park": {
                "name": self.name, "country": self.country, "currency": self.currency,
                "year": self.year, "description": self.description,
                "discount_rate": self.discount_rate, "carbon_price": self.carbon_price,
                "transport": {m.value: asdict(t) for m, t in self.transport.items()},
                "sources": rows(self.sources), "reported": [_reported_row(r) for r in self.reported],
            },
            "resources": rows(self.resources),
            "firms": firms,
            "streams": streams,
            "exchanges": exchanges,
        }
        # Only where given, so a park without ranges keeps the form (and hash) it had.
        if self.quality_ranges:
            document["park"]["quality_ranges"] = {k: float(v) for k, v in self.quality_ranges.items()}
        if self.uncertainty:
            document["uncertainty"] = rows(self.uncertainty)
        return document

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the park's content: equal data gives an equal hash."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _reported_row(item: Reported) -> dict:
    """A ``[[reported]]`` entry as the data format writes it: lists as comma-separated ids;
    the boundary columns only where given, so parks that give none keep their hash."""
    row = asdict(item)
    row["value"] = float(item.value)
    row["exchanges"] = ", ".join(item.exchanges)
    row["resources"] = ", ".join(item.resources)
    for key in ("boundary", "firm", "exchanges", "resources"):
        if not row[key]:
            del row[key]
    return row
