"""A small bounded cache for results derived from a park alone (its service plan, the
network's geometry): keyed by the park's content hash (and whatever else the result
depends on, such as a font size), so nothing is kept on the frozen ``Park`` and a
worker holding many uploaded parks keeps only the most recently used results."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedCache(Generic[T]):
    """Least recently used first out, at most ``size`` entries; thread-safe. Two threads
    asking for a missing key at once may both make it; the results are equal (made
    from equal inputs), and one is kept."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("a cache holds at least one entry")
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            value = self._items.setdefault(key, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def holds(self, key: Hashable) -> bool:
        """Whether ``key`` is cached now (another thread may change that at once)."""
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
