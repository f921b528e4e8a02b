"""The scenario report as one self-contained HTML page.

Everything the page needs is inside it: plotly.js from the installed plotly package
(inlined once), the CSS, and the figures' data. It loads nothing from the network, so
it opens offline, from a USB stick or an e-mail attachment, and prints to PDF as is.

Every text that comes from the park's data is escaped (park data is untrusted); the
figures' data is embedded as JSON with ``<``, ``>`` and ``/`` escaped by plotly, and
plotly.js draws text as text. Links are made only from ``http``/``https`` URLs.

Numbers: the KPI table shows three significant figures with SI prefixes and, under
them, the full value; every numeric KPI cell also carries its value in full precision
in ``data-value`` (a Python float ``repr``) with ``data-kpi`` and ``data-view``, for
machines. The exchange and firm tables show full precision. Every figure is per year.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

import plotly.io as pio
from plotly.offline import get_plotlyjs

from dashboard import __version__, model
from dashboard.formatting import (
    KPI_LABELS,
    band_text,
    full,
    kpi_unit,
    payback,
    percent,
    reported_measure,
    si,
    signed,
    web_url,
)
from dashboard.model import KPI_NAMES

from .images import ReportFigure, report_figures

GENERATOR = f"eco-park {__version__}"
"""The ``<meta name="generator">`` of every report."""


REPORT_ROWS = 50
"""Most exchanges and most firms the report lists; a bigger park's report lists those
that move the park's totals most (``model.largest``) and says where the rest are (the
Excel results hold every row). 1,000 firms made a PDF of some 240 pages before."""

SCENARIO_NAMES = 20
"""Most exchanges the header names as switched on or off; the rest are counted."""


def _e(value: object) -> str:
    """Text from anywhere (park data above all) made safe inside HTML text and attributes."""
    return html.escape("" if value is None else str(value), quote=True)


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    """plotly.min.js of the installed plotly, safe to put inside a <script> element."""
    return get_plotlyjs().replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _signed_full(value: float) -> str:
    if value > 0:
        return "+" + full(value)
    return "\u2212" + full(-value) if value < 0 else "0"


def _signed_si(value: float, unit: str) -> str:
    return signed(value, unit) if value else si(0.0, unit)


def _direction(value: float, reference: float) -> tuple[str, str]:
    """(CSS class, arrow and word) of a change: every KPI is better lower."""
    kind = model.direction(value, reference)
    words = {model.Direction.SAME: "no change", model.Direction.GOOD: "\u25bc lower",
             model.Direction.BAD: "\u25b2 higher"}[kind]
    return kind.value, words


def _link(url: str) -> str:
    """An external link for an http(s) URL; any other text is shown, never linked."""
    url = (url or "").strip()
    if not url:
        return ""
    if web_url(url):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return f"<span class=\"url\">{_e(url)}</span>"


# -- sections ---------------------------------------------------------------------------


def _header(park: model.Park, seen: model.Views, when: datetime) -> str:
    remaining = seen.scenario.park
    leaving = tuple(f.id for f in park.firms if f.id not in remaining.firm)
    # the exchanges of a firm that leaves go with it: not listed as switched off
    on, off = model.scenario_toggles(park, seen.scenario.active | {
        e.id for e in park.exchanges if e.id in park.baseline_active and e.id not in remaining.exchange})
    facts = [f"{len(park.firms)} firms", f"{len(park.streams)} streams",
             f"{len(park.exchanges)} exchanges ({len(park.baseline_active)} existing)"]
    meta = [x for x in (_e(park.country), f"data year {_e(park.year)}" if park.year else "",
                        f"money in {_e(park.currency)}", "every figure per year") if x]

    def listing(ids: tuple[str, ...]) -> str:
        if not ids:
            return "none"
        more = (f"<li>and {len(ids) - SCENARIO_NAMES:,} more: every exchange's state is in the Excel results</li>"
                if len(ids) > SCENARIO_NAMES else "")
        return "<ul>" + "".join(f"<li>{_e(park.exchange[i].name)} <code>{_e(i)}</code></li>"
                                for i in ids[:SCENARIO_NAMES]) + more + "</ul>"

    query = model.Scenario(on=on, off=off, without=leaving).to_query()
    if len(query) > 2000:
        query = ""  # a link of hundreds of ids is no use on paper
    scenario = ("the baseline: existing exchanges on, candidates off" if not on and not off and not leaving
                else "the baseline with the changes below")
    firms_leaving = ("<dt>Firms leaving the park (with every exchange to or from them)</dt><dd><ul>"
                     + "".join(f"<li>{_e(park.firm[i].name)} <code>{_e(i)}</code></li>" for i in leaving)
                     + "</ul></dd>") if leaving else ""
    return f"""<header>
