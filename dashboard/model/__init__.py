"""The park model: loading, validating and evaluating an eco-industrial park.

Pure Python (with NumPy); no Dash or plotly. Typical use::

    from dashboard import model
    park = model.load_park("data/kalundborg")          # raises model.ParkError
    result = model.evaluate(park)                       # the baseline
    result.kpis        # {'freshwater_m3': ..., 'co2_t': ..., 'landfill_t': ..., 'cost': ...}
    model.marginal_effects(park, active=["x", "y"])     # {exchange id: Kpis change}
"""

from .breakdown import Contribution, change_by_exchange, contributions, term_count
from .domain import (
    DELIVERED,
    REPORTED_MEASURES,
    UNLIMITED,
    Exchange,
    Firm,
    Park,
    Reported,
    Resource,
    Source,
    Stream,
    TransportMode,
)
from .errors import ParkError, Problem
from .evaluation import Evaluation, ExchangeFlow, StreamFlow, evaluate
from .finance import annual_capital_cost, capital_recovery_factor
from .frames import Frames, frames
from .kpis import KPI_NAMES, Direction, Kpi, Kpis, direction, kpi_named
from .loading import load_park, load_park_bytes
from .marginal import marginal_effects
from .plan import net_benefit_per_unit, service_order
from .rows import ExchangeRow, bound_text, carry_text, carry_words, could_carry, exchange_rows
from .scenario import (
    Change,
    ReportedSaving,
    Scenario,
    Views,
    boundary_exchanges,
    change,
    describe_boundary,
    park_without,
    relative_change,
    reported_figure,
    reported_savings,
    scenario_active,
    scenario_evaluation,
    scenario_summary,
    scenario_toggles,
    views,
)
from .summary import largest, share
from .vocabulary import Bound, Category, Fate, Mode, Payer, Quality, Status, StreamKind

__all__ = [
    "Contribution", "change_by_exchange", "contributions", "term_count",
    "DELIVERED", "REPORTED_MEASURES", "UNLIMITED", "Exchange", "Firm", "Park", "Reported", "Resource", "Source", "Stream",
    "TransportMode", "ParkError", "Problem", "Evaluation", "ExchangeFlow", "StreamFlow",
    "evaluate", "annual_capital_cost", "capital_recovery_factor", "KPI_NAMES", "Direction", "Kpi", "Kpis",
    "direction", "kpi_named", "Frames", "frames", "ExchangeRow", "bound_text", "carry_text", "carry_words", "could_carry", "exchange_rows", "Scenario", "park_without", "scenario_evaluation", "scenario_summary",
    "load_park", "load_park_bytes", "marginal_effects", "net_benefit_per_unit",
    "service_order", "Change", "ReportedSaving", "Views", "reported_savings", "reported_figure", "boundary_exchanges", "describe_boundary", "change", "relative_change", "scenario_active", "scenario_toggles",
    "views", "largest", "share", "Bound", "Category", "Fate", "Mode", "Payer", "Quality", "Status", "StreamKind",
]

# Firms leaving and uncertain inputs (section 7).
from .domain import Range  # noqa: E402
from .ranges import RangedInput, ranged_inputs  # noqa: E402
from .resilience import FirmLeaving, NetworkMeasures, Resilience, firm_leaving, resilience  # noqa: E402
from .uncertainty import Band, TornadoBar, UncertaintyRun, monte_carlo, tornado  # noqa: E402
from .vocabulary import Distribution, RangedTable  # noqa: E402

__all__ += [
    "Range", "RangedInput", "ranged_inputs", "FirmLeaving", "NetworkMeasures", "Resilience", "firm_leaving",
    "resilience", "Band", "TornadoBar", "UncertaintyRun", "monte_carlo", "tornado", "Distribution", "RangedTable",
]
