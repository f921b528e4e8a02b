"""Scenarios: which exchanges are on and which firms leave, their one URL encoding, and
the three views the dashboard compares (docs/accounting.md, "Scenarios")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import parse_qs, urlencode

from .domain import DELIVERED, Park, Reported
from .errors import ParkError, Problem
from .evaluation import Evaluation, evaluate
from .kpis import KPI_NAMES, Kpis


@dataclass(frozen=True)
class Scenario:
    """What a user chose, as the dashboard's address carries it: a park (by key: "" is
    the app's default park, else its content hash), the exchanges switched ``on`` and
    ``off`` against the baseline, and the firms that leave the park (``without``).

    The one encoding to and from a URL query is ``to_query`` / ``from_query``
    (``?park=HASH&on=a,b&off=c&without=f``); ``active`` resolves it on a park strictly,
    ``lenient`` drops what the park does not have and says what it dropped.
    """

    park_key: str = ""
    on: tuple[str, ...] = ()
    off: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    # -- the URL ---------------------------------------------------------------------

    def to_query(self) -> str:
        """The URL query, ``?park=..&on=a,b&off=c&without=f`` ("" for the default park's
        baseline). Ids are percent-encoded; commas separate them."""
        params = {key: value for key, value in (
            ("park", self.park_key), ("on", ",".join(self.on)), ("off", ",".join(self.off)),
            ("without", ",".join(self.without))) if value}
        return "?" + urlencode(params, safe=",") if params else ""

    @classmethod
    def from_query(cls, query: str | None) -> Scenario:
        """Read a scenario from a URL query (with or without its ``?``). Unknown keys are
        ignored, blank and repeated ids dropped, commas and repeated keys both separate ids."""
        params = parse_qs((query or "").lstrip("?"), keep_blank_values=False)

        def ids(name: str) -> tuple[str, ...]:
            values = [part.strip() for value in params.get(name, []) for part in value.split(",")]
            return tuple(dict.fromkeys(v for v in values if v))

        park = (params.get("park") or [""])[0].strip()
        return cls(park, ids("on"), ids("off"), ids("without"))

    # -- building --------------------------------------------------------------------

    @classmethod
    def of(cls, park: Park, active: Iterable[str], without: Iterable[str] = (), park_key: str = "") -> Scenario:
        """The shortest scenario that gives ``active`` on ``park``: the exchanges that
        differ from the baseline, in the park's exchange order."""
        on, off = scenario_toggles(park, active)
        return cls(park_key, on, off, tuple(f.id for f in park.firms if f.id in set(without)))

    def toggled(self, park: Park, exchange_id: str) -> Scenario:
        """This scenario with one exchange switched the other way."""
        active = self.active(park)
        active = active - {exchange_id} if exchange_id in active else active | {exchange_id}
        return Scenario.of(park, active, self.without, self.park_key)

    def with_park_key(self, park_key: str) -> Scenario:
        return replace(self, park_key=park_key)

    @property
    def is_baseline(self) -> bool:
        """True where nothing is switched and no firm leaves."""
        return not (self.on or self.off or self.without)

    # -- resolving on a park ---------------------------------------------------------

    def active(self, park: Park) -> frozenset[str]:
        """The exchange ids on: the baseline with ``on`` switched on and ``off`` switched
        off. Unknown exchange or firm ids, or an id both on and off, raise ParkError
        naming each."""
        on, off = list(self.on), list(self.off)
        known = park.exchange.keys()
        problems = [Problem(None, None, None, f"unknown exchange id '{i}'")
                    for i in dict.fromkeys(on + off) if i not in known]
        problems += [Problem(None, None, None, f"exchange '{i}' is asked to be both on and off")
                     for i in dict.fromkeys(on) if i in set(off)]
        problems += [Problem(None, None, None, f"unknown firm id '{i}'")
                     for i in self.without if i not in park.firm]
        if problems:
            raise ParkError(problems)
        return (park.baseline_active | frozenset(on)) - frozenset(off)

    def lenient(self, park: Park) -> tuple[Scenario, list[str]]:
        """This scenario with what ``park`` does not have dropped (an id both on and off
        counts as on), and a message for each thing dropped."""
        known = park.exchange.keys()
        messages = [f"there is no exchange '{i}' in {park.name}; it was ignored"
                    for i in self.on + self.off if i not in known]
        messages += [f"there is no firm '{i}' in {park.name}; it was ignored"
                     for i in self.without if i not in park.firm]
        on = tuple(i for i in self.on if i in known)
        off = tuple(i for i in self.off if i in known and i not in on)
        without = tuple(i for i in self.without if i in park.firm)
        return Scenario(self.park_key, on, off, without), messages


