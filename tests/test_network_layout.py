"""The network's layout, labels, arrow markers and legend, checked on the figure alone
(no server, no browser).

Pixel checks map the figure's drawing coordinates (normalised, 0-1, inside the axis
ranges) onto nominal plot areas: a desktop panel and a phone panel, less the legends.
Label boxes are estimated as the layout estimates them: 0.6 x font size a character,
offset from the node as plotly does (radius / 0.8 + 1 px).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from dashboard import model
from dashboard.figures import network
from dashboard.figures.network import LABEL_LIMIT, network_figure
from dashboard.figures.palette import CATEGORY_SYMBOLS, sector_colours
from dashboard.figures.positions import Frame, LabelScene, normalise, place_labels, separate
from dashboard.model.generate import generate_park
from tests.helpers import LOOP_EXCHANGES, LOOP_STREAMS, load

DESKTOP_PLOT = (1084, 420)
"""Plot area, px, of a 1100 x 520 desktop panel less margins and legends."""
NARROW_PLOT = (784, 460)
"""... of an 800 x 560 panel."""
PHONE_PLOT = (344, 240)
"""... of a 360 x 380 phone panel (a little less than the layout assumes)."""


def _legend_only(trace) -> bool:
    return trace.x is not None and len(trace.x) == 1 and trace.x[0] is None


def _firms(figure):
    return next(t for t in figure.data if t.customdata is not None and t.customdata[0][0] == "firm")


def _to_px(figure, x, y, plot):
    (x0, x1), (y0, y1) = figure.layout.xaxis.range, figure.layout.yaxis.range
    width, height = plot
    return (np.asarray(x, dtype=float) - x0) / (x1 - x0) * width, (y1 - np.asarray(y, dtype=float)) / (y1 - y0) * height


def _nodes_px(figure, plot):
    firms = _firms(figure)
    x, y = _to_px(figure, firms.x, firms.y, plot)
    return x, y, np.asarray(firms.marker.size, dtype=float) / 2


def _label_boxes(figure, plot, font_size=13):
    firms = _firms(figure)
    x, y, radius = _nodes_px(figure, plot)
    boxes = []
    for cx, cy, r, text, position in zip(x, y, radius, firms.text, firms.textposition):
        lines = text.split("<br>")
        width = 0.6 * font_size * max(len(line) for line in lines)
        height = font_size * (1.3 * (len(lines) - 1) + 1)
        offset = r / 0.8 + 1
        vertical, horizontal = position.split()
        x0 = cx + offset if horizontal == "right" else cx - offset - width if horizontal == "left" else cx - width / 2
        y0 = cy - offset - height if vertical == "top" else cy + offset if vertical == "bottom" else cy - height / 2
        boxes.append((x0, y0, x0 + width, y0 + height))
    return boxes


def _overlap(a, b):
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@pytest.mark.parametrize("which", ["kalundborg", "ulsan"])
@pytest.mark.parametrize("plot", [DESKTOP_PLOT, NARROW_PLOT, PHONE_PLOT])
def test_nodes_do_not_touch_in_any_frame(which, plot, request):
    figure = network_figure(model.evaluate(request.getfixturevalue(which)))
    x, y, radius = _nodes_px(figure, plot)
    for i, j in itertools.combinations(range(len(x)), 2):
        gap = math.hypot(x[i] - x[j], y[i] - y[j]) - radius[i] - radius[j]
        assert gap >= 4, f"nodes {i} and {j} are {gap:.1f} px apart in {plot}"
    # and inside the plot area, whole
    width, height = plot
    assert (x - radius >= 0).all() and (x + radius <= width).all()
    assert (y - radius >= 0).all() and (y + radius <= height).all()


@pytest.mark.parametrize("which", ["kalundborg", "ulsan"])
def test_the_drawing_fills_the_panel(which, request):
    # no 1:1 lock: the firms span most of the width and height of a wide panel
    figure = network_figure(model.evaluate(request.getfixturevalue(which)))
    assert figure.layout.yaxis.scaleanchor is None
    x, y, _ = _nodes_px(figure, DESKTOP_PLOT)
    assert x.max() - x.min() > 0.8 * DESKTOP_PLOT[0]
    assert y.max() - y.min() > 0.7 * DESKTOP_PLOT[1]


@pytest.mark.xfail(strict=True, reason=(
    "known: with the HHI incinerator firms added to Ulsan's southern site, pushes by third firms turn "
    "hankook_paper and yuseong round on the y axis (separate() keeps the order only of pairs it parts "
    "itself); simple fixes tried broke marker clearance or the two sites' gap"))
def test_the_site_plan_keeps_its_sense(kalundborg, ulsan):
    # who is west or north of whom survives for firms a km or more apart (nudges for
    # overlap only move firms that sit close together)
    for park in (kalundborg, ulsan):
        figure = network_figure(model.evaluate(park))
        firms = _firms(figure)
        place = {ref: (x, y) for (_, ref), x, y in zip(firms.customdata, firms.x, firms.y)}
        for a, b in itertools.combinations(park.firms, 2):
            if abs(a.x - b.x) >= 1.0 and abs(a.x - b.x) >= abs(a.y - b.y):
                assert (place[a.id][0] < place[b.id][0]) == (a.x < b.x), (a.id, b.id)
            if abs(a.y - b.y) >= 1.0 and abs(a.y - b.y) >= abs(a.x - b.x):
                assert (place[a.id][1] < place[b.id][1]) == (a.y < b.y), (a.id, b.id)
    # Ulsan's two sites, 15 km apart, stay apart: every northern firm above every southern one
    figure = network_figure(model.evaluate(ulsan))
    firms = _firms(figure)
    y = {ref: y for (_, ref), y in zip(firms.customdata, firms.y)}
    north = [f.id for f in ulsan.firms if f.y > -5]
    south = [f.id for f in ulsan.firms if f.y <= -5]
    assert min(y[f] for f in north) > max(y[f] for f in south) + 0.1


@pytest.mark.parametrize("which", ["kalundborg", "ulsan", "loop"])
def test_exchange_markers_keep_clear_of_nodes(which, request, tmp_path):
    park = (load(tmp_path, streams=LOOP_STREAMS, exchanges=LOOP_EXCHANGES) if which == "loop"
            else request.getfixturevalue(which))
    figure = network_figure(model.evaluate(park, [e.id for e in park.exchanges]))
    x, y, radius = _nodes_px(figure, PHONE_PLOT)
    markers = [t for t in figure.data if t.customdata is not None and t.customdata[0][0] == "exchange"]
    assert sum(len(t.x) for t in markers) == len(park.exchanges)
    for trace in markers:
        mx, my = _to_px(figure, trace.x, trace.y, PHONE_PLOT)
        half = trace.marker.size / 2
        for px, py in zip(mx, my):
            clearance = (np.hypot(x - px, y - py) - radius - half).min()
            # a tap on a node lands on the node, not on an arrow's marker beside it
            assert clearance >= 3, f"an exchange marker is {clearance:.1f} px from a node on a phone"


@pytest.mark.parametrize("which", ["kalundborg", "ulsan"])
@pytest.mark.parametrize("plot", [DESKTOP_PLOT, NARROW_PLOT])
def test_labels_do_not_overlap_each_other_nodes_or_the_edge(which, plot, request):
    park = request.getfixturevalue(which)
    for active in (None, [e.id for e in park.exchanges]):
        figure = network_figure(model.evaluate(park, active))
        boxes = _label_boxes(figure, plot)
        for a, b in itertools.combinations(boxes, 2):
            assert _overlap(a, b) == 0, (a, b)
        x, y, radius = _nodes_px(figure, plot)
        for i, box in enumerate(boxes):
            for j in range(len(x)):
                if i != j:
                    assert _overlap(box, (x[j] - radius[j], y[j] - radius[j], x[j] + radius[j], y[j] + radius[j])) == 0
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= plot[0] and box[3] <= plot[1], box


def test_the_problem_labels_of_kalundborg(kalundborg):
    # district heating's label clear of Novozymes (node and label); Gyproc's clear of nodes;
    # the cement works' label whole on a narrow panel
    figure = network_figure(model.evaluate(kalundborg))
    firms = _firms(figure)
    index = {ref: i for i, (_, ref) in enumerate(firms.customdata)}
    for plot in (DESKTOP_PLOT, NARROW_PLOT):
        boxes = _label_boxes(figure, plot)
        x, y, radius = _nodes_px(figure, plot)
        heat, novozymes = boxes[index["forsyning_heat"]], boxes[index["novozymes"]]
        n = index["novozymes"]
        assert _overlap(heat, novozymes) == 0
        assert _overlap(heat, (x[n] - radius[n], y[n] - radius[n], x[n] + radius[n], y[n] + radius[n])) == 0
        assert boxes[index["cement"]][0] >= 0


def test_legend_is_a_key_of_its_own_traces(kalundborg):
    figure = network_figure(model.evaluate(kalundborg))  # the baseline: every candidate off
    keyed = [t for t in figure.data if t.showlegend is not False]
    assert all(_legend_only(t) for t in keyed)  # legend-only: no points
    data = [t for t in figure.data if not _legend_only(t)]
    assert all(t.showlegend is False for t in data)
    main = [t for t in keyed if t.legend in (None, "legend")]
    assert [t.name for t in main] == ["Water", "Energy", "Materials", "existing", "candidate", "switched off"]
    by_name = {t.name: t for t in main}
    for name, category in (("Water", "water"), ("Energy", "energy"), ("Materials", "material")):
        assert by_name[name].marker.symbol == CATEGORY_SYMBOLS[category] and by_name[name].marker.size >= 10
    assert by_name["existing"].line.dash in (None, "solid") and by_name["candidate"].line.dash == "dash"
    grey = by_name["existing"].line.color
    assert by_name["candidate"].line.color == grey
    off = by_name["switched off"].line
    assert off.width < by_name["existing"].line.width and off.color.startswith("rgba(")
    assert figure.layout.legend.itemclick is False  # a key: clicks do not hide data


def test_legend_shows_candidate_when_all_candidates_are_off_and_off_only_when_some_is(kalundborg, ulsan):
    for park in (kalundborg, ulsan):
        baseline = network_figure(model.evaluate(park))
        names = [t.name for t in baseline.data if t.showlegend is not False and t.legend in (None, "legend")]
        assert "candidate" in names and "switched off" in names
        everything = network_figure(model.evaluate(park, [e.id for e in park.exchanges]))
        names = [t.name for t in everything.data if t.showlegend is not False and t.legend in (None, "legend")]
        assert "candidate" in names and "switched off" not in names


def test_sector_key_matches_the_nodes_and_is_left_out_when_colours_would_repeat(kalundborg, tmp_path):
    figure = network_figure(model.evaluate(kalundborg))
    key = {t.name: t.marker.color for t in figure.data if t.legend == "legend2"}
    sectors = sorted({f.sector for f in kalundborg.firms})
    assert list(key) == sectors
    firms = _firms(figure)
    colour_of = dict(zip((ref for _, ref in firms.customdata), firms.marker.color))
    for firm in kalundborg.firms:
        assert colour_of[firm.id] == key[firm.sector]
    assert figure.layout.legend2.maxheight  # two rows at most; more scroll (phones)
    many = "id,name,sector,x,y\npower,P,power,0,0\nplaster,Q,plaster,1,0\ncement,R,cement,0,1\n" + "".join(
        f"f{i},Firm {i},sector {i},{i},{i % 3}\n" for i in range(9))
    park = load(tmp_path, firms=many, streams=LOOP_STREAMS, exchanges=LOOP_EXCHANGES)
    assert len(sector_colours(f.sector for f in park.firms)) == 12
    figure = network_figure(model.evaluate(park))
    assert not [t for t in figure.data if t.legend == "legend2"]


def test_the_same_park_draws_the_same_figure(kalundborg, ulsan):
    for park in (kalundborg, ulsan):
        evaluation = model.evaluate(park)
        network.DRAWINGS.clear()
        first = network_figure(evaluation).to_json()
        network.DRAWINGS.clear()
        assert network_figure(evaluation).to_json() == first  # made again: the same
        assert network_figure(evaluation).to_json() == first  # kept in the cache


def test_the_kiosk_and_the_report_variants(kalundborg):
    kiosk = network_figure(model.evaluate(kalundborg), theme="dark", font_size=22, click_hints=False)
    firms = _firms(kiosk)
    assert firms.textfont.size == 22 and firms.textfont.color == "#f8f9fa"
    assert kiosk.layout.paper_bgcolor == "#000000"
    hovers = [h for t in kiosk.data if t.hovertext is not None for h in t.hovertext]
    assert hovers and not any("click" in h for h in hovers)
    report = network_figure(model.evaluate(kalundborg), click_hints=False)
    assert not any("click" in h for t in report.data if t.hovertext is not None for h in t.hovertext)


def test_a_big_park_stays_light(tmp_path):
    park = generate_park(LABEL_LIMIT + 20, 150, seed=5)
    figure = network_figure(model.evaluate(park))
    firms = _firms(figure)
    assert firms.mode == "markers" and firms.text is None  # names on hover only
    lines = [t for t in figure.data if t.mode == "lines" and not _legend_only(t)]
    # straight: two points an exchange, then a gap
    assert sum(len(t.x) for t in lines) == 3 * len(park.exchanges)
    assert all(math.isnan(v) for t in lines for v in t.x[2::3])
    # the heads: each line's last two points, the first of them not drawn (size 0)
    heads = [t for t in figure.data if t.marker.symbol == "arrow"]
    assert [len(t.x) for t in heads] == [2 * (len(t.x) // 3) for t in lines]
    for line, head in zip(lines, heads):
        assert [v for v in line.x if not math.isnan(v)] == list(head.x)
        assert list(head.marker.size[0::2]) == [0] * (len(head.x) // 2) and min(head.marker.size[1::2]) > 10


def test_a_firm_supplying_itself_gets_a_loop_with_its_marker_clear_of_the_node(tmp_path):
    exchanges = LOOP_EXCHANGES + "self,power,wastewater,power,freshwater,existing\n"
    park = load(tmp_path, streams=LOOP_STREAMS, exchanges=exchanges)
    figure = network_figure(model.evaluate(park))
    x, y, radius = _nodes_px(figure, PHONE_PLOT)
    power = [ref for _, ref in _firms(figure).customdata].index("power")
    marker = next((t, i) for t in figure.data if t.customdata is not None
                  for i, c in enumerate(t.customdata) if tuple(c) == ("exchange", "self"))
    mx, my = _to_px(figure, [marker[0].x[marker[1]]], [marker[0].y[marker[1]]], PHONE_PLOT)
    assert my[0] < y[power] - radius[power] - 6  # above the node, clear of it


def test_normalise_keeps_order_fills_the_square_and_handles_ties():
    km = np.array([[0.0, 0.0], [0.1, 5.0], [0.2, 5.0], [30.0, 10.0]])
    drawn = normalise(km)
    assert drawn.min(axis=0).tolist() == [0.0, 0.0] and drawn.max(axis=0).tolist() == [1.0, 1.0]
    assert (np.diff(drawn[:, 0]) > 0).all()  # order kept
    assert drawn[1, 1] == drawn[2, 1]  # ties stay level
    assert drawn[1, 0] - drawn[0, 0] > 0.1  # a clump opens up (0.1 km of 30)
    assert normalise(np.array([[3.0, 4.0]])).tolist() == [[0.5, 0.5]]
    # a site plan measured from a corner (all coordinates positive, or all negative)
    # fills the square too: x 5..10 km -> 0..1, half by position and half by rank
    corner = normalise(np.array([[5.0, -1.0], [10.0, -2.0], [7.5, -3.0]]))
    assert corner.tolist() == [[0.0, 1.0], [1.0, 0.5], [0.5, 0.0]]


def test_separate_parts_markers_on_one_spot_deterministically():
    points = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    need = np.full((3, 3), 30.0)
    frame = Frame(300, 300)
    result = separate(points, [(frame, need)])
    assert np.array_equal(result, separate(points, [(frame, need)]))
    px = frame.px(result)
    for i, j in itertools.combinations(range(3), 2):
        assert math.dist(px[i], px[j]) >= 29.7  # within 0.25 px of the need


def test_place_labels_moves_a_label_off_its_neighbour():
    # two nodes side by side: their labels may not both sit to the right at one height
    centres = np.array([[100.0, 100.0], [160.0, 100.0]])
    scene = LabelScene(centres=centres, area=(0, 0, 400, 300))
    placement = place_labels([scene], np.array([8.0, 8.0]), [[(80.0, 16.0)], [(80.0, 16.0)]])
    a, b = placement.boxes[0]
    assert _overlap(a, b) == 0
    assert all(x0 >= 0 and y0 >= 0 and x1 <= 400 and y1 <= 300 for x0, y0, x1, y1 in placement.boxes[0])
