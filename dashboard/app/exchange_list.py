"""The exchange list, filtered, sorted and paged on the server: only the page shown
travels to the browser (a 5,000-exchange park sends 25 rows, not 5,000), and only that
page's marginal effects are computed unless the list is sorted by one of them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dashboard import model
from dashboard.model.worth import on_minus_off, worth_of

PAGE_SIZE = 25
CATEGORIES = ("all", "water", "energy", "material")
STATUSES = ("all", "existing", "candidate")
TEXT_COLUMNS = ("name", "from", "resource", "bound")
"""Sorted A to Z first; the others (quantities and changes) largest first."""
VALUE_COLUMNS = ("payback", "npv", "abatement")
"""What an exchange is worth (model.Worth): payback years, NPV, cost per t CO2e cut."""
SORTABLE = (*TEXT_COLUMNS, "carried", *model.KPI_NAMES, *VALUE_COLUMNS)


@dataclass(frozen=True)
class ListQuery:
    """What the list's controls ask for: filters, a sort column (one of ``SORTABLE``, ""
    for the park's order) and direction, and a page (from 0; kept within the pages)."""

    category: str = "all"
    status: str = "all"
    text: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 0


@dataclass(frozen=True)
class Entry:
    """What the list filters and sorts an exchange by that depends on the park alone."""

    id: str
    category: str
    status: str
    unit: str
    haystack: str  # id, name, firms and resource, lower case: what the search box looks in
    name: str      # sort keys, lower case
    firms: str
    resource: str


def entries(park: model.Park) -> tuple[Entry, ...]:
    """One Entry per exchange of ``park``, in its order (cache it per park)."""
    found = []
    for exchange in park.exchanges:
        resource = park.resource[exchange.resource]
        giver, taker = park.firm[exchange.from_firm].name, park.firm[exchange.to_firm].name
        found.append(Entry(
            id=exchange.id, category=resource.category.value, status=exchange.status.value, unit=resource.unit,
            haystack=" ".join((exchange.id, exchange.name, giver, taker, resource.name)).lower(),
            name=exchange.name.lower(), firms=f"{giver}\u0000{taker}".lower(), resource=resource.name.lower()))
    return tuple(found)


@dataclass(frozen=True)
class ListPage:
    """The exchange ids on the page shown (in order), how many exchanges match the filters
    out of how many in the view, and the page (from 0) of how many."""

    ids: tuple[str, ...]
    matched: int
    total: int
    page: int
    pages: int


def list_page(evaluation: model.Evaluation, park_entries: Sequence[Entry], query: ListQuery,
              marginal: Callable[[], Mapping[str, model.Kpis]], size: int = PAGE_SIZE) -> ListPage:
    """The page of the scenario view's exchanges that ``query`` asks for. ``park_entries``
    are the whole park's (those of firms that left the view are skipped); ``marginal()``
    gives every exchange's marginal effect and is called only to sort by one."""
    present = evaluation.park.exchange
    shown = [e for e in park_entries if e.id in present]
    total = len(shown)
    needle = query.text.strip().lower()
    shown = [e for e in shown
             if query.category in ("all", e.category) and query.status in ("all", e.status)
             and (not needle or needle in e.haystack)]
    if query.sort in SORTABLE:
        shown = _sorted(shown, evaluation, query, marginal)
    pages = max(1, -(-len(shown) // size))
    page = min(max(query.page, 0), pages - 1)
    return ListPage(tuple(e.id for e in shown[page * size:(page + 1) * size]), len(shown), total, page, pages)


def _sorted(shown: list[Entry], evaluation: model.Evaluation, query: ListQuery,
            marginal: Callable[[], Mapping[str, model.Kpis]]) -> list[Entry]:
    column, descending = query.sort, query.descending
    if column == "carried":
        # quantities compare only within a unit: units A to Z, then each one's largest first
        # (or smallest); ties keep the park's order
        sign = -1.0 if descending else 1.0
        carried, position = evaluation.run.carried, evaluation.plan.position_of
        return sorted(shown, key=lambda e: (e.unit, sign * carried[position[e.id]]))
    if column in model.KPI_NAMES:
        # what each exchange saves, on rather than off (model.ExchangeRow.saving): its KPI
        # with it off minus with it on
        deltas = on_minus_off(evaluation, marginal())
        key: Callable[[Entry], object] = lambda e: -deltas[e.id][column]  # noqa: E731
    elif column in VALUE_COLUMNS:
        # a payback that never comes and the cost per t of a link that cuts no CO2e sort
        # after every real figure
        deltas = on_minus_off(evaluation, marginal())
        park = evaluation.park
        worth = {e.id: worth_of(park, park.exchange[e.id], deltas[e.id]) for e in shown}
        figure = {"payback": lambda w: w.payback_years, "npv": lambda w: w.npv,
                  "abatement": lambda w: w.abatement_cost}[column]
        key = lambda e: math.inf if figure(worth[e.id]) is None else figure(worth[e.id])  # noqa: E731
    elif column == "bound":
        # what the column shows: what each could carry and why
        words = {e.id: model.carry_words(evaluation.park, evaluation.flow(e.id)).lower() for e in shown}
        key = lambda e: words[e.id]  # noqa: E731
    else:
        attribute = {"name": "name", "from": "firms", "resource": "resource"}[column]
        key = lambda e: getattr(e, attribute)  # noqa: E731
    return sorted(shown, key=key, reverse=descending)  # stable: ties keep the park's order


def first_direction(column: str) -> bool:
    """Whether a first click on ``column`` sorts it descending: text A to Z, numbers largest first."""
    return column not in TEXT_COLUMNS