def scenario_active(park: Park, on: Iterable[str] = (), off: Iterable[str] = ()) -> frozenset[str]:
    """The baseline with the exchanges in ``on`` switched on and those in ``off`` switched off
    (``Scenario.active``): unknown ids, or an id both on and off, raise ParkError."""
    return Scenario(on=tuple(on), off=tuple(off)).active(park)


def scenario_toggles(park: Park, active: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shortest description of ``active`` against the baseline: (on, off) id lists,
    in the park's exchange order."""
    active = frozenset(active)
    baseline = park.baseline_active
    on = tuple(e.id for e in park.exchanges if e.id in active and e.id not in baseline)
    off = tuple(e.id for e in park.exchanges if e.id in baseline and e.id not in active)
    return on, off


def _names(names: list[str], most: int, longest: int) -> str:
    shown = [n if len(n) <= longest else n[:longest - 1].rstrip() + "\u2026" for n in names[:most]]
    return ", ".join(shown) + (f" and {len(names) - most} more" if len(names) > most else "")


def scenario_summary(park: Park, scenario: Scenario | Iterable[str], most: int = 3, longest: int = 60) -> str:
    """The scenario in one line of plain text: the baseline, or what is switched on and off
    against it and which firms leave, by name (the first ``most`` of each, names cut to
    ``longest`` characters). ``scenario`` is a Scenario or the ids of the exchanges on."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.of(park, scenario)
    if scenario.is_baseline:
        return "Scenario: the baseline (existing exchanges on, candidates off)"
    parts = []
    for words, names in (("switched on", [park.exchange[i].name for i in scenario.on if i in park.exchange]),
                         ("switched off", [park.exchange[i].name for i in scenario.off if i in park.exchange]),
                         ("firms leaving", [park.firm[i].name for i in scenario.without if i in park.firm])):
        if names:
            parts.append(f"{words}: {_names(names, most, longest)}")
    return "Scenario: the baseline with " + "; ".join(parts)


def park_without(park: Park, firms: Iterable[str]) -> Park:
    """``park`` as if each firm in ``firms`` had been deleted from its files: its row, its
    streams and every exchange to or from it (docs/accounting.md, "A firm leaves")."""
    leaving = frozenset(firms)
    if not leaving:
        return park
    return replace(
        park,
        firms=tuple(f for f in park.firms if f.id not in leaving),
        streams=tuple(s for s in park.streams if s.firm not in leaving),
        exchanges=tuple(e for e in park.exchanges if e.from_firm not in leaving and e.to_firm not in leaving))


def scenario_evaluation(park: Park, scenario: Scenario) -> Evaluation:
    """The scenario view: ``park`` without the firms that leave, with the scenario's
    exchanges on (those of a leaving firm are gone with it). Strict, as ``Scenario.active``."""
    active = scenario.active(park)
    if not scenario.without:
        return evaluate(park, active)
    remaining = _remaining_park(park, frozenset(scenario.without))
    return evaluate(remaining, active & remaining.exchange.keys())


@lru_cache(maxsize=32)
def _remaining_park(park: Park, leaving: frozenset[str]) -> Park:
    # One object per (park, firms leaving), so the service plan built for it is reused.
    return park_without(park, leaving)


@dataclass(frozen=True)
class Change:
    """A KPI change between two views: absolute (units of the KPI) and relative
    (fraction of the reference's size; None where the reference is 0)."""

    absolute: Kpis
    relative: dict[str, float | None]


def relative_change(value: float, reference: float) -> float | None:
    """(value - reference) as a fraction of the reference's size, so the sign always
    says which way the value moved (a cost of -100 going to -50 is +50 %, not -50 %).
    None where the reference is 0."""
    return (value - reference) / abs(reference) if reference else None


def change(new: Kpis, reference: Kpis) -> Change:
    relative = {name: relative_change(getattr(new, name), getattr(reference, name)) for name in KPI_NAMES}
    return Change(new - reference, relative)


@dataclass(frozen=True)
class Views:
    """The no-symbiosis reference (all off), the baseline (existing on) and the scenario."""

    no_symbiosis: Evaluation
    baseline: Evaluation
    scenario: Evaluation

    @property
    def vs_baseline(self) -> Change:
        return change(self.scenario.totals, self.baseline.totals)

    @property
    def vs_no_symbiosis(self) -> Change:
        return change(self.scenario.totals, self.no_symbiosis.totals)

    @property
    def baseline_savings(self) -> Kpis:
        """What the existing exchanges save: no-symbiosis minus baseline (positive = saved)."""
        return self.no_symbiosis.totals - self.baseline.totals

    @property
    def scenario_savings(self) -> Kpis:
        """What symbiosis saves in the scenario: no-symbiosis minus scenario (positive = saved)."""
        return self.no_symbiosis.totals - self.scenario.totals


@dataclass(frozen=True)
class ReportedSaving:
    """A figure the park has published beside the model's own figure on the same boundary
    (docs/accounting.md, "Published figures"), per year: for a KPI, the saving of the
    existing exchanges in the boundary (those switched off from the baseline, minus the
    baseline; the firm's own KPIs where the entry names a firm), in the KPI's unit; for
    ``delivered``, what those exchanges deliver to demands in the baseline, in ``unit``.
    ``exchanges`` are the ids the boundary took; ``relative`` is the model's figure
    against the published one (None where that is 0)."""

    reported: Reported
    modelled: float
    relative: float | None
    exchanges: tuple[str, ...] = ()
    unit: str | None = None

    @property
    def boundary(self) -> str:
        """What the figure covers: the entry's own words, else a description of the boundary."""
        return self.reported.boundary or describe_boundary(self.reported)


def describe_boundary(item: Reported) -> str:
    """The boundary of a ``[[reported]]`` entry in words, from its machine-readable parts."""
    parts = ["what the exchanges deliver" if item.kpi == DELIVERED else "saving"]
    parts.append(f"to or from {item.firm}" if item.kpi == DELIVERED and item.firm
                 else f"of {item.firm}'s own figures" if item.firm else "of the whole park")
    parts.append(f"by {', '.join(item.exchanges)}" if item.exchanges else "by all existing exchanges")
    if item.resources:
        parts.append(f"meeting demand for {', '.join(item.resources)}")
    return " ".join(parts)


def boundary_exchanges(park: Park, item: Reported) -> tuple[str, ...]:
    """The existing exchanges inside a ``[[reported]]`` entry's boundary, in park order:
    those it lists (all existing where it lists none) that meet a demand for one of its
    ``resources`` (any, where it names none); for ``delivered`` with a firm, only those
    to or from the firm."""
    listed = set(item.exchanges)
    chosen = []
    for exchange in park.exchanges:
        if exchange.id not in park.baseline_active or (listed and exchange.id not in listed):
            continue
        if item.resources and exchange.replaces not in item.resources:
            continue
        if item.kpi == DELIVERED and item.firm and item.firm not in (exchange.from_firm, exchange.to_firm):
            continue
        chosen.append(exchange.id)
    return tuple(chosen)


def reported_figure(item: Reported, baseline: Evaluation, no_symbiosis: Evaluation | None = None) -> float:
    """The model's figure for one ``[[reported]]`` entry on its own boundary (per year)."""
    park = baseline.park
    chosen = boundary_exchanges(park, item)
    if item.kpi == DELIVERED:
        return float(sum(baseline.flow(i).met for i in chosen))
    remaining = baseline.active - frozenset(chosen)
    if no_symbiosis is not None and not remaining:
        without = no_symbiosis
    else:
        without = evaluate(park, remaining)
    if item.firm is not None:
        return getattr(without.firm_kpis[item.firm] - baseline.firm_kpis[item.firm], item.kpi)
    return getattr(without.totals - baseline.totals, item.kpi)


def reported_savings(views: Views) -> tuple[ReportedSaving, ...]:
    """Each of the park's ``[[reported]]`` figures with the model's beside it, on its boundary."""
    park = views.baseline.park
    result = []
    for item in park.reported:
        modelled = reported_figure(item, views.baseline, views.no_symbiosis)
        unit = park.resource[item.resources[0]].unit if item.kpi == DELIVERED else None
        result.append(ReportedSaving(item, modelled, relative_change(modelled, item.value),
                                     boundary_exchanges(park, item), unit))
    return tuple(result)


def views(park: Park, scenario: Scenario | Iterable[str] | None = None) -> Views:
    """Evaluate the three views. ``scenario`` is a Scenario, or the ids of the exchanges on
    (None: the baseline). Firms that leave are gone from the scenario view only: the
    baseline and no-symbiosis views are the park as it is."""
    baseline = evaluate(park, None)
    if isinstance(scenario, Scenario):
        chosen = scenario_evaluation(park, scenario) if scenario.without else None
        active = scenario.active(park)
    else:
        chosen, active = None, scenario
    if chosen is None:
        chosen = baseline if active is None or frozenset(active) == baseline.active else evaluate(park, active)
    return Views(evaluate(park, ()), baseline, chosen)
