"""Checking raw tables against the format and building an immutable Park from them.

Every problem is logged, none stops the checks: the caller gets all of them at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import cells
from .cells import CellError
from .domain import (
    DELIVERED,
    REPORTED_MEASURES,
    Exchange,
    Firm,
    Park,
    Range,
    Reported,
    Resource,
    Source,
    Stream,
    TransportMode,
)
from .errors import ProblemLog
from .kpis import Kpis
from .ranges import Tables, check_quality_ranges, check_ranges, stream_row_id
from .schema import DEFAULT_TRANSPORT_CO2_PER_TKM, OPTIONAL_SPECS, PARK_SETTINGS, SETTINGS_SPECS, TABLE_SPECS, TableSpec
from .tables import RawPark, RawRow, RawTable, UnsavedFormula, with_article
from .vocabulary import Fate, Mode, Status, StreamKind

_CURRENCY = re.compile(r"[A-Z]{3}")


TEMPLATE_EXAMPLE_PREFIX = "example_"
"""Ids of the Excel template's example rows begin with this (dashboard/exports/template.py)."""


@dataclass
class ParsedRow:
    """A row's typed values; a column whose cell was wrong holds ``None`` and ``ok`` is False."""

    number: int
    values: dict[str, Any]
    ok: bool
    given: frozenset[str] = frozenset()

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column)


def parse_table(table: RawTable, spec: TableSpec, log: ProblemLog) -> list[ParsedRow]:
    """Type every cell of a table; report missing columns, blank required cells and bad values."""
    missing = [c.name for c in spec.columns if c.required and c.name not in table.columns]
    for name in missing:
        log.error(table.label, 1, name, f"required column '{name}' is missing from the header row")
    known = set(spec.names)
    for name in table.columns:
        if name not in known:
            log.warn(table.label, 1, name, f"column '{name}' is not part of the format; it is ignored")
    if not table.rows:
        log.error(table.label, None, None, f"has no rows: add at least one ({spec.purpose})")
    parsed = []
    for row in table.rows:
        parsed.append(parse_row(table, spec, row, missing, log))
    return parsed


def parse_row(table: RawTable, spec: TableSpec, row: RawRow, missing: list[str],
              log: ProblemLog) -> ParsedRow:
    values: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        raw = row.cells.get(column.name)
        if isinstance(raw, UnsavedFormula):
            log.error(table.label, row.number, column.name, raw.message())
            values[column.name] = None
            ok = False
            continue
        if isinstance(raw, (dict, list)):  # JSON, or a [[sources]]-like entry of park.toml
            log.error(table.label, row.number, column.name, "must be a single value, not a table or a list")
            values[column.name] = None
            ok = False
            continue
        if raw is None:
            if column.required and column.name not in missing:
                log.error(table.label, row.number, column.name, f"is blank; every row needs {with_article(column.name)}")
                ok = False
            values[column.name] = None if column.required else column.default
            continue
        try:
            values[column.name] = column.parse(raw, table.decimal_comma)
        except CellError as exc:
            log.error(table.label, row.number, column.name, str(exc))
            values[column.name] = None
            ok = False
    if missing:
        ok = False
    given = frozenset(name for name, value in row.cells.items() if value is not None)
    return ParsedRow(row.number, values, ok, given)


def check_unique(rows: list[ParsedRow], column: str, label: str, what: str,
                 log: ProblemLog) -> dict[str, ParsedRow]:
    first: dict[str, ParsedRow] = {}
    for row in rows:
        key = row[column]
        if key is None:
            continue
        if key in first:
            log.error(label, row.number, column,
                      f"{what} id '{key}' is used twice (first in row {first[key].number})")
            row.ok = False
        else:
            first[key] = row
    return first


