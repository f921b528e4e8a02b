"""Components that show what a link is worth and its fair deal (no callbacks here)."""

from __future__ import annotations

from dash import html

from dashboard import model
from dashboard.formatting import full, payback, per_tonne, price_range, si
from dashboard.model.deal import Deal
from dashboard.model.worth import Worth


def payback_cell(value: Worth) -> html.Span:
    """Payback in years, "never" in grey."""
    text = payback(value.payback_years)
    return html.Span(text, className="text-muted" if value.payback_years is None else "")


def pays_mark(value: Worth) -> html.Span | None:
    """A mark for a link whose net present value is positive."""
    if not value.pays_for_itself:
        return None
    return html.Span("\u2713 pays for itself", className="badge bg-success-subtle text-success-emphasis ms-1",
                     title="Its net present value is positive: over its life it saves more than it costs, "
                           "interest on the investment included")


def worth_lines(park: model.Park, value: Worth) -> list:
    """Saving, payback, NPV and cost per t CO2e, one short line each."""
    currency = park.currency
    return [
        html.Div([html.Span("Saves ", className="text-muted"), si(value.operating_saving, currency), " a year",
                  html.Span(" before its investment", className="text-muted")]),
        html.Div([html.Span("Payback ", className="text-muted"), payback_cell(value),
                  html.Span("; NPV ", className="text-muted"), si(value.npv, currency), pays_mark(value)]),
        html.Div([html.Span("Cost per t CO2e cut ", className="text-muted"),
                  per_tonne(value.abatement_cost, currency) if value.abatement_cost is not None
                  else html.Span("cuts no CO2e", className="text-muted")]),
    ]


def deal_bar(park: model.Park, deal: Deal, unit: str) -> html.Div:
    """The transfer-price range leaving both firms no worse off as a bar, the price in
    the data as a tick; or "no price works for both" with the reason."""
    currency = park.currency
    if not deal.works:
        return html.Div([html.Strong("No price works for both: "), deal.reason],
                        className="deal deal-none small", **{"data-deal": "none"})
    low, high, price = deal.price_min, deal.price_max, deal.price
    left, right = min(low, price), max(high, price)
    pad = (right - left) * 0.08 or max(1.0, abs(left)) * 0.1
    left, right = left - pad, right + pad

    def at(value: float) -> str:
        return f"{100 * (value - left) / (right - left):.2f}%"

    band_style = {"left": at(low), "width": f"{max(0.6, 100 * (high - low) / (right - left)):.2f}%"}
    return html.Div([
        html.Div([html.Div(className="deal-band", style=band_style),
                  html.Div(className="deal-tick", style={"left": at(price)},
                           title=f"price in the data: {currency} {full(price, 2)} per {unit}")],
                 className="deal-track", role="img",
                 **{"aria-label": f"fair price {price_range(low, high, currency, unit)}; "
                                  f"the data's price is {full(price, 2)}"}),
        html.Div([price_range(low, high, currency, unit),
                  html.Span(f"; the data's price {full(price, 2)}", className="text-muted")], className="small"),
    ], className="deal", **{"data-deal": f"{low!r},{high!r}"})


def deal_summary(park: model.Park, deal: Deal) -> list:
    """What the receiver and the supplier each gain at a price of 0, and who else loses."""
    exchange = park.exchange[deal.exchange]
    currency = park.currency

    def gain(change: float) -> str:
        return f"gains {si(-change, currency)} a year" if change < 0 else (
            f"loses {si(change, currency)} a year" if change > 0 else "neither gains nor loses")

    lines = [html.Div([park.firm[exchange.to_firm].name, " (receiver) ", gain(deal.receiver_change), "; ",
                       park.firm[exchange.from_firm].name, " (supplier) ", gain(deal.supplier_change),
                       html.Span(" at a transfer price of 0", className="text-muted")], className="small")]
    if deal.losers:
        lines.append(html.Div([html.Strong("Also loses: "), "; ".join(
            f"{park.firm[loser.firm].name} {si(loser.cost_change, currency)} a year"
            + (f" (its {', '.join(loser.exchanges)} would carry less)" if loser.exchanges else "")
            for loser in deal.losers)], className="small text-danger-emphasis"))
    return lines