<p class="kicker">Scenario report</p>
<h1>{_e(park.name)}</h1>
<p class="meta">{' &middot; '.join(meta)}</p>
<dl class="scenario">
<dt>Scenario</dt><dd>{scenario}</dd>
<dt>Switched on (against the baseline)</dt><dd>{listing(on)}</dd>
<dt>Switched off (against the baseline)</dt><dd>{listing(off)}</dd>
{firms_leaving}<dt>Share link</dt><dd><code class="query">{_e(query) or ('(none: the baseline)' if not on and not off and not leaving else '(too long to print: save the scenario in the dashboard)')}</code>
<span class="hint">add it to the dashboard's address to open this scenario</span></dd>
<dt>Data</dt><dd>{', '.join(facts)}; fingerprint <code>{_e(park.content_hash[:12])}</code></dd>
<dt>Generated</dt><dd>{when.strftime('%Y-%m-%d %H:%M:%S')} UTC by {_e(GENERATOR)}</dd>
</dl>
</header>"""


def _contents(figures: list[ReportFigure], has_reported: bool) -> str:
    items = [("kpis", "Key figures")] + [(f"fig-{f.name}", f.title) for f in figures] + [
        ("exchanges", "Exchanges"), ("firms", "Firms")]
    if has_reported:
        items.append(("reported", "Published figures and the model's"))
    items += [("sources", "About the data, and sources"), ("rules", "The model's rules in brief")]
    links = "".join(f'<li><a href="#{_e(anchor)}">{_e(title)}</a></li>' for anchor, title in items)
    return f'<nav class="contents" aria-label="Contents"><ol>{links}</ol></nav>'


def _value_cell(value: float, unit: str, kpi: str, view: str, extra_class: str = "") -> str:
    css = f"num {extra_class}".strip()
    return (f'<td class="{css}" data-kpi="{kpi}" data-view="{view}" data-value="{float(value)!r}" '
            f'title="{_e(full(value))} {_e(unit)}">'
            f'{_e(si(value, unit))}<span class="full">{_e(full(value))} {_e(unit)}</span></td>')


def _change_cell(value: float, reference: float, unit: str, kpi: str, view: str) -> str:
    css, word = _direction(value, reference)
    shown = _signed_si(value, unit) if css != "same" else "0"
    exact = _signed_full(value) if css != "same" else "0"
    return (f'<td class="num change {css}" data-kpi="{kpi}" data-view="{view}" data-value="{float(value)!r}" '
            f'title="{_e(exact)} {_e(unit)}">{_e(shown)}'
            f'<span class="full"><span class="arrow">{word}</span> {_e(exact)} {_e(unit)}</span></td>')


def _kpi_table(park: model.Park, seen: model.Views) -> str:
    none, base, scen = seen.no_symbiosis.totals, seen.baseline.totals, seen.scenario.totals
    vs_base, vs_none = seen.vs_baseline, seen.vs_no_symbiosis
    rows = []
    for kpi in KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        b, s = getattr(base, kpi), getattr(scen, kpi)
        diff = getattr(vs_base.absolute, kpi)
        relative = vs_base.relative[kpi]
        css, _ = _direction(diff, b)
        pct = percent(relative) if css != "same" else ("0.0 %" if relative is not None else "n/a")
        pct_value = "" if relative is None else f' data-value="{float(relative) * 100.0!r}"'
        rows.append(
            f'<tr><th scope="row">{_e(KPI_LABELS[kpi])}<span class="unit">{_e(unit)} a year</span></th>'
            + _value_cell(getattr(none, kpi), unit, kpi, "no_symbiosis")
            + _value_cell(b, unit, kpi, "baseline")
            + _value_cell(s, unit, kpi, "scenario", "scenario")
            + _change_cell(diff, b, unit, kpi, "change_vs_baseline")
            + f'<td class="num change {css}" data-kpi="{kpi}" data-view="pct_vs_baseline"{pct_value}>'
              f'{_e(pct)}</td>'
            + _change_cell(getattr(vs_none.absolute, kpi), getattr(none, kpi), unit, kpi, "change_vs_no_symbiosis")
            + "</tr>")
    return f"""<section id="kpis" class="kpis">
