"""The best portfolio of candidate links, and the Pareto front of two KPIs
(docs/accounting.md, "The best portfolio").

Free candidates (every candidate the user did not force on or off) are chosen to
minimise one KPI of the scenario, with the capex of the candidates switched on at most
a budget and any KPI at most a limit; existing exchanges stay as in the scenario.

The answer is of the park model itself, greedy allocation and all. Exchanges that share
no stream, directly or through other exchanges, do not affect each other's flows, so the
park's KPIs are a constant plus one term per group of linked exchanges
(``batch.Group``). Each group with at most ``EXHAUSTIVE_BITS`` free candidates has every
one of its choices served exactly; the groups are then combined exactly: choices that
another choice of the same group matches or beats on every quantity that matters (the
objective, each limited KPI, capex under a budget) can never be needed, and partial
combinations that cannot meet a limit even with the best of the groups still to come are
dropped. That is exhaustive in effect, so the answer is proven optimal. A park with a
larger group gets a heuristic answer (``optimal`` False): the best feasible prefix of
the MACC, improved by switching single links while that helps and time is left.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .batch import Group, all_masks, masks_of
from .domain import Park
from .errors import ParkError, Problem
from .evaluation import evaluate, evaluate_again, resolve_active
from .kpis import KPI_NAMES, Kpis
from .macc import components, macc
from .marginal import toggle_delta
from .plan import plan_for
from .vocabulary import Status

EXHAUSTIVE_BITS = 20
"""Groups with at most this many free candidates are enumerated (2^20 choices at most)."""

_CHUNK = 1 << 14
_BLOCK = 256
_RELATIVE_TOLERANCE = 1e-9
CAPEX = "capex"

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Portfolio:
    """One choice of candidates: ``on`` the candidate ids switched on (park order),
    ``active`` every exchange on, ``capex`` the candidates' investment (currency), and
    ``kpis`` the scenario's four KPIs per year as ``evaluate`` gives them."""

    on: tuple[str, ...]
    active: frozenset[str]
    capex: float
    kpis: Kpis

    def as_dict(self) -> dict[str, object]:
        return {"on": list(self.on), "capex": self.capex, "kpis": self.kpis.as_dict()}


@dataclass(frozen=True)
class Question:
    """What the portfolio must respect: ``budget`` (currency, capex of the candidates
    on; None for none), ``limits`` (KPI name -> most allowed per year), and exchanges
    forced on or off; ``active`` the scenario (existing exchanges keep its state)."""

    active: frozenset[str]
    budget: float | None = None
    limits: Mapping[str, float] = field(default_factory=dict)
    force_on: frozenset[str] = frozenset()
    force_off: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Best:
    """The best portfolio for one objective. ``optimal`` is True only where no feasible
    portfolio has a lower objective (proven by exhaustive search); ``feasible`` False
    means no portfolio meets the budget and limits, and ``message`` says why."""

    objective: str
    feasible: bool
    optimal: bool
    portfolio: Portfolio | None
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        portfolio = self.portfolio
        return {"objective": self.objective, "feasible": self.feasible, "optimal": self.optimal,
                "on": list(portfolio.on) if portfolio else [], "capex": portfolio.capex if portfolio else None,
                "kpis": portfolio.kpis.as_dict() if portfolio else None, "message": self.message}


@dataclass(frozen=True)
class Front:
    """The Pareto front of two KPIs: one portfolio per non-dominated pair of values,
    ordered by the first KPI. ``optimal`` True: it is the whole front, proven."""

    objectives: tuple[str, str]
    feasible: bool
    optimal: bool
    points: tuple[Portfolio, ...]
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"objectives": list(self.objectives), "feasible": self.feasible, "optimal": self.optimal,
                "front": [p.as_dict() for p in self.points], "message": self.message}