class ParkBuilder:
    """Validates one RawPark and builds the Park, logging every problem."""

    def __init__(self, raw: RawPark, log: ProblemLog):
        self.raw = raw
        self.log = log
        self.cited: dict[str, tuple[str, int]] = {}
        self.units: dict[str, str] = {}  # resource id -> unit, from every resource row that gives both

    def label(self, table: str) -> str:
        return self.raw.tables[table].label if table in self.raw.tables else f"{table}"

    # -- settings ---------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        raw, label, log = self.raw.settings, self.raw.settings_label, self.log
        result: dict[str, Any] = {}
        known = {c.name for c in PARK_SETTINGS} | set(SETTINGS_SPECS) | {"quality_ranges"}
        for key in raw:
            if key not in known:
                log.warn(label, None, key, f"setting '{key}' is not part of the format; it is ignored")
        for column in PARK_SETTINGS:
            value = raw.get(column.name)
            if isinstance(value, UnsavedFormula):  # reported where the sheet was read
                result[column.name] = column.default
                continue
            if isinstance(value, (dict, list)):
                log.error(label, None, column.name, "must be a single value, not a table or a list")
                result[column.name] = column.default
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                if column.required and not self.raw.settings_failed:
                    log.error(label, None, column.name, f"is missing; a park needs {with_article(column.name)}")
                result[column.name] = column.default
                continue
            try:
                result[column.name] = column.parse(value, False)
            except CellError as exc:
                log.error(label, None, column.name, str(exc))
                result[column.name] = column.default
        currency = result.get("currency")
        if currency:
            currency = currency.upper()
            result["currency"] = currency
            if not _CURRENCY.fullmatch(currency):
                log.error(label, None, "currency", f"'{currency}' is not an ISO 4217 code such as DKK, EUR or USD")
        return result

    def settings_table(self, name: str) -> list[ParsedRow]:
        """A [[sources]]/[[reported]]/[transport] list from park.toml, JSON or a workbook sheet."""
        spec = SETTINGS_SPECS[name]
        if name in self.raw.settings_tables:
            return parse_table(self.raw.settings_tables[name], spec, self.log) if \
                self.raw.settings_tables[name].rows else []
        value = self.raw.settings.get(name)
        if not value:
            return []
        label = self.settings_table_label(name)
        if name == "transport":
            if not isinstance(value, dict):
                self.log.error(self.raw.settings_label, None, name, "must be tables [transport.MODE]")
                return []
            items = []
            for mode, fields in value.items():
                if not isinstance(fields, dict):
                    self.log.error(self.raw.settings_label, None, f"transport.{mode}",
                                   "must be a table of co2_per_tkm and cost_per_tkm, e.g. [transport.truck]")
                    continue
                items.append({"mode": mode, **fields})
            if not items:
                return []
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            items = value
        else:
            self.log.error(self.raw.settings_label, None, name, f"must be a list of [[{name}]] tables")
            return []
        columns: list[str] = []
        rows = []
        for number, item in enumerate(items, start=1):
            cells = {str(k).strip().lower(): (v.strip() or None) if isinstance(v, str) else
                     None if isinstance(v, UnsavedFormula) else v  # reported where the sheet was read
                     for k, v in item.items()}
            columns.extend(c for c in cells if c not in columns)
            rows.append(RawRow(number, cells))
        table = RawTable(name, label, columns, rows)
        return parse_table(table, spec, self.log)

    def settings_table_label(self, name: str) -> str:
        if name in self.raw.settings_tables:
            return self.raw.settings_tables[name].label
        base = self.raw.settings_label
        return f"{base[:-1]}.{name}]" if base.endswith("]") else f"{base}[{name}]"

    def sources(self) -> tuple[Source, ...]:
        rows = self.settings_table("sources")
        label = self.settings_table_label("sources")
        check_unique(rows, "id", label, "source", self.log)
        seen: set[str] = set()
        result = []
        for row in rows:
            if row.ok and row["id"] not in seen:
                seen.add(row["id"])
                result.append(Source(row["id"], row["citation"], row["url"] or ""))
        return tuple(result)

    def reported(self, source_ids: set[str], resources: dict[str, Resource], firm_ids: set[str],
                 exchanges: list[Exchange]) -> tuple[Reported, ...]:
        """The [[reported]] entries, each boundary checked against the park it describes."""
        rows = self.settings_table("reported")
        label = self.settings_table_label("reported")
        existing = {e.id for e in exchanges if e.status is Status.EXISTING}
        candidates = {e.id for e in exchanges} - existing
        result = []
        for row in rows:
            def bad(column: str, message: str, row: ParsedRow = row) -> None:
                self.log.error(label, row.number, column, message)
                row.ok = False

            kpi = row["kpi"]
            if kpi is not None and kpi not in REPORTED_MEASURES:
                bad("kpi", f"'{kpi}' is not one of: {', '.join(REPORTED_MEASURES)}")
            if row["source"] is not None and row["source"] not in source_ids:
                bad("source", f"source '{row['source']}' is not listed in [[sources]]")
            firm = row["firm"]
            if firm is not None and firm not in firm_ids:
                bad("firm", f"firm '{firm}' is not in the firms table")
            for exchange in row["exchanges"] or ():
                if exchange in candidates:
                    bad("exchanges", f"exchange '{exchange}' is a candidate: it is off in the baseline, "
                        "so the park has no published saving of it to compare")
                elif exchange not in existing and self._usable("exchanges", ("id",)):
                    bad("exchanges", f"exchange '{exchange}' is not in the exchanges table")
            listed = row["resources"] or ()
            unknown = [r for r in listed if r not in resources and self._usable("resources", ("id",))]
            for resource in unknown:
                bad("resources", f"resource '{resource}' is not in the resources table")
            units = {resources[r].unit for r in listed if r in resources}
            if kpi == DELIVERED and not listed:
                bad("resources", "is blank; a delivered figure needs the resources whose demand it counts "
                    "(e.g. freshwater), all in one unit")
            elif kpi == DELIVERED and len(units) > 1:
                bad("resources", f"mixes units ({', '.join(sorted(units))}); a delivered figure adds up one unit")
            if row.ok:
                result.append(Reported(kpi, row["value"], row["year"], row["source"], row["note"] or "",
                                       row["boundary"] or "", firm, tuple(row["exchanges"] or ()), tuple(listed)))
        return tuple(result)

    def transport(self) -> dict[Mode, TransportMode]:
        rows = self.settings_table("transport")
        given = {row["mode"]: row for row in rows if row["mode"] is not None}
        result = {}
        for mode in Mode:
            row = given.get(mode)
            co2 = row["co2_per_tkm"] if row is not None and row["co2_per_tkm"] is not None else None
            cost = row["cost_per_tkm"] if row is not None and row["cost_per_tkm"] is not None else None
            result[mode] = TransportMode(
                DEFAULT_TRANSPORT_CO2_PER_TKM[mode] if co2 is None else co2,
                0.0 if cost is None else cost)
        self.cost_given = {m for m, r in given.items() if r["cost_per_tkm"] is not None}
        return result

    # -- tables -----------------------------------------------------------------------

    def rows(self, table: str) -> list[ParsedRow]:
        if table not in self.raw.tables:
            return []
        rows = parse_table(self.raw.tables[table], TABLE_SPECS[table], self.log)
        for row in rows:
            if row["source"]:
                self.cited.setdefault(row["source"], (self.raw.tables[table].label, row.number))
        return rows

    def resources(self) -> dict[str, Resource]:
        label = self.label("resources")
        rows = self.rows("resources")
        check_unique(rows, "id", label, "resource", self.log)
        result = {}
        for row in rows:
            if row["id"] is not None and row["unit"] is not None:
                # Known even where another cell of the row is wrong, so the unit checks of
                # the streams and exchanges using it still run.
                self.units.setdefault(row["id"], row["unit"])
            if row["freshwater"] and row["unit"] is not None and row["unit"] != "m3":
                self.log.error(label, row.number, "unit",
                               f"is '{row['unit']}'; a freshwater resource must be measured in m3")
                row.ok = False
            if row.ok:
                result[row["id"]] = Resource(
                    row["id"], row["name"] or row["id"], row["category"], row["unit"],
                    row["freshwater"], row["virgin_price"], row["virgin_co2"],
                    row["disposal_fee"], row["disposal_co2"], row["source"])
        return result

    def firms(self) -> dict[str, Firm]:
        label = self.label("firms")
        rows = self.rows("firms")
        check_unique(rows, "id", label, "firm", self.log)
        result = {}
        for row in rows:
            for first, second in (("x", "y"), ("lat", "lon")):
                if (row[first] is None) != (row[second] is None) and row.ok:
                    blank = second if row[second] is None else first
                    self.log.error(label, row.number, blank,
                                   f"is blank while {first if blank == second else second} is given; give both or neither")
                    row.ok = False
            if row["lat"] is not None and not -90 <= row["lat"] <= 90:
                self.log.error(label, row.number, "lat", f"is {row['lat']}; a latitude lies between -90 and 90")
                row.ok = False
            if row["lon"] is not None and not -180 <= row["lon"] <= 180:
                self.log.error(label, row.number, "lon", f"is {row['lon']}; a longitude lies between -180 and 180")
                row.ok = False
            if row.ok:
                baseline = Kpis(row["baseline_freshwater"], row["baseline_co2"],
                                row["baseline_landfill"], row["baseline_cost"])
                result[row["id"]] = Firm(row["id"], row["name"] or row["id"], row["sector"] or "",
                                         row["x"], row["y"], row["lat"], row["lon"], baseline, row["source"])
        return result

    def streams(self, resources: dict[str, Resource], firm_ids: set[str],
                resource_ids: set[str]) -> dict[tuple, Stream]:
        label = self.label("streams")
        rows = self.rows("streams")
        result: dict[tuple, Stream] = {}
        first: dict[tuple, int] = {}
        for row in rows:
            firm, kind, resource = row["firm"], row["kind"], row["resource"]
            if firm is not None and firm not in firm_ids:
                self.log.error(label, row.number, "firm", f"firm '{firm}' is not in the firms table")
                row.ok = False
            if resource is not None and resource not in resource_ids:
                self.log.error(label, row.number, "resource", f"resource '{resource}' is not in the resources table")
                row.ok = False
            key = (firm, kind, resource)
            if None not in key:
                if key in first:
                    self.log.error(label, row.number, "resource",
                                   f"firm '{firm}' already has a {kind.value} stream of '{resource}' (row {first[key]}); "
                                   "at most one per firm, kind and resource")
                    row.ok = False
                else:
                    first[key] = row.number
            if kind is StreamKind.SUPPLY:
                if "fate" not in row.given:
                    self.log.error(label, row.number, "fate",
                                   "is blank; a supply stream needs a fate: landfill, incineration, discharge, vent or external")
                    row.ok = False
                for column in ("virgin_price", "virgin_co2"):
                    if row[column] is not None:
                        self.log.warn(label, row.number, column, "applies to demand streams only; ignored on a supply stream")
            elif kind is StreamKind.DEMAND:
                if row["fate"] is not None:
                    self.log.warn(label, row.number, "fate", "applies to supply streams only; ignored on a demand stream")
                for column in ("disposal_fee", "disposal_co2"):
                    if row[column] is not None:
                        self.log.warn(label, row.number, column, "applies to supply streams only; ignored on a demand stream")
            if row["fate"] is Fate.LANDFILL and self.units.get(resource, "t") != "t":
                self.log.error(label, row.number, "fate",
                               f"is landfill but '{resource}' is measured in {self.units[resource]}; landfill needs a unit of t")
                row.ok = False
            if row.ok and resource in resources:
                prices = _stream_prices(row, kind, resources[resource])
                result[key] = Stream(firm, kind, resource, row["quantity"],
                                     row["fate"] if kind is StreamKind.SUPPLY else None, *prices, row["source"],
                                     row["quality"], row["note"] or "")
        return result

    def exchanges(self, resources: dict[str, Resource], firm_ids: set[str], resource_ids: set[str],
                  stream_keys: set[tuple], all_stream_rows: set[tuple],
                  transport: dict[Mode, TransportMode]) -> list[Exchange]:
        label = self.label("exchanges")
        rows = self.rows("exchanges")
        check_unique(rows, "id", label, "exchange", self.log)
        result = []
        for row in rows:
            from_firm, to_firm = row["from_firm"], row["to_firm"]
            resource = row["resource"]
            replaces = row["replaces"] or resource
            references_ok = None not in (from_firm, to_firm, resource)
            for column, firm in (("from_firm", from_firm), ("to_firm", to_firm)):
                if firm is not None and firm not in firm_ids:
                    self.log.error(label, row.number, column, f"firm '{firm}' is not in the firms table")
                    row.ok = references_ok = False
            for column, res in (("resource", resource), ("replaces", replaces)):
                if res is not None and res not in resource_ids and (column == "resource" or row["replaces"]):
                    self.log.error(label, row.number, column, f"resource '{res}' is not in the resources table")
                    row.ok = references_ok = False
            if references_ok and not (firm_ids.everything or resource_ids.everything) \
                    and self._usable("streams", ("firm", "kind", "resource")):
                supply = (from_firm, StreamKind.SUPPLY, resource)
                demand = (to_firm, StreamKind.DEMAND, replaces)
                if supply not in all_stream_rows:
                    self.log.error(label, row.number, "resource",
                                   f"firm '{from_firm}' has no supply stream of '{resource}' in the streams table")
                    row.ok = False
                if demand not in all_stream_rows:
                    self.log.error(label, row.number, "replaces" if row["replaces"] else "to_firm",
                                   f"firm '{to_firm}' has no demand stream of '{replaces}' in the streams table")
                    row.ok = False
                if supply in all_stream_rows and demand in all_stream_rows and not (
                        supply in stream_keys and demand in stream_keys):
                    row.ok = False  # the stream row itself has an error, reported there
            ratio = row["ratio"]
            units = self.units
            if references_ok and resource in units and replaces in units \
                    and units[resource] != units[replaces] and "ratio" not in row.given:
                self.log.error(label, row.number, "ratio",
                               f"is blank but '{resource}' is in {units[resource]} and '{replaces}' in "
                               f"{units[replaces]}; give how many {units[replaces]} one "
                               f"{units[resource]} replaces")
                row.ok = False
            if row.ok and from_firm == to_firm:
                self.log.warn(label, row.number, "to_firm", f"firm '{from_firm}' supplies itself")
            if not row.ok or resource not in resources or replaces not in resources:
                continue  # a resource row or table with errors: reported there
            unit = resources[resource].unit
            mode = row["mode"]
            derived = False
            cost_per_unit, co2_per_unit = row["cost_per_unit"], row["co2_per_unit"]
            if unit == "t" and row["distance_km"] > 0:
                if cost_per_unit is None:
                    cost_per_unit = row["distance_km"] * transport[mode].cost_per_tkm
                    derived = True
                    if mode not in self.cost_given:
                        self.log.warn(label, row.number, "cost_per_unit",
                                      f"is blank and park settings give no cost_per_tkm for {mode.value}; "
                                      "transport cost taken as 0")
                if co2_per_unit is None:
                    co2_per_unit = row["distance_km"] * transport[mode].co2_per_tkm
                    derived = True
            result.append(Exchange(
                row["id"], row["name"] or row["id"], from_firm, resource, to_firm, replaces, row["status"],
                ratio, row["capacity"], row["distance_km"], mode, row["capex"], row["lifetime_years"],
                row["opex_per_year"], cost_per_unit or 0.0, co2_per_unit or 0.0, row["payer"],
                row["price_per_unit"], row["source"], derived, row["quality"], row["note"] or ""))
        return result

    def uncertainty(self, resources: dict[str, Resource], firms: dict[str, Firm], streams: dict[tuple, Stream],
                    exchanges: list[Exchange]) -> tuple[Range, ...]:
        """The optional uncertainty table, checked against the built tables (section 7)."""
        table = self.raw.tables.get("uncertainty")
        if table is None or not table.rows:
            return ()
        rows = parse_table(table, OPTIONAL_SPECS["uncertainty"], self.log)
        present = {name: {r["id"] for r in self._ids(name)} for name in ("resources", "firms", "exchanges")}
        present["streams"] = {stream_row_id(Stream(f, k, r, 0.0)) for f, k, r in self._stream_keys()}
        failed = {name for name, key in (("resources", ("id",)), ("firms", ("id",)), ("exchanges", ("id",)),
                                         ("streams", ("firm", "kind", "resource"))) if not self._usable(name, key)}
        tables = Tables(resources, firms, streams, {e.id: e for e in exchanges}, present, failed)
        return check_ranges(rows, table.label, tables, self.log)

    def check_citations(self, source_ids: set[str]) -> None:
        for source, (label, number) in self.cited.items():
            if source not in source_ids:
                self.log.warn(label, number, "source",
                              f"source '{source}' is not listed in the park's [[sources]] (first cited here)")

    def check_template_examples(self, tables: dict[str, dict]) -> None:
        """Warn once per table where the Excel template's example rows (ids starting
        ``example_``) are still in: they would count in every total as if they were the
        park's own firms and links (the template: dashboard/exports/template.py)."""
        for table, rows in tables.items():
            left = [i for i in rows if i.startswith(TEMPLATE_EXAMPLE_PREFIX)]
            if left:
                shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
                self.log.warn(self.label(table), None, "id",
                              f"the template's example rows are still in ({shown}); they count in every "
                              "total as if they were your park's own: delete them or replace them")

    # -- all --------------------------------------------------------------------------

    def build(self) -> Park | None:
        settings = self.settings()
        sources = self.sources()
        source_ids = {s.id for s in sources}
        transport = self.transport()
        resources = self.resources()
        firms = self.firms()
        firm_ids = self._known_ids("firms")
        resource_ids = self._known_ids("resources")
        streams = self.streams(resources, firm_ids, resource_ids)
        all_stream_rows = self._stream_keys()
        exchanges = self.exchanges(resources, firm_ids, resource_ids, set(streams), all_stream_rows, transport)
        reported = self.reported(source_ids, resources, firm_ids, exchanges)
        uncertainty = self.uncertainty(resources, firms, streams, exchanges)
        quality_ranges = check_quality_ranges(self.raw.settings.get("quality_ranges"), self.raw.settings_label,
                                              self.log)
        if sources:
            self.check_citations(source_ids)
        self.check_template_examples({"resources": resources, "firms": firms,
                                      "exchanges": {e.id: e for e in exchanges}})
        if self.log.errors:
            return None
        return Park(
            name=settings["name"], currency=settings["currency"], country=settings["country"] or "",
            year=settings["year"], description=settings["description"] or "",
            discount_rate=settings["discount_rate"], carbon_price=settings["carbon_price"],
            transport=transport, sources=sources, reported=reported,
            resources=tuple(resources.values()), firms=tuple(firms.values()),
            streams=tuple(streams.values()), exchanges=tuple(exchanges),
            uncertainty=uncertainty, quality_ranges=quality_ranges,
            warnings=tuple(self.log.warnings))

    def _known_ids(self, table: str) -> KnownIds:
        """The ids a table defines; when the table itself could not be read (or has no id
        column, or no rows), every id counts as known, so that root cause is reported once
        and not in each citing row."""
        if not self._usable(table, ("id",)):
            return KnownIds(set(), everything=True)
        return KnownIds({r["id"] for r in self._ids(table)})

    def _usable(self, table: str, columns: tuple[str, ...]) -> bool:
        """Whether a table was read, has rows and the columns other tables' rows are checked against."""
        found = self.raw.tables.get(table)
        return found is not None and bool(found.rows) and all(c in found.columns for c in columns)

    def _ids(self, table: str) -> list[dict]:
        """Ids present in a table, even on rows with other errors (so references are not
        reported as unknown when the row that defines them has a typo elsewhere)."""
        if table not in self.raw.tables:
            return []
        return [{"id": cells.text(c, False)} for row in self.raw.tables[table].rows
                if (c := row.cells.get("id")) is not None]

    def _stream_keys(self) -> set[tuple]:
        keys = set()
        if "streams" not in self.raw.tables:
            return keys
        for row in self.raw.tables["streams"].rows:
            firm, kind, resource = (row.cells.get(c) for c in ("firm", "kind", "resource"))
            if firm is None or kind is None or resource is None:
                continue
            kind_text = str(kind).strip().lower()
            if kind_text in ("supply", "demand"):
                keys.add((cells.text(firm, False), StreamKind(kind_text), cells.text(resource, False)))
        return keys


class KnownIds(set):
    """A set of ids; with ``everything`` it contains any id (its table failed to load)."""

    def __init__(self, ids, everything: bool = False):
        super().__init__(ids)
        self.everything = everything

    def __contains__(self, item) -> bool:
        return self.everything or super().__contains__(item)


def _stream_prices(row: ParsedRow, kind: StreamKind, resource: Resource) -> tuple[float, float, float, float]:
    """virgin_price, virgin_co2, disposal_fee, disposal_co2: the stream's override where it
    applies to its kind and is given, else the resource's value."""
    applies = ("virgin_price", "virgin_co2") if kind is StreamKind.DEMAND else ("disposal_fee", "disposal_co2")
    return tuple(row[c] if c in applies and row[c] is not None else getattr(resource, c)
                 for c in ("virgin_price", "virgin_co2", "disposal_fee", "disposal_co2"))


def build_park(raw: RawPark, log: ProblemLog) -> Park | None:
    """Validate a RawPark; returns the Park, or None with every error in ``log``."""
    return ParkBuilder(raw, log).build()

