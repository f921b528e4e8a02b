"""The shipped parks stay what the README says they are: sourced, and, for Kalundborg,
within 25 % of every saving the park has published for its era."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard import model
from dashboard.paths import shipped_park

PARKS = ["kalundborg", "ulsan"]


@pytest.fixture(scope="module", params=PARKS)
def park(request) -> model.Park:
    return model.load_park(shipped_park(request.param))


def test_every_row_cites_a_listed_source(park):
    listed = {s.id for s in park.sources}
    rows = [*park.resources, *park.firms, *park.streams, *park.exchanges]
    assert [row for row in rows if not row.source] == []
    assert {row.source for row in rows} <= listed
    assert {r.source for r in park.reported} <= listed
    assert not [w for w in park.warnings if "source" in w.message]


def test_kalundborg_savings_land_within_a_quarter_of_the_published_figures():
    park = model.load_park(shipped_park("kalundborg"))
    savings = model.views(park, park.baseline_active).baseline_savings
    assert {r.kpi for r in park.reported} == {"freshwater_m3", "co2_t"}
    for reported in park.reported:
        modelled = getattr(savings, reported.kpi)
        assert abs(modelled - reported.value) <= 0.25 * abs(reported.value), reported.kpi
    # the same comparison as the sources view, the report and the CLI show it
    compared = {r.reported.kpi: r for r in model.reported_savings(model.views(park))}
    assert compared["co2_t"].modelled == pytest.approx(savings.co2_t)
    assert compared["co2_t"].relative == pytest.approx((savings.co2_t - 275_000) / 275_000)


def test_kalundborg_has_existing_links_and_later_candidates():
    park = model.load_park(shipped_park("kalundborg"))
    statuses = [e.status for e in park.exchanges]
    assert statuses.count(model.Status.EXISTING) >= 10 and statuses.count(model.Status.CANDIDATE) >= 4
    assert park.year == 2008


def test_the_model_imports_no_dash_plotly_or_pandas():
    code = ("import sys; import dashboard.model, dashboard.model.generate, dashboard.model.writing; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dash', 'plotly', 'pandas', "
            "'dash_bootstrap_components'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