def question(park: Park, active: Iterable[str] | None = None, budget: float | None = None,
             limits: Mapping[str, float] | None = None, force_on: Iterable[str] = (),
             force_off: Iterable[str] = ()) -> Question:
    """A checked Question: unknown ids or KPI names, an id forced both ways, a negative
    budget or a limit that is not a number raise ParkError listing each."""
    scenario = resolve_active(park, active)
    force_on, force_off = list(force_on), list(force_off)
    limits = dict(limits or {})
    problems = [Problem(None, None, None, f"unknown exchange id '{i}'")
                for i in dict.fromkeys(force_on + force_off) if i not in park.exchange]
    problems += [Problem(None, None, None, f"exchange '{i}' is asked to be both on and off")
                 for i in dict.fromkeys(force_on) if i in set(force_off)]
    problems += [Problem(None, None, None, f"unknown KPI '{name}' (use one of: {', '.join(KPI_NAMES)})")
                 for name in limits if name not in KPI_NAMES]
    problems += [Problem(None, None, None, f"the limit on {name} must be a number, not {value!r}")
                 for name, value in limits.items() if not _is_number(value)]
    if budget is not None and (not _is_number(budget) or budget < 0):
        problems.append(Problem(None, None, None, f"the budget must be a number of at least 0, not {budget!r}"))
    if problems:
        raise ParkError(problems)
    return Question(scenario, None if budget is None else float(budget),
                    {k: float(v) for k, v in limits.items()}, frozenset(force_on), frozenset(force_off))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_objectives(objectives: Iterable[str]) -> None:
    problems = [Problem(None, None, None, f"unknown KPI '{name}' (use one of: {', '.join(KPI_NAMES)})")
                for name in objectives if name not in KPI_NAMES]
    if problems:
        raise ParkError(problems)


