"""Pure functions from model results to Dash components (no callbacks here)."""

from __future__ import annotations

from dash import html

from dashboard import model
from dashboard.figures.palette import CATEGORY_COLOURS, CATEGORY_LABELS
from dashboard.formatting import KPI_LABELS, full, kpi_unit, payback, percent, reported_measure, si, web_url

from . import ids, markup
from .exchange_list import VALUE_COLUMNS
from .ids import MainIds
from .value import deal_bar, deal_summary, worth_lines

ARROW_DOWN, ARROW_UP = "\u25bc", "\u25b2"


def change_node(delta: float, unit: str, relative: float | None, scale: float) -> list:
    """``▼ −1.2 kt CO2e (−3.4 %)``: arrow, sign, absolute and relative; lower is better
    (a ``markup`` node)."""
    kind = model.direction(delta, scale).value
    if kind == "same":
        return markup.node("span", {"className": "change same"}, "= no change")
    arrow = ARROW_DOWN if kind == "good" else ARROW_UP
    sign = "\u2212" if delta < 0 else "+"
    words = "better" if kind == "good" else "worse"
    return markup.node("span", {"className": f"change {kind}"}, markup.node("span", {"aria-hidden": "true"}, arrow),
                       f" {sign}{si(abs(delta), unit)} ({percent(relative)})",
                       markup.node("span", {"className": "visually-hidden"}, f" ({words})"))


def change_text(delta: float, unit: str, relative: float | None, scale: float) -> html.Span:
    """``change_node`` as an ``html.Span``, for tables drawn as Dash components."""
    return markup.to_dash(change_node(delta, unit, relative, scale))


BREAKDOWN_TERMS = 6
"""Terms a card's "What makes this up" lists; the rest are counted."""


def kpi_card(kpi: str, views: model.Views, currency: str, contributions: list[model.Contribution],
             term_count: int) -> list:
    """One KPI card (a ``markup`` node): scenario value, change against baseline and
    against no symbiosis, and the largest terms that make up the value. Built as plain
    data: a toggle redraws the four cards, and as Dash components they were a fifth of
    its server time."""
    node = markup.node
    unit = kpi_unit(kpi, currency)
    scenario = getattr(views.scenario.totals, kpi)
    baseline = getattr(views.baseline.totals, kpi)
    none = getattr(views.no_symbiosis.totals, kpi)
    vs_base = views.vs_baseline
    saved = getattr(views.scenario_savings, kpi)
    if model.direction(saved, none) is model.Direction.SAME:
        reference = "same as with no symbiosis"
    elif saved > 0:
        reference = f"symbiosis saves {si(saved, unit)} a year"
    else:
        reference = f"symbiosis adds {si(-saved, unit)} a year"
    # six terms, or all seven: "and 1 smaller term" would hide one that fits in its line
    shown = contributions[:BREAKDOWN_TERMS + 1] if term_count == BREAKDOWN_TERMS + 1 else contributions[:BREAKDOWN_TERMS]
    rest = term_count - len(shown)
    breakdown = node(
        "details", {"className": "kpi-breakdown"},
        node("summary", {"className": "small"}, "What makes this up"),
        node("ul", {"className": "small mb-1 ps-3"}, *(
            node("li", None, f"{c.label}: ", node("strong", None, si(c.value, unit)),
                 node("span", {"className": "text-muted"}, f" [{c.source}]") if c.source else None)
            for c in shown)),
        node("div", {"className": "small text-muted"},
             f"and {rest:,} smaller term{'s' if rest != 1 else ''}" if rest > 0 else ""))
    return node("div", {"id": ids.KPI_CARD[kpi], "className": "card kpi-card h-100"}, node(
        "div", {"className": "card-body"},
        node("div", {"className": "kpi-title"}, KPI_LABELS[kpi], node("span", {"className": "text-muted small"}, " a year")),
        node("div", {"className": "kpi-value", "title": f"{full(scenario, 2)} {unit} a year",
                     "data-value": repr(float(scenario))}, si(scenario, unit)),
        node("div", {"className": "kpi-delta", "data-delta": repr(float(scenario - baseline))},
             change_node(vs_base.absolute.as_dict()[kpi], unit, vs_base.relative[kpi], baseline),
             node("span", {"className": "text-muted"}, " vs baseline")),
        node("div", {"className": "kpi-reference text-muted"}, reference),
        breakdown))


