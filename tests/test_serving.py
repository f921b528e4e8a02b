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
    plotly = client.get("/_dash-component-suites/plotly/package_data/plotly.v7m1.min.js",
                        headers={"Accept-Encoding": "gzip"})
    assert plotly.status_code == 200 and plotly.headers["Content-Encoding"] == "gzip"
    size = len(gzip.decompress(plotly.data))
    assert size > 3_000_000 and len(plotly.data) < size / 3  # 4.8 MB of plotly.js, about 1.4 MB sent
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