class _Search:
    """Everything the optimiser needs about one park and question."""

    def __init__(self, park: Park, q: Question):
        self.park, self.q = park, q
        plan = self.plan = plan_for(park)
        existing_on = {e.id for e in park.exchanges if e.status is Status.EXISTING and e.id in q.active}
        self.fixed = frozenset((existing_on | q.force_on) - q.force_off)
        self.free = tuple(e.id for e in park.exchanges
                          if e.status is Status.CANDIDATE and e.id not in q.force_on and e.id not in q.force_off)
        self.forced_capex = sum((park.exchange[i].capex for i in self.fixed
                                 if park.exchange[i].status is Status.CANDIDATE), 0.0)
        self.base = evaluate(park, self.fixed)
        self.constant = np.array(self.base.totals.values())
        fixed_pos = {plan.position_of[i] for i in self.fixed}
        free_pos = [plan.position_of[i] for i in self.free]
        label = components(plan)
        members: dict[int, list[int]] = {}
        for pos in fixed_pos | set(free_pos):
            members.setdefault(label[pos], []).append(pos)
        free_by_label: dict[int, list[int]] = {}
        for pos in sorted(free_pos):
            free_by_label.setdefault(label[pos], []).append(pos)
        self.groups = [Group(plan, members[key], free, fixed_pos) for key, free in free_by_label.items()]
        self.capex_of = {plan.position_of[i]: park.exchange[i].capex for i in self.free}
        self.lowest: dict[str, float] = {}   # set by options(): each dim's lowest reachable

    def portfolio(self, on_free: Iterable[str]) -> Portfolio:
        """The portfolio with the free links ``on_free`` on, evaluated."""
        on_free = set(on_free)
        return self.known(on_free, evaluate(self.park, self.fixed | on_free).totals)

    def known(self, on_free: set[str], kpis: Kpis) -> Portfolio:
        """The portfolio with the free links ``on_free`` on, whose KPIs ``evaluate`` gave."""
        active = self.fixed | on_free
        on = tuple(e.id for e in self.park.exchanges if e.id in active and e.status is Status.CANDIDATE)
        capex = sum((self.park.exchange[i].capex for i in on), 0.0)
        return Portfolio(on, frozenset(active), capex, kpis)

    def feasible(self, kpis: Kpis, capex: float) -> bool:
        q = self.q
        if q.budget is not None and capex > q.budget + _tolerance(q.budget):
            return False
        return all(getattr(kpis, name) <= limit + _tolerance(limit) for name, limit in q.limits.items())

    # -- exact ---------------------------------------------------------------

    def exhaustive_possible(self, bits: int) -> bool:
        return all(group.size <= bits for group in self.groups)

    def options(self, dims: list[str], deadline: float, progress: Progress | None) -> list[tuple]:
        """Per group: (values (n, d), masks (n, k)) of its choices that can be part of a
        feasible portfolio (within every limit even with the lowest the other groups can
        reach) and that no other choice of the group matches or beats on every dim;
        None if the deadline passed first."""
        total = sum(1 << group.size for group in self.groups) or 1
        done = 0
        tables = []
        for group in self.groups:
            pieces = []
            count = 1 << group.size
            capex = np.array([self.capex_of[p] for p in group.free], dtype=float)
            zero = group.kpis(np.zeros((1, group.size), dtype=bool))[0]
            for start in range(0, count, _CHUNK):
                if time.monotonic() > deadline:
                    return None
                masks = all_masks(group.size, start, min(count, start + _CHUNK))
                values = group.kpis(masks) - zero
                pieces.append(_dims(values, masks @ capex if group.size else np.zeros(len(masks)), dims))
                done += len(masks)
                if progress is not None:
                    progress(0.7 * done / total, f"measured {done:,} of {total:,} choices")
            tables.append(np.concatenate(pieces))
        lowest = [table.min(axis=0) for table in tables]
        everything = np.sum(lowest, axis=0) if lowest else np.zeros(len(dims))
        self.lowest = dict(zip(dims, everything.tolist()))   # each dim's lowest, alone
        limits = self._dim_limits(dims)
        result = []
        for group, table, low in zip(self.groups, tables, lowest):
            if time.monotonic() > deadline:
                return None
            rows = np.flatnonzero(np.all(table <= limits - (everything - low), axis=1))
            masks = masks_of(group.size, rows)
            keep = _nondominated(table[rows], masks.sum(axis=1))
            result.append((table[rows][keep], masks[keep]))
        if progress is not None:
            progress(0.8, "combining the groups")
        return result

    def combine(self, options: list[tuple], dims: list[str], deadline: float) -> list[tuple] | None:
        """Every combination of one option per group that might be needed: (values, list
        of option indices), dominated and hopeless partial sums dropped; None if the
        deadline passed first."""
        limits = self._dim_limits(dims)
        if any(len(values) == 0 for values, _ in options):
            return [np.zeros((0, len(dims))), np.zeros(0, dtype=np.int64), np.zeros((0, len(options)), dtype=np.int64)]
        remaining = [np.zeros(len(dims))]
        for values, _ in reversed(options):
            remaining.append(remaining[-1] + values.min(axis=0))
        remaining.reverse()
        partial = np.zeros((1, len(dims)))
        choice = np.zeros((1, 0), dtype=np.int64)
        links = np.zeros(1, dtype=np.int64)
        for index, (values, masks) in enumerate(options):
            if time.monotonic() > deadline:
                return None
            n, m = len(partial), len(values)
            sums = (partial[:, None, :] + values[None, :, :]).reshape(n * m, len(dims))
            counts = (links[:, None] + masks.sum(axis=1)[None, :]).reshape(-1)
            picks = np.concatenate([np.repeat(choice, m, axis=0),
                                    np.tile(np.arange(m), n)[:, None]], axis=1)
            hope = np.all(sums + remaining[index + 1] <= limits, axis=1)
            sums, counts, picks = sums[hope], counts[hope], picks[hope]
            keep = _nondominated(sums, counts)
            partial, links, choice = sums[keep], counts[keep], picks[keep]
        return [partial, links, choice]

    def _dim_limits(self, dims: list[str]) -> np.ndarray:
        """Upper bound of each dim (as the options hold it: a KPI's change from the
        constant part, or capex) with a tolerance for float noise; inf where none."""
        bounds = []
        for name in dims:
            if name == CAPEX:
                limit = None if self.q.budget is None else self.q.budget - self.forced_capex
                bounds.append(math.inf if limit is None else limit + _tolerance(self.q.budget))
            else:
                limit = self.q.limits.get(name)
                column = KPI_NAMES.index(name)
                bounds.append(math.inf if limit is None
                              else limit - self.constant[column] + _tolerance(limit))
        return np.array(bounds, dtype=float)

    def ids_of(self, options: list[tuple], picks) -> list[str]:
        ids = []
        for group, (_, masks), pick in zip(self.groups, options, picks):
            ids += [self.plan.exchanges[p].id for p, bit in zip(group.free, masks[int(pick)]) if bit]
        return ids

    def dims(self, objectives: Iterable[str]) -> list[str]:
        dims = list(dict.fromkeys(list(objectives) + list(self.q.limits)))
        if self.q.budget is not None:
            dims.append(CAPEX)
        return dims

    def infeasible_message(self, exhaustive: bool = False) -> str:
        """Why no portfolio meets the question, in words. After an exhaustive search it
        names each limit no choice can reach, with the lowest value there is."""
        q, park = self.q, self.park
        if q.budget is not None and self.forced_capex > q.budget + _tolerance(q.budget):
            return (f"the links forced on cost {park.currency} {self.forced_capex:,.0f}, "
                    f"more than the budget of {park.currency} {q.budget:,.0f}")
        within = " within the budget" if q.budget is not None else ""
        if exhaustive:
            reasons = []
            for name, limit in q.limits.items():
                lowest = self.constant[KPI_NAMES.index(name)] + self.lowest[name]
                if lowest > limit + _tolerance(limit):
                    reasons.append(f"{name} can go no lower than {_plain(lowest)} a year "
                                   f"(the limit is {_plain(limit)})")
            if reasons:
                return "; ".join(reasons)
            return "each limit can be met, but not all of them at once" + within
        return "no choice of links meets every limit" + within