<h2>Key figures</h2>
<p class="note">Park totals per year. Lower is better for all four: a fall is marked &#9660; lower, a rise
&#9650; higher. Each cell gives three significant figures and, under them, the full value.</p>
<table class="kpi-table">
<thead><tr><th scope="col">KPI</th><th scope="col" class="num">No symbiosis<span class="unit">every exchange off</span></th>
<th scope="col" class="num">Baseline<span class="unit">existing on, candidates off</span></th>
<th scope="col" class="num">Scenario</th><th scope="col" class="num">Change vs baseline</th>
<th scope="col" class="num">Change vs baseline, %</th>
<th scope="col" class="num">Change vs no symbiosis</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</section>"""


REPORT_SAMPLES = 1000


def _bands(park: model.Park, active) -> str:
    """How sure the key figures are: the 90% range of each KPI of the scenario and of its
    change against the baseline (1,000 samples, seed 0, as the dashboard shows), and the
    inputs that move each most (docs/accounting.md, "How sure are these numbers")."""
    if not model.ranged_inputs(park):
        return """<section id="bands"><h2>How sure are these numbers</h2>
<p class="note">No ranges given: the park has no uncertainty table and no row with a data quality, so the
figures above are shown as they are.</p></section>"""
    run = model.monte_carlo(park, active, samples=REPORT_SAMPLES, seed=0)
    rows = []
    for kpi in KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        value, change = run.scenario[kpi], run.vs_baseline[kpi]
        rows.append(f'<tr><th scope="row">{_e(KPI_LABELS[kpi])}<span class="unit">{_e(unit)} a year</span></th>'
                    f'<td class="num">{_e(si(getattr(run.value, kpi), unit))}</td>'
                    f'<td class="num" data-kpi="{kpi}" data-view="band">{_e(band_text(value.p5, value.p95, unit))}</td>'
                    f'<td class="num">{_e(si(getattr(run.value_vs_baseline, kpi), unit))}</td>'
                    f'<td class="num" data-kpi="{kpi}" data-view="change_band">'
                    f'{_e(band_text(change.p5, change.p95, unit))}</td></tr>')
    movers = []
    for kpi in KPI_NAMES:
        unit = kpi_unit(kpi, park.currency)
        for bar in run.tornado_for(kpi)[:3]:
            movers.append(f"<tr><td>{_e(KPI_LABELS[kpi])}</td><td>{_e(bar.label)}</td>"
                          f'<td class="num">{_e(full(bar.input.low))} to {_e(full(bar.input.high))}</td>'
                          f'<td class="num">{_e(si(getattr(bar.at_low, kpi), unit))} to '
                          f'{_e(si(getattr(bar.at_high, kpi), unit))}</td></tr>')
    return f"""<section id="bands">
