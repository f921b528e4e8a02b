"""Pure functions from model results to Dash components (no callbacks here)."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import html

from dashboard import model
from dashboard.figures.network import bound_text
from dashboard.figures.palette import CATEGORY_COLOURS, CATEGORY_LABELS
from dashboard.formatting import KPI_LABELS, full, kpi_unit, percent, si

from . import ids

ARROW_DOWN, ARROW_UP = "\u25bc", "\u25b2"


def change_class(delta: float, scale: float) -> str:
    """good (lower), bad (higher) or same, ignoring float noise relative to ``scale``."""
    if abs(delta) <= 1e-9 * max(1.0, abs(scale)):
        return "same"
    return "good" if delta < 0 else "bad"


def change_text(delta: float, unit: str, relative: float | None, scale: float) -> html.Span:
    """``▼ −1.2 kt CO2e (−3.4 %)``: arrow, sign, absolute and relative; lower is better."""
    kind = change_class(delta, scale)
    if kind == "same":
        return html.Span("= no change", className="change same")
    arrow = ARROW_DOWN if kind == "good" else ARROW_UP
    sign = "\u2212" if delta < 0 else "+"
    words = "better" if kind == "good" else "worse"
    return html.Span([html.Span(arrow, **{"aria-hidden": "true"}),
                      f" {sign}{si(abs(delta), unit)} ({percent(relative)})",
                      html.Span(f" ({words})", className="visually-hidden")],
                     className=f"change {kind}")


def kpi_card(kpi: str, views: model.Views, currency: str, contributions: list[model.Contribution],
             term_count: int) -> dbc.Card:
    """One KPI card: scenario value, change against baseline and against no symbiosis,
    and the largest terms that make up the value."""
    unit = kpi_unit(kpi, currency)
    scenario = getattr(views.scenario.totals, kpi)
    baseline = getattr(views.baseline.totals, kpi)
    none = getattr(views.no_symbiosis.totals, kpi)
    vs_base = views.vs_baseline
    saved = none - scenario
    if abs(saved) <= 1e-9 * max(1.0, abs(none)):
        reference = "same as with no symbiosis"
    elif saved > 0:
        reference = f"symbiosis saves {si(saved, unit)} a year"
    else:
        reference = f"symbiosis adds {si(-saved, unit)} a year"
    shown = contributions[:6]
    breakdown = html.Details([
        html.Summary("What makes this up", className="small"),
        html.Ul([html.Li([f"{c.label}: ", html.Strong(si(c.value, unit)),
                          html.Span(f" [{c.source}]", className="text-muted") if c.source else None])
                 for c in shown], className="small mb-1 ps-3"),
        html.Div(f"and {term_count - len(shown)} smaller terms" if term_count > len(shown) else "",
                 className="small text-muted"),
    ], className="kpi-breakdown")
    return dbc.Card(dbc.CardBody([
        html.Div([KPI_LABELS[kpi], html.Span(" a year", className="text-muted small")], className="kpi-title"),
        html.Div(si(scenario, unit), className="kpi-value", title=f"{full(scenario, 2)} {unit} a year",
                 **{"data-value": repr(float(scenario))}),
        html.Div([change_text(vs_base.absolute.as_dict()[kpi], unit, vs_base.relative[kpi], baseline),
                  html.Span(" vs baseline", className="text-muted")], className="kpi-delta",
                 **{"data-delta": repr(float(scenario - baseline))}),
        html.Div(reference, className="kpi-reference text-muted"),
        breakdown,
    ]), id=ids.KPI_CARD[kpi], className="kpi-card h-100")


def kpi_strip(views: model.Views, currency: str) -> list:
    return [dbc.Col(kpi_card(kpi, views, currency, model.contributions(views.scenario, kpi, limit=6),
                             model.term_count(views.scenario, kpi)),
                    xs=6, lg=3, className="mb-3") for kpi in model.KPI_NAMES]


def scenario_summary(park: model.Park, active: frozenset[str]) -> str:
    on, off = model.scenario_toggles(park, active)
    if not on and not off:
        return "Scenario: the baseline (existing exchanges on, candidates off)"
    parts = []
    if on:
        parts.append(f"{len(on)} candidate{'s' if len(on) != 1 else ''} switched on" if all(
            park.exchange[i].status is model.Status.CANDIDATE for i in on) else f"{len(on)} switched on")
    if off:
        parts.append(f"{len(off)} existing switched off")
    return "Scenario: baseline with " + " and ".join(parts)


# -- exchange table ------------------------------------------------------------------

SORT_COLUMNS: dict[str, str] = {
    "name": "Exchange", "from": "From \u2192 to", "resource": "Resource", "carried": "Carried a year",
    "bound": "Limited by", "freshwater_m3": "\u0394 freshwater", "co2_t": "\u0394 CO2e",
    "landfill_t": "\u0394 landfill", "cost": "\u0394 cost",
}

PAGE_SIZE = 25


def exchange_rows(park: model.Park, evaluation: model.Evaluation, marginal: dict[str, model.Kpis],
                  category: str, status: str, text: str, sort: dict) -> list[model.ExchangeFlow]:
    """The flows shown in the table after filtering and sorting."""
    needle = (text or "").strip().lower()
    rows = []
    for flow in evaluation.flows:
        exchange = flow.exchange
        if category and category != "all" and park.resource[exchange.resource].category.value != category:
            continue
        if status and status != "all" and exchange.status.value != status:
            continue
        if needle and needle not in " ".join((exchange.id, exchange.name, park.firm[exchange.from_firm].name,
                                              park.firm[exchange.to_firm].name, exchange.resource)).lower():
            continue
        rows.append(flow)
    column = (sort or {}).get("column") or ""
    descending = bool((sort or {}).get("descending"))
    keys = {
        "name": lambda f: f.exchange.name.lower(),
        "from": lambda f: (park.firm[f.exchange.from_firm].name.lower(), park.firm[f.exchange.to_firm].name.lower()),
        "resource": lambda f: f.exchange.resource,
        "carried": lambda f: f.carried,
        "bound": lambda f: f.bound.value,
    }
    if column in keys:
        rows.sort(key=keys[column], reverse=descending)
    elif column in model.KPI_NAMES:
        rows.sort(key=lambda f: getattr(marginal[f.id], column), reverse=descending)
    return rows


def sort_header(column: str, label: str, sort: dict) -> html.Th:
    current = (sort or {}).get("column") == column
    descending = bool((sort or {}).get("descending"))
    marker = (" \u25be" if descending else " \u25b4") if current else ""
    aria = ("descending" if descending else "ascending") if current else "none"
    return html.Th(html.Button(label + marker, id={"type": ids.SORT_HEADER, "column": column},
                               className="btn btn-link btn-sm p-0 sort-button", n_clicks=0,
                               title=f"Sort by {label.lower()}"),
                   scope="col", **{"aria-sort": aria})


def marginal_cell(value: float, unit: str) -> html.Td:
    kind = change_class(value, value)
    arrow = {"good": ARROW_DOWN + " ", "bad": ARROW_UP + " ", "same": ""}[kind]
    text = "0" if kind == "same" else ("+" if value > 0 else "\u2212") + full(abs(value))
    return html.Td([html.Span(arrow, **{"aria-hidden": "true"}), text], className=f"num change {kind}",
                   title=f"{value:+,.2f} {unit} a year if toggled")


def exchange_table(park: model.Park, rows: list[model.ExchangeFlow], marginal: dict[str, model.Kpis],
                   sort: dict) -> html.Table:
    """The exchange list: a real checkbox per exchange, labelled with its id and name."""
    header = html.Thead(html.Tr([html.Th("On", scope="col")] + [
        sort_header(column, label, sort) for column, label in SORT_COLUMNS.items()]))
    body = []
    for flow in rows:
        exchange = flow.exchange
        category = park.resource[exchange.resource].category.value
        candidate = exchange.status is model.Status.CANDIDATE
        toggle_id = {"type": ids.TOGGLE, "index": exchange.id}
        checkbox = dbc.Checkbox(id=toggle_id, value=flow.active, className="exchange-toggle",
                                label=html.Span(f"Switch {exchange.id}: {exchange.name}", className="visually-hidden"),
                                input_class_name="toggle-input")
        status_badge = dbc.Badge("candidate" if candidate else "existing",
                                 color="warning" if candidate else "secondary",
                                 text_color="dark" if candidate else None, className="ms-1")
        carried = [full(flow.carried), f" {flow.unit}"] if flow.active else [html.Span("off", className="text-muted")]
        body.append(html.Tr([
            html.Td(checkbox),
            html.Td([html.Span(exchange.name, className="fw-semibold"), status_badge,
                     html.Div(exchange.id, className="small text-muted font-monospace")], className="wrap"),
            html.Td([firm_button(park, exchange.from_firm, f"{exchange.id}:from"), " \u2192 ",
                     firm_button(park, exchange.to_firm, f"{exchange.id}:to")], className="wrap"),
            html.Td([html.Span("\u25cf ", style={"color": CATEGORY_COLOURS[category]}, **{"aria-hidden": "true"}),
                     park.resource[exchange.resource].name,
                     html.Div(CATEGORY_LABELS[category], className="small text-muted")]),
            html.Td(carried, className="num"),
            html.Td(bound_text(flow)),
            *[marginal_cell(getattr(marginal[exchange.id], kpi), kpi_unit(kpi, park.currency))
              for kpi in model.KPI_NAMES],
        ], className="candidate-row" if candidate else "", **{"data-exchange": exchange.id}))
    return html.Table([header, html.Tbody(body)], className="table table-sm table-hover align-middle exchange-table")


def firm_button(park: model.Park, firm_id: str, place: str) -> html.Button:
    """A button naming a firm that opens its panel; ``place`` keeps its id unique on the page."""
    return html.Button(park.firm[firm_id].name, id={"type": ids.FIRM_LINK, "index": place, "firm": firm_id},
                       className="btn btn-link btn-sm p-0 align-baseline firm-link", n_clicks=0,
                       title=f"Open {park.firm[firm_id].name}'s panel")


# -- firm panel -----------------------------------------------------------------------

def firm_panel(park: model.Park, firm_id: str, views: model.Views) -> list:
    """A firm's KPIs baseline vs scenario, its streams and its exchanges: who gains, who pays."""
    firm = park.firm[firm_id]
    base, scen = views.baseline.firm_kpis[firm_id], views.scenario.firm_kpis[firm_id]
    kpi_rows = []
    for kpi in model.KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        before, after = getattr(base, kpi), getattr(scen, kpi)
        kpi_rows.append(html.Tr([html.Th(KPI_LABELS[kpi], scope="row"), html.Td(f"{full(before)} {unit}", className="num"),
                                 html.Td(f"{full(after)} {unit}", className="num"),
                                 html.Td(change_text(after - before, unit, (after - before) / before if before else None,
                                                     before))]))
    streams = []
    for stream in park.streams:
        if stream.firm != firm_id:
            continue
        resource = park.resource[stream.resource]
        flow = views.scenario.stream_flows[stream.key]
        rest = "bought new" if stream.kind is model.StreamKind.DEMAND else f"to {stream.fate.value}"
        streams.append(html.Tr([html.Td(stream.kind.value), html.Td(resource.name),
                                html.Td(f"{full(stream.quantity)} {resource.unit}", className="num"),
                                html.Td(f"{full(flow.exchanged)}", className="num"),
                                html.Td(f"{full(flow.leftover)} {rest}", className="num")]))
    links = []
    for flow in views.scenario.flows:
        exchange = flow.exchange
        if firm_id not in (exchange.from_firm, exchange.to_firm):
            continue
        outgoing = exchange.from_firm == firm_id
        partner = park.firm[exchange.to_firm if outgoing else exchange.from_firm].name
        payer = "this firm" if exchange.payer_firm == firm_id else partner
        price = exchange.price_per_unit * flow.carried
        money = (f"receives {park.currency} {full(price)}" if outgoing else f"pays {park.currency} {full(price)}") \
            if price else "no transfer price"
        links.append(html.Tr([html.Td(("\u2192 to " if outgoing else "\u2190 from ") + partner),
                              html.Td([exchange.name, html.Div(exchange.id, className="small text-muted")]),
                              html.Td(f"{full(flow.carried)} {flow.unit}" if flow.active else "off", className="num"),
                              html.Td(f"costs on {payer}; {money}")]))
    return [
        html.P([firm.sector or "No sector given", html.Span(f" \u00b7 source: {firm.source}" if firm.source else "")],
               className="text-muted"),
        html.H3("KPIs a year", className="h6"),
        html.Table([html.Thead(html.Tr([html.Th(""), html.Th("Baseline", className="num"),
                                        html.Th("Scenario", className="num"), html.Th("Change")])),
                    html.Tbody(kpi_rows)], className="table table-sm"),
        html.H3("Streams a year", className="h6"),
        html.Table([html.Thead(html.Tr([html.Th("Kind"), html.Th("Resource"), html.Th("Quantity", className="num"),
                                        html.Th("Exchanged", className="num"), html.Th("Rest", className="num")])),
                    html.Tbody(streams)], className="table table-sm") if streams else html.P("No streams."),
        html.H3("Exchanges", className="h6"),
        html.Table(html.Tbody(links), className="table table-sm") if links else html.P("No exchanges."),
    ]