def _plain(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _tolerance(value: float) -> float:
    return _RELATIVE_TOLERANCE * max(1.0, abs(value))


def _dims(values: np.ndarray, capex: np.ndarray, dims: list[str]) -> np.ndarray:
    columns = [capex if name == CAPEX else values[:, KPI_NAMES.index(name)] for name in dims]
    return np.column_stack(columns) if columns else np.zeros((len(values), 0))


def _nondominated(table: np.ndarray, links: np.ndarray) -> np.ndarray:
    """Indices of the rows no other row matches or beats in every column; of identical
    rows the one with fewest links (then the first) is kept."""
    n, d = table.shape
    if n <= 1:
        return np.arange(n)
    order = np.lexsort(tuple([links] + [table[:, j] for j in reversed(range(d))]))
    if d == 1:
        return order[:1]
    if d == 2:
        ys = table[order, 1]
        best = np.minimum.accumulate(ys)
        keep = np.ones(n, dtype=bool)
        keep[1:] = ys[1:] < best[:-1]
        return order[keep]
    # Only a row at or before another in this order can match or beat it in every column
    # (a <= b everywhere implies a <= b lexicographically), so rows are judged in blocks:
    # against every row kept so far, and against the earlier rows of their own block.
    kept: list[np.ndarray] = []
    kept_rows = np.empty((0, d))
    for start in range(0, n, _BLOCK):
        index = order[start:start + _BLOCK]
        block = table[index]
        beaten = np.zeros(len(index), dtype=bool)
        for first in range(0, len(kept_rows), _BLOCK * 8):
            rows = kept_rows[first:first + _BLOCK * 8]
            beaten |= np.all(rows[None, :, :] <= block[:, None, :], axis=2).any(axis=1)
        inside = np.all(block[None, :, :] <= block[:, None, :], axis=2)   # [i, j]: row j <= row i
        beaten |= np.tril(inside, k=-1).any(axis=1)
        kept.append(index[~beaten])
        kept_rows = np.vstack([kept_rows, block[~beaten]])
    return np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)


# -- heuristic ---------------------------------------------------------------

def _violation(search: _Search, kpis: Kpis, capex: float) -> float:
    """How far a portfolio is from meeting the question, each limit relative to its size."""
    q = search.q
    total = 0.0
    if q.budget is not None:
        total += max(0.0, capex - q.budget) / max(1.0, abs(q.budget))
    for name, limit in q.limits.items():
        total += max(0.0, getattr(kpis, name) - limit) / max(1.0, abs(limit))
    return total


