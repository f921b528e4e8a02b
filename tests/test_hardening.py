"""Faults found when the app was tried as an attacker would: script in a park's name,
live ``data:`` links, CSV cells a ``;`` split turns into formulas, malformed callback
inputs, parks too big for the layout or the exports."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import zipfile

import pytest

from dashboard import exports, model
from dashboard.app import create_app
from dashboard.app.components import firm_panel, sources_view
from dashboard.exports.tables import neutralise, to_csv
from dashboard.formatting import web_url
from dashboard.paths import shipped_park
from dashboard.reports import report_html
from dashboard.storage import Store
from tests.helpers import DATA_URL, find_all, hostile_park


@pytest.fixture(scope="module")
def hostile():
    return hostile_park()


# -- 1: the park's name in <title> ------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/kiosk", "/compare?s=1,2"])
def test_a_park_name_with_a_script_is_text_in_the_title_on_every_page(tmp_path, hostile, path):
    app = create_app(hostile, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    page = app.server.test_client().get(path).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    # the title holds the name as text: &lt;/title&gt;&lt;script&gt;...
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; \u00b7 eco-park"


# -- 2: only http(s) sources are links -------------------------------------------------


def test_web_url_admits_only_http_and_https():
    assert web_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert web_url(" http://example.org ") == "http://example.org"
    for bad in (DATA_URL, "javascript:alert(1)", "JaVaScRiPt:alert(1)", "file:///etc/passwd", "//evil.example",
                "vbscript:x", "https:/no-host", "http://exa mple.org", "java\tscript:alert(1)", "", None):
        assert web_url(bad) is None, bad


def hrefs(component) -> list[str]:
    return [c.href for c in find_all(component, lambda c: getattr(c, "href", None) is not None)]


def test_sources_view_and_firm_panel_link_no_data_url(hostile):
    views = model.views(hostile, hostile.baseline_active)
    shown = sources_view(hostile, views)
    links = hrefs(shown)
    assert links and all(link.startswith(("http://", "https://")) for link in links)
    assert DATA_URL not in links
    assert any(DATA_URL in str(c) for c in find_all(shown, lambda c: True))  # still shown, as text
    cited = next(f for f in hostile.firms if f.source == hostile.sources[0].id)
    assert DATA_URL not in hrefs(firm_panel(hostile, cited.id, views))


def test_report_links_no_data_url(hostile):
    page = report_html(hostile)
    assert f'href="{DATA_URL}' not in page and "<script>alert(1)" not in page


# -- 3: CSV cells split on ; or tab ------------------------------------------------------


def test_neutralise_guards_every_part_a_semicolon_or_tab_split_exposes():
    assert neutralise("x;=1+1;cmd|' /C calc'!A0") == "x;'=1+1;cmd|' /C calc'!A0"
    assert neutralise("a; +1\t@SUM(A1)") == "a; '+1\t'@SUM(A1)"
    assert neutralise("=a;-b") == "'=a;'-b"
    assert neutralise("Kalundborg; Denmark") == "Kalundborg; Denmark"


def split_like_a_spreadsheet(line: str, separator: str) -> list[str]:
    """A line split as a spreadsheet does when ``separator`` is its list separator: on
    each separator outside double quotes; quoted fields unquoted."""
    cells, cell, quoted = [], "", False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted if not (quoted and line[index + 1:index + 2] == '"') else quoted
            continue
        if char == separator and not quoted:
            cells.append(cell)
            cell = ""
        else:
            cell += char
    return cells + [cell]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_csv_field_with_semicolons_opens_as_one_inert_cell_in_any_locale(separator):
    hostile = "x;=1+1;cmd|' /C calc'!A0"
    text = to_csv([{"name": hostile, "carried": -5.0}], bom=False)
    line = text.split("\r\n")[1]
    assert line == "\"x;'=1+1;cmd|' /C calc'!A0\",-5.0"
    cells = split_like_a_spreadsheet(line, separator)
    # whatever the separator, no cell a spreadsheet makes of it starts a formula
    assert not any(cell.lstrip().startswith(("=", "+", "@")) for cell in cells)
    assert not any(cell.lstrip().startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()
                   for cell in cells)


def test_csv_zip_of_a_hostile_park_quotes_semicolon_cells():
    park = model.load_park(shipped_park())
    firm = dataclasses.replace(park.firms[0], name="Plant;=HYPERLINK(\"http://x\")")
    park = dataclasses.replace(park, firms=(firm, *park.firms[1:]))
    data = exports.to_csv_zip(exports.scenario_tables(park), park)
    firms = zipfile.ZipFile(io.BytesIO(data)).read("firms.csv").decode("utf-8-sig")
    assert "\"Plant;'=HYPERLINK(\"\"http://x\"\")\"" in firms


# -- 4: a park of 600 firms without a site plan ------------------------------------------


@pytest.fixture(scope="module")
def unplaced():
    """600 firms, none with x/y: the network places them itself (networkx's spring layout,
    which needs SciPy above 500 nodes)."""
    from dashboard.model.generate import generate_park

    park = generate_park(600, 900, seed=4)
    firms = tuple(dataclasses.replace(f, x=None, y=None, lat=None, lon=None) for f in park.firms)
    return dataclasses.replace(park, firms=firms, name="Unplaced 600")


def test_scipy_is_declared_as_the_layout_of_big_parks_needs_it():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    declared = {d.split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in project["dependencies"]}
    assert "scipy" in declared


def test_600_firms_without_coordinates_draw_in_the_network_kiosk_and_exports(tmp_path, unplaced):
    from dashboard.app.kiosk import kiosk_layout
    from dashboard.figures.network import network_figure

    assert all(f.x is None for f in unplaced.firms)
    scenario = model.evaluate(unplaced, unplaced.baseline_active)
    figure = network_figure(scenario)
    xs = [x for trace in figure.data if trace.x is not None for x in trace.x if x is not None]
    assert len(xs) >= 600  # every firm has a place
    app = create_app(unplaced, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    state = app.server.config["ECO_PARK_STATE"]
    kiosk = kiosk_layout(state, "")
    assert "Unplaced 600" in str(kiosk)
    client = app.server.test_client()
    for name in ("results.xlsx", "results.zip", "report.html"):
        response = client.get(f"/download/{name}")
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:300])
        assert len(response.data) > 10_000


# -- 5: malformed callback inputs --------------------------------------------------------


HOSTILE_VALUES = [True, 10**30, -1, [], ["?on=x"], {"a": 1}, "x" * 30_000, 1.5]


def _target(part: str) -> dict:
    """{"id", "property"} of one output or input spec of /_dash-dependencies."""
    ident, _, prop = part.rpartition(".")
    return {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}


def _body(callback: dict, values: list) -> dict:
    parts = callback["output"].strip(".").split("...") if callback["output"].startswith("..") \
        else [callback["output"]]
    outputs = [[] if '"ALL"' in part or "[\"ALL\"]" in part else _target(part) for part in parts]
    inputs = []
    for spec, value in zip(callback["inputs"], values):
        if isinstance(spec["id"], str) and spec["id"].startswith("{"):
            inputs.append([])  # a pattern-matching input: no component of it on the page
        else:
            inputs.append({"id": spec["id"], "property": spec["property"], "value": value})
    state = [[] if s["id"].startswith("{") else {"id": s["id"], "property": s["property"], "value": None}
             for s in callback["state"]]
    changed = [f"{callback['inputs'][0]['id']}.{callback['inputs'][0]['property']}"] if callback["inputs"] else []
    return {"output": callback["output"], "outputs": outputs if len(parts) > 1 else outputs[0],
            "inputs": inputs, "state": state, "changedPropIds": changed}


def server_callbacks(client) -> list[dict]:
    return [c for c in client.get("/_dash-dependencies").get_json() if not c.get("clientside_function")]


def test_every_server_callback_refuses_malformed_inputs_with_a_plain_400(tmp_path):
    app = create_app(model.load_park(shipped_park()), store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    client = app.server.test_client()
    callbacks = server_callbacks(client)
    assert len(callbacks) > 15
    seen = set()
    for callback in callbacks:
        for position in range(len(callback["inputs"])):
            for value in HOSTILE_VALUES:
                values = [None] * len(callback["inputs"])
                values[position] = value
                response = client.post("/_dash-update-component", json=_body(callback, values))
                text = response.get_data(as_text=True)
                assert response.status_code in (200, 204, 400), (callback["output"], position, value, text[:300])
                seen.add(response.status_code)
                assert "Traceback" not in text and "Error" not in text and "/work" not in text
                if response.status_code == 400:
                    assert text.startswith("Nothing was changed: ")
    assert 400 in seen
    for junk in ({"output": 3}, [], {"output": "kpi-strip.children", "inputs": {"a": 1}}, "nonsense"):
        response = client.post("/_dash-update-component", json=junk)
        assert response.status_code == 400 and "Error" not in response.get_data(as_text=True)


def _call(client, output: str, inputs: list, state: list, changed: str, outputs=None):
    return client.post("/_dash-update-component", json={
        "output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": [changed]})


def test_a_rename_with_index_true_renames_nothing(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    park = model.load_park(shipped_park())
    app = create_app(park, store=store)
    first = store.save_scenario(park.content_hash, "Workshop 1", ["tisso2_novozymes"], [], "me")
    assert first.id == 1
    client = app.server.test_client()
    callback = next(c for c in server_callbacks(client) if "save-result.children" in c["output"])
    forged = {"type": "scenario-rename", "index": True}  # true == 1 to Python and to SQL
    names = {"type": "scenario-new-name", "index": 1}
    inputs = [{"id": "save-button", "property": "n_clicks", "value": None},
              [{"id": forged, "property": "n_clicks", "value": 1}], [], [{"id": names, "property": "n_submit",
                                                                          "value": 0}]]
    inputs[0]["id"] = "save-confirm"
    state = [{"id": "url", "property": "search", "value": ""},
             {"id": "save-name", "property": "value", "value": None},
             {"id": "save-author", "property": "value", "value": None},
             {"id": "save-replace", "property": "value", "value": False},
             [{"id": names, "property": "value", "value": "Hijacked"}],
             [{"id": names, "property": "id", "value": names}],
             {"id": "scenarios-version", "property": "data", "value": 0}]
    outputs = [_target(p) for p in callback["output"].strip(".").split("...")]
    response = _call(client, callback["output"], inputs, state, json.dumps(forged, separators=(",", ":"), sort_keys=True)
                     + ".n_clicks", outputs)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "saved scenario's number" in response.get_data(as_text=True)
    assert store.get_scenario(1).name == "Workshop 1"
    # the same request with the real number renames it
    real = {"type": "scenario-rename", "index": 1}
    real_name = {"type": "scenario-new-name", "index": 1}
    inputs[1] = [{"id": real, "property": "n_clicks", "value": 1}]
    inputs[3] = [{"id": real_name, "property": "n_submit", "value": 0}]
    state[4] = [{"id": real_name, "property": "value", "value": "Workshop 1b"}]
    state[5] = [{"id": real_name, "property": "id", "value": real_name}]
    response = _call(client, callback["output"], inputs, state, json.dumps(real, separators=(",", ":"), sort_keys=True)
                     + ".n_clicks", outputs)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert store.get_scenario(1).name == "Workshop 1b"


def test_a_dict_as_firm_id_or_in_a_click_changes_nothing(tmp_path):
    app = create_app(model.load_park(shipped_park()), store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    client = app.server.test_client()
    callbacks = {c["output"]: c for c in server_callbacks(client)}
    panel = next(o for o in callbacks if "firm-panel-body.children" in o)
    outputs = [_target(p) for p in panel.strip(".").split("...")]
    response = _call(client, panel, [{"id": "url", "property": "search", "value": ""},
                                     {"id": "selected-firm", "property": "data", "value": {"x": 1}}], [],
                     "selected-firm.data", outputs)
    assert response.status_code == 400
    opened = next(o for o in callbacks if "selected-firm.data" in o)
    outputs = [_target(p) for p in opened.strip(".").split("...")]
    click = {"points": [{"customdata": ["firm", {"x": 1}]}]}
    response = _call(client, opened, [{"id": "network-graph", "property": "clickData", "value": click}], [],
                     "network-graph.clickData", outputs)
    # no update: not a firm of this park's drawing
    assert response.status_code == 204 or "selected-firm" not in response.get_data(as_text=True)


# -- 6: exports of a big park, and no browser left behind --------------------------------


def chromium_processes_below(pid: int) -> list:
    import psutil

    try:
        family = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for process in family:
        try:
            if "chrom" in process.name().lower():
                found.append(process)
        except psutil.NoSuchProcess:  # came and went
            pass
    return found


@pytest.fixture(scope="module")
def big_park():
    from dashboard.model.generate import generate_park

    return generate_park(1000, 2000, seed=1)


def test_a_big_park_report_summarises_and_points_to_the_excel_results(big_park):
    from dashboard.reports.page import REPORT_ROWS

    page = report_html(big_park, big_park.baseline_active)
    assert page.count('data-exchange="') == REPORT_ROWS and page.count('data-firm="') == REPORT_ROWS
    assert "This park has 2,000 exchanges; the 50 exchanges whose switching moves the park" in page
    assert "This park has 1,000 firms; the 50 firms with the largest share" in page
    tables = exports.scenario_tables(big_park, big_park.baseline_active)
    assert len(tables["exchanges"]) == 2000 and len(tables["firms"]) == 1000  # the rest: in the XLSX
    # the firms listed are the 50 with the largest share of any park total, largest first
    seen = model.views(big_park, big_park.baseline_active).scenario
    shares = sorted(((model.share(seen.firm_kpis[f.id], seen.totals), f.id) for f in big_park.firms), reverse=True)
    listed = [chunk.split('"', 1)[0] for chunk in page.split('data-firm="')[1:]]
    assert set(listed) == {firm for _, firm in shares[:REPORT_ROWS]}


def test_largest_ranks_by_the_largest_share_of_any_total():
    totals = model.Kpis(1000.0, 200.0, 50.0, 1e6)
    values = {"a": model.Kpis(100.0, 0, 0, 0),      # 10 % of the water
              "b": model.Kpis(0, 0, 25.0, 0),        # 50 % of the landfill
              "c": model.Kpis(0, -30.0, 0, 1e4),     # 15 % of the CO2e (a fall counts as much as a rise)
              "d": model.Kpis(0, 0, 0, 1e5)}         # 10 % of the cost, tied with a: a comes first
    assert model.largest(values, totals, 3) == ["b", "c", "a"]
    assert model.largest(values, totals, 4) == ["a", "b", "c", "d"]  # all: in their own order
    assert model.share(model.Kpis(0, 0, 5.0, 0), model.Kpis()) == 5.0  # a total of 0 counts as 1


@pytest.mark.browser  # starts Chromium
def test_an_export_past_its_time_is_stopped_with_its_browser_and_says_why(tmp_path, big_park, monkeypatch):
    pytest.importorskip("kaleido")
    from pathlib import Path

    from dashboard.reports import ExportTimeout, run_export

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no chromium")
    import time

    import psutil

    def export_browsers(since: float, older: set[int]) -> list[str]:
        """Chromium processes of this user made since ``since`` (epoch s) that no process
        older than the export started: the browser tests' own Chromium and server, still
        running in one CI run, start processes of their own now and then. One orphaned
        by a kill hangs below init, so the whole machine is searched."""
        left = []
        for process in psutil.process_iter(["name", "create_time", "uids"]):
            with contextlib.suppress(psutil.Error):
                info = process.info
                if ("chrom" in (info["name"] or "").lower() and info["uids"].real == os.getuid()
                        and info["create_time"] >= since
                        and not any(parent.pid in older for parent in process.parents())):
                    left.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
        return left

    older = {child.pid for child in psutil.Process().children(recursive=True)}
    since = time.time() - 1  # create_time counts in clock ticks
    with pytest.raises(ExportTimeout, match="longer than this server allows"):
        started = time.monotonic()
        run_export("png", big_park, big_park.baseline_active, seconds=3)  # the export takes about 8 s on this park
    assert time.monotonic() - started < 25
    time.sleep(0.5)
    assert not export_browsers(since, older), "a browser outlived its export"
    # through the app, the person gets a reason and no path, program dump or exception name
    monkeypatch.setenv("ECO_PARK_EXPORT_SECONDS", "3")
    app = create_app(big_park, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    response = app.server.test_client().get("/download/report.pdf")
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "took longer than this server allows" in text
    assert "/usr/bin" not in text and "Error" not in text and "Timeout" not in text


@pytest.mark.browser  # starts Chromium
def test_a_killed_server_leaves_no_export_browser_behind(tmp_path, big_park):
    """The server killed mid-export (as gunicorn kills a worker at its timeout: no
    cleanup code runs) takes the export's chromium with it."""
    import signal
    import threading
    import time
    import urllib.request
    from pathlib import Path

    import psutil

    from dashboard.model.writing import park_json
    from tests.browser.conftest import Server

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no chromium")
    park_file = tmp_path / "big.json"
    park_file.write_text(park_json(big_park), encoding="utf-8")
    server = Server(park_file, tmp_path / "db.sqlite3").start()
    try:
        def ask():
            try:
                urllib.request.urlopen(server.url + "/download/report.pdf", timeout=120).read()
            except OSError:
                pass  # the server is killed under it
        threading.Thread(target=ask, daemon=True).start()
        deadline = time.monotonic() + 60
        browsers: list = []
        while time.monotonic() < deadline and not browsers:
            browsers = chromium_processes_below(server.process.pid)
            time.sleep(0.2)
        assert browsers, "the export never started a browser"
        family = psutil.Process(server.process.pid).children(recursive=True)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(10)
        _, alive = psutil.wait_procs(family, timeout=3)  # a PDF of this park takes 10 s and more
        assert alive == [], f"left running: {[(p.pid, p.name()) for p in alive]}"
    finally:
        server.stop(kill=True)
        for process in chromium_processes_below(os.getpid()):
            process.kill()


