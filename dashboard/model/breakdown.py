"""What makes up a KPI: every term of PARK_MODEL.md section 4, named, so each figure on
screen can be traced to the streams, exchanges and reported baselines behind it."""

from __future__ import annotations

from dataclasses import dataclass

from .evaluation import Evaluation
from .kpis import KPI_NAMES, Kpis
from .plan import COST
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


def contributions(evaluation: Evaluation, kpi: str) -> list[Contribution]:
    """Every non-zero term of ``kpi`` for the evaluated scenario, largest first."""
    column = KPI_NAMES.index(kpi)
    park, plan, run = evaluation.park, evaluation.plan, evaluation.run
    terms: list[Contribution] = []
    for firm, row in zip(park.firms, plan.firm_baselines.tolist()):
        if row[column]:
            terms.append(Contribution("baseline", firm.id, f"{firm.name}: reported total not modelled by streams",
                                      row[column], firm.source))
    for stream, left, rates in zip(park.streams, run.left, plan.leftover_rates.tolist()):
        value = left * rates[column]
        if value:
            resource = park.resource[stream.resource]
            firm = park.firm[stream.firm].name
            if stream.kind is StreamKind.DEMAND:
                label = f"{firm} buys {left:,.0f} {resource.unit} of {resource.name} new"
                kind = "virgin"
            else:
                label = f"{firm} sends {left:,.0f} {resource.unit} of {resource.name} to {stream.fate.value}"
                kind = "fate"
            terms.append(Contribution(kind, stream.firm, label, value, stream.source))
    for position, exchange in enumerate(plan.exchanges):
        if not run.active[position]:
            continue
        own = run.carried[position] * float(plan.own_rates[position, column])
        if own:
            terms.append(Contribution("exchange", exchange.id, f"{exchange.name}: transport and treatment",
                                      own, exchange.source))
        if column == COST and plan.fixed_cost[position]:
            terms.append(Contribution("fixed", exchange.id, f"{exchange.name}: capex annuity and opex",
                                      float(plan.fixed_cost[position]), exchange.source))
    terms.sort(key=lambda t: (-abs(t.value), t.label))
    return terms


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
        values[COST] += switched * float(plan.fixed_cost[position])
        if any(values):
            result[exchange.id] = Kpis(*values)
    return {e.id: result[e.id] for e in before.park.exchanges if e.id in result}
