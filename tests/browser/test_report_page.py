"""The HTML report in a real browser: readable contrast, and the network's labels inside
its figure. (Here, not in tests/test_reports.py, so it shares the session's browser:
Playwright's sync API cannot start twice in one thread.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard import model, reports
from dashboard.paths import shipped_park

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", ["kalundborg", "ulsan"])
def test_report_passes_axe_contrast_and_keeps_network_labels_in_the_figure(page_factory, axe_source, tmp_path, name):
    park = model.load_park(shipped_park(name))
    candidates = [e.id for e in park.exchanges if e.status is model.Status.CANDIDATE]
    existing = [e.id for e in park.exchanges if e.status is model.Status.EXISTING]
    active = model.scenario_active(park, on=candidates[:2], off=existing[-1:])  # rows of every kind
    page_file = reports.write_report(park, active, tmp_path / "report.html", generated_at=WHEN)
    page = page_factory(1280, 900)
    page.goto(page_file.as_uri())
    page.wait_for_selector("#plot-0 .main-svg")
    page.wait_for_timeout(300)
    page.add_script_tag(content=axe_source)
    found = page.evaluate("""async () => (await axe.run(document, {runOnly: ['color-contrast']}))
        .violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary))""")
    outside = page.evaluate("""() => {
        const svg = document.querySelector('#plot-0 .main-svg').getBoundingClientRect();
        return [...document.querySelectorAll('#plot-0 .scatterlayer text')]
          .map(t => [t.textContent, t.getBoundingClientRect()])
          .filter(([, b]) => b.width > 0 && (b.left < svg.left || b.right > svg.right
                                             || b.top < svg.top || b.bottom > svg.bottom))
          .map(([text]) => text); }""")
    clipped = page.evaluate("""() => [...document.querySelectorAll('#plot-0 .scatterlayer .trace')]
        .filter(t => t.querySelector('.textpoint') && t.closest('[clip-path]')).length""")
    assert found == []
    assert outside == []  # every firm label is inside the figure...
    assert clipped == 0  # ...and not cut at the edge of the plot area either