# -- sources ----------------------------------------------------------------------------

def sources_view(park: model.Park, views: model.Views) -> list:
    """The park's description and sources, and its published savings beside the model's."""
    savings = views.baseline_savings
    reported_rows = []
    for item in park.reported:
        unit = kpi_unit(item.kpi, park.currency)
        modelled = getattr(savings, item.kpi)
        difference = (modelled - item.value) / item.value if item.value else None
        reported_rows.append(html.Tr([
            html.Th(KPI_LABELS[item.kpi], scope="row"),
            html.Td(f"{full(item.value)} {unit}", className="num"),
            html.Td(f"{full(modelled)} {unit}", className="num"),
            html.Td(percent(difference), className="num"),
            html.Td([str(item.year or ""), " ", html.Code(item.source)]),
            html.Td(item.note, className="small")]))
    source_items = [html.Li([html.Code(s.id), " ", s.citation, " ",
                             html.A("link", href=s.url, target="_blank", rel="noopener noreferrer") if s.url else None])
                    for s in park.sources]
    return [
        html.P(park.description) if park.description else None,
        html.H3("Published savings and the model's", className="h6"),
        html.P("The model's figure is no-symbiosis minus baseline: what the existing exchanges save each year.",
               className="small text-muted"),
        html.Table([html.Thead(html.Tr([html.Th("KPI"), html.Th("Reported", className="num"),
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


def page_count(rows: int) -> int:
    return max(1, math.ceil(rows / PAGE_SIZE))
