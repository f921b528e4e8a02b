"""Scenarios: which exchanges are on, and the three views the dashboard compares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .domain import Park, Reported
from .errors import ParkError, Problem
from .evaluation import Evaluation, evaluate
from .kpis import KPI_NAMES, Kpis


def scenario_active(park: Park, on: Iterable[str] = (), off: Iterable[str] = ()) -> frozenset[str]:
    """The baseline with the exchanges in ``on`` switched on and those in ``off`` switched off.
    Unknown ids raise ParkError naming each; an id both on and off is an error too."""
    on, off = list(on), list(off)
    known = park.exchange.keys()
    problems = [Problem(None, None, None, f"unknown exchange id '{i}'")
                for i in dict.fromkeys(on + off) if i not in known]
    problems += [Problem(None, None, None, f"exchange '{i}' is asked to be both on and off")
                 for i in dict.fromkeys(on) if i in set(off)]
    if problems:
        raise ParkError(problems)
    return (park.baseline_active | frozenset(on)) - frozenset(off)


def scenario_toggles(park: Park, active: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shortest description of ``active`` against the baseline: (on, off) id lists,
    in the park's exchange order."""
    active = frozenset(active)
    baseline = park.baseline_active
    on = tuple(e.id for e in park.exchanges if e.id in active and e.id not in baseline)
    off = tuple(e.id for e in park.exchanges if e.id in baseline and e.id not in active)
    return on, off


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
    """A saving the park has published beside the model's own figure for it (no-symbiosis
    minus baseline, in the KPI's unit a year); ``relative`` is the model's figure against
    the published one (None where that is 0)."""

    reported: Reported
    modelled: float
    relative: float | None


def reported_savings(views: Views) -> tuple[ReportedSaving, ...]:
    """Each of the park's ``[[reported]]`` savings with the model's figure beside it."""
    savings = views.baseline_savings
    return tuple(ReportedSaving(item, getattr(savings, item.kpi),
                                relative_change(getattr(savings, item.kpi), item.value))
                 for item in views.baseline.park.reported)


def views(park: Park, active: Iterable[str] | None = None) -> Views:
    """Evaluate the three views; ``active`` None means the scenario is the baseline."""
    baseline = evaluate(park, None)
    scenario = baseline if active is None or frozenset(active) == baseline.active else evaluate(park, active)
    return Views(evaluate(park, ()), baseline, scenario)
