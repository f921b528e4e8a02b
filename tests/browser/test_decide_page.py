"""The Decide page in a real browser: the MACC and the Pareto front are drawn, a click on a
bar or a point applies its portfolio, and the optimiser's answer is what the cards show
after Apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.app import ids
from tests.browser.conftest import cli_kpis, dom_id, kpi_values

BOTH_BIOGAS = "?on=biogas_novozymes_bioenergi,biogas_reactor_wastewater"


def wait_for_decide(page) -> None:
    page.wait_for_selector(f"#{ids.KPI_CARD['co2_t']} .kpi-value", timeout=90_000)
    page.wait_for_selector(f"#{ids.DECIDE_MACC} .bars path", timeout=90_000)
    page.wait_for_selector(f"#{ids.DECIDE_FRONT} .scatterlayer .point", timeout=90_000)


def mark_position(page, graph_id: str, index: int, middle: bool) -> tuple[float, float]:
    """Page coordinates of the bar (at half its height) or point whose customdata starts with index."""
    return page.evaluate("""([graphId, index, middle]) => {
        const gd = document.querySelector('#' + graphId + ' .js-plotly-plot');
        for (const trace of gd.data) {
            const i = (trace.customdata || []).findIndex(c => c && c[0] === index);
            if (i >= 0) {
                const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
                const y = middle ? trace.y[i] / 2 : trace.y[i];
                return [box.left + xa._offset + xa.l2p(trace.x[i]), box.top + ya._offset + ya.l2p(y)];
            }
        }
        return null;
    }""", [graph_id, index, middle])


def click_mark(page, graph_id: str, index: int, middle: bool = False) -> None:
    page.locator(f"#{graph_id}").scroll_into_view_if_needed()
    x, y = mark_position(page, graph_id, index, middle)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_timeout(250)
    page.mouse.click(x, y)


def wait_for_url(page, ending: str) -> None:
    page.wait_for_function("ending => window.location.search === ending", arg=ending, timeout=10_000)


def wait_for_cards(page, expected: dict[str, float]) -> None:
    for _ in range(100):
        try:
            if kpi_values(page) == pytest.approx(expected, rel=1e-12):
                return
        except (TypeError, ValueError):
            pass
        page.wait_for_timeout(100)
    assert kpi_values(page) == pytest.approx(expected, rel=1e-12)


def test_decide_draws_the_macc_and_the_front(server, page):
    page.goto(server.url + "/decide")
    wait_for_decide(page)
    assert page.locator(f"#{ids.DECIDE_MACC} .bars path").count() == 2    # Kalundborg: two biogas links cut CO2e
    assert "carbon price DKK 150/t" in page.inner_text(f"#{ids.DECIDE_MACC}")
    assert "Proven" in page.inner_text(f"#{ids.DECIDE_FRONT_NOTE}")
    assert "no price works for both" in page.inner_text(f"#{ids.DECIDE_DEALS}").lower()


def test_clicking_a_bar_applies_it_and_every_cheaper_one(server, page):
    page.goto(server.url + "/decide")
    wait_for_decide(page)
    click_mark(page, ids.DECIDE_MACC, 1, middle=True)
    wait_for_url(page, BOTH_BIOGAS)
    wait_for_cards(page, cli_kpis("--on", "biogas_novozymes_bioenergi,biogas_reactor_wastewater"))
    click_mark(page, ids.DECIDE_MACC, 0, middle=True)           # the cheapest alone
    wait_for_url(page, "?on=biogas_novozymes_bioenergi")
    wait_for_cards(page, cli_kpis("--on", "biogas_novozymes_bioenergi"))


def test_clicking_a_front_point_applies_its_portfolio(server, page):
    page.goto(server.url + "/decide")
    wait_for_decide(page)
    page.select_option(f"#{ids.DECIDE_FRONT_Y}", "freshwater_m3")   # cost against freshwater: two points
    page.select_option(f"#{ids.DECIDE_FRONT_X}", "cost")
    page.wait_for_function(f"() => document.querySelectorAll('#{ids.DECIDE_FRONT} .scatterlayer .point').length > 2",
                           timeout=30_000)
    queries = page.evaluate("""() => {
        const gd = document.querySelector('#decide-front .js-plotly-plot');
        return gd.data[0].customdata.map(c => c[1]);
    }""")
    assert queries[1] == "biogas_novozymes_bioenergi, tisso2_novozymes, biogas_reactor_wastewater, illustrative_effluent_statoil"
    click_mark(page, ids.DECIDE_FRONT, 1)
    page.wait_for_function("() => window.location.search !== ''", timeout=10_000)
    on = page.evaluate("() => new URLSearchParams(window.location.search).get('on')")
    # the URL lists the links in the park's order
    assert set(on.split(",")) == set(queries[1].split(", "))
    wait_for_cards(page, cli_kpis("--on", on))
    # the front is drawn again with the star (the scenario shown) on that point
    page.wait_for_function("() => { const d = document.querySelector('#decide-front .js-plotly-plot').data;"
                           " return Math.abs(d[1].x[0] - d[0].x[1]) < 1e-6 * Math.abs(d[0].x[1]); }",
                           timeout=30_000)


def test_optimiser_answer_equals_the_cards_after_apply(server, page):
    page.goto(server.url + "/decide")
    wait_for_decide(page)
    page.select_option(f"#{ids.DECIDE_OBJECTIVE}", "freshwater_m3")
    page.fill(f"#{ids.DECIDE_BUDGET}", "150000000")
    page.click(f"#{ids.DECIDE_RUN}")
    page.wait_for_selector(f"#{ids.DECIDE_ANSWER} [data-feasible=true]", timeout=30_000)
    assert "proven optimal" in page.inner_text(f"#{ids.DECIDE_ANSWER}")
    answer = {name: float(value) for name, value in page.evaluate("""() => Array.from(
        document.querySelectorAll('#decide-answer [data-kpi]')).map(e => [e.dataset.kpi, e.dataset.value])""")}
    page.click(f"#{ids.DECIDE_APPLY}")
    page.wait_for_function("() => window.location.search.includes('on=')", timeout=10_000)
    wait_for_cards(page, answer)
    assert answer == pytest.approx(cli_kpis("--on", page.evaluate(
        "() => new URLSearchParams(window.location.search).get('on')")), rel=1e-12)


def test_exchange_list_shows_and_sorts_by_payback(server, page):
    page.goto(server.url + "/?on=biogas_reactor_wastewater")
    page.wait_for_selector("#exchange-table tr[data-exchange=biogas_reactor_wastewater]", timeout=30_000)
    row = page.locator("#exchange-table tr[data-exchange=biogas_reactor_wastewater]")
    assert "3.5 years" in row.inner_text() and "\u2713 223,451,778" in row.inner_text()
    heading = page.locator(f"[id='{dom_id({'type': ids.SORT_HEADING, 'index': 'payback'})}']")
    button = page.locator(f"[id='{dom_id({'type': ids.SORT_BUTTON, 'index': 'payback'})}']")
    button.click()       # a number: largest first, "never" on top
    expect(heading).to_have_attribute("aria-sort", "descending", timeout=30_000)
    expect(page.locator("#exchange-table tbody tr").first).to_contain_text("never", timeout=30_000)
    button.click()
    expect(heading).to_have_attribute("aria-sort", "ascending", timeout=30_000)
    expect(page.locator("#exchange-table tbody tr").first).to_contain_text("at once", timeout=30_000)
