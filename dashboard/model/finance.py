"""Annualising an investment (docs/accounting.md, "The four KPIs")."""

from __future__ import annotations

import math


def capital_recovery_factor(rate: float, years: float) -> float:
    """CRF(r, n) = r (1+r)^n / ((1+r)^n - 1), and 1/n when r = 0.

    rate: discount rate per year as a fraction (0.06 = 6 %). years: lifetime, > 0.
    Multiplying a one-off capex by the CRF gives the equal yearly payment that repays
    it with interest over the lifetime.
    """
    if years <= 0:
        raise ValueError("lifetime must be positive")
    if rate == 0:
        return 1.0 / years
    # expm1/log1p keep (1+r)^n - 1 exact for a rate near 0, where the plain form loses
    # every digit (and divides by zero below about 1e-16).
    growth_minus_one = math.expm1(years * math.log1p(rate))
    return rate * (growth_minus_one + 1.0) / growth_minus_one


def annual_capital_cost(capex: float, rate: float, years: float) -> float:
    """Yearly cost (currency per year) of a one-off ``capex`` over ``years`` at ``rate``."""
    return capex * capital_recovery_factor(rate, years) if capex else 0.0