def _local_search(search: _Search, start: set[str], score: Callable[[Kpis, float], float],
                  deadline: float) -> set[str]:
    """Switch single free links while one lowers (violation, score): best move first;
    only the flips of the group just changed are measured again."""
    park, plan = search.park, search.plan
    label = components(plan)
    members: dict[int, list[int]] = {}
    for pos, group in enumerate(label):
        members.setdefault(group, []).append(pos)
    current = set(start)
    base = evaluate(park, search.fixed | current)
    capex = search.forced_capex + sum(park.exchange[i].capex for i in current)
    positions = {i: plan.position_of[i] for i in search.free}
    deltas = {i: Kpis(*toggle_delta(plan, base, pos)) for i, pos in positions.items()}
    now = (_violation(search, base.totals, capex), score(base.totals, capex))
    while time.monotonic() < deadline:
        best, best_key = None, now
        for exchange_id, delta in deltas.items():
            sign = -1.0 if exchange_id in current else 1.0
            new_capex = capex + sign * park.exchange[exchange_id].capex
            kpis = base.totals + delta
            key = (_violation(search, kpis, new_capex), score(kpis, new_capex))
            if key < best_key and (key[0] < now[0] or key[1] < now[1] - _tolerance(now[1])):
                best, best_key = exchange_id, key
        if best is None:
            break
        current ^= {best}
        capex += (1.0 if best in current else -1.0) * park.exchange[best].capex
        group = label[positions[best]]
        base = evaluate_again(base, frozenset(search.fixed | current), members[group])
        now = (_violation(search, base.totals, capex), score(base.totals, capex))
        for exchange_id, pos in positions.items():
            if label[pos] == group:
                deltas[exchange_id] = Kpis(*toggle_delta(plan, base, pos))
    return current


def _macc_prefixes(search: _Search, deadline: float) -> list[tuple[set[str], Portfolio]]:
    """The free links the MACC takes in order, each prefix with its portfolio (the MACC
    has evaluated each already)."""
    steps = macc(search.park, search.fixed, candidates=search.free, deadline=deadline)
    prefixes = [(set(), search.known(set(), search.base.totals))]
    taken: set[str] = set()
    for step in steps:
        taken = taken | {step.id}
        prefixes.append((taken, search.known(taken, step.kpis)))
    return prefixes


def _phases(deadline: float) -> tuple[float, float]:
    """Deadlines of the MACC and of the improving that follows, leaving time to finish."""
    now = time.monotonic()
    remaining = max(0.0, deadline - now)
    return now + 0.45 * remaining, deadline - min(5.0, 0.1 * remaining)


# -- entry points ------------------------------------------------------------

def best_portfolio(park: Park, objective: str, q: Question | None = None, *, time_limit: float = 60.0,
                   progress: Progress | None = None, exhaustive_bits: int = EXHAUSTIVE_BITS) -> Best:
    """The feasible portfolio with the lowest ``objective`` (a name of KPI_NAMES)."""
    _check_objectives([objective])
    q = q or question(park)
    deadline = time.monotonic() + time_limit
    search = _Search(park, q)
    if q.budget is not None and search.forced_capex > q.budget + _tolerance(q.budget):
        return Best(objective, False, True, None, search.infeasible_message())
    column = KPI_NAMES.index(objective)
    if search.exhaustive_possible(exhaustive_bits):
        dims = search.dims([objective])
        options = search.options(dims, deadline, progress)
        combined = search.combine(options, dims, deadline) if options is not None else None
        if combined is not None:
            values, links, picks = combined
            if not len(values):
                return Best(objective, False, True, None, search.infeasible_message(exhaustive=True))
            order = np.lexsort((links, values[:, dims.index(objective)]))
            for index in order.tolist():
                portfolio = search.portfolio(search.ids_of(options, picks[index]))
                if search.feasible(portfolio.kpis, portfolio.capex):
                    return Best(objective, True, True, portfolio)
            return Best(objective, False, True, None, search.infeasible_message(exhaustive=True))
    # heuristic: the best MACC prefix, then single switches
    if progress is not None:
        progress(0.1, "building the MACC to start from")
    macc_deadline, search_deadline = _phases(deadline)
    scored = [((_violation(search, p.kpis, p.capex), p.kpis.values()[column], len(prefix)), prefix)
              for prefix, p in _macc_prefixes(search, macc_deadline)]
    start = min(scored, key=lambda item: item[0])[1]
    if progress is not None:
        progress(0.6, "improving one link at a time")
    found = _local_search(search, start, lambda kpis, capex: kpis.values()[column], search_deadline)
    portfolio = search.portfolio(found)
    if not search.feasible(portfolio.kpis, portfolio.capex):
        return Best(objective, False, False, None,
                    search.infeasible_message() + " (none found; the park is too large to prove there is none)")
    return Best(objective, True, False, portfolio)


