"""The server as deployed: compression, cache lifetimes, security headers, and
`eco-park serve --workers N` (gunicorn gthread) keeping other users served while slow
clients dribble their request bodies. All traffic stays on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.storage import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(store=Store(f"sqlite:///{tmp_path_factory.mktemp('db') / 's.sqlite3'}"))
    return app.server.test_client()


def test_security_headers_on_pages_callbacks_and_files(client):
    for path in ("/", "/_dash-layout", "/assets/app.css", "/download/results.xlsx", "/healthz"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy, path
        assert "object-src 'none'" in policy and "'unsafe-eval'" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
    # the page's inline scripts are exactly the hashes allowed, so the browser runs them
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and script_src.count("'sha256-") >= 1


def test_responses_are_compressed(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and b"_dash-config" in gzip.decompress(page.data)
    # the app's plotly.js, as a browser takes it (a file is sent in zstd or brotli, not gzip)
    plotly = client.get("/assets/plotly-eco.min.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert plotly.status_code == 200 and plotly.headers["Content-Encoding"] == "zstd"
    size = len(client.get("/assets/plotly-eco.min.js").data)
    assert size > 1_000_000 and len(plotly.data) < size / 2.5  # 1.46 MB of plotly.js, about 0.5 MB sent
    plain = client.get("/_dash-layout")  # a client that takes no compression gets none
    assert "Content-Encoding" not in plain.headers and json.loads(plain.data)


def test_versioned_files_are_cached_for_a_year_and_pages_are_not(client):
    year = "public, max-age=31536000, immutable"
    assert client.get("/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m1.js").headers[
        "Cache-Control"] == year
    assert client.get("/assets/app.css?m=123").headers["Cache-Control"] == year
    assert "max-age" not in client.get("/assets/app.css").headers["Cache-Control"]  # no version in the URL
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        assert client.get(path).headers["Cache-Control"] == "private, no-cache", path
    assert client.get("/download/results.xlsx").headers["Cache-Control"] == "no-store"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    pytest.importorskip("gunicorn")
    port = free_port()
    folder = tmp_path_factory.mktemp("workers")
    log = open(folder / "server.log", "wb")
    env = dict(os.environ, ECO_PARK_DB=f"sqlite:///{folder / 'w.sqlite3'}")
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--workers", "2", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, (folder / "server.log").read_text()
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    yield port, process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_serve_with_workers_runs_gunicorn_gthread_processes(workers):
    port, process = workers
    import psutil

    children = psutil.Process(process.pid).children()
    assert len(children) == 2  # the arbiter and two workers
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip" and "Content-Security-Policy" in response.headers


def test_slow_clients_do_not_hold_up_other_users(workers):
    """Six clients each announce a 1 MB callback body and send it a byte at a time;
    meanwhile every other request must still be answered within a second."""
    port, _ = workers
    slow = []
    try:
        for _ in range(6):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
            slow.append(sock)
        times = []
        for _ in range(10):  # bounded: ten requests, each given at most 5 s
            for sock in slow:
                sock.sendall(b" ")
            start = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5) as response:
                assert response.status == 200
            times.append(time.monotonic() - start)
            time.sleep(0.1)
        assert max(times) < 1.0, times
    finally:
        for sock in slow:
            sock.close()


def test_components_leave_in_their_wire_form_and_markup_as_it_is():
    from dash import html
    from plotly.io.json import to_json_plotly

    from dashboard.app.inputs import wire_form
    from dashboard.app.markup import node

    tree = html.Div([html.Span("a", className="x"), "b", None], id="d", title="t")
    assert wire_form(tree) == json.loads(to_json_plotly(tree))  # what Dash would have sent
    assert wire_form((tree, 3, "s")) == [json.loads(to_json_plotly(tree)), 3, "s"]
    row = node("tr", {"className": "r"}, node("td", None, "1"))
    assert wire_form(row) is row  # plain by construction: not walked


def test_a_toggle_s_responses_hold_no_component(tmp_path, monkeypatch):
    """Dash encodes a response with orjson as it is when it holds no component; one
    component would make plotly's encoder walk every number of the figures in Python."""
    import dash._callback
    import orjson
    from dash.development.base_component import Component

    from dashboard.app import ids
    from dashboard.app.components import SORT_COLUMNS
    from tests.test_access import post_callback

    encoded = []
    real = dash._callback.to_json

    def to_json(value):
        def components(item):
            if isinstance(item, Component):
                return 1
            if isinstance(item, dict):
                return sum(components(v) for v in item.values())
            return sum(components(v) for v in item) if isinstance(item, (list, tuple)) else 0
        encoded.append((str(value)[:80], components(value)))
        orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
        return real(value)

    monkeypatch.setattr(dash._callback, "to_json", to_json)
    app = create_app(store=Store(f"sqlite:///{tmp_path / 's.sqlite3'}"))
    client = app.server.test_client()
    client.get("/")
    search = "?on=tisso2_novozymes"
    headings = {f'{{"index":["ALL"],"type":"{kind}"}}.{prop}': [({"type": kind, "index": c}, None)
                                                              for c in SORT_COLUMNS]
                for kind, prop in ((ids.SORT_BUTTON, "children"), (ids.SORT_HEADING, "aria-sort"))}
    # the scenario's answer, then the network's with the bands
    for output, trigger in ((ids.KPI_STRIP, f"{ids.URL}.search"), (ids.BAND_CO2, f"{ids.LAST_SEARCH}.data")):
        response = post_callback(app, client, output, {f"{ids.URL}.search": search, f"{ids.LAST_SEARCH}.data": search,
                                                       f"{ids.MAIN_PAGE}.data": True, **headings}, trigger)
        assert response.status_code == 200, response.data[:300]
    assert len(encoded) == 2 and all(count == 0 for _, count in encoded), encoded


def test_a_process_works_on_one_callback_at_a_time_and_a_failure_gives_back_its_turn(tmp_path):
    import threading

    from dash import Input, Output

    from dashboard.app import http

    app = create_app(store=Store(f"sqlite:///{tmp_path / 's.sqlite3'}"))
    lock, running, most = threading.Lock(), [0], [0]

    @app.callback(Output("probe-out", "children"), Input("probe-in", "value"))
    def probe(value):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        if value == "fail":
            raise RuntimeError("a callback that fails")
        return value

    def call(value, answers):
        body = {"output": "probe-out.children", "outputs": {"id": "probe-out", "property": "children"},
                "inputs": [{"id": "probe-in", "property": "value", "value": value}], "changedPropIds": ["probe-in.value"]}
        answers.append(app.server.test_client().post("/_dash-update-component", json=body).status_code)

    answers: list[int] = []
    threads = [threading.Thread(target=call, args=("fail" if i == 0 else f"v{i}", answers)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [200] * 5 + [500]  # the failure gave its turn back: every other one ran
    assert most[0] == http.CALLBACKS_AT_ONCE == 1
