"""What if a firm leaves (PARK_MODEL.md section 7; docs/accounting.md "If a firm left").

A firm that leaves takes its row, its streams and every exchange to or from it out of
the park. Its streams are used by no other exchange, and the service order of the rest
does not depend on it, so the park without it is the scenario with the firm's
exchanges switched off, less the firm's own KPIs. That is computed here by replaying
only the exchanges the lost ones move (``marginal.carried_changes``), so every firm
of a large park can be asked in turn.

The **impact on the others** is, per KPI, the sum over the remaining firms of their
KPIs after minus before; the firms **hit hardest** are those whose KPIs worsen most,
valued as cost + carbon price x CO2e (the park's own carbon price). Network measures
(networkx, on the graph of the scenario's active exchanges between firms) explain the
ranking: partners (degree), betweenness, and the share of the carried flows that
start or end at the firm; **single points of failure** are firms whose leaving splits
the network or leaves another firm with no exchange at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import networkx as nx
import numpy as np

from .domain import Park
from .errors import ParkError, Problem
from .evaluation import Evaluation, evaluate, resolve_active
from .kpis import Kpi, Kpis
from .marginal import carried_changes

BETWEENNESS_SOURCES = 300
"""On a network of more firms than this, betweenness is estimated from this many
source firms (networkx's sampling, seeded) instead of all: exact betweenness of 1,000
firms takes seconds; the estimate ranks the same firms on top."""


@dataclass(frozen=True)
class FirmLeaving:
    """The park with one firm gone, against the scenario it leaves (section 7).

    ``kpis``: the park's KPIs without the firm; ``vs_scenario``: those minus the
    scenario's (the firm's own KPIs leave with it); ``impact_on_others``: the other
    firms' combined change; ``others``: each other firm's change, where it moved.
    Units as in ``Kpis``; positive is worse."""

    firm: str
    exchanges_lost: tuple[str, ...]
    kpis: Kpis
    vs_scenario: Kpis
    impact_on_others: Kpis
    others: Mapping[str, Kpis]
    carbon_price: float

    def cost_to_others(self) -> float:
        """The impact on the others valued in money: cost + carbon price x CO2e, a year."""
        return worth(self.impact_on_others, self.carbon_price)

    def hit_hardest(self, count: int = 3) -> tuple[tuple[str, Kpis], ...]:
        """The ``count`` other firms whose KPIs worsen most (valued as cost + carbon price x
        CO2e), worst first; only firms that lose something."""
        hit = [(firm, change) for firm, change in self.others.items() if worth(change, self.carbon_price) > 0]
        hit.sort(key=lambda item: (-worth(item[1], self.carbon_price), item[0]))
        return tuple(hit[:count])


def worth(change: Kpis, carbon_price: float) -> float:
    """A KPI change valued in money: cost + carbon price x CO2e (currency a year)."""
    return change.cost + carbon_price * change.co2_t


@dataclass(frozen=True)
class NetworkMeasures:
    """Why a firm matters to the network: ``partners`` (firms it exchanges with),
    ``betweenness`` (0-1: share of shortest paths between other firms through it),
    ``flow_share`` (by unit, the share of what active exchanges carry that starts or ends
    at it), ``single_point`` (why it is a single point of failure, or "")."""

    firm: str
    partners: int
    betweenness: float
    flow_share: Mapping[str, float]
    single_point: str

    @property
    def largest_flow_share(self) -> float:
        return max(self.flow_share.values(), default=0.0)


@dataclass(frozen=True)
class Resilience:
    """Every firm's leaving, ranked by what it costs the others (most first), with the
    network measures by firm id and the single points of failure named."""

    leaving: tuple[FirmLeaving, ...]
    measures: Mapping[str, NetworkMeasures]

    @property
    def single_points_of_failure(self) -> tuple[str, ...]:
        return tuple(item.firm for item in self.leaving if self.measures[item.firm].single_point)


def _resolve_without(park: Park, without: Iterable[str]) -> frozenset[str]:
    without = frozenset(without)
    unknown = sorted(without - park.firm.keys())
    if unknown:
        raise ParkError(Problem(None, None, None, f"unknown firm id '{u}'") for u in unknown)
    return without


def base_for(park: Park, active: Iterable[str] | None = None, without: Iterable[str] = ()) -> Evaluation:
    """The evaluation the leaving of further firms is measured from: the scenario with
    the exchanges of firms already gone (``without``) switched off."""
    without = _resolve_without(park, without)
    chosen = resolve_active(park, active)
    return evaluate(park, frozenset(e for e in chosen if park.exchange[e].from_firm not in without
                                    and park.exchange[e].to_firm not in without))


def firm_leaving(park: Park, firm: str, active: Iterable[str] | None = None, without: Iterable[str] = (),
                 base: Evaluation | None = None) -> FirmLeaving:
    """The scenario (``active``, with the firms in ``without`` already gone) with ``firm``
    leaving as well. Pass ``base`` (``base_for`` of the same scenario) to reuse it."""
    without = _resolve_without(park, without)
    if firm not in park.firm:
        raise ParkError.single(f"unknown firm id '{firm}'")
    if base is None:
        base = base_for(park, active, without)
    return _leaving(park, base, firm, without)


def _leaving(park: Park, base: Evaluation, firm: str, without: frozenset[str]) -> FirmLeaving:
    plan = base.plan
    firms = park.firms
    index = {f.id: i for i, f in enumerate(firms)}
    me = index[firm]
    lost = [p for p, e in enumerate(plan.exchanges) if base.run.active[p] and firm in (e.from_firm, e.to_firm)]
    delta: dict[int, np.ndarray] = {}

    def add(f: int, values) -> None:
        if f in delta:
            delta[f] = delta[f] + values
        else:
            delta[f] = np.asarray(values, dtype=float).copy()

    for p in lost:
        fixed = np.zeros(4)
        fixed[Kpi.COST] = -plan.fixed_cost[p]
        add(int(plan.payer_firm[p]), fixed)
    rates = plan.leftover_rates
    for p, change in carried_changes(plan, base, lost).items():
        s, d = plan.supply[p], plan.demand[p]
        add(int(plan.stream_firm[s]), -change * rates[s])
        add(int(plan.stream_firm[d]), -plan.ratio[p] * change * rates[d])
        add(int(plan.payer_firm[p]), change * plan.own_rates[p])
        transfer = change * plan.price[p]
        if transfer:
            add(int(plan.to_firm[p]), np.array([0.0, 0.0, 0.0, transfer]))
            add(int(plan.from_firm[p]), np.array([0.0, 0.0, 0.0, -transfer]))
    gone = {index[f] for f in without} | {me}
    others = {firms[f].id: Kpis.from_values(values) for f, values in sorted(delta.items())
              if f not in gone and np.any(values != 0.0)}
    impact = np.zeros(4)
    for f, values in delta.items():
        if f not in gone:
            impact += values
    before = base.firm_totals
    remaining_before = before.sum(axis=0) - before[sorted(gone)].sum(axis=0)
    after = Kpis.from_values(remaining_before + impact)
    scenario = Kpis.from_values(remaining_before + before[me])
    lost_ids = sorted((plan.exchanges[p].id for p in lost), key=base.flow_index.__getitem__)
    return FirmLeaving(firm, tuple(lost_ids), after, after - scenario, Kpis.from_values(impact), MappingProxyType(others),
                       park.carbon_price)


def network_measures(park: Park, base: Evaluation, without: frozenset[str] = frozenset()) -> dict[str, NetworkMeasures]:
    """Partners, betweenness, flow share and single-point-of-failure reason of every firm
    still in the park, on the graph of the active exchanges of ``base``."""
    graph = nx.Graph()
    graph.add_nodes_from(f.id for f in park.firms if f.id not in without)
    carried_by_unit: dict[str, float] = {}
    touching: dict[str, dict[str, float]] = {f.id: {} for f in park.firms}
    for flow in base.flows:
        if not flow.active:
            continue
        a, b = flow.exchange.from_firm, flow.exchange.to_firm
        if a != b:
            graph.add_edge(a, b)
        carried_by_unit[flow.unit] = carried_by_unit.get(flow.unit, 0.0) + flow.carried
        for firm in {a, b}:
            touching[firm][flow.unit] = touching[firm].get(flow.unit, 0.0) + flow.carried
    n = graph.number_of_nodes()
    if n > BETWEENNESS_SOURCES:
        betweenness = nx.betweenness_centrality(graph, k=BETWEENNESS_SOURCES, seed=0)
    else:
        betweenness = nx.betweenness_centrality(graph)
    cut = set(nx.articulation_points(graph))
    result = {}
    for firm in park.firms:
        if firm.id in without:
            continue
        partners = list(graph.neighbors(firm.id))
        alone = sorted(p for p in partners if graph.degree(p) == 1)
        reasons = []
        if alone:
            names = ", ".join(park.firm[p].name for p in alone)
            reasons.append(f"the only partner of {names}")
        if firm.id in cut:
            reasons.append("its leaving splits the network")
        share = {unit: touching[firm.id].get(unit, 0.0) / total
                 for unit, total in sorted(carried_by_unit.items()) if total > 0}
        result[firm.id] = NetworkMeasures(firm.id, len(partners), float(betweenness.get(firm.id, 0.0)),
                                          MappingProxyType(share), "; ".join(reasons))
    return result


def resilience(park: Park, active: Iterable[str] | None = None, without: Iterable[str] = ()) -> Resilience:
    """Every remaining firm's leaving from the scenario, most costly to the others first
    (valued as cost + carbon price x CO2e; ties by id), with the network measures."""
    without = _resolve_without(park, without)
    base = base_for(park, active, without)
    leaving = [_leaving(park, base, firm.id, without) for firm in park.firms if firm.id not in without]
    leaving.sort(key=lambda item: (-item.cost_to_others(), item.firm))
    return Resilience(tuple(leaving), MappingProxyType(network_measures(park, base, without)))
