"""What each exchange is worth in a scenario (docs/accounting.md, "What a link is worth").

For an exchange e in a scenario S, ``Δ`` is the park's KPIs with e on minus with e off,
everything else as in S. From it:

- operating saving (currency per year) = -(Δcost - capex x CRF): the cost e removes
  before paying back its investment;
- simple payback (years) = capex / operating saving where that saving is positive
  (0 when capex is 0), otherwise none ("never");
- net present value (currency) over its lifetime = -Δcost / CRF;
- abatement cost (currency per t CO2e) = Δcost / -Δco2 where Δco2 < 0, otherwise none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .domain import Exchange, Park
from .evaluation import Evaluation, evaluate
from .finance import capital_recovery_factor
from .kpis import Kpis
from .marginal import marginal_effects


@dataclass(frozen=True)
class Worth:
    """What one exchange is worth in a scenario.

    delta: park KPIs with the exchange on minus off (per year, units as in ``Kpis``).
    operating_saving: currency per year. payback_years: years, None for never.
    npv: currency over the lifetime. abatement_cost: currency per t CO2e, None where
    the exchange cuts no CO2e.
    """

    delta: Kpis
    operating_saving: float
    payback_years: float | None
    npv: float
    abatement_cost: float | None

    @property
    def pays_for_itself(self) -> bool:
        """True where the exchange's net present value is positive: over its life it
        saves more than it costs, interest on the investment included."""
        return self.npv > 0.0

    def as_dict(self) -> dict[str, float | None]:
        return {"operating_saving": self.operating_saving, "payback_years": self.payback_years,
                "npv": self.npv, "abatement_cost": self.abatement_cost}


def worth_of(park: Park, exchange: Exchange, delta: Kpis) -> Worth:
    """The four figures of ``exchange`` from ``delta`` (on minus off) in some scenario."""
    crf = capital_recovery_factor(park.discount_rate, exchange.lifetime_years)
    capex = exchange.capex
    saving = -(delta.cost - capex * crf) + 0.0   # + 0.0: no signed zero
    if saving > 0.0:
        payback = capex / saving if capex else 0.0
    else:
        payback = None
    abatement = delta.cost / -delta.co2_t if delta.co2_t < 0.0 else None
    return Worth(delta, saving, payback, -delta.cost / crf + 0.0, abatement)


def on_minus_off(evaluation: Evaluation, marginal: dict[str, Kpis]) -> dict[str, Kpis]:
    """Each exchange's KPIs with it on minus off, from its marginal effect (toggled minus
    current) in the scenario ``evaluation`` holds."""
    return {exchange_id: (-effect if exchange_id in evaluation.active else effect)
            for exchange_id, effect in marginal.items()}


def worth(park: Park, active: Iterable[str] | None = None, base: Evaluation | None = None,
          marginal: dict[str, Kpis] | None = None) -> dict[str, Worth]:
    """What every exchange is worth in the scenario ``active`` (None: the baseline), by id
    in the park's order. Pass ``base`` (its evaluation) and ``marginal`` (its marginal
    effects) to reuse them."""
    if base is None:
        base = evaluate(park, active)
    if marginal is None:
        marginal = marginal_effects(park, base=base)
    deltas = on_minus_off(base, marginal)
    return {e.id: worth_of(park, e, deltas[e.id]) for e in park.exchanges}