<h2>How sure are these numbers</h2>
<p class="note">{len(run.inputs)} inputs of this park are given as ranges. {run.samples:,} draws (seed {run.seed}),
each input drawn independently; the 90% range runs from the 5th to the 95th percentile. The change against the
baseline is taken on the same draw.</p>
<table class="kpi-table"><thead><tr><th scope="col">KPI</th><th scope="col" class="num">Scenario</th>
<th scope="col" class="num">Scenario, 90% range</th><th scope="col" class="num">Change vs baseline</th>
<th scope="col" class="num">Change, 90% range</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h3>The inputs that move each figure most</h3>
<table><thead><tr><th scope="col">KPI</th><th scope="col">Input</th><th scope="col" class="num">Range</th>
<th scope="col" class="num">KPI with the input at low and at high</th></tr></thead>
<tbody>
{chr(10).join(movers)}
</tbody></table>
</section>"""


def _figure_section(item: ReportFigure, index: int) -> str:
    div = pio.to_html(
        item.figure, full_html=False, include_plotlyjs=False, include_mathjax=False,
        div_id=f"plot-{index}", default_width="100%", default_height=f"{item.height}px", validate=False,
        config={"displaylogo": False, "responsive": True, "scrollZoom": False,
                "toImageButtonOptions": {"filename": item.name, "scale": 2}})
    if item.name == "network":
        caption = ("Firms at their place on the site plan, sized by how much they handle. Arrows are exchanges: "
                   "colour and the marker in the middle give the category (water: circle, energy: diamond, "
                   "materials: square); a solid line is an existing exchange, a dashed one a candidate, a faded "
                   "thin one is switched off in this scenario. Line width grows with the quantity carried.")
    else:
        caption = ("Quantities per year in this scenario. Left: what firms give off and what is bought new "
                   "(grey); right: what firms receive and what is left to its fate (grey). Links between firms "
                   "are the exchanges.")
    return f"""<section id="fig-{_e(item.name)}" class="figure-section">
<h2>{_e(item.title)}</h2>
<figure class="plot" style="height:{int(item.height)}px">{div}</figure>
<p class="note">{caption}</p>
</section>"""


def _exchange_table(park: model.Park, seen: model.Views) -> str:
    scenario = seen.scenario
    marginal = model.marginal_effects(scenario.park, scenario.active, base=scenario)
    units = [kpi_unit(k, park.currency) for k in KPI_NAMES]
    head = "".join(f'<th scope="col" class="num">{_e(KPI_LABELS[k])}<span class="unit">{_e(u)}</span></th>'
                   for k, u in zip(KPI_NAMES, units))
    rows_by_id = {item.id: item for item in model.exchange_rows(park, scenario, marginal)}
    listed = model.largest({i: item.marginal for i, item in rows_by_id.items()}, scenario.totals, REPORT_ROWS)
    rows = []
    for item in (rows_by_id[i] for i in listed):
        flow, exchange = item.flow, item.exchange
        what = _e(item.resource_name)
        if exchange.replaces != exchange.resource:
            what += (f'<span class="sub">replaces {_e(item.replaces_name)}: {_e(full(flow.met))} '
                     f'{_e(flow.demand_unit)}</span>' if flow.active else
                     f'<span class="sub">replaces {_e(item.replaces_name)}</span>')
        cells = []
        for kpi, unit in zip(KPI_NAMES, units):
            value = item.marginal[kpi]
            reference = scenario.totals[kpi]
            css, _ = _direction(value, reference)
            text = _signed_full(value) if css != "same" else "0"
            cells.append(f'<td class="num {css}" data-kpi="{kpi}" data-view="marginal" '
                         f'data-value="{float(value)!r}" title="{_e(text)} {_e(unit)}">{_e(text)}</td>')
        worth = item.value
        mark = ' <span class="pays" title="its net present value is positive">&#10003;</span>' \
            if worth.pays_for_itself else ""
        cells.append(f'<td class="num{" never" if worth.payback_years is None else ""}" data-view="payback">'
                     f'{_e(payback(worth.payback_years))}</td>')
        cells.append(f'<td class="num" data-view="npv" data-value="{float(worth.npv)!r}">'
                     f'{_e(full(worth.npv))}{mark}</td>')
        cells.append(f'<td class="num" data-view="abatement">'
                     f'{_e(full(worth.abatement_cost, 0)) if worth.abatement_cost is not None else "&ndash;"}</td>')
        classes = " ".join(c for c in (exchange.status.value, "" if flow.active else "off") if c)
        state = "on" if flow.active else "off"
        rows.append(
            f'<tr class="{classes}" data-exchange="{_e(exchange.id)}">'
            f'<td class="state">{"&#10003; on" if flow.active else "&ndash; off"}</td>'
            f'<td>{_e(exchange.name)}<span class="sub"><code>{_e(exchange.id)}</code></span></td>'
            f'<td>{_e(exchange.status.value)}</td>'
            f'<td class="route">{_e(item.from_name)} &rarr; {_e(item.to_name)}</td>'
            f'<td class="what">{what}</td>'
            f'<td class="num" data-value="{float(flow.carried)!r}" title="{state}">'
            f'{_e(full(flow.carried))} {_e(flow.unit)}</td>'
            f'<td>{_e(item.bound_words)}</td>' + "".join(cells) + "</tr>")
    return f"""<section id="exchanges" class="table-section">
