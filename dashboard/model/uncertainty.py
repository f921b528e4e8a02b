"""How sure are the numbers: a Monte Carlo run and a tornado over the park's ranged
inputs (PARK_MODEL.md section 7; docs/accounting.md "How sure are these numbers").

Every ranged input (``ranges.ranged_inputs``) is drawn independently per sample, from a
triangular distribution with its mode at the cell's value or a uniform one, by a NumPy
``Generator`` seeded with ``seed``: the same seed gives the same numbers. Each sample
evaluates the scenario and the baseline on the same draw (``sampling.PreparedSamples``),
so the change against the baseline is that sample's own difference, not the
difference of two independent bands. The tornado evaluates the scenario with one input
at a time at its ``low`` and at its ``high``, every other input at its value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .cache import BoundedCache
from .domain import Park
from .evaluation import resolve_active
from .kpis import KPI_NAMES, Kpis
from .plan import plan_for
from .ranges import RangedInput, describe, ranged_inputs
from .sampling import ORDER_COLUMNS, PreparedSamples, View
from .scenario import Scenario, views
from .vocabulary import Distribution

DEFAULT_SAMPLES = 1000
MAX_SAMPLES = 100_000
PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class Band:
    """The spread of one KPI over the samples: 5th, 50th and 95th percentile and mean, in
    the KPI's unit a year. ``p5 <= p50 <= p95``; the 90 % range is p5 to p95."""

    p5: float
    p50: float
    p95: float
    mean: float

    def as_dict(self) -> dict[str, float]:
        return {"p5": self.p5, "p50": self.p50, "p95": self.p95, "mean": self.mean}

    @classmethod
    def of(cls, values: np.ndarray) -> Band:
        """The band of ``values`` (samples,)."""
        return cls.each(np.asarray(values, dtype=float)[:, None])[0]

    @classmethod
    def each(cls, values: np.ndarray) -> tuple[Band, ...]:
        """The band of each column of ``values`` (samples, K), all in one pass."""
        rows = np.ascontiguousarray(values.T)
        percentiles = np.percentile(rows, PERCENTILES, axis=1)
        means = np.mean(rows, axis=1)
        return tuple(cls(float(p5), float(p50), float(p95), float(mean))
                     for p5, p50, p95, mean in zip(*percentiles, means))

    @classmethod
    def exact(cls, value: float) -> Band:
        return cls(value, value, value, value)


@dataclass(frozen=True)
class TornadoBar:
    """The scenario's KPIs with one input at its ``low`` and at its ``high``."""

    input: RangedInput
    label: str
    at_low: Kpis
    at_high: Kpis

    def swing(self, kpi: str) -> float:
        """How far the KPI moves across the input's range (its unit a year, >= 0)."""
        return abs(getattr(self.at_high, kpi) - getattr(self.at_low, kpi))

    def as_dict(self) -> dict:
        item = self.input
        return {"table": item.table, "row": item.row, "column": item.column, "label": self.label,
                "value": item.value, "low": item.low, "high": item.high,
                "distribution": item.distribution.value, "origin": item.origin,
                "at_low": self.at_low.as_dict(), "at_high": self.at_high.as_dict()}


@dataclass(frozen=True)
class UncertaintyRun:
    """The result of ``monte_carlo``: bands of the scenario and of its change against
    the baseline by KPI name, the tornado, and the deterministic values beside them."""

    samples: int
    seed: int
    inputs: tuple[RangedInput, ...]
    scenario: dict[str, Band]
    vs_baseline: dict[str, Band]
    tornado: tuple[TornadoBar, ...]
    value: Kpis
    """The scenario's KPIs with every input at its value."""
    value_vs_baseline: Kpis

    @property
    def has_ranges(self) -> bool:
        return bool(self.inputs)

    def tornado_for(self, kpi: str) -> tuple[TornadoBar, ...]:
        """The bars that move ``kpi``, largest swing first (ties by the input's key)."""
        bars = [bar for bar in self.tornado if bar.swing(kpi) > 0]
        return tuple(sorted(bars, key=lambda bar: (-bar.swing(kpi), bar.input.key)))

    def as_dict(self) -> dict:
        """The JSON document of ``eco-park uncertainty --json``."""
        return {"samples": self.samples, "seed": self.seed,
                "value": self.value.as_dict(), "value_vs_baseline": self.value_vs_baseline.as_dict(),
                "scenario": {k: band.as_dict() for k, band in self.scenario.items()},
                "vs_baseline": {k: band.as_dict() for k, band in self.vs_baseline.items()},
                "tornado": [bar.as_dict() for bar in self.tornado]}


