"""The list's page is drawn as one component from plain data (dashboard/app/markup.py,
assets/eco_markup.js): what the Python side may build is what the browser draws."""

import re
from pathlib import Path

import pytest

from dashboard import model
from dashboard.app import markup
from dashboard.app.components import exchange_row
from dashboard.paths import shipped_park
from tests.helpers import markup_find, markup_texts

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (ROOT / "assets" / "eco_markup.js").read_text(encoding="utf-8")


def js_set(name: str) -> set[str]:
    found = re.search(rf"const {name} = new Set\(\[(.*?)\]\)", SCRIPT, re.S)
    return set(re.findall(r'"([^"]+)"', found.group(1)))


def test_the_browser_draws_the_tags_and_props_python_may_use():
    assert js_set("TAGS") == markup.TAGS
    assert js_set("PROPS") == markup.PROPS


def test_a_tag_or_prop_the_browser_would_drop_is_refused_where_it_is_made():
    with pytest.raises(ValueError, match="<script>"):
        markup.node("script", {}, "alert(1)")
    with pytest.raises(ValueError, match="onClick"):
        markup.node("button", {"onClick": "alert(1)"}, "x")
    with pytest.raises(ValueError, match="checked"):
        markup.node("td", {"checked": True})
    assert markup.node("td", {"data-x": "1", "aria-label": "y"}, None, "z") == ["td", {"data-x": "1", "aria-label": "y"},
                                                                              "z"]


def test_a_row_is_a_real_labelled_checkbox_and_firm_buttons():
    park = model.load_park(shipped_park())
    evaluation = model.evaluate(park)
    row = model.exchange_rows(park, evaluation, model.marginal_effects(park), ["tisso2_novozymes"])[0]
    drawn = exchange_row(row, park.currency)
    (box,), (label,) = markup_find(drawn, "input"), markup_find(drawn, "label")
    # a candidate, off in the baseline: unchecked, and named for screen readers
    assert box[1]["type"] == "checkbox" and box[1]["checked"] is False and box[1]["data-toggle"] == "tisso2_novozymes"
    assert label[1]["htmlFor"] == box[1]["id"] and "visually-hidden" in label[1]["className"]
    assert markup_texts(label) == [f"Switch tisso2_novozymes: {park.exchange['tisso2_novozymes'].name}"]
    exchange = park.exchange["tisso2_novozymes"]
    assert [b[1]["data-firm"] for b in markup_find(drawn, "button")] == [exchange.from_firm, exchange.to_firm]
    assert drawn[1]["data-exchange"] == "tisso2_novozymes" and "candidate-row" in drawn[1]["className"]


def test_kpi_cards_are_drawn_as_one_tree_with_their_values_and_breakdown():
    from dashboard.app.components import kpi_strip_markup

    park = model.load_park(shipped_park())
    views = model.views(park, model.scenario_active(park, ["tisso2_novozymes"]))
    tree = kpi_strip_markup(views, park.currency)
    assert tree[0] == "div" and "kpi-strip" in tree[1]["className"]
    cards = [n for n in markup_find(tree, "div") if "kpi-card" in n[1].get("className", "")]
    assert [card[1]["id"] for card in cards] == ["kpi-freshwater", "kpi-co2", "kpi-landfill", "kpi-cost"]
    values = [n[1]["data-value"] for n in markup_find(tree, "div") if n[1].get("className") == "kpi-value"]
    assert [float(v) for v in values] == [views.scenario.kpis[kpi] for kpi in model.KPI_NAMES]
    # the breakdown is a real <details>, and the arrows are hidden from screen readers
    assert len(markup_find(tree, "details")) == 4 and len(markup_find(tree, "summary")) == 4
    assert all(span[1]["aria-hidden"] == "true" for span in markup_find(tree, "span") if "aria-hidden" in span[1])


def test_a_tree_drawn_as_dash_components_has_the_same_tags_props_and_texts():
    from dash import html
    from plotly.io.json import to_json_plotly

    tree = markup.node("div", {"className": "c", "data-value": "1"}, markup.node("span", {"aria-hidden": "true"}, "a"),
                       "b", markup.node("ul", None, markup.node("li", None, "x")), markup.node("div", None))
    made = markup.to_dash(tree)
    expected = html.Div([html.Span("a", **{"aria-hidden": "true"}), "b", html.Ul(html.Li("x")), html.Div()],
                        className="c", **{"data-value": "1"})
    assert to_json_plotly(made) == to_json_plotly(expected)
    assert markup.to_dash("text") == "text"