def kpi_strip(views: model.Views, currency: str) -> list[list]:
    """The four KPI cards, each in a column of Bootstrap's grid (``markup`` nodes; the
    dashboard draws them as one ``markup.Markup``, see ``kpi_strip_markup``)."""
    return [markup.node("div", {"className": "col-6 col-lg-3 mb-3"},
                        kpi_card(kpi, views, currency, model.contributions(views.scenario, kpi, limit=BREAKDOWN_TERMS + 1),
                                 model.term_count(views.scenario, kpi)))
            for kpi in model.KPI_NAMES]


KPI_STRIP_CLASS = "row kpi-strip"


def kpi_strip_markup(views: model.Views, currency: str) -> list:
    """The KPI cards as one ``markup`` tree (a toggle redraws them all)."""
    return markup.node("div", {"className": KPI_STRIP_CLASS}, *kpi_strip(views, currency))


def switch_note(park: model.Park, before: frozenset[str], after: frozenset[str], most: int = 2) -> str:
    """The change just made, by name: ``Switched on: Tissø II``, ``Switched off: Asnæs
    district heat to the town``, ``Switched on: A, B and 3 more; switched off: C``;
    "" when nothing was switched."""
    parts = []
    for words, changed in (("switched on", after - before), ("switched off", before - after)):
        names = [e.name for e in park.exchanges if e.id in changed]  # in the park's order
        if names:
            more = f" and {len(names) - most} more" if len(names) > most else ""
            parts.append(f"{words}: {', '.join(names[:most])}{more}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


# -- exchange table ------------------------------------------------------------------

def exchange_table_head() -> html.Thead:
    """The exchange list's headings: a sort button each (``{"type": SORT_BUTTON, "index":
    column}``) in a heading whose aria-sort says the order (``{"type": SORT_HEADING, ...}``).
    Drawn once; the list's callback sets their labels (units) and aria-sort."""
    return html.Thead(html.Tr([html.Th("On", scope="col")] + [
        html.Th(html.Button(label, id={"type": MainIds.SORT_BUTTON, "index": column}, type="button",
                            className="btn btn-link btn-sm p-0 sort-button", title=f"Sort by {label.lower()}"),
                id={"type": MainIds.SORT_HEADING, "index": column}, scope="col", **{"aria-sort": "none"})
        for column, label in SORT_COLUMNS.items()]))


def sort_state(currency: str, sort: dict | None) -> tuple[list[str], list[str]]:
    """Each heading's label (with its unit; an arrow on the sorted one) and aria-sort, in
    ``SORT_COLUMNS`` order."""
    sort = sort or {}
    labels, orders = [], []
    for column, label in table_headings(currency).items():
        here = sort.get("column") == column
        descending = bool(sort.get("descending"))
        labels.append(label + ((" \u25be" if descending else " \u25b4") if here else ""))
        orders.append(("descending" if descending else "ascending") if here else "none")
    return labels, orders


def _firm_button(firm_id: str, name: str) -> list:
    return markup.firm_button(firm_id, name, "btn btn-link btn-sm p-0 align-baseline firm-link")


def exchange_row(row: model.ExchangeRow, currency: str) -> list:
    """One exchange of the list, a ``tr`` node of ``markup.Markup`` (the list's page is
    drawn as one component): a real checkbox named by the exchange's id and name (its DOM
    id is ``ids.dom_id`` of ``{"type": EXCHANGE_TOGGLE, "index": id}``), and its firms as
    buttons that open their panels. The name and resource cells are two lines of text
    (assets/app.css styles the second), and the arrows of the change cells and the
    category's dot are drawn by the stylesheet, unread by screen readers (the numbers and
    words say it)."""
    flow, exchange = row.flow, row.exchange
    candidate = exchange.status is model.Status.CANDIDATE
    category = row.category.value
    td = markup.node
    changes = []
    saving = row.saving
    for kpi in model.KPI_NAMES:
        # what the exchange saves (positive) or costs (negative), on or off: the sign
        # means the same before and after it is switched (model.ExchangeRow.saving)
        value = saving[kpi] if saving is not None else 0.0
        kind = model.direction(-value, value).value
        text = "0" if kind == "same" else ("+" if value > 0 else "\u2212") + full(abs(value))
        changes.append(td("td", {"className": f"num change {kind}",
                                 "title": saving_words(value, kpi_unit(kpi, currency), flow.active, kind)}, text))
    if row.value is not None:  # what the link is worth: payback, NPV, cost per t CO2e
        worth = value_cells(row.value, currency)
        changes += [td("td", {"className": f"num {worth[f'{column}_class']}".strip(),
                              "title": worth[f"{column}_title"]}, worth[f"{column}_text"]) for column in VALUE_COLUMNS]
    toggle = ids.dom_id({"type": MainIds.EXCHANGE_TOGGLE, "index": exchange.id})
    cells = [
        td("td", {}, markup.checkbox(toggle, exchange.id, bool(flow.active), f"Switch {exchange.id}: {exchange.name}",
                                     "toggle-input")),
        td("td", {"className": "wrap two-lines"}, f"{exchange.name}\n{exchange.status.value} \u00b7 {exchange.id}"
           + (f" \u00b7 data: {exchange.quality.value}" if exchange.quality else "")),
        td("td", {"className": "wrap"}, _firm_button(exchange.from_firm, row.from_name), " \u2192 ",
           _firm_button(exchange.to_firm, row.to_name)),
        td("td", {"className": "two-lines resource", "style": {"--dot": CATEGORY_COLOURS[category]}},
           f"{row.resource_name}\n{CATEGORY_LABELS[category]}"),
        td("td", {"className": "num"}, f"{full(flow.carried)} {flow.unit}" if flow.active else "off"),
        td("td", {"className": "bound"}, row.carry_words),
        *changes,
    ]
    return td("tr", {"className": "candidate-row" if candidate else "", "data-exchange": exchange.id}, *cells)


def saving_words(value: float, unit: str, active: bool, kind: str) -> str:
    """A saving cell's explanation: ``saves 600,000 m3 a year; switching it off would
    lose that`` (on), ``would save 9,259 t CO2e a year if switched on`` (off)."""
    if kind == "same":
        return "no effect on this figure"
    amount = f"{full(abs(value))} {unit} a year"
    if active:
        return (f"saves {amount}; switching it off would lose that" if value > 0 else
                f"costs {amount}; switching it off would save that")
    return f"would save {amount} if switched on" if value > 0 else f"would cost {amount} if switched on"


SORT_COLUMNS: dict[str, str] = {
    "name": "Exchange", "from": "From \u2192 to", "resource": "Resource", "carried": "Carried a year",
    "bound": "Could carry, and why", "freshwater_m3": "Saves: freshwater", "co2_t": "Saves: CO2e",
    "landfill_t": "Saves: landfill", "cost": "Saves: cost",
    "payback": "Payback", "npv": "NPV", "abatement": "Per t CO2e",
}
"""Sortable columns of the exchange list and their headings. A "Saves" column is what
the exchange saves a year with it on rather than off (negative: what it costs): for an
exchange that is on, what switching it off would lose; for one that is off, what
switching it on would save."""

_DELTA_UNITS = {"freshwater_m3": "m3", "co2_t": "t", "landfill_t": "t"}


NEVER = 1e300
"""Sort value of a payback that never comes or an abatement cost of a link that cuts no
CO2e: after every real figure (JSON has no infinity)."""


def value_cells(value, currency: str) -> dict:
    """The list's value columns of one exchange (model.Worth): sort values, texts, classes."""
    pays = value.pays_for_itself
    return {
        "payback": NEVER if value.payback_years is None else value.payback_years,
        "payback_text": payback(value.payback_years),
        "payback_class": "never" if value.payback_years is None else "",
        "payback_title": f"capex over the {currency} {full(value.operating_saving)} a year it saves"
                         if value.payback_years is not None else "its saving never repays the investment",
        "npv": value.npv,
        "npv_text": ("\u2713 " if pays else "") + full(value.npv),
        "npv_class": "pays" if pays else "",
        "npv_title": f"{currency} {full(value.npv)} over its life"
                     + ("; it pays for itself (positive net present value)" if pays else ""),
        "abatement": NEVER if value.abatement_cost is None else value.abatement_cost,
        "abatement_text": "\u2013" if value.abatement_cost is None else full(value.abatement_cost, 0),
        "abatement_class": "never" if value.abatement_cost is None else "",
        "abatement_title": "cuts no CO2e" if value.abatement_cost is None else
        f"{currency} per t CO2e it cuts (negative: it also saves money)",
    }


def table_headings(currency: str) -> dict[str, str]:
    """The exchange list's headings, with the unit of each change column."""
    units = dict(_DELTA_UNITS, cost=currency, npv=currency, abatement=f"{currency}/t")
    return {column: f"{label} ({units[column]})" if column in units else label
            for column, label in SORT_COLUMNS.items()}


# -- firm panel -----------------------------------------------------------------------

def firm_panel(park: model.Park, firm_id: str, views: model.Views, values: dict | None = None,
               fair: dict | None = None) -> list:
    """A firm's KPIs baseline vs scenario, its streams and its exchanges: who gains, who pays.
    With ``values`` (exchange id -> Worth) and ``fair`` (candidate id -> Deal), each
    exchange also shows what it is worth and the price range both firms can accept."""
    firm = park.firm[firm_id]
    if firm_id not in views.scenario.park.firm:
        return [html.P(firm.sector or "No sector given", className="text-muted"),
                html.P(f"{firm.name} leaves the park in this scenario: its streams and every exchange to or "
                       "from it are gone from the scenario's figures.", className="firm-left")]
    base, scen = views.baseline.firm_kpis[firm_id], views.scenario.firm_kpis[firm_id]
    kpi_rows = []
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        before, after = getattr(base, kpi), getattr(scen, kpi)
        kpi_rows.append(html.Tr([html.Th(KPI_LABELS[kpi], scope="row"), html.Td(f"{full(before)} {unit}", className="num"),
                                 html.Td(f"{full(after)} {unit}", className="num"),
                                 html.Td(change_text(after - before, unit, model.relative_change(after, before), before))]))
    streams = []
    for stream in park.streams:
        if stream.firm != firm_id:
            continue
        resource = park.resource[stream.resource]
        flow = views.scenario.stream_flows[stream.key]
        rest = "bought new" if stream.kind is model.StreamKind.DEMAND else f"to {stream.fate.value}"
        streams.append(html.Tr([html.Td(stream.kind.value),
                                html.Td([resource.name, html.Div(f"data: {stream.quality.value}",
                                                                 className="small text-muted quality")
                                         if stream.quality else None]),
                                html.Td(f"{full(stream.quantity)} {resource.unit}", className="num"),
                                html.Td(f"{full(flow.exchanged)} {resource.unit}", className="num"),
                                html.Td([f"{full(flow.leftover)} {resource.unit}",
                                         html.Div(rest, className="small text-muted")], className="num")]))
    links = []
    for flow in views.scenario.flows:
        exchange = flow.exchange
        if firm_id not in (exchange.from_firm, exchange.to_firm):
            continue
        outgoing = exchange.from_firm == firm_id
        partner = park.firm[exchange.to_firm if outgoing else exchange.from_firm].name
        payer = "this firm" if exchange.payer_firm == firm_id else partner
        price = flow.transfer
        money = (f"receives {park.currency} {full(price)}" if outgoing else f"pays {park.currency} {full(price)}") \
            if price else "no transfer price"
        candidate = exchange.status is model.Status.CANDIDATE
        links.append(html.Tr([html.Td(("\u2192 to " if outgoing else "\u2190 from ") + partner),
                              html.Td([exchange.name, " ",
                                       html.Span(exchange.status.value, className="badge " + (
                                           "bg-warning text-dark" if candidate else "bg-secondary")),
                                       html.Div(exchange.id, className="small text-muted font-monospace"),
                                       html.Div(f"data: {exchange.quality.value}", className="small text-muted quality")
                                       if exchange.quality else None]),
                              html.Td(f"{full(flow.carried)} {flow.unit}" if flow.active else "off", className="num"),
                              html.Td(f"costs on {payer}; {money}")]))
        worth_here = (values or {}).get(exchange.id)
        deal = (fair or {}).get(exchange.id)
        if worth_here is not None or deal is not None:
            extra = worth_lines(park, worth_here) if worth_here is not None else []
            if deal is not None:
                extra += [html.Div("Fair transfer price", className="small fw-semibold mt-1"),
                          deal_bar(park, deal, flow.unit), *deal_summary(park, deal)]
            links.append(html.Tr(html.Td(extra, colSpan=4, className="small firm-link-value"),
                                 className="firm-link-value-row", **{"data-exchange": exchange.id}))
    return [
        html.P(firm.sector or "No sector given", className="text-muted"),
        html.H3("KPIs a year", className="h6"),
        html.Table([html.Thead(html.Tr([html.Th(""), html.Th("Baseline", className="num"),
                                        html.Th("Scenario", className="num"), html.Th("Change")])),
                    html.Tbody(kpi_rows)], className="table table-sm"),
        html.H3("Streams a year", className="h6"),
        html.Table([html.Thead(html.Tr([html.Th("Kind"), html.Th("Resource"), html.Th("Quantity", className="num"),
                                        html.Th("Exchanged", className="num"), html.Th("Rest", className="num")])),
                    html.Tbody(streams)], className="table table-sm") if streams else html.P("No streams."),
        html.H3("Exchanges a year", className="h6"),
        html.Table([html.Thead(html.Tr([html.Th("With"), html.Th("Exchange"), html.Th("Carried", className="num"),
                                        html.Th("Whose books")])),
                    html.Tbody(links)], className="table table-sm") if links else html.P("No exchanges."),
        html.P(["Source: ", source_reference(park, firm.source)], className="small text-muted") if firm.source else None,
    ]


def source_reference(park: model.Park, source_id: str):
    """A cited source as its citation (linked where it has a url), else its bare id."""
    source = park.source.get(source_id)
    if source is None:
        return html.Code(source_id)
    url = web_url(source.url)
    citation = html.A(source.citation, href=url, target="_blank", rel="noopener noreferrer") if url \
        else source.citation
    return html.Span([citation, " ", html.Code(source.id, className="small")])


def source_link(url: str | None):
    """A source's address: a link when it is a web page (http or https), else the text
    as it is, never a live link (see ``web_url``)."""
    if web_url(url):
        return html.A("link", href=web_url(url), target="_blank", rel="noopener noreferrer")
    return html.Span(url, className="small text-muted text-break") if url else None


# -- sources ----------------------------------------------------------------------------

def sources_view(park: model.Park, views: model.Views) -> list:
    """The park's description and sources, and its published savings beside the model's."""
    reported_rows = []
    for saving in model.reported_savings(views):
        item, modelled, difference = saving.reported, saving.modelled, saving.relative
        label, unit = reported_measure(item.kpi, saving.unit, park.currency)
        reported_rows.append(html.Tr([
            html.Th([label, html.Br(), html.Span(saving.boundary, className="small text-muted")], scope="row"),
            html.Td(f"{full(item.value)} {unit}", className="num"),
            html.Td(f"{full(modelled)} {unit}", className="num"),
            html.Td(percent(difference), className="num"),
            html.Td([str(item.year or ""), " ", html.Code(item.source)]),
            html.Td(item.note, className="small")]))
    source_items = [html.Li([html.Code(s.id), " ", s.citation, " ", source_link(s.url)]) for s in park.sources]
    return [
        html.P(park.description) if park.description else None,
        html.H3("Published figures and the model's", className="h6"),
        html.P("Each published figure is set beside the model's on the same boundary: what the existing "
               "exchanges it covers save (or deliver) each year, for the park or the one firm it names.",
               className="small text-muted"),
        html.Table([html.Thead(html.Tr([html.Th("Measure, boundary"), html.Th("Reported", className="num"),
                                        html.Th("Model", className="num"), html.Th("Model vs reported", className="num"),
                                        html.Th("Year, source"), html.Th("Note")])),
                    html.Tbody(reported_rows)], className="table table-sm") if reported_rows
        else html.P("This park lists no published savings."),
        html.H3("Sources", className="h6"),
        html.Ol(source_items) if source_items else html.P("This park lists no sources."),
    ]


def problems_alert(problems: list[model.Problem]) -> list:
    """A friendly error state for a link that does not fit: what was ignored, and that
    the rest of the link is shown."""
    return [html.Strong("Part of this link does not fit the park. "),
            "The rest of it is shown; nothing stored was changed. ",
            html.Ul([html.Li(str(p)) for p in problems[:10]], className="mb-0")]

