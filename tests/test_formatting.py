"""How numbers read on cards and in tables (UI brief: SI prefixes, three significant figures)."""

from __future__ import annotations

import pytest

from dashboard.formatting import full, si


@pytest.mark.parametrize(("value", "unit", "trimmed", "kept"), [
    (3.6e6, "m3", "3.6 Mm3", "3.60 Mm3"),
    (635_000, "t CO2e", "635 kt CO2e", "635 kt CO2e"),
    (4_303_280, "t CO2e", "4.3 Mt CO2e", "4.30 Mt CO2e"),
    (24.1e6, "EUR", "EUR 24.1 M", "EUR 24.1 M"),
    (600_000, "m3", "600,000 m3", "600,000 m3"),   # no km3: it reads as cubic kilometres
    (999_960, "m3", "1 Mm3", "1.00 Mm3"),          # rounds up into the next prefix
    (0.99996, "t", "1 t", "1.00 t"),
    (80_000, "MWh", "80 GWh", "80.0 GWh"),
    (-13_512_000, "DKK", "-DKK 13.5 M", "-DKK 13.5 M"),
    (0, "t", "0 t", "0 t"),
])
def test_si_three_significant_figures(value, unit, trimmed, kept):
    assert si(value, unit) == trimmed
    assert si(value, unit, trim=False) == kept


def test_full_precision_with_thousands_separators():
    assert full(1_234_567.891) == "1,234,568"
    assert full(12.5) == "12.50"
    assert full(7.0) == "7"
    assert full(float("inf")) == "unlimited"
