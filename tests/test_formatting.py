"""How numbers read on cards, kiosk and report: one rule (docs/screens.md, "Numbers")."""

from __future__ import annotations

import pytest

from dashboard.formatting import full, in_words, percent, si, signed


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (3.6e6, "m3", "3.60 Mm3"),                    # three significant figures, zeros kept
    (7e6, "m3", "7.00 Mm3"),                      # never "7 Mm3" in one place and "7.00 Mm3" in another
    (635_000, "t CO2e", "635 kt CO2e"),
    (4_303_280, "t CO2e", "4.30 Mt CO2e"),
    (24.1e6, "EUR", "EUR 24.1 M"),
    (13.3e9, "EUR", "EUR 13.3 bn"),               # not "EUR 13.3 G"
    (2.5e12, "DKK", "DKK 2.50 tn"),
    (600_000, "m3", "600,000 m3"),                # no km3: it reads as cubic kilometres
    (999_960, "m3", "1.00 Mm3"),                  # rounds up into the next prefix
    (0.99996, "t", "1.00 t"),
    (80_000, "MWh", "80.0 GWh"),
    (-13_512_000, "DKK", "\u2212DKK 13.5 M"),      # a real minus sign
    (0, "t", "0 t"),
])
def test_si_three_significant_figures(value, unit, shown):
    assert si(value, unit) == shown


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (3.6e6, "m3", "3.60 million cubic metres"),
    (635_000, "t CO2e", "635 thousand tonnes of CO2e"),
    (8_500, "t", "8,500 tonnes"),                 # under ten thousand: the number itself
    (24.1e6, "DKK", "DKK 24.1 million"),
    (13.3e9, "EUR", "EUR 13.3 billion"),
    (80_000, "MWh", "80.0 gigawatt hours"),
    (-2_000_000, "t CO2e", "\u22122.00 million tonnes of CO2e"),
])
def test_kiosk_figures_in_words_a_member_of_the_public_reads(value, unit, shown):
    assert in_words(value, unit) == shown


def test_signed_changes():
    assert signed(1200, "t CO2e") == "+1.20 kt CO2e"
    assert signed(-2e6, "EUR") == "\u2212EUR 2.00 M"
    assert signed(1e-12, "t", scale=1e6) == "0"  # float noise against a total of a million


@pytest.mark.parametrize(("fraction", "shown"), [
    (-0.123, "\u221212.3 %"),
    (0.0003, "+0.030 %"),      # a real figure, not "+<0.1 %"
    (-0.0000042, "\u22120.00042 %"),
    (0.0, "0.0 %"),
    (None, "n/a"),
])
def test_percent_shows_small_changes_as_numbers(fraction, shown):
    assert percent(fraction) == shown


def test_full_precision_with_thousands_separators():
    assert full(1_234_567.891) == "1,234,568"
    assert full(12.5) == "12.50"
    assert full(7.0) == "7"
    assert full(float("inf")) == "unlimited"