<h2>Exchanges</h2>
<p class="note">One row per exchange in this scenario; candidates are marked and switched-off rows are in grey italics.
Carried: units per year of the resource carried. Limited by: what stopped it carrying more (capacity, the
supply left, or the demand left). <strong>Marginal effect</strong>: the change of the park's KPI per year if that
exchange alone were switched (on if off, off if on) from this scenario; negative is better. <strong>Payback</strong>:
its investment over the yearly cost it removes; <strong>NPV</strong>: what it saves over its life, interest
included (&#10003;: it pays for itself); <strong>per t CO2e</strong>: its cost per tonne of CO2e it cuts
(negative: it cuts CO2e and saves money).</p>
{_summary_note(len(listed), len(rows_by_id), "exchanges", "exchanges whose switching moves the park's totals most")}
<table class="data">
<thead>
<tr><th scope="col" rowspan="2">On</th><th scope="col" rowspan="2">Exchange</th><th scope="col" rowspan="2">Status</th>
<th scope="col" rowspan="2">From &rarr; to</th><th scope="col" rowspan="2">Resource</th>
<th scope="col" rowspan="2" class="num">Carried a year</th><th scope="col" rowspan="2">Limited by</th>
<th scope="colgroup" colspan="4" class="group">Marginal effect a year</th>
<th scope="col" rowspan="2" class="num">Payback</th><th scope="col" rowspan="2" class="num">NPV<span class="unit">{_e(park.currency)}</span></th>
<th scope="col" rowspan="2" class="num">Per t CO2e<span class="unit">{_e(park.currency)}</span></th></tr>
<tr>{head}</tr>
</thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</section>"""


def _summary_note(shown: int, total: int, things: str, which: str) -> str:
    """What a summarised table leaves out, and where it is (empty when nothing is)."""
    if shown >= total:
        return ""
    return (f'<p class="note summary"><strong>This park has {total:,} {things}; the {shown} {which} are listed, '
            f'largest first</strong> (by the largest share of any of the four park totals). All {total:,} are in '
            f'the Excel results (the dashboard\'s Export, Results (Excel)), sheet &ldquo;{things}&rdquo;.</p>')


def _firm_table(park: model.Park, seen: model.Views) -> str:
    units = [kpi_unit(k, park.currency) for k in KPI_NAMES]
    groups = "".join(f'<th scope="colgroup" colspan="2" class="group">{_e(KPI_LABELS[k])}'
                     f'<span class="unit">{_e(u)} a year</span></th>' for k, u in zip(KPI_NAMES, units))
    sub = '<th scope="col" class="num">Baseline</th><th scope="col" class="num">Scenario</th>' * len(KPI_NAMES)
    gone = model.Kpis()  # a firm that leaves has no figures in the scenario view
    listed = model.largest({f.id: seen.scenario.firm_kpis.get(f.id, gone) for f in park.firms}, seen.scenario.totals,
                           REPORT_ROWS)
    rows = []
    for firm in (park.firm[i] for i in listed):
        base, scen = seen.baseline.firm_kpis[firm.id], seen.scenario.firm_kpis.get(firm.id, gone)
        cells = []
        for kpi in KPI_NAMES:
            b, s = getattr(base, kpi), getattr(scen, kpi)
            changed = "" if model.direction(s - b, b) is model.Direction.SAME else " changed"
            cells.append(f'<td class="num" data-kpi="{kpi}" data-view="baseline" data-value="{float(b)!r}">'
                         f'{_e(full(b))}</td>')
            cells.append(f'<td class="num{changed}" data-kpi="{kpi}" data-view="scenario" '
                         f'data-value="{float(s)!r}">{_e(full(s))}</td>')
        rows.append(f'<tr data-firm="{_e(firm.id)}"><th scope="row">{_e(firm.name)}</th>'
                    f'<td>{_e(firm.sector)}</td>' + "".join(cells) + "</tr>")
    return f"""<section id="firms" class="table-section">
<h2>Firms</h2>
<p class="note">Each firm's KPIs per year: its own streams and reported baselines, the exchanges it pays for,
and transfer prices (paid by the receiver, received by the supplier). Firms add up to the park. Scenario
values that differ from the baseline are in bold.</p>
{_summary_note(len(listed), len(park.firms), "firms", "firms with the largest share of the park's totals")}
<table class="data">
<thead><tr><th scope="col" rowspan="2">Firm</th><th scope="col" rowspan="2">Sector</th>{groups}</tr>
<tr>{sub}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</section>"""


def _reported(park: model.Park, seen: model.Views, source_anchor: dict[str, str]) -> str:
    rows = []
    for saving in model.reported_savings(seen):
        item, modelled, difference = saving.reported, saving.modelled, saving.relative
        label, unit = reported_measure(item.kpi, saving.unit, park.currency)
        source = (f'<a href="#{source_anchor[item.source]}"><code>{_e(item.source)}</code></a>'
                  if item.source in source_anchor else f"<code>{_e(item.source)}</code>")
        rows.append(f'<tr><th scope="row">{_e(label)}<br><span class="small">{_e(saving.boundary)}</span></th>'
                    f'<td class="num" data-value="{float(item.value)!r}">{_e(full(item.value))} {_e(unit)}</td>'
                    f'<td class="num" data-value="{float(modelled)!r}">{_e(full(modelled))} {_e(unit)}</td>'
                    f'<td class="num">{_e(percent(difference))}</td>'
                    f'<td>{_e(item.year or "")} {source}</td><td class="small">{_e(item.note)}</td></tr>')
    return f"""<section id="reported" class="table-section">
<h2>Published figures and the model's</h2>
<p class="note">What the park has published each year, beside the model's own figure on the same boundary:
what the existing exchanges the figure covers save (or deliver), for the park or the one firm it names.
It does not depend on the scenario.</p>
<table class="data">
<thead><tr><th scope="col">Measure, boundary</th><th scope="col" class="num">Reported saving</th>
<th scope="col" class="num">Model saving</th><th scope="col" class="num">Model vs reported</th>
<th scope="col">Year, source</th><th scope="col">Note</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</section>"""


def _sources(park: model.Park, source_anchor: dict[str, str]) -> str:
    if not park.sources:
        body = "<p>This park lists no sources.</p>"
    else:
        items = "".join(f'<li id="{source_anchor[s.id]}"><code>{_e(s.id)}</code> {_e(s.citation)} {_link(s.url)}</li>'
                        for s in park.sources)
        body = f'<ol class="sources">{items}</ol>'
    about = f'<p class="description">{_e(park.description)}</p>' if park.description else ""
    return f"""<section id="sources" class="text-section">
<h2>About the data, and sources</h2>
{about}
<p class="note">The publications and data sets the park's rows cite, by id. Links open outside this report.</p>
{body}
</section>"""


def _rules(park: model.Park) -> str:
    currency = _e(park.currency)
    rate = park.discount_rate
    return f"""<section id="rules" class="text-section">
<h2>The model's rules in brief</h2>
<p>Every quantity is per year. A park is firms with <em>streams</em> (a <em>demand</em> it needs, a
<em>supply</em> it gives off) and <em>exchanges</em> that carry part of one firm's supply to meet another firm's
demand. The <strong>baseline</strong> has the existing exchanges on and the candidates off; <strong>no
symbiosis</strong> has every exchange off; the <strong>scenario</strong> is the set shown above.</p>
<h3>How much each exchange carries</h3>
<ol>
<li>Active exchanges are served one at a time: existing before candidates; then by net benefit per unit
carried, highest first; then by id.</li>
<li>Net benefit per unit = ratio &times; (virgin price + carbon price &times; virgin CO2e) of the demand met
+ disposal fee + carbon price &times; disposal CO2e of the supply used &minus; the exchange's own cost per unit
&minus; carbon price &times; its CO2e per unit. The carbon price ({_e(full(park.carbon_price))} {currency} per
t CO2e here) only ranks exchanges; it is not added to the cost KPI.</li>
<li>Each carries <code>carried = min(capacity, supply left, demand left / ratio)</code>; then the supply left
falls by <code>carried</code> and the demand left by <code>ratio &times; carried</code>. <em>Limited by</em> in
the exchange table names the term that bound it.</li>
<li>Demand no exchange meets is bought new at its virgin price and CO2e per unit; supply no exchange takes goes
to its fate (landfill, incineration, discharge, vent or external) at its disposal fee and CO2e per unit.</li>
</ol>
<h3>The four KPIs (lower is better)</h3>
<ul>
<li><strong>Freshwater intake</strong> (m3) = firms' reported baseline freshwater + demand of freshwater
resources not met by exchanges.</li>
<li><strong>Waste to landfill</strong> (t) = firms' reported baseline landfill + supply with a landfill fate not
taken by exchanges.</li>
<li><strong>CO2e</strong> (t) = firms' reported baseline CO2e + unmet demand &times; virgin CO2e + untaken supply
&times; disposal CO2e + carried &times; each active exchange's CO2e per unit.</li>
<li><strong>Cost</strong> ({currency}) = firms' reported baseline cost + unmet demand &times; virgin price +
untaken supply &times; disposal fee + for each active exchange: capex &times; CRF + opex per year + carried
&times; cost per unit.</li>
</ul>
<p>Capital is annualised with the capital recovery factor <code>CRF(r, n) = r (1+r)^n / ((1+r)^n &minus; 1)</code>
(<code>1/n</code> when r = 0), r the park's discount rate ({_e(f"{rate:.4g}")}, i.e. {_e(f"{rate * 100:.4g}")} %
a year) and n the exchange's lifetime in years.</p>
<p>A firm's KPIs sum its own streams and reported baselines, plus the cost and CO2e of the exchanges it pays for
(the <em>payer</em>: the receiver unless the data says the supplier), plus the transfer price &times; carried on
the receiver's cost and minus it on the supplier's. Firm figures add up to the park's. An exchange's
<em>marginal effect</em> is the change of each park KPI when that exchange alone is toggled from the scenario.</p>
</section>"""


# -- the page ---------------------------------------------------------------------------

# Every text colour here is at least 4.5:1 (WCAG AA) against every background here
# (#fff, --soft and the candidates' #fffaf0); tests/test_reports.py checks each pair.
# Faded rows are --muted and italic, not a paler grey or an opacity.
_CSS = """
:root { --text:#212529; --muted:#5c636a; --line:#dee2e6; --soft:#f5f6f8; --good:#1a7f37; --bad:#c62828;
  --water:#0072B2; --energy:#E69F00; --material:#009E73; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--text); background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 2rem; margin: 0 0 4px; } h2 { font-size: 1.35rem; margin: 0 0 8px; }
h3 { font-size: 1.05rem; margin: 16px 0 6px; }
section { margin: 32px 0 0; }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; color: var(--muted); }
.meta { margin: 0 0 12px; color: var(--muted); }
dl.scenario { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
dl.scenario dt { font-weight: 600; } dl.scenario dd { margin: 0; } dl.scenario ul { margin: 0; padding-left: 18px; }
.hint, .note, .small, .sub, .unit, .full { color: var(--muted); }
.hint { font-size: .85rem; margin-left: 6px; }
.note { font-size: .9rem; margin: 0 0 8px; }
.description { font-size: .92rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em;
  background: var(--soft); padding: 0 3px; border-radius: 3px; overflow-wrap: break-word; }
table code { white-space: nowrap; }
nav.contents ol { columns: 2; margin: 8px 0 0; padding-left: 20px; font-size: .92rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 6px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--text); font-size: .85rem; vertical-align: bottom; }
th.group { text-align: center; border-bottom: 1px solid var(--line); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.unit, .full, .sub { display: block; font-size: .85em; font-weight: normal; }
.kpi-table td, .kpi-table th[scope=row] { padding: 8px 6px; }
.kpi-table td { font-size: 1.05rem; }
.kpi-table td.scenario { font-weight: 700; font-size: 1.2rem; background: var(--soft); }
.kpi-table td.scenario .full { font-weight: normal; }
.change.good, td.good { color: var(--good); } .change.bad, td.bad { color: var(--bad); }
.arrow { white-space: nowrap; }
.good .arrow { color: var(--good); } .bad .arrow { color: var(--bad); }
th.num { white-space: normal; }
table.data { font-size: .8rem; }
table.data td.num { white-space: nowrap; }
tr.candidate td:first-child { border-left: 4px dashed var(--energy); }
tr.existing td:first-child { border-left: 4px solid var(--line); }
tr.candidate { background: #fffaf0; }
td.never { color: #595959; }
.pays { color: #1a7f37; font-weight: 700; }
tr.off td { color: var(--muted); font-style: italic; }
td.state { white-space: nowrap; }
td.route { min-width: 11em; } td.what { min-width: 9em; }
td.changed { font-weight: 700; }
figure.plot { margin: 0; width: 100%; }
ol.sources li { margin-bottom: 4px; font-size: .9rem; overflow-wrap: anywhere; }
a { color: #0b5cad; }
footer { margin-top: 40px; font-size: .8rem; color: var(--muted); }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  .hint { display: none; }
  .kpi-table td, .kpi-table th[scope=row] { padding: 4px 6px; }
  main { max-width: none; padding: 0; }
  nav.contents, .modebar-container, .modebar { display: none !important; }
  section { margin-top: 16px; }
  .figure-section, #exchanges, #firms, #sources, #rules { break-before: page; }
  figure.plot, .figure-section, tr, .kpi-table { break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  table.data { font-size: 8pt; }
}
"""


def report_html(park: model.Park, active: Iterable[str] | None = None,
                generated_at: datetime | None = None) -> str:
    """The scenario report of ``park`` with the exchanges ``active`` switched on (None:
    the baseline) as one self-contained HTML page (UTF-8 text).

    In order: the title (park, year, currency, the exchanges switched on and off against
    the baseline and the dashboard's share-link query), the key figures (no symbiosis,
    baseline, scenario and the changes; KPIs per year in m3, t CO2e, t and the park's
    currency), the network and one Sankey per category and unit (interactive plotly),
    the exchange table with marginal effects, the firm table, the park's published
    savings beside the model's, the sources and the model's rules in brief.
    ``generated_at`` (default now) is shown in UTC. Unknown exchange ids raise ParkError.
    """
    when = (generated_at or datetime.now(UTC)).astimezone(UTC)
    seen = model.views(park, active)
    figures = report_figures(seen.scenario)
    source_anchor = {s.id: f"source-{i}" for i, s in enumerate(park.sources, start=1)}
    sections = [
        _header(park, seen, when),
        _contents(figures, bool(park.reported)),
        _kpi_table(park, seen),
        _bands(park, active),
        *(_figure_section(item, index) for index, item in enumerate(figures)),
        _exchange_table(park, seen),
        _firm_table(park, seen),
        _reported(park, seen, source_anchor) if park.reported else "",
        _sources(park, source_anchor),
        _rules(park),
    ]
    title = f"{park.name}: scenario report"
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{_e(GENERATOR)}">
<meta name="date" content="{stamp}">
<title>{_e(title)}</title>
<style>{_CSS}</style>
<script>{_plotly_js()}</script>
</head>
<body>
<main>
{chr(10).join(s for s in sections if s)}
<footer>Generated {stamp} (UTC) by {_e(GENERATOR)} from data fingerprint
<code>{_e(park.content_hash[:12])}</code>. Self-contained: this file loads nothing from the network.</footer>
</main>
</body>
</html>
"""

