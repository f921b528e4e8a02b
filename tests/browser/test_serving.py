"""Serving many users, in a real browser: signing in, Dash's renderer sending the CSRF
token by itself, a viewer refused, a kiosk link, all against `eco-park serve --auth`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from playwright.sync_api import expect

from dashboard import storage
from dashboard.auth import Auth

from .conftest import ROOT, assert_no_job_processes_left, click_point, wait_for_dashboard, wait_for_job_browser

PASSWORD = "correct horse battery"
CANDIDATE = "tisso2_novozymes"


def sign_in(page, url: str, name: str, target: str = "/") -> None:
    page.goto(url + target)
    page.wait_for_selector("form[action='/login']")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_for_dashboard(page)


def test_signed_in_editor_saves_as_themselves_and_a_viewer_is_refused(own_server, page_factory, tmp_path):
    auth = Auth.create(tmp_path / "users.json")
    auth.set_user("eda", "editor", PASSWORD)
    auth.set_user("vic", "viewer", PASSWORD)
    running = own_server(args=("--auth", str(auth.path)))
    page = page_factory()
    sign_in(page, running.url, "eda", f"/?on={CANDIDATE}")
    assert page.url.endswith(f"/?on={CANDIDATE}")  # back where the link pointed
    assert "Signed in as eda (editor)" in page.inner_text("#user-bar")
    page.get_by_role("button", name="Save scenario").click()
    page.wait_for_selector("#save-name", state="visible")
    assert page.input_value("#save-author") == "eda" and page.is_disabled("#save-author")
    page.fill("#save-name", "Lake water")
    page.get_by_role("button", name="Save", exact=True).click()  # a POST: needs the CSRF header
    page.wait_for_function("document.querySelector('#save-result').textContent.includes('Saved')", timeout=10_000)
    store = storage.Store(f"sqlite:///{running.database}")
    assert [(s.name, s.author, s.on) for s in store.list_scenarios()] == [("Lake water", "eda", (CANDIDATE,))]

    viewer = page_factory()
    sign_in(viewer, running.url, "vic")
    viewer.get_by_role("button", name="Save scenario").click()
    viewer.wait_for_selector("#save-name", state="visible")
    viewer.fill("#save-name", "Not allowed")
    viewer.get_by_role("button", name="Save", exact=True).click()
    viewer.wait_for_function("document.querySelector('#save-result').textContent.includes('needs the editor role')",
                             timeout=10_000)
    assert len(store.list_scenarios()) == 1
    viewer.keyboard.press("Escape")
    viewer.wait_for_selector("#save-name", state="hidden")
    viewer.get_by_role("button", name="Sign out").click()
    viewer.wait_for_selector("form[action='/login']")


def test_a_kiosk_link_shows_without_login(own_server, page, console, tmp_path):
    auth = Auth.create(tmp_path / "users.json")
    auth.set_user("ada", "admin", PASSWORD)
    running = own_server(args=("--auth", str(auth.path)))
    _, path = auth.add_kiosk_link(f"?on={CANDIDATE}", by="ada")
    page.goto(running.url + path)
    page.wait_for_selector(".kiosk-kpi-value", timeout=30_000)
    console.expect("status of 403")  # the dashboard (and its favicon) refused, as they must be
    page.goto(running.url + "/")
    assert "kiosk link opens its kiosk page only" in page.inner_text("body")


def test_the_dashboard_works_under_its_content_security_policy(server, page_factory, console):
    """No inline script, eval or style the policy forbids: the browser would report each
    refusal as a console error, which fails the test."""
    page = page_factory(bypass_csp=False)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(server.url)
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    wait_for_dashboard(page)
    cost = page.locator("#kpi-cost .kpi-value")
    before = cost.get_attribute("data-value")
    page.get_by_label(f"Switch {CANDIDATE}:", exact=False).check()
    expect(cost).not_to_have_attribute("data-value", before, timeout=10_000)
    page.locator("#sankey-tabs label", has_text="Energy (MWh)").click()
    expect(page.locator("#sankey-graph .gtitle")).to_contain_text("Energy (MWh)", timeout=10_000)
    click_point(page, "network-graph", "firm", "novozymes")
    expect(page.locator("#firm-panel-title")).not_to_be_empty(timeout=10_000)
    page.keyboard.press("Escape")
    expect(page.locator("#firm-panel")).to_be_hidden()
    page.get_by_role("button", name="Upload park").click()  # a dialog: bootstrap's own styles and scripts
    expect(page.locator("#upload-modal")).to_be_visible()
    assert violations == []


def test_exports_run_on_a_celery_worker_through_redis(own_server, page, redis_server, tmp_path):
    """With ECO_PARK_REDIS_URL set the web server only queues the job: a separate
    `eco-park worker` process makes the file, and a cancelled job's Chromium is gone."""
    env = {"ECO_PARK_REDIS_URL": redis_server.url}
    running = own_server(env=env)
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen([sys.executable, "-m", "dashboard", "worker", "--concurrency", "1"], cwd=ROOT,
                              env=dict(os.environ, ECO_PARK_DB=f"sqlite:///{running.database}", **env),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_log(tmp_path / "worker.log", "ready", worker)
        page.goto(running.url + f"/?on={CANDIDATE}")
        wait_for_dashboard(page)
        page.get_by_role("button", name="Export").click()
        with page.expect_download(timeout=90_000) as download_info:
            page.get_by_role("button", name="Report (PDF)").click()
        assert download_info.value.suggested_filename == "kalundborg-symbiosis-report.pdf"
        assert download_info.value.path().read_bytes().startswith(b"%PDF")
        assert "succeeded" in (tmp_path / "worker.log").read_text()  # the worker made it, not the web server
        assert_no_job_processes_left(worker.pid)

        page.get_by_role("button", name="Export").click()
        page.get_by_role("button", name="Figures (PNG, zip)").click()
        progress = page.locator("#export-progress")
        expect(progress).to_contain_text("Making Figures (PNG, zip)", timeout=30_000)
        wait_for_job_browser(worker.pid)
        assert not _chromium_under(running.process.pid)  # nothing heavy in the web server
        progress.get_by_role("button", name="Cancel").click()
        expect(progress).to_be_hidden()
        assert_no_job_processes_left(worker.pid)
        assert worker.poll() is None  # the worker itself carries on ...
        page.get_by_role("button", name="Export").click()
        with page.expect_download(timeout=90_000) as download_info:  # ... and makes the next file
            page.get_by_role("button", name="Figures (SVG, zip)").click()
        assert download_info.value.suggested_filename == "kalundborg-symbiosis-figures-svg.zip"
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()


def wait_for_log(path, text: str, process, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, path.read_text()[-3000:]
        if text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"'{text}' not in {path}: {path.read_text()[-3000:]}")


def _chromium_under(pid: int) -> list:
    import psutil

    return [p for p in psutil.Process(pid).children(recursive=True) if "chrom" in p.name().lower()]


def test_a_toggle_costs_two_callback_requests(server, page):
    page.goto(server.url)
    wait_for_dashboard(page)
    page.wait_for_timeout(1500)  # the first load's requests are done
    posts = []
    page.on("request", lambda r: posts.append(r.post_data_json.get("output"))
            if "/_dash-update-component" in r.url and r.method == "POST" else None)
    cost = page.locator("#kpi-cost .kpi-value")
    before = cost.get_attribute("data-value")
    page.get_by_label(f"Switch {CANDIDATE}:", exact=False).check()
    expect(cost).not_to_have_attribute("data-value", before, timeout=10_000)
    page.wait_for_timeout(2500)  # anything that would follow has been sent by now
    # header, cards, links, list, switch note, firm panel and Sankey come in one response;
    # the network and the cards' uncertainty bands with the tornado (its pane is shown)
    # in the next. Not sent: the resilience ranking (its pane is closed) and the firm
    # search's options (the search box still names no firm).
    assert len(posts) == 2, "|".join(p[:40] for p in posts)
    assert any("kpi-strip.tree" in p and "exchange-rows.tree" in p and "switch-note.children" in p
               and "sankey-graph.figure" in p for p in posts)
    assert any("network-graph.figure" in p and "band-co2.children" in p and "tornado-graph.figure" in p
               for p in posts)
    assert not any("resilience-table" in p or "network-search.options" in p for p in posts)
