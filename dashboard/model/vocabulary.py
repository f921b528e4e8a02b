"""The fixed vocabularies of the park data format (docs/data-format.md)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What kind of thing a resource is; a Sankey diagram shows one category."""

    WATER = "water"
    ENERGY = "energy"
    MATERIAL = "material"


class StreamKind(StrEnum):
    """A demand stream is an input a firm needs; a supply stream is an output."""

    SUPPLY = "supply"
    DEMAND = "demand"


class Fate(StrEnum):
    """Where the part of a supply stream that no exchange takes ends up."""

    LANDFILL = "landfill"
    INCINERATION = "incineration"
    DISCHARGE = "discharge"
    VENT = "vent"
    EXTERNAL = "external"


class Status(StrEnum):
    """Existing exchanges are on in the baseline; candidates are off."""

    EXISTING = "existing"
    CANDIDATE = "candidate"


class Mode(StrEnum):
    """How an exchange moves what it carries."""

    PIPELINE = "pipeline"
    TRUCK = "truck"
    RAIL = "rail"
    SHIP = "ship"
    CONVEYOR = "conveyor"
    GRID = "grid"


class Payer(StrEnum):
    """Whose books carry an exchange's own cost and CO2e."""

    TO = "to"
    FROM = "from"


class Quality(StrEnum):
    """How a stream's or exchange's figures were obtained (docs/data-format.md).

    measured: metered or weighed; calculated: computed from measured figures (a mass or
    energy balance, a design rating); estimated: an expert's or a source's estimate;
    assumed: a placeholder chosen where nothing is published; derived: the residual of
    other figures (its note says of which).
    """

    MEASURED = "measured"
    CALCULATED = "calculated"
    ESTIMATED = "estimated"
    ASSUMED = "assumed"
    DERIVED = "derived"


class Bound(StrEnum):
    """What stopped an exchange from carrying more (docs/accounting.md, "Flows")."""

    CAPACITY = "capacity"
    SUPPLY = "supply"
    DEMAND = "demand"
    INACTIVE = "inactive"


class Distribution(StrEnum):
    """How a ranged input is drawn between its ``low`` and ``high`` (PARK_MODEL.md section 7)."""

    TRIANGULAR = "triangular"
    UNIFORM = "uniform"


class RangedTable(StrEnum):
    """The tables whose numeric cells an ``uncertainty`` row may give a range for."""

    RESOURCES = "resources"
    FIRMS = "firms"
    STREAMS = "streams"
    EXCHANGES = "exchanges"


def choices(enum: type[StrEnum]) -> tuple[str, ...]:
    """The allowed spellings of a vocabulary, in declaration order."""
    return tuple(member.value for member in enum)
