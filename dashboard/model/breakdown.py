"""What makes up a KPI: every term of docs/accounting.md, "The four KPIs", named, so each figure on
screen can be traced to the streams, exchanges and reported baselines behind it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluation import Evaluation
from .kpis import KPI_NAMES, Kpi, Kpis
from .vocabulary import StreamKind


@dataclass(frozen=True)
class Contribution:
    """One term of a KPI, in the KPI's unit per year.

    kind: ``baseline`` (a firm's reported total), ``virgin`` (unmet demand bought new),
    ``fate`` (unused supply to its fate), ``exchange`` (an exchange's own per-unit
    cost/CO2e) or ``fixed`` (capex annuity and opex). ``ref`` is the firm id or the
    exchange id; ``source`` the cited source id, if any.
    """

    kind: str
    ref: str
    label: str
    value: float
    source: str = ""


def contributions(evaluation: Evaluation, kpi: str, limit: int | None = None) -> list[Contribution]:
    """The non-zero terms of ``kpi`` for the evaluated scenario, largest first; with
    ``limit``, only that many (the rest are still in the KPI, just not named)."""
    park, plan, run = evaluation.park, evaluation.plan, evaluation.run
    n_firms, n_streams = len(park.firms), len(park.streams)
    carried = run.carried
    values = _term_values(evaluation, kpi)
    order = [i for i in np.argsort(-np.abs(values), kind="stable").tolist() if values[i] != 0.0]
    if limit is not None:
        order = order[:limit]
    terms = []
    for index in order:
        value = float(values[index])
        if index < n_firms:
            firm = park.firms[index]
            terms.append(Contribution("baseline", firm.id, f"{firm.name}: reported total not modelled by streams",
                                      value, firm.source))
            continue
        index -= n_firms
        if index < n_streams:
            stream = park.streams[index]
            left = run.left[index]
            resource = park.resource[stream.resource]
            firm_name = park.firm[stream.firm].name
            if stream.kind is StreamKind.DEMAND:
                label, kind = f"{firm_name} buys {left:,.0f} {resource.unit} of {resource.name} new", "virgin"
            else:
                label = f"{firm_name} sends {left:,.0f} {resource.unit} of {resource.name} to {stream.fate.value}"
                kind = "fate"
            terms.append(Contribution(kind, stream.firm, label, value, stream.source))
            continue
        index -= n_streams
        own = index < len(carried)
        exchange = plan.exchanges[index if own else index - len(carried)]
        terms.append(Contribution("exchange" if own else "fixed", exchange.id,
                                  f"{exchange.name}: " + ("transport and treatment" if own else "capex annuity and opex"),
                                  value, exchange.source))
    return terms


def term_count(evaluation: Evaluation, kpi: str) -> int:
    """How many non-zero terms ``kpi`` has (``contributions`` without a limit lists them all)."""
    return int(np.count_nonzero(_term_values(evaluation, kpi)))


def _term_values(evaluation: Evaluation, kpi: str) -> np.ndarray:
    """Every term's value, in order: firm baselines, streams, exchanges' own per-unit
    terms, exchanges' fixed costs (zero outside the cost KPI)."""
    column = KPI_NAMES.index(kpi)
    plan, run = evaluation.plan, evaluation.run
    carried = np.asarray(run.carried)
    active = np.asarray(run.active, dtype=bool)
    own = np.where(active, carried * plan.own_rates[:, column], 0.0)
    fixed = np.where(active, plan.fixed_cost, 0.0) if column == Kpi.COST else np.zeros(len(carried))
    return np.concatenate([plan.firm_baselines[:, column], np.asarray(run.left) * plan.leftover_rates[:, column],
                           own, fixed])


def change_by_exchange(before: Evaluation, after: Evaluation) -> dict[str, Kpis]:
    """The KPI change from ``before`` to ``after`` (same park), split by exchange.

    Every KPI is affine in what each exchange carries, so the change is exactly the sum
    over exchanges of (carried after - carried before) x the exchange's per-unit effect,
    plus the fixed costs of exchanges switched on or off. An exchange nobody toggled can
    still appear: it carries more or less because a competitor changed. Only exchanges
    with a non-zero change are listed, in the park's order. Units as in ``Kpis``.
    """
    if before.park is not after.park and before.park.content_hash != after.park.content_hash:
        raise ValueError("both evaluations must be of the same park")
    plan = after.plan
    result: dict[str, Kpis] = {}
    for position, exchange in enumerate(plan.exchanges):
        moved = after.run.carried[position] - before.run.carried[position]
        values = [moved * effect for effect in plan.unit_effect_rows[position]]
        switched = after.run.active[position] - before.run.active[position]
        values[Kpi.COST] += switched * float(plan.fixed_cost[position])
        if any(values):
            result[exchange.id] = Kpis(*values)
    return {e.id: result[e.id] for e in before.park.exchanges if e.id in result}
