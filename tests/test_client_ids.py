"""Component ids live in dashboard/app/ids.py, one enum per page; the browser code gets
them from the page (ids.client_ids) and names every one as ``IDS.<page>.<NAME>``. Each
name it uses must be a member of that page's enum, and no id is written out in it, so a
rename in ids.py cannot silently break a toggle, the firm panel or the kiosk."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.app import callbacks, create_app, doubt, ids, network_ui
from dashboard.storage import Store

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "assets" / "eco_park.js", ROOT / "assets" / "eco_scenario.js", ROOT / "assets" / "eco_markup.js"]
# Strings the script may write that equal an id: the ids script's own id (read before the
# ids are known) and a CSS class named like the kiosk's views.
ALLOWED = {ids.ShellIds.CLIENT_IDS, "kiosk-view"}


def every_id() -> set[str]:
    return {member.value for members in ids.PAGES.values() for member in members}


def test_each_page_has_its_enum_and_the_old_flat_names_still_work():
    assert ids.URL is ids.ShellIds.URL and ids.FILTER_TEXT is ids.MainIds.FILTER_TEXT
    assert ids.KIOSK_ROOT is ids.KioskIds.KIOSK_ROOT and ids.COMPARE_ROOT is ids.CompareIds.COMPARE_ROOT
    assert ids.KPI_CARD["co2_t"] == "kpi-co2" and ids.EXPORT_LINK["pdf"] == "export-pdf"
    names = [member.name for members in ids.PAGES.values() for member in members]
    values = [member.value for members in ids.PAGES.values() for member in members]
    assert len(names) == len(set(names)) and len(values) == len(set(values))  # one page per id


def test_every_id_the_browser_code_names_is_a_member_of_its_page():
    named = set()
    for script in SCRIPTS:
        named |= set(re.findall(r"IDS\.(\w+)\.(\w+)", script.read_text(encoding="utf-8")))
    assert {("main", "EXCHANGE_ROWS"), ("main", "RESET_BUTTON"), ("main", "SHARE_LINK"),
            ("kiosk", "KIOSK_ROOT")} <= named
    for page, name in named:
        assert name in ids.PAGES[page].__members__, f"IDS.{page}.{name} is not in ids.{ids.PAGES[page].__name__}"


def test_the_browser_code_writes_no_id_of_its_own():
    inline = [text for module in (callbacks, network_ui, doubt)
              for text in re.findall(r'"""(.*?)"""', Path(module.__file__).read_text(encoding="utf-8"), re.S)]
    for text in [s.read_text(encoding="utf-8") for s in SCRIPTS] + inline:
        literals = set(re.findall(r'"([\w-]+)"', text)) | set(re.findall(r"'([\w-]+)'", text))
        assert (literals & every_id()) - ALLOWED == set()


def test_each_page_carries_the_ids_for_its_script(tmp_path):
    app = create_app(store=Store(f"sqlite:///{tmp_path / 'ids.sqlite3'}"))
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert f'<script id="{ids.ShellIds.CLIENT_IDS}" type="application/json">' in page
    assert '"EXCHANGE_TOGGLE":"exchange-toggle"' in page
