"""Browser tests: a real eco-park server in a subprocess, driven through Debian's
chromium by Playwright (never a downloaded browser).

Set ECO_PARK_REQUIRE_BROWSER=1 (as .ci/run does) to fail rather than skip when chromium
or axe-core is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.app import ids
from dashboard.app.ids import dom_id
from dashboard.paths import shipped_park

CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE_CANDIDATES = ([Path(os.environ["ECO_PARK_AXE"])] if os.environ.get("ECO_PARK_AXE") else []) + [
    ROOT / ".tools/node_modules/axe-core/axe.min.js", ROOT / "node_modules/axe-core/axe.min.js"]
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REQUIRED = os.environ.get("ECO_PARK_REQUIRE_BROWSER") == "1"
LOADED_WITHIN = 90_000
"""ms a page may take to show its cards and figures: generous, as the test machine is shared."""


def _missing(what: str):
    if REQUIRED:
        pytest.fail(f"{what} is required for the browser tests (ECO_PARK_REQUIRE_BROWSER=1)")
    pytest.skip(f"{what} is not installed")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``eco-park serve`` in a subprocess, on a free port, with its own database."""

    def __init__(self, park: Path | None, database: Path, port: int | None = None, args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None):
        self.park, self.database, self.args, self.env = park, database, tuple(args), dict(env or {})
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log = database.with_suffix(".log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        command = [sys.executable, "-m", "dashboard", "serve", "--port", str(self.port), *self.args]
        if self.park:
            command.insert(4, str(self.park))
        env = dict(os.environ, ECO_PARK_DB=f"sqlite:///{self.database}",
                   ECO_PARK_JOBS_DIR=str(self.database.with_suffix(".jobs")), **self.env)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not answer within 60 s")

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
            self.process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report ends with the tail of each server log it used: what
    the server said (a job that died, a callback that raised) is often the diagnosis."""
    report = yield
    if report.failed and call.when == "call":
        fixtures = getattr(item, "funcargs", {})
        servers = [value for value in fixtures.values() if isinstance(value, Server)]
        servers += getattr(fixtures.get("own_server"), "servers", [])
        for running in servers:
            if running.log.exists():
                tail = running.log.read_text(encoding="utf-8", errors="replace")[-4000:]
                report.sections.append((f"server log {running.log.name} (last 4,000 characters)", tail))
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _missing("Debian's chromium (/usr/bin/chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The shipped default park (Kalundborg), shared by tests that do not change stored data."""
    running = Server(None, tmp_path_factory.mktemp("db") / "shared.sqlite3").start()
    yield running
    running.stop()


@pytest.fixture
def own_server(tmp_path):
    """A server of this test's own (fresh database), for tests that store or restart."""
    servers: list[Server] = []

    def make(park: Path | None = None, args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Server:
        running = Server(park, tmp_path / f"db{len(servers)}.sqlite3", args=args, env=env).start()
        servers.append(running)
        return running

    make.servers = servers  # for the server logs of a failed test
    yield make
    for running in servers:
        running.stop()


class Console:
    """Console errors seen by a test's pages; ``expect`` lets a test allow one it causes
    on purpose (such as a refused connection while it has the server stopped)."""

    def __init__(self):
        self.errors: list[str] = []
        self.expected: list[str] = []

    def expect(self, text: str) -> None:
        self.expected.append(text)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(text in e for text in self.expected)]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page_factory(browser, console):
    """New pages with console errors collected; the test fails if any appeared."""
    contexts = []

    def make(width: int = 1920, height: int = 1080, **options):
        # Playwright's string predicates (wait_for_function) are evaluated in the page, which the
        # server's Content-Security-Policy forbids; tests/browser/test_serving.py runs the
        # dashboard with the policy enforced (bypass_csp=False).
        options.setdefault("bypass_csp", True)
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: console.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: console.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert console.unexpected() == [], f"console errors: {console.unexpected()}"


@pytest.fixture
def page(page_factory):
    return page_factory()


@pytest.fixture(scope="session")
def axe_source() -> str:
    for candidate in AXE_CANDIDATES:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    _missing("axe-core (npm install --prefix .tools axe-core@4)")


def wait_for_dashboard(page) -> None:
    page.wait_for_selector("#kpi-co2 .kpi-value", timeout=LOADED_WITHIN)
    page.wait_for_selector("#network-graph .main-svg", timeout=LOADED_WITHIN)
    page.wait_for_selector("#sankey-graph .main-svg", timeout=LOADED_WITHIN)


SETTLED = """(() => {  // no Dash callback waiting, asked for, running or being applied; none loading
  const callbacks = window.store.getState().callbacks;
  return ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed', 'stored'].every(
    (list) => !callbacks[list].length) && !document.querySelector('[data-dash-is-loading="true"]');
})()"""
"""The page has settled. "Nothing loading" alone is not enough: the network and the bands
are asked for once the cards are drawn, so for a moment nothing loads and they are still
to come."""


def wait_until_settled(page, timeout: int = LOADED_WITHIN) -> None:
    """Wait until the page has settled (``SETTLED``)."""
    page.wait_for_function(SETTLED, timeout=timeout, polling=50)


def kpi_values(page) -> dict[str, float]:
    """The full-precision scenario values the four KPI cards carry."""
    values = page.evaluate("""() => ['kpi-freshwater', 'kpi-co2', 'kpi-landfill', 'kpi-cost'].map(
        id => document.querySelector('#' + id + ' .kpi-value').dataset.value)""")  # one read: no torn state
    return dict(zip(("freshwater_m3", "co2_t", "landfill_t", "cost"), map(float, values)))


def wait_for_kpis_to_change(page, before: dict[str, float], timeout: float = 10.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            now = kpi_values(page)
        except (TypeError, ValueError):
            now = before
        if now != before:
            return now
        page.wait_for_timeout(50)
    raise AssertionError("the KPI cards did not change")


def graph_point(page, graph_id: str, kind: str, ref: str) -> tuple[float, float]:
    """Page coordinates of the network point whose customdata is [kind, ref]."""
    return page.evaluate("""([graphId, kind, ref]) => {
        const gd = document.querySelector('#' + graphId + ' .js-plotly-plot');
        for (const trace of gd.data) {
            const data = trace.customdata || [];
            const i = data.findIndex(c => c && c[0] === kind && c[1] === ref);
            if (i >= 0) {
                const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
                return [box.left + xa._offset + xa.l2p(trace.x[i]), box.top + ya._offset + ya.l2p(trace.y[i])];
            }
        }
        return null;
    }""", [graph_id, kind, ref])


def click_point(page, graph_id: str, kind: str, ref: str) -> None:
    """Hover, then click, a network point as a mouse would (plotly picks on hover)."""
    x, y = graph_point(page, graph_id, kind, ref)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_timeout(250)
    page.mouse.click(x, y)


def cli_kpis(*args: str) -> dict[str, float]:
    """What `eco-park evaluate --json` says the scenario's KPIs are."""
    done = subprocess.run([sys.executable, "-m", "dashboard", "evaluate", str(shipped_park()), "--json", *args],
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)["kpis"]["scenario"]


def toggle_id(exchange_id: str) -> str:
    """The DOM id of an exchange's checkbox in the list."""
    return dom_id({"type": ids.MainIds.EXCHANGE_TOGGLE, "index": exchange_id})


def toggles_shown(page) -> list[str]:
    """The exchange ids whose checkboxes the list's page shows, in order."""
    return page.eval_on_selector_all("#exchange-table tbody tr", "rows => rows.map(r => r.dataset.exchange)")


def _chromiums(pid: int) -> list:
    import psutil

    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if "chrom" in p.name().lower()]
    except psutil.NoSuchProcess:
        return []


def wait_for_job_browser(pid: int, timeout: float = 60.0) -> None:
    """Wait until a job under process ``pid`` has started its Chromium (so a Cancel now
    has something to clean up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _chromiums(pid):
            return
        time.sleep(0.1)
    raise AssertionError("no Chromium was started for the export")


def assert_no_job_processes_left(pid: int, timeout: float = 15.0) -> None:
    """No Chromium (nor anything it started) is left under process ``pid``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _chromiums(pid):
            return
        time.sleep(0.2)
    raise AssertionError(f"processes left behind: {[p.name() for p in _chromiums(pid)]}")