def draw(inputs: Iterable[RangedInput], samples: int, seed: int) -> np.ndarray:
    """(K, samples) values: row k drawn for input k, independently, from one seeded Generator."""
    inputs = list(inputs)
    generator = np.random.default_rng(seed)
    values = np.empty((len(inputs), samples))
    for k, item in enumerate(inputs):
        if item.low == item.high:
            values[k] = item.value
        elif item.distribution is Distribution.UNIFORM:
            values[k] = generator.uniform(item.low, item.high, samples)
        else:
            values[k] = generator.triangular(item.low, item.value, item.high, samples)
    return values


def scenario_view(park: Park, scenario: Scenario | Iterable[str] | None) -> View:
    """The batch view of a Scenario (its exchanges on, its firms gone), or of the ids of the
    exchanges on (None: the baseline). Strict: unknown ids raise ParkError."""
    if isinstance(scenario, Scenario):
        return View(scenario.active(park), frozenset(scenario.without))
    return View(resolve_active(park, scenario))


def tornado(park: Park, scenario: Scenario | Iterable[str] | None = None,
            inputs: tuple[RangedInput, ...] | None = None,
            progress: Callable[[int, int], None] | None = None) -> tuple[TornadoBar, ...]:
    """For each ranged input, the scenario's KPIs with it at ``low`` and at ``high``
    (all else at its value); in the order of ``ranged_inputs``. ``scenario``: a Scenario,
    or the ids of the exchanges on (None: the baseline)."""
    inputs = ranged_inputs(park) if inputs is None else inputs
    view = scenario_view(park, scenario)
    if not inputs:
        return ()
    # Inputs that move a net benefit (and so the service order) go first, so that the
    # batches of the others are all served in the plan's order, the cheap way.
    turns = sorted(range(len(inputs)), key=lambda j: inputs[j].column not in ORDER_COLUMNS)

    def make() -> tuple[PreparedSamples, tuple[str, ...]]:
        values = np.repeat(np.array([i.value for i in inputs])[:, None], 2 * len(inputs), axis=1)
        for turn, j in enumerate(turns):
            values[j, 2 * turn] = inputs[j].low
            values[j, 2 * turn + 1] = inputs[j].high
        return _prepared(park, inputs, values), tuple(describe(park, item) for item in inputs)
    # a big park's would hold tens of MB
    prepared, labels = TORNADO_SAMPLES.get_or_make((park.content_hash, tuple(inputs)), make) \
        if _held(park, 2 * len(inputs)) else make()
    (totals,) = prepared.evaluate([view], progress)
    rows = totals.tolist()
    at = {j: turn for turn, j in enumerate(turns)}
    return tuple(TornadoBar(item, labels[j], Kpis.from_values(rows[2 * at[j]]), Kpis.from_values(rows[2 * at[j] + 1]))
                 for j, item in enumerate(inputs))


HOLD_CELLS = 2_000_000
"""A park's prepared samples (``sampling.PreparedSamples``) are kept between runs up to
this many positions x samples (a few arrays of 16 MB at most); a bigger park's are made
again each run, as its runs are background jobs, seconds long."""

