"""The Decide page without a server: its figures as data and plotly, and its handlers'
answers for a URL, checked against tests/test_decide.py's hand-computed park."""

from __future__ import annotations

import pytest

from dashboard import model
from dashboard.app.callbacks import Handlers
from dashboard.app.decide import DecideHandlers, decide_layout
from dashboard.app.state import AppState
from dashboard.figures.decide import front_figure, macc_bars, macc_figure
from dashboard.model.macc import macc
from dashboard.model.portfolio import pareto_front
from tests.helpers import PARK_TOML, decide_park, find_all, text_of

TOML = PARK_TOML + "carbon_price = 100\n"


@pytest.fixture
def park(tmp_path):
    return decide_park(tmp_path, toml=TOML)


@pytest.fixture
def handlers(park):
    return DecideHandlers(AppState(park))


def test_macc_bars_sit_side_by_side_in_kt(park):
    steps = macc(park)
    # with a carbon price of 100 the order is unchanged: c2 (-3250 - 550 = -3800 for 5.5 t),
    # then c1; widths 5.5 t = 0.0055 kt each
    bars = macc_bars(park, steps, frozenset({"c2"}))
    assert [b.id for b in bars] == ["c2", "c1"]
    assert [b.left for b in bars] == pytest.approx([0, 0.0055]) and [b.width for b in bars] == pytest.approx([0.0055] * 2)
    assert [b.on for b in bars] == [True, False] and bars[0].category == "material"
    assert bars[0].height == pytest.approx(steps[0].abatement_cost)


def test_macc_figure_has_category_bars_and_the_carbon_price(park):
    figure = macc_figure(park, macc(park), frozenset())
    (trace,) = figure.data
    assert trace.type == "bar" and trace.name == "Materials"
    assert list(trace.x) == pytest.approx([0.00275, 0.00825]) and list(trace.width) == pytest.approx([0.0055] * 2)
    assert [row[0] for row in trace.customdata] == [0, 1]      # the index a click maps to a scenario
    (line,) = figure.layout.shapes
    assert line.y0 == line.y1 == 100 and line.line.dash == "dash"
    assert "payback" in trace.hovertemplate


def test_front_figure_marks_the_scenario(park):
    front = pareto_front(park, ("co2_t", "cost"))
    current = model.evaluate(park).totals
    figure = front_figure(park, front.points, ("co2_t", "cost"), current)
    points, star = figure.data
    assert list(points.x) == [p.kpis.co2_t for p in front.points]
    assert star.x[0] == current.co2_t and star.marker.symbol == "star"


def test_bar_and_point_queries_apply_a_portfolio(handlers):
    _, queries, note = handlers.render_macc("")
    assert queries == ["?on=c2", "?on=c1,c2"] and "2 links cut CO2e" in note
    _, queries, text = handlers.render_front("", "co2_t", "cost")
    assert queries == ["?on=c1,c2"] and "Proven" in text


def test_optimiser_answer_and_infeasible_message(handlers):
    answer = handlers.run("", "cost", 5000, {}, [], [])
    # c1 (7,700) is over budget: c2 alone, cost 7400 - 3250 = 4150 (CO2e is not priced
    # into the KPI itself)
    values = {c.to_plotly_json()["props"]["data-kpi"]: float(c.to_plotly_json()["props"]["data-value"])
              for c in find_all(answer, lambda c: "data-kpi" in c.to_plotly_json()["props"])}
    assert values["cost"] == pytest.approx(4150) and values["co2_t"] == pytest.approx(7.5)
    (apply,) = find_all(answer, lambda c: getattr(c, "id", None) == "decide-apply")
    assert apply.href == "/decide?on=c2"
    assert "proven optimal" in text_of(answer)
    blocked = handlers.run("", "cost", 5000, {"co2_t": "6"}, [], [])
    # CO2e at most 6 needs c1, which the budget excludes
    assert "No set of links works" in text_of(blocked) and "not all of them at once within the budget" in text_of(blocked)


def test_deals_table_names_each_candidate(handlers):
    table = handlers.render_deals("")
    text = text_of(table)
    assert "EUR -50.00 to 9.00 per t" in text and "Power station (supplier) gains" in text


def test_firm_panel_shows_value_and_fair_price(park):
    panel, _ = Handlers(AppState(park)).render_firm_panel("", "plaster")
    text = text_of(panel)
    assert "Payback" in text and "EUR -50.00 to 9.00 per t" in text and "pays for itself" in text


def test_layout_has_the_form_and_both_figures():
    layout = decide_layout()
    wanted = {"decide-macc", "decide-front", "decide-run", "decide-cancel", "decide-objective", "decide-budget"}
    assert wanted <= {getattr(c, "id", None) for c in find_all(layout, lambda c: True)}


def test_exchange_list_rows_carry_the_value_columns(park):
    from dashboard.app.components import NEVER, exchange_row, table_headings, value_cells

    evaluation = model.evaluate(park)
    row = model.exchange_rows(park, evaluation, model.marginal_effects(park), ["c1"])[0]
    cells = exchange_row(row, park.currency)[-3:]  # payback, NPV, per t CO2e: ["td", props, text]
    payback, npv, abatement = ({"text": c[2], "class": c[1].get("className", ""), "title": c[1]["title"]}
                               for c in cells)
    # c1 alone: saving -(-4130 - 770) = 4900 a year: 7700 / 4900 = 1.57 years; NPV 41,300
    assert row.value.payback_years == pytest.approx(7700 / 4900) and payback["text"] == "1.6 years"
    assert npv["text"] == "\u2713 41,300" and "pays" in npv["class"]
    assert npv["title"].startswith("EUR 41,300 over its life")
    assert abatement["text"] == "-536"             # -4130 / 7.7 (carbon priced at 100 here)
    headings = table_headings(park.currency)
    assert {"payback", "npv", "abatement"} <= set(headings) and "EUR/t" in headings["abatement"]
    # a link whose saving never repays it sorts after every real payback, in grey
    from dashboard.model.worth import Worth
    never = Worth(model.Kpis(), -100.0, None, -2000.0, None)
    cells = value_cells(never, "EUR")
    assert cells["payback"] == NEVER and cells["payback_text"] == "never" and cells["payback_class"] == "never"
    assert cells["abatement"] == NEVER and cells["npv_class"] == ""


def test_exports_and_report_carry_value_and_deal(park):
    from dashboard import reports
    from dashboard.exports.tables import scenario_tables

    rows = {row["id"]: row for row in scenario_tables(park)["exchanges"]}
    assert rows["c1"]["value_payback_years"] == pytest.approx(7700 / 4900)
    assert rows["c1"]["value_npv"] == pytest.approx(41_300)
    assert (rows["c1"]["deal_price_min"], rows["c1"]["deal_price_max"]) == pytest.approx((-50, 9))
    html = reports.report_html(park)
    assert "Payback" in html and "1.6 years" in html and "41,300" in html
