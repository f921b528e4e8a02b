"""A park and its results as pandas DataFrames, for notebooks and further analysis.

pandas is imported when ``frames`` is called, not with the model, so the dashboard and
the CLI do not pay for it. Units as in the model: every quantity per year; money in the
park's currency; CO2e in tonnes; ``carried`` in the ``unit`` column's unit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .domain import Park
from .evaluation import Evaluation
from .kpis import KPI_NAMES
from .marginal import marginal_effects
from .rows import exchange_rows

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Frames:
    """The park's four tables (as loaded: prices resolved, defaults filled in), and for
    one evaluation: ``flows`` (one row per exchange: carried, met, bound, marginal effect
    per KPI) and ``firm_kpis`` (one row per firm, the four KPIs; the columns sum to the
    park's totals). Each table is indexed by its id (streams by firm, kind, resource)."""

    resources: pd.DataFrame
    firms: pd.DataFrame
    streams: pd.DataFrame
    exchanges: pd.DataFrame
    flows: pd.DataFrame
    firm_kpis: pd.DataFrame


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float)) else value


def frames(park: Park, evaluation: Evaluation | None = None) -> Frames:
    """DataFrames of ``park`` and of ``evaluation`` (default: the baseline).

    >>> f = frames(park, model.evaluate(park, active))
    >>> f.flows.sort_values("carried", ascending=False).head()
    >>> f.firm_kpis["co2_t"].sum() == evaluation.kpis["co2_t"]
    """
    import pandas as pd

    from .evaluation import evaluate

    if evaluation is None:
        evaluation = evaluate(park)

    def table(items, index) -> pd.DataFrame:
        records = [{key: _plain(value) for key, value in asdict(item).items()} for item in items]
        return pd.DataFrame.from_records(records).set_index(index) if records else pd.DataFrame()

    firms = []
    for firm in park.firms:
        record = {key: value for key, value in asdict(firm).items() if key != "baseline"}
        record.update({f"baseline_{kpi}": value for kpi, value in firm.baseline.as_dict().items()})
        firms.append(record)
    marginal = marginal_effects(evaluation.park, evaluation.active, base=evaluation)
    flows = [row.record() for row in exchange_rows(park, evaluation, marginal)]
    firm_kpis = [{"id": firm_id, **kpis.as_dict()} for firm_id, kpis in evaluation.firm_kpis.items()]
    return Frames(
        resources=table(park.resources, "id"),
        firms=pd.DataFrame.from_records(firms).set_index("id"),
        streams=table(park.streams, ["firm", "kind", "resource"]),
        exchanges=table(park.exchanges, "id"),
        flows=pd.DataFrame.from_records(flows).set_index("id"),
        firm_kpis=pd.DataFrame.from_records(firm_kpis, columns=["id", *KPI_NAMES]).set_index("id"),
    )