# -- 7: a single CSV in the upload ------------------------------------------------------------


def test_the_server_also_refuses_a_single_csv_with_what_to_upload(tmp_path):
    import base64

    from dash import no_update

    from dashboard.app.storage_ui import StorageHandlers
    from tests.helpers import text_of

    app = create_app(model.load_park(shipped_park()), store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    handlers = StorageHandlers(app.server.config["ECO_PARK_STATE"])
    contents = "data:text/csv;base64," + base64.b64encode(b"id,name\npower,Power\n").decode()
    message, search = handlers.upload(contents, "firms.csv", "me")
    assert search is no_update
    assert "firms.csv is one table; a park is several" in text_of(message)


# -- 8: compare: every KPI, change from zero, one scale, exportable ----------------------------


def test_compare_charts_every_kpi_as_a_change_from_zero_on_one_scale(tmp_path):
    from dashboard.app.compare import compare_layout

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    park = model.load_park(shipped_park())
    app = create_app(park, store=store)
    state = app.server.config["ECO_PARK_STATE"]
    small = store.save_scenario(park.content_hash, "Lake water", ["tisso2_novozymes"], [], "me")
    big = store.save_scenario(park.content_hash, "Heat pump", ["heatpump_effluent_dh", "biogas_novozymes_bioenergi"],
                              ["dh_asnaes_town"], "me")
    page = compare_layout(state, f"?s={small.id},{big.id}")
    graphs = find_all(page, lambda c: type(c).__name__ == "Graph")
    assert len(graphs) == 4 * 2  # every KPI, every scenario
    baseline = model.evaluate(park)
    for kpi_index, kpi in enumerate(model.KPI_NAMES):
        pair = graphs[2 * kpi_index: 2 * kpi_index + 2]
        ranges = [tuple(g.figure.layout.yaxis.range) for g in pair]
        assert ranges[0] == ranges[1]  # one scale for the scenarios of one KPI
        for graph, record in zip(pair, (small, big)):
            after = model.evaluate(park, model.scenario_active(park, record.on, record.off))
            change = after.kpis[kpi] - baseline.kpis[kpi]
            trace = graph.figure.data[0]
            assert trace.y[-1] == pytest.approx(change, abs=1e-6)  # the last bar is the change, not a total
            assert sum(trace.y[:-1]) == pytest.approx(change, abs=1e-6)
            low, high = graph.figure.layout.yaxis.range
            assert low <= min(0.0, change) and high >= max(0.0, change) and (low == 0.0 or high == 0.0 or low < 0 < high)
    client = app.server.test_client()
    response = client.get(f"/download/compare.xlsx?s={small.id},{big.id}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = list(book["comparison"].iter_rows(values_only=True))
    assert rows[0] == exports.COMPARE_COLUMNS["comparison"]
    lake = next(r for r in rows if r[0] == "Lake water" and r[1] == "freshwater_m3")
    # Tissø II: 600,000 m3 of lake water replaces groundwater
    assert lake[6] == pytest.approx(-600_000.0)
    zipped = client.get(f"/download/compare.zip?s={small.id},{big.id}")
    assert zipped.status_code == 200
    assert "comparison.csv" in zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()
    assert client.get("/download/compare.xlsx?s=1").status_code == 400


# -- 11: one number rule for dashboard, kiosk and report ---------------------------------


def test_cards_kiosk_and_report_show_a_figure_the_same_way(tmp_path):
    import re

    from dashboard.app.callbacks import Handlers
    from dashboard.app.kiosk import kiosk_layout
    from tests.helpers import by_id, text_of

    park = model.load_park(shipped_park())
    app = create_app(park, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    state = app.server.config["ECO_PARK_STATE"]
    cards = Handlers(state).render_kpis("")[0]
    card = text_of(find_all(by_id(cards, "kpi-freshwater")[0], lambda c: getattr(c, "className", "") == "kpi-value"))
    kiosk = text_of(kiosk_layout(state, ""))
    page = report_html(park)
    # Kalundborg's baseline freshwater intake: 6,100,000 m3 a year
    assert card == "6.10 Mm3"
    assert "6.10 million cubic metres" in kiosk          # the same figure, in words for the public
    assert ">6.10 Mm3<" in page
    cost = text_of(find_all(by_id(cards, "kpi-cost")[0], lambda c: getattr(c, "className", "") == "kpi-value"))
    assert re.fullmatch(r"DKK \d{3} M|DKK \d+\.\d+ (M|bn)", cost)
    assert " G" not in cost


def test_csv_has_no_float_noise():
    import re

    park = model.load_park(shipped_park())
    data = exports.to_csv_zip(exports.scenario_tables(park, ["tisso2_novozymes"]), park)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert not re.search(r"\d(9{8,}|0{8,})\d", text)  # 4160999.9999999995 or 0.30000000000000004


# -- 9 and 10: the exchange list's saving columns and what a link could carry -------------------


def test_saving_columns_show_an_existing_link_as_a_saving_and_keep_their_sign_when_switched():
    from dashboard.app.components import table_headings
    from tests.helpers import list_cells

    park = model.load_park(shipped_park())

    def rows(active):
        evaluation = model.evaluate(park, active)
        marginal = model.marginal_effects(park, active, base=evaluation)
        savings = {row.exchange.id: row.saving for row in model.exchange_rows(park, evaluation, marginal)}
        return savings, list_cells(park, evaluation, marginal)

    co2 = 6 + model.KPI_NAMES.index("co2_t")  # the CO2e saving's cell
    headings = table_headings(park.currency)
    assert headings["co2_t"] == "Saves: CO2e (t)" and "\u0394" not in "".join(headings.values())
    saving, baseline = rows(park.baseline_active)
    # the Asnaes steam to Statoil: 200,000 MWh that Statoil's oil boiler would make at 0.312 t CO2 per
    # MWh, less what Asnaes gives up for it (0.1252 t per MWh): 200,000 x (0.312 - 0.1252) = 37,360 t
    steam = baseline["steam_asnaes_statoil"][co2]
    assert saving["steam_asnaes_statoil"].co2_t == pytest.approx(37_360.0) and "good" in steam["className"]
    assert steam["children"] == "+37,360"
    assert steam["title"] == "saves 37,360 t CO2e a year; switching it off would lose that"
    # a candidate off, then on: the same saving, the same sign
    off = baseline["biogas_novozymes_bioenergi"][co2]
    saving_on, switched = rows(park.baseline_active | {"biogas_novozymes_bioenergi"})
    on = switched["biogas_novozymes_bioenergi"][co2]
    assert saving["biogas_novozymes_bioenergi"].co2_t > 0
    assert saving_on["biogas_novozymes_bioenergi"].co2_t == pytest.approx(saving["biogas_novozymes_bioenergi"].co2_t)
    assert "good" in off["className"] and "good" in on["className"]
    assert off["title"].startswith("would save ") and on["title"].startswith("saves ")


def test_a_candidate_says_what_it_could_carry_and_why_it_carries_nothing():
    from tests.helpers import list_cells

    park = model.load_park(shipped_park())
    active = park.baseline_active | {"heatpump_effluent_dh"}
    evaluation = model.evaluate(park, active)
    row = list_cells(park, evaluation, model.marginal_effects(park, active, base=evaluation))["heatpump_effluent_dh"]
    # the heat pump could carry 80,000 MWh of heat; the town's 80,000 MWh is met first by Asnaes
    assert row[5]["children"] == ("would carry 80,000 MWh; now 0 MWh: Kalundborg district heating's demand for "
                                  "district heat is already met by Asnæs district heat to the town (1981)")
    off = list_cells(park, model.evaluate(park, park.baseline_active),
                     model.marginal_effects(park, park.baseline_active))["heatpump_effluent_dh"]
    assert off[5]["children"] == "off; would carry up to 80,000 MWh on its own"


# -- 12: "What makes this up" ---------------------------------------------------------------


def test_breakdown_lists_seven_terms_rather_than_one_smaller_term():
    from dashboard.app.components import kpi_card
    from tests.helpers import text_of

    park = model.load_park(shipped_park())
    views = model.views(park, park.baseline_active)
    terms = [model.Contribution("baseline", f"f{i}", f"term {i}", float(10 - i)) for i in range(7)]
    seven = text_of(kpi_card("co2_t", views, "DKK", terms, 7))
    assert "term 6" in seven and "smaller term" not in seven
    eight = text_of(kpi_card("co2_t", views, "DKK", terms, 8))
    assert "and 2 smaller terms" in eight and "term 6" not in eight
    nine = text_of(kpi_card("co2_t", views, "DKK", terms, 1_234))
    assert "and 1,228 smaller terms" in nine


# -- 13: names, not ids; readable links; parks told apart; template examples ---------------


def test_saved_scenarios_and_exports_name_exchanges(tmp_path):
    from dashboard.app.storage_ui import StorageHandlers
    from tests.helpers import text_of

    park = model.load_park(shipped_park())
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = create_app(park, store=store)
    handlers = StorageHandlers(app.server.config["ECO_PARK_STATE"])
    store.save_scenario(park.content_hash, "Lake water", ["tisso2_novozymes"], ["dh_asnaes_town"], "Ana")
    listing = text_of(handlers.listing(""))
    assert park.exchange["tisso2_novozymes"].name in listing and park.exchange["dh_asnaes_town"].name in listing
    assert "+tisso2_novozymes" not in listing
    about = {row["item"]: row["value"] for row in exports.about_rows(
        exports.scenario_tables(park, (park.baseline_active | {"tisso2_novozymes"}) - {"dh_asnaes_town"}), park)}
    assert about["switched on (candidates)"] == f"{park.exchange['tisso2_novozymes'].name} (tisso2_novozymes)"


def test_uploaded_parks_get_readable_links_and_the_list_tells_same_named_parks_apart(tmp_path):
    import base64

    from dashboard.app.storage_ui import StorageHandlers
    from dashboard.model.writing import park_json
    from tests.helpers import text_of

    park = model.load_park(shipped_park())
    app = create_app(park, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    state = app.server.config["ECO_PARK_STATE"]
    handlers = StorageHandlers(state)
    ulsan = model.load_park(shipped_park("ulsan"))
    other = dataclasses.replace(ulsan, description="a second version")  # same name, other content

    def upload(p, name, who):
        data = park_json(p).encode()
        return handlers.upload("data:application/json;base64," + base64.b64encode(data).decode(), name, who)

    _, search = upload(ulsan, "ulsan.json", "Ana")
    assert search == f"?park=ulsan-mipo-and-onsan-steam-network-{ulsan.content_hash[:16]}"
    assert state.park(search.removeprefix("?park=")).content_hash == ulsan.content_hash
    assert state.park(ulsan.content_hash) is not None  # full hashes in old links still open it
    upload(other, "ulsan-v2.json", "Bo")
    listing = handlers.parks_listing()
    text = text_of(listing)
    assert f"fingerprint {ulsan.content_hash[:12]}" in text and f"fingerprint {other.content_hash[:12]}" in text
    assert "ulsan.json (JSON file" in text and "ulsan-v2.json (JSON file" in text
    assert "this server's default park" in text and ".json \u00b7 json" not in text
    with pytest.raises(model.ParkError):
        state.park("ulsan-0000000000000000")


def test_a_workbook_with_the_template_examples_left_in_says_so():
    from dashboard.exports import template_workbook

    park = model.load_park_bytes("my-park.xlsx", template_workbook())
    warnings = [str(w) for w in park.warnings]
    assert any("my-park.xlsx[firms]" in w and "the template's example rows are still in (example_power, "
               "example_plasterboard)" in w for w in warnings)


# -- 15: the change just made, by name, with Undo ------------------------------------------------


def test_switch_note_names_what_was_just_switched(tmp_path):
    from dashboard.app.callbacks import Handlers

    park = model.load_park(shipped_park())
    app = create_app(park, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    handlers = Handlers(app.server.config["ECO_PARK_STATE"])
    name = park.exchange["tisso2_novozymes"].name
    assert handlers.switch_note("", None) == ("", {"display": "none"}, None, "?")  # first load: nothing; the baseline kept as "?"
    note, style, undo, last = handlers.switch_note("?on=tisso2_novozymes", "")
    assert note == f"Switched on: {name}" and style == {} and undo == "" and last == "?on=tisso2_novozymes"
    # from Tissø II on to the town's district heat off: both are switched off now, named in the park's order
    note, *_ = handlers.switch_note("?off=dh_asnaes_town", "?on=tisso2_novozymes")
    ordered = [e.name for e in park.exchanges if e.id in ("dh_asnaes_town", "tisso2_novozymes")]
    assert note == f"Switched off: {ordered[0]}, {ordered[1]}"
    note, *_ = handlers.switch_note("?on=" + ",".join(e.id for e in park.exchanges
                                                      if e.status is model.Status.CANDIDATE), "")
    assert note.startswith("Switched on: ") and " more" in note