def pareto_front(park: Park, objectives: tuple[str, str], q: Question | None = None, *, time_limit: float = 60.0,
                 progress: Progress | None = None, exhaustive_bits: int = EXHAUSTIVE_BITS) -> Front:
    """The feasible portfolios no other feasible portfolio beats on both ``objectives``."""
    objectives = tuple(objectives)
    _check_objectives(objectives)
    if len(objectives) != 2 or objectives[0] == objectives[1]:
        raise ParkError.single("a Pareto front needs two different KPIs")
    q = q or question(park)
    deadline = time.monotonic() + time_limit
    search = _Search(park, q)
    if q.budget is not None and search.forced_capex > q.budget + _tolerance(q.budget):
        return Front(objectives, False, True, (), search.infeasible_message())
    first, second = (KPI_NAMES.index(name) for name in objectives)
    if search.exhaustive_possible(exhaustive_bits):
        dims = search.dims(objectives)
        options = search.options(dims, deadline, progress)
        combined = search.combine(options, dims, deadline) if options is not None else None
        if combined is not None:
            values, links, picks = combined
            pairs = values[:, [dims.index(objectives[0]), dims.index(objectives[1])]]
            keep = _nondominated(pairs, links)
            points = [search.portfolio(search.ids_of(options, picks[i])) for i in keep.tolist()]
            points = [p for p in points if search.feasible(p.kpis, p.capex)]
            points.sort(key=lambda p: (p.kpis.values()[first], p.kpis.values()[second]))
            if not points:
                return Front(objectives, False, True, (), search.infeasible_message(exhaustive=True))
            return Front(objectives, True, True, tuple(points))
    macc_deadline, search_deadline = _phases(deadline)
    seen: dict[frozenset, Portfolio] = {}
    for prefix, portfolio in _macc_prefixes(search, macc_deadline):
        seen.setdefault(frozenset(prefix), portfolio)
    spans = [max(1.0, np.ptp([p.kpis.values()[c] for p in seen.values()])) for c in (first, second)]
    weights = (1.0, 0.75, 0.5, 0.25, 0.0)
    for number, weight in enumerate(weights):
        now = time.monotonic()
        if now > search_deadline:
            break
        deadline = now + (search_deadline - now) / (len(weights) - number)
        def score(kpis: Kpis, capex: float, w: float = weight) -> float:
            values = kpis.values()
            return w * values[first] / spans[0] + (1 - w) * values[second] / spans[1]
        start = min(seen.values(), key=lambda p: (_violation(search, p.kpis, p.capex), score(p.kpis, p.capex)))
        found = _local_search(search, set(start.on) - search.fixed, score, deadline)
        seen.setdefault(frozenset(found), search.portfolio(found))
    feasible = [p for p in seen.values() if search.feasible(p.kpis, p.capex)]
    if not feasible:
        return Front(objectives, False, False, (), search.infeasible_message())
    pairs = np.array([[p.kpis.values()[first], p.kpis.values()[second]] for p in feasible])
    keep = _nondominated(pairs, np.array([len(p.on) for p in feasible]))
    points = sorted((feasible[i] for i in keep.tolist()), key=lambda p: (p.kpis.values()[first],
                                                                         p.kpis.values()[second]))
    return Front(objectives, True, False, tuple(points))
