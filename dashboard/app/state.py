"""What the app knows, handed to its callbacks: the parks it can show and a per-worker
cache of evaluations. The scenario itself lives in the URL only, so any worker can
answer any request; ``model.Scenario`` reads and writes it."""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

from dashboard import model
from dashboard.storage import StorageError

from . import exchange_list


@dataclass(frozen=True)
class Request:
    """What one address asks for, resolved on the park it names: the park, the scenario
    (with the park's key; what the park does not have dropped), and a message for each
    thing dropped or not found."""

    park: model.Park
    scenario: model.Scenario
    messages: tuple[str, ...] = ()

    @cached_property
    def active(self) -> frozenset[str]:
        """Ids of the exchanges on in the scenario (on the whole park)."""
        return self.scenario.active(self.park)

    @cached_property
    def key(self) -> tuple:
        """What the scenario's results depend on: the park's content, the exchanges on
        and the firms that leave (the caches' key)."""
        return self.park.content_hash, self.active, self.scenario.without


def scenario_number(text: str) -> int | None:
    """A saved scenario's number as a link gives it (``/compare?s=3,5``, ``/kiosk?s=3``),
    or None when ``text`` is not one. isdigit() alone admits '²' and other digits int()
    refuses; SQLite ids fit 18 digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


KEY_DIGITS = 16
_FULL_HASH = re.compile(r"[0-9a-f]{64}")
_READABLE_KEY = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?([0-9a-f]{" + str(KEY_DIGITS) + "})")


def _ascii_name(name: str) -> str:
    """A park's name in a link: ASCII letters and digits, runs of anything else one dash."""
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode("ascii")
    return "-".join(part for part in re.split(r"[^a-z0-9]+", plain) if part)[:40].strip("-") or "park"


class _LRU:
    """A small thread-safe least-recently-used cache (values are immutable results)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = Lock()

    def peek(self, key):
        """The value held for ``key``, or None."""
        with self.lock:
            return self.items.get(key)

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
        self._list_entries = _LRU(8)
        self._doubts = _LRU(16)

    def park(self, key: str) -> model.Park:
        """The park for a URL key (see ``park_key``; a full content hash works too);
        raises ParkError if it is unknown."""
        if not key or key == self.default_park.content_hash:
            return self.default_park
        if self.store is not None:
            content_hash = key if _FULL_HASH.fullmatch(key) else None
            short = _READABLE_KEY.fullmatch(key)
            if short:
                content_hash = self.store.park_hash_starting(short.group(1))
            try:
                if content_hash:
                    return self.store.get_park(content_hash)
            except StorageError:
                pass
        raise model.ParkError.single(f"no park '{key}' is stored here; it may have been deleted")

    def park_key(self, park: model.Park) -> str:
        """The park in a link: "" for the default park; else its name and the first 16
        hex digits of its content hash, ``ulsan-mipo-and-onsan-3f2a9c0d1e2b4a5c``: a
        person sees which park a link opens, and 64 bits tell stored parks apart."""
        if park is self.default_park:
            return ""
        return f"{_ascii_name(park.name)}-{park.content_hash[:KEY_DIGITS]}"

    def resolve(self, search: str | None) -> tuple[model.Park, frozenset[str], model.Scenario]:
        """Park, active set and scenario of a URL query, strictly: an unknown park,
        exchange or firm raises ParkError."""
        scenario = model.Scenario.from_query(search)
        park = self.park(scenario.park_key)
        return park, scenario.active(park), scenario

    def read(self, search: str | None) -> Request:
        """A URL query resolved leniently: an unknown park falls back to the default one,
        unknown exchange and firm ids are dropped, and each comes back as a message."""
        asked = model.Scenario.from_query(search)
        messages: list[str] = []
        try:
            park = self.park(asked.park_key)
        except model.ParkError as error:
            messages += [p.message for p in error.problems]
            park = self.default_park
        scenario, dropped = asked.with_park_key(self.park_key(park)).lenient(park)
        return Request(park, scenario, tuple(messages + dropped))

    def evaluate(self, park: model.Park, active: frozenset[str]) -> model.Evaluation:
        return self._evaluations.get_or_make((park.content_hash, active), lambda: model.evaluate(park, active))

    def scenario_evaluation(self, request: Request) -> model.Evaluation:
        """The scenario view of a request (firms that leave are gone from it)."""
        if not request.scenario.without:
            return self.evaluate(request.park, request.active)
        return self._evaluations.get_or_make(request.key, lambda: model.scenario_evaluation(request.park, request.scenario))

    def views(self, park: model.Park | Request, active: frozenset[str] | None = None) -> model.Views:
        """The three views of a request (or of a park and an active set)."""
        request = park if isinstance(park, Request) else Request(park, model.Scenario.of(park, active))
        park = request.park

        def make() -> model.Views:
            return model.Views(self.evaluate(park, frozenset()), self.evaluate(park, park.baseline_active),
                               self.scenario_evaluation(request))
        return self._views.get_or_make(request.key, make)

    def marginal(self, park: model.Park | Request, active: frozenset[str] | None = None) -> dict[str, model.Kpis]:
        """Each exchange's marginal effect in the scenario view (only the exchanges it has)."""
        request = park if isinstance(park, Request) else Request(park, model.Scenario.of(park, active))
        base = self.scenario_evaluation(request)
        return self._marginals.get_or_make(
            request.key, lambda: model.marginal_effects(base.park, base.active, base=base))

    def marginal_of(self, request: Request, exchange_ids: tuple[str, ...]) -> dict[str, model.Kpis]:
        """The marginal effects of just these exchanges (a page of the list), taken from
        every exchange's where those are at hand."""
        every = self._marginals.peek(request.key)
        if every is not None:
            return {i: every[i] for i in exchange_ids}
        base = self.scenario_evaluation(request)
        return model.marginal_effects(base.park, base.active, base=base, only=exchange_ids)

    def list_entries(self, park: model.Park) -> tuple[exchange_list.Entry, ...]:
        """What the exchange list filters and sorts by that depends on the park alone."""
        return self._list_entries.get_or_make(park.content_hash, lambda: exchange_list.entries(park))

    # -- firms leaving and uncertain inputs (docs/accounting.md section 7) ----------------

    UNCERTAINTY_SAMPLES = 1000
    UNCERTAINTY_SEED = 0

    def uncertainty(self, request: Request, progress=None) -> dict:
        """The Monte Carlo document (``UncertaintyRun.as_dict``) of a request's scenario:
        1,000 samples, seed 0, so every worker and every reload shows the same bands."""
        return self._doubts.get_or_make(request.key, lambda: model.monte_carlo(
            request.park, request.scenario, samples=self.UNCERTAINTY_SAMPLES, seed=self.UNCERTAINTY_SEED,
            progress=progress).as_dict())

    def leaving(self, request: Request, firm_id: str) -> model.FirmLeaving:
        """The request's scenario with ``firm_id`` leaving as well."""
        return model.firm_leaving(request.park, firm_id, request.active, request.scenario.without)

    def resilience(self, request: Request) -> model.Resilience:
        return self._doubts.get_or_make(("resilience", *request.key), lambda: model.resilience(request.park, request.active,
                                                                      request.scenario.without))


def resolve_lenient(state: AppState, search: str | None) -> tuple[model.Park, frozenset[str], list[str]]:
    """``AppState.read`` as (park, active set, messages)."""
    request = state.read(search)
    return request.park, request.active, list(request.messages)