BASELINE_DRAWS: BoundedCache[tuple[PreparedSamples, np.ndarray]] = BoundedCache(8)
"""Per park (content hash), sample count and seed: the draws laid over the park, and the
baseline's KPIs over them, (samples, 4). Both are the same for every scenario of a park,
so a toggle evaluates its own scenario on the draws only. Read-only."""

TORNADO_SAMPLES: BoundedCache[tuple[PreparedSamples, tuple[str, ...]]] = BoundedCache(8)
"""Per park (content hash) and inputs: the tornado's inputs, each at its low and at its
high, laid over the park, and their labels. The same for every scenario of a park; kept
for parks within HOLD_CELLS only."""


def _held(park: Park, samples: int) -> bool:
    """Whether a park's prepared samples are kept between runs (HOLD_CELLS)."""
    return plan_for(park).size * samples <= HOLD_CELLS


def _prepared(park: Park, inputs, values: np.ndarray) -> PreparedSamples:
    values.flags.writeable = False
    return PreparedSamples(park, inputs, values, hold=_held(park, values.shape[1]))


def _draws_and_baseline(park: Park, inputs, samples: int, seed: int,
                        progress: Callable[[int, int], None]) -> tuple[PreparedSamples, np.ndarray]:
    def make() -> tuple[PreparedSamples, np.ndarray]:
        prepared = _prepared(park, inputs, draw(inputs, samples, seed))
        (baseline,) = prepared.evaluate([View(park.baseline_active)], progress)
        baseline.flags.writeable = False
        return prepared, baseline
    return BASELINE_DRAWS.get_or_make((park.content_hash, samples, seed), make)


def monte_carlo(park: Park, scenario: Scenario | Iterable[str] | None = None,
                samples: int = DEFAULT_SAMPLES, seed: int = 0,
                progress: Callable[[int, int], None] | None = None, with_tornado: bool = True) -> UncertaintyRun:
    """Bands of the scenario (a Scenario, or the ids of the exchanges on; None: the
    baseline) and of its change against the baseline, over ``samples`` draws seeded by
    ``seed``; and the tornado.

    ``progress(done, total)`` is called as samples are evaluated. With no ranged input,
    every percentile and the mean are the deterministic value (``model.views``).
    ``with_tornado=False`` leaves the tornado out (two more evaluations per input).
    """
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValueError(f"samples must be between 1 and {MAX_SAMPLES:,}")
    inputs = ranged_inputs(park)
    view = scenario_view(park, scenario)
    deterministic = views(park, scenario if isinstance(scenario, Scenario) else view.active)
    value = deterministic.scenario.totals
    change_value = deterministic.vs_baseline.absolute
    if not inputs:
        return UncertaintyRun(samples, seed, (), {k: Band.exact(getattr(value, k)) for k in KPI_NAMES},
                              {k: Band.exact(getattr(change_value, k)) for k in KPI_NAMES}, (), value, change_value)
    # One progress count over every part: the tornado's 2 evaluations per input, the
    # baseline's draws (unless this park's are at hand), then the scenario's.
    first = 2 * len(inputs) if with_tornado else 0
    baseline_part = 0 if BASELINE_DRAWS.holds((park.content_hash, samples, seed)) else samples
    total = first + baseline_part + samples

    def tornado_progress(done: int, _: int) -> None:
        if progress is not None:
            progress(done, total)

    def baseline_progress(done: int, _: int) -> None:
        if progress is not None:
            progress(first + done, total)

    def draws_progress(done: int, _: int) -> None:
        if progress is not None:
            progress(first + baseline_part + done, total)

    bars = tornado(park, scenario, inputs, tornado_progress) if with_tornado else ()
    prepared, baseline = _draws_and_baseline(park, inputs, samples, seed, baseline_progress)
    (scenario_totals,) = prepared.evaluate([view], draws_progress)
    change = scenario_totals - baseline
    return UncertaintyRun(
        samples, seed, inputs,
        dict(zip(KPI_NAMES, Band.each(scenario_totals))), dict(zip(KPI_NAMES, Band.each(change))),
        bars, value, change_value)
