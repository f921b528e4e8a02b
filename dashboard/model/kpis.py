"""The four KPIs the dashboard reports, as one small value type."""

from __future__ import annotations

from dataclasses import dataclass, fields

KPI_NAMES: tuple[str, ...] = ("freshwater_m3", "co2_t", "landfill_t", "cost")
"""Keys of every KPI dict, in display order."""


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

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def values(self) -> tuple[float, float, float, float]:
        return (self.freshwater_m3, self.co2_t, self.landfill_t, self.cost)

    @classmethod
    def from_values(cls, values) -> Kpis:
        a, b, c, d = (float(v) for v in values)
        return cls(a, b, c, d)


ZERO = Kpis()
