"""The four KPIs the dashboard reports (docs/accounting.md, "The four KPIs"): their one
list, the column each takes in the model's arrays, a small value type, and the one rule
for reading a change ("lower is better" for all four).

Where each KPI is computed: a stream's rate per unit left over and an exchange's rate
per unit carried are set in ``plan.build_plan`` (one line per KPI, by ``Kpi`` member);
``evaluation.Evaluation`` multiplies them by what is left over and carried.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum, StrEnum


class Kpi(IntEnum):
    """The four KPIs; each member's value is its column in the model's (..., 4) arrays."""

    FRESHWATER = 0
    CO2 = 1
    LANDFILL = 2
    COST = 3

    @property
    def key(self) -> str:
        """The KPI's name in dicts, JSON and URLs: freshwater_m3, co2_t, landfill_t or cost."""
        return _KEYS[self]


_KEYS = {Kpi.FRESHWATER: "freshwater_m3", Kpi.CO2: "co2_t", Kpi.LANDFILL: "landfill_t", Kpi.COST: "cost"}

KPI_NAMES: tuple[str, ...] = tuple(kpi.key for kpi in Kpi)
"""Keys of every KPI dict, in display order (the order of the ``Kpi`` columns)."""


def kpi_named(name: str) -> Kpi:
    """The Kpi of a key such as ``co2_t``; ValueError naming the four keys otherwise."""
    for kpi in Kpi:
        if kpi.key == name:
            return kpi
    raise ValueError(f"'{name}' is not a KPI; use one of: {', '.join(KPI_NAMES)}")


@dataclass(frozen=True, slots=True)
class Kpis:
    """Per-year totals. For all four, lower is better.

    freshwater_m3: freshwater drawn, m3 per year.
    co2_t: greenhouse gases, t CO2e per year.
    landfill_t: waste sent to landfill, t per year.
    cost: cost in the park's currency per year.
    """

    freshwater_m3: float = 0.0
    co2_t: float = 0.0
    landfill_t: float = 0.0
    cost: float = 0.0

    def __add__(self, other: Kpis) -> Kpis:
        return Kpis(self.freshwater_m3 + other.freshwater_m3, self.co2_t + other.co2_t,
                    self.landfill_t + other.landfill_t, self.cost + other.cost)

    def __sub__(self, other: Kpis) -> Kpis:
        return Kpis(self.freshwater_m3 - other.freshwater_m3, self.co2_t - other.co2_t,
                    self.landfill_t - other.landfill_t, self.cost - other.cost)

    def __neg__(self) -> Kpis:
        return Kpis(-self.freshwater_m3, -self.co2_t, -self.landfill_t, -self.cost)

    def __getitem__(self, kpi: Kpi | str) -> float:
        """A KPI by member or key: ``totals[Kpi.CO2] == totals["co2_t"] == totals.co2_t``."""
        return getattr(self, kpi.key if isinstance(kpi, Kpi) else kpi)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(KPI_NAMES, self.values()))

    def values(self) -> tuple[float, float, float, float]:
        """The four values in ``Kpi`` column order."""
        return (self.freshwater_m3, self.co2_t, self.landfill_t, self.cost)

    @classmethod
    def from_values(cls, values) -> Kpis:
        """From four values in ``Kpi`` column order (a row of the model's arrays)."""
        a, b, c, d = values
        return cls(float(a), float(b), float(c), float(d))


assert tuple(f.name for f in fields(Kpis)) == KPI_NAMES, "Kpis fields must follow the Kpi columns"


class Direction(StrEnum):
    """Which way a KPI moved. Lower is better for all four KPIs, so a fall is good.
    The values double as the CSS classes of the dashboard and the report."""

    GOOD = "good"
    BAD = "bad"
    SAME = "same"


NOISE = 1e-9
"""A change smaller than this fraction of its scale is float noise and reads as no change."""


def direction(delta: float, scale: float) -> Direction:
    """The one "lower is better" rule: GOOD where ``delta`` < 0, BAD where > 0, SAME where
    it is within float noise of 0 relative to ``scale`` (the size of the figure it changes,
    at least 1)."""
    if abs(delta) <= NOISE * max(1.0, abs(scale)):
        return Direction.SAME
    return Direction.GOOD if delta < 0 else Direction.BAD
