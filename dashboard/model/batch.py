"""Serving one group of exchanges for many on/off choices at once (PARK_MODEL.md section 3).

A group is a set of exchanges closed under sharing a stream: serving them never touches
a stream outside the group, so the park's KPIs are a constant plus the group's own terms
(what its streams leave to virgin supply or their fate, what its exchanges carry and
their fixed costs). ``Group.kpis`` serves the group for a whole batch of choices with
NumPy, one position at a time in service order and every choice side by side, with the
same comparisons as ``evaluation.serve``, so each choice gets the very flows
``evaluate`` gives it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .kpis import Kpi
from .plan import ServicePlan


class Group:
    """Exchanges at ``positions`` (service order) of ``plan``, of which those in ``free``
    are chosen per batch row and the others are on if in ``fixed_on`` (off otherwise)."""

    def __init__(self, plan: ServicePlan, positions: Sequence[int], free: Sequence[int],
                 fixed_on: set[int] | frozenset[int]):
        positions = sorted(positions)
        self.positions = positions
        self.free = list(free)
        streams = sorted({plan.supply[p] for p in positions} | {plan.demand[p] for p in positions})
        local = {stream: i for i, stream in enumerate(streams)}
        self.streams = streams
        self._supply = [local[plan.supply[p]] for p in positions]
        self._demand = [local[plan.demand[p]] for p in positions]
        self._ratio = [plan.ratio[p] for p in positions]
        self._capacity = [plan.capacity[p] for p in positions]
        self._quantity = np.array([plan.quantity[s] for s in streams], dtype=float)
        self._rates = plan.leftover_rates[streams]
        self._own = plan.own_rates[positions]
        self._fixed = plan.fixed_cost[positions]
        row = {p: i for i, p in enumerate(positions)}
        self._free_rows = [row[p] for p in self.free]
        self._fixed_on = np.array([p in fixed_on and p not in set(self.free) for p in positions], dtype=bool)

    @property
    def size(self) -> int:
        """How many free exchanges the group has (the width of a choice)."""
        return len(self.free)

    def kpis(self, masks: np.ndarray) -> np.ndarray:
        """The group's terms of the four KPIs (B, 4) for each row of ``masks`` (B, k):
        True switches that free exchange on."""
        masks = np.asarray(masks, dtype=bool).reshape(-1, self.size)
        batch = len(masks)
        m = len(self.positions)
        active = np.repeat(self._fixed_on[:, None], batch, axis=1)
        if self.size:
            active[self._free_rows] = masks.T
        left = np.repeat(self._quantity[:, None], batch, axis=1)
        carried = np.zeros((m, batch))
        for j in range(m):
            on = active[j]
            if not on.any():
                continue
            s, d, r, cap = self._supply[j], self._demand[j], self._ratio[j], self._capacity[j]
            supply_left = left[s]
            demand_left = left[d]
            demand_room = demand_left / r
            by_capacity = (cap <= supply_left) & (cap <= demand_room)
            by_supply = ~by_capacity & (supply_left <= demand_room)
            by_demand = ~by_capacity & ~by_supply
            amount = np.where(by_capacity, cap, np.where(by_supply, supply_left, demand_room))
            amount = np.where(on, amount, 0.0)
            moved = amount > 0.0
            new_supply = np.where(by_supply, 0.0, np.maximum(supply_left - amount, 0.0))
            new_demand = np.where(by_demand, 0.0, np.maximum(demand_left - r * amount, 0.0))
            left[s] = np.where(moved, new_supply, supply_left)
            left[d] = np.where(moved, new_demand, demand_left)
            carried[j] = amount
        result = left.T @ self._rates + carried.T @ self._own
        result[:, Kpi.COST] += active.T.astype(float) @ self._fixed
        return result


def all_masks(bits: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start``..``stop`` of every on/off choice of ``bits`` links: row i switches
    link j on where bit j of i is 1 (row 0: all off)."""
    stop = (1 << bits) if stop is None else stop
    return masks_of(bits, np.arange(start, stop, dtype=np.int64))


def masks_of(bits: int, numbers: np.ndarray) -> np.ndarray:
    """The on/off choices numbered ``numbers`` (as rows of ``all_masks``)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    return ((numbers[:, None] >> np.arange(bits, dtype=np.int64)) & 1).astype(bool)
