"""What the app knows, handed to its callbacks: the parks it can show and a per-worker
cache of evaluations. The scenario itself lives in the URL only, so any worker can
answer any request: ``?on=ID,ID&off=ID`` (and ``park=HASH`` for an uploaded park)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from urllib.parse import parse_qs, urlencode

from dashboard import model
from dashboard.storage import StorageError

DEFAULT_PARK_KEY = ""


@dataclass(frozen=True)
class Scenario:
    """A park (by key: "" is the default park, else a content hash) and its toggles
    against the baseline."""

    park_key: str = DEFAULT_PARK_KEY
    on: tuple[str, ...] = ()
    off: tuple[str, ...] = ()

    def to_search(self) -> str:
        """The URL query, ``?on=a,b&off=c`` (empty for the default park's baseline)."""
        params = {}
        if self.park_key:
            params["park"] = self.park_key
        if self.on:
            params["on"] = ",".join(self.on)
        if self.off:
            params["off"] = ",".join(self.off)
        return "?" + urlencode(params, safe=",") if params else ""


def parse_search(search: str | None) -> Scenario:
    """Read a scenario from a URL query; unknown keys are ignored."""
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

    def ids(name: str) -> tuple[str, ...]:
        values = [part.strip() for value in params.get(name, []) for part in value.split(",")]
        return tuple(dict.fromkeys(v for v in values if v))

    park = (params.get("park") or [DEFAULT_PARK_KEY])[0].strip()
    return Scenario(park, ids("on"), ids("off"))


def scenario_number(text: str) -> int | None:
    """A saved scenario's number as a link gives it (``/compare?s=3,5``, ``/kiosk?s=3``),
    or None when ``text`` is not one. isdigit() alone admits '²' and other digits int()
    refuses; SQLite ids fit 18 digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class _LRU:
    """A small thread-safe least-recently-used cache (values are immutable results)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = Lock()

    def get_or_make(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


class AppState:
    """The parks the app serves and cached results, owned by one app instance.

    ``default_park`` is shown when the URL names none; ``store`` (optional) holds
    uploaded parks and saved scenarios in a database shared by all workers.
    """

    def __init__(self, default_park: model.Park, store=None, evaluation_cache: int = 64):
        self.default_park = default_park
        self.store = store
        self._evaluations = _LRU(evaluation_cache)
        self._marginals = _LRU(evaluation_cache)
        self._views = _LRU(evaluation_cache)

    def park(self, key: str) -> model.Park:
        """The park for a URL key; raises ParkError if it is unknown."""
        if not key or key == self.default_park.content_hash:
            return self.default_park
        if self.store is not None:
            try:
                return self.store.get_park(key)
            except StorageError:
                pass
        raise model.ParkError.single(f"no park '{key}' is stored here; it may have been deleted")

    def park_key(self, park: model.Park) -> str:
        return "" if park is self.default_park else park.content_hash

    def resolve(self, search: str | None) -> tuple[model.Park, frozenset[str], Scenario]:
        """Park and active set of a URL query; unknown exchange ids raise ParkError."""
        scenario = parse_search(search)
        park = self.park(scenario.park_key)
        active = model.scenario_active(park, scenario.on, scenario.off)
        return park, active, scenario

    def evaluate(self, park: model.Park, active: frozenset[str]) -> model.Evaluation:
        return self._evaluations.get_or_make((park.content_hash, active), lambda: model.evaluate(park, active))

    def views(self, park: model.Park, active: frozenset[str]) -> model.Views:
        def make() -> model.Views:
            return model.Views(self.evaluate(park, frozenset()), self.evaluate(park, park.baseline_active),
                               self.evaluate(park, active))
        return self._views.get_or_make((park.content_hash, active), make)

    def marginal(self, park: model.Park, active: frozenset[str]) -> dict[str, model.Kpis]:
        return self._marginals.get_or_make(
            (park.content_hash, active), lambda: model.marginal_effects(park, active, base=self.evaluate(park, active)))


def resolve_lenient(state: AppState, search: str | None) -> tuple[model.Park, frozenset[str], list[str]]:
    """Like ``AppState.resolve`` but never fails: an unknown park falls back to the default
    one and unknown exchange ids are dropped; what was ignored comes back as messages."""
    scenario = parse_search(search)
    messages: list[str] = []
    try:
        park = state.park(scenario.park_key)
    except model.ParkError as error:
        messages += [p.message for p in error.problems]
        park = state.default_park
    known = park.exchange.keys()
    unknown = [i for i in scenario.on + scenario.off if i not in known]
    messages += [f"there is no exchange '{i}' in {park.name}; it was ignored" for i in unknown]
    on = [i for i in scenario.on if i in known]
    off = [i for i in scenario.off if i in known and i not in on]
    return park, model.scenario_active(park, on, off), messages
