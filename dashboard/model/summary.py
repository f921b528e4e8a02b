"""Which exchanges and firms a summary of a big park lists: those that move the park's
totals most. Quantities of different resources do not add up, so each is judged by the
largest share of any of the four park totals it accounts for, a number without a unit
(docs/accounting.md, "Summaries of big parks")."""

from __future__ import annotations

from collections.abc import Mapping

from .kpis import KPI_NAMES, Kpis


def share(value: Kpis, totals: Kpis) -> float:
    """The largest of ``|value.k| / |totals.k|`` over the four KPIs (a total of 0 counts
    as 1 of its unit, so a change against nothing still ranks)."""
    return max(abs(getattr(value, k)) / max(abs(getattr(totals, k)), 1.0) for k in KPI_NAMES)


def largest(values: Mapping[str, Kpis], totals: Kpis, most: int) -> list[str]:
    """The ids of the ``most`` values with the largest shares of ``totals``, largest
    first, ties in their given order; all ids in their given order when there are
    ``most`` or fewer."""
    if len(values) <= most:
        return list(values)
    ranked = sorted(enumerate(values), key=lambda item: (-share(values[item[1]], totals), item[0]))
    return [key for _, key in ranked[:most]]
