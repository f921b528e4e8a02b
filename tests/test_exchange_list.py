"""The exchange list is filtered, sorted and paged on the server (app/exchange_list.py):
what each control gives, on a small park whose flows are read off its CSV."""

from __future__ import annotations

import pytest

from dashboard import model
from dashboard.app.callbacks import next_sort, sankey_tab
from dashboard.app.exchange_list import ListQuery, entries, list_page
from tests.helpers import load

IDS = ["a", "b", "c", "b c", "café", "✓", "x&y=(1)!"]


@pytest.fixture(scope="module")
def park(tmp_path_factory) -> model.Park:
    """f0 gives fly ash (1,000 t a year, plenty) to f1..f7, whose demands are 10, 20, ..., 70 t:
    switched on, exchange n carries 10 n t. Only 'a' exists; the rest are candidates."""
    firms = "id,name\n" + "".join(f"f{n},Firm {n}\n" for n in range(8))
    streams = "firm,kind,resource,quantity,fate\nf0,supply,fly_ash,1000,landfill\n" + "".join(
        f"f{n},demand,fly_ash,{10 * n},\n" for n in range(1, 8))
    exchanges = "id,from_firm,resource,to_firm,status\n" + "".join(
        f"\"{i}\",f0,fly_ash,f{n},{'existing' if n == 1 else 'candidate'}\n" for n, i in enumerate(IDS, start=1))
    return load(tmp_path_factory.mktemp("list"), firms=firms, streams=streams, exchanges=exchanges)


FIRST = ListQuery()


def page(park, query=FIRST, active=None, without=(), size=3, marginal=None):
    scenario = model.Scenario.of(park, park.baseline_active if active is None else active, without)
    evaluation = model.scenario_evaluation(park, scenario)
    return list_page(evaluation, entries(park), query, marginal or (lambda: pytest.fail("not asked for")), size)


def test_pages_of_three(park):
    first = page(park)
    assert (first.ids, first.matched, first.total, first.page, first.pages) == (("a", "b", "c"), 7, 7, 0, 3)
    assert page(park, ListQuery(page=2)).ids == ("x&y=(1)!",)  # 7 = 3 + 3 + 1
    assert page(park, ListQuery(page=9)).page == 2 and page(park, ListQuery(page=-1)).page == 0


def test_filters(park):
    assert page(park, ListQuery(status="candidate"), size=25).ids == tuple(IDS[1:])
    assert page(park, ListQuery(status="existing")).ids == ("a",)
    assert page(park, ListQuery(category="water")).matched == 0  # fly ash is a material
    assert page(park, ListQuery(text="  CAF ")).ids == ("café",)  # trimmed, any case
    assert page(park, ListQuery(text="firm 3")).ids == ("c",)  # the receiving firm's name
    shown = page(park, ListQuery(status="candidate", text="b"))
    assert (shown.ids, shown.matched, shown.total) == (("b", "b c"), 2, 7)


def test_sorts(park):
    everything = frozenset(IDS)
    # carried, all on: 10 n t for the nth exchange, largest first
    assert page(park, ListQuery(sort="carried", descending=True), active=everything, size=25).ids == tuple(reversed(IDS))
    # names (the ids here), A to Z by code point: ✓ (U+2713) after x
    assert page(park, ListQuery(sort="name"), size=25).ids == ("a", "b", "b c", "c", "café", "x&y=(1)!", "✓")
    # baseline: only a carries; the others are off, ties keep the park's order
    assert page(park, ListQuery(sort="carried", descending=True), size=25).ids == tuple(IDS)


def test_marginal_effects_are_computed_only_to_sort_by_one(park):
    asked = []

    def every():
        asked.append(1)
        return model.marginal_effects(park)
    # what each saves on landfill, on rather than off: its demand met, 10 n t (the existing
    # 'a' too: switching it off would send its 10 t back to landfill); largest first
    shown = page(park, ListQuery(sort="landfill_t", descending=True), size=25, marginal=every)
    assert shown.ids == tuple(reversed(IDS)) and asked == [1]


def test_a_firm_that_leaves_takes_its_exchanges_off_the_list(park):
    shown = page(park, without=("f3",), size=25)
    assert "c" not in shown.ids and (shown.matched, shown.total) == (6, 6)


def test_headings_sort_text_a_to_z_and_numbers_largest_first_then_turn():
    assert next_sort({}, "name") == {"column": "name", "descending": False}
    assert next_sort({}, "carried") == {"column": "carried", "descending": True}
    assert next_sort({"column": "carried", "descending": True}, "carried") == {"column": "carried", "descending": False}


def test_sankey_tab_and_fragment_follow_each_other():
    keys = ["water:m3", "energy:MWh"]
    assert sankey_tab(keys, None, "", clicked=False) == ("water:m3", None)  # a new park's tabs: the first
    assert sankey_tab(keys, None, "#sankey=energy:MWh", clicked=False) == ("energy:MWh", None)  # a link
    assert sankey_tab(keys, "energy:MWh", "", clicked=True) == (None, "#sankey=energy:MWh")  # a click
    assert sankey_tab(keys, "water:m3", "", clicked=True) == (None, None)  # first view: no entry added
    assert sankey_tab(keys, "water:m3", "#sankey=energy:MWh", clicked=True) == (None, "#sankey=water:m3")
    assert sankey_tab(keys, "energy:MWh", "", clicked=False) == ("water:m3", None)  # Back to no fragment
    assert sankey_tab(keys, "water:m3", "#sankey=nope", clicked=False) == (None, None)
    assert sankey_tab([], None, "#sankey=energy:MWh", clicked=False) == (None, None)
