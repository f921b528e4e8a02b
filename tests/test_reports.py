"""Reports: the HTML page carries the model's KPIs, is self-contained and escapes park
data; the PDF (headless Chromium) and the figure images (kaleido with the system
Chromium) open and carry the same numbers; ``write_report`` picks by suffix."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser

import openpyxl
import pytest

from dashboard import model, reports
from dashboard.figures.sankey import sankey_views
from dashboard.formatting import full, kpi_unit, si
from dashboard.paths import shipped_park
from tests.helpers import PARK_TOML, load


def _browser() -> str | None:
    try:
        return reports.find_browser()
    except reports.ReportError:
        return None


needs_chromium = pytest.mark.skipif(_browser() is None, reason="needs Chromium (apt-get install chromium)")

WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def park() -> model.Park:
    return model.load_park(shipped_park("kalundborg"))


@pytest.fixture(scope="module")
def active(park) -> frozenset[str]:
    """Two candidates on and one existing exchange off: every column of the report moves."""
    candidates = [e.id for e in park.exchanges if e.status is model.Status.CANDIDATE]
    existing = [e.id for e in park.exchanges if e.status is model.Status.EXISTING]
    return model.scenario_active(park, on=candidates[:2], off=existing[-1:])


@pytest.fixture(scope="module")
def page(park, active) -> str:
    return reports.report_html(park, active, generated_at=WHEN)


class Cells(HTMLParser):
    """Every element with a ``data-value``: (table class, data-kpi, data-view, value, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[str] = []
        self.open: list[dict] = []
        self.cells: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append(attrs.get("class") or "")
        if tag == "td" and "data-value" in attrs:
            cell = {"table": self.tables[-1] if self.tables else "", "kpi": attrs.get("data-kpi"),
                    "view": attrs.get("data-view"), "value": float(attrs["data-value"]), "text": ""}
            self.open.append(cell)
            self.cells.append(cell)

    def handle_endtag(self, tag):
        if tag == "table" and self.tables:
            self.tables.pop()
        if tag == "td" and self.open:
            self.open.pop()

    def handle_data(self, data):
        for cell in self.open:
            cell["text"] += data


def kpi_cells(page: str) -> dict[tuple[str, str], dict]:
    parser = Cells()
    parser.feed(page)
    return {(c["view"], c["kpi"]): c for c in parser.cells if c["table"] == "kpi-table"}


# -- HTML ------------------------------------------------------------------------------


def test_html_carries_the_scenario_kpis_in_full_precision(park, active, page):
    seen = model.views(park, active)
    cells = kpi_cells(page)
    for view, evaluation in (("scenario", seen.scenario), ("baseline", seen.baseline),
                             ("no_symbiosis", seen.no_symbiosis)):
        for kpi, value in evaluation.kpis.items():
            cell = cells[(view, kpi)]
            assert cell["value"] == value, (view, kpi)  # repr() round-trips: exactly equal
            unit = kpi_unit(kpi, park.currency)
            assert si(value, unit) in cell["text"] and full(value) in cell["text"]
    for kpi, value in seen.vs_baseline.absolute.as_dict().items():
        assert cells[("change_vs_baseline", kpi)]["value"] == value
    assert seen.scenario.kpis != seen.baseline.kpis  # the scenario really differs


def test_html_firm_and_exchange_tables_follow_the_model(park, active, page):
    seen = model.views(park, active)
    parser = Cells()
    parser.feed(page)
    firm_scenario = [c for c in parser.cells if c["table"] == "data" and c["view"] == "scenario"]
    assert len(firm_scenario) == 4 * len(park.firms)
    for kpi in model.KPI_NAMES:  # firms add up to the park
        total = sum(c["value"] for c in firm_scenario if c["kpi"] == kpi)
        assert total == pytest.approx(seen.scenario.kpis[kpi], rel=1e-9, abs=1e-6)
    marginal = model.marginal_effects(park, active)
    shown = [c for c in parser.cells if c["view"] == "marginal"]
    assert len(shown) == 4 * len(park.exchanges)
    assert sorted(c["value"] for c in shown) == sorted(v for k in marginal.values() for v in k.values())


def test_html_header_names_the_scenario_and_share_link(park, active, page):
    on, off = model.scenario_toggles(park, active)
    assert on and off
    query = "?on=" + ",".join(on) + "&amp;off=" + ",".join(off)
    assert query in page
    for exchange_id in on + off:
        assert f"<code>{exchange_id}</code>" in page
    assert '<meta name="generator" content="eco-park' in page
    assert "2024-05-06 07:08:09 UTC" in page
    assert park.name in page and "DKK" in page and "2008" in page
    for reported in park.reported:  # published savings beside the model's
        assert full(reported.value) in page
    assert "min(capacity, supply left, demand left / ratio)" in page
    assert page.count("Plotly.newPlot(") == 1 + len(sankey_views(park))


def test_html_is_self_contained(page):
    plotly_js = reports.page._plotly_js()
    assert page.count(plotly_js[:500]) == 1  # plotly.js inlined exactly once...
    own = page.replace(plotly_js, "")      # ...and the rest of the page loads nothing either
    tags = re.findall(r"<(?:script|link|img|iframe|object|embed|source|video|audio)\b[^>]*>", own, flags=re.I)
    assert tags and all(tag.lower() == "<script>" for tag in tags), [t for t in tags if t.lower() != "<script>"]
    assert not re.search(r"\bsrc\s*=", own, flags=re.I)
    assert "@import" not in own and "url(" not in own and "cdn." not in own
    head, _, rest = own.partition('<ol class="sources">')
    sources, _, tail = rest.partition("</ol>")
    assert re.findall(r'href="([^"#][^"]*)"', head + tail) == []  # links elsewhere stay inside the page
    assert all(h.startswith("https://") or h.startswith("http://") for h in re.findall(r'href="([^"]*)"', sources))


def test_html_of_the_baseline_says_so(park):
    page = reports.report_html(park)
    assert "the baseline: existing exchanges on, candidates off" in page
    assert "(none: the baseline)" in page


def test_unknown_exchange_is_a_park_error(park):
    with pytest.raises(model.ParkError):
        reports.report_html(park, ["no_such_exchange"])


HOSTILE = "<script>alert(1)</script>"
TOML = PARK_TOML + f'''description = "{HOSTILE} and <b>bold</b>"
[[sources]]
id = "evil"
citation = "{HOSTILE}"
url = "javascript:alert(2)"
[[sources]]
id = "fine"
citation = "A & B"
url = "https://example.org/a?b=1&c=2"
'''
FIRMS = f"""\
id,name,sector,x,y
power,{HOSTILE},"x"" onmouseover=""alert(3)",0,0
plaster,Plaster & Co,building,1,0
cement,Cement,building,0,1
"""


@pytest.fixture
def hostile(tmp_path) -> model.Park:
    return load(tmp_path, toml=TOML, firms=FIRMS, streams="""\
        firm,kind,resource,quantity,fate,source
        power,supply,fly_ash,100,landfill,evil
        plaster,demand,gypsum,60,,fine
        """, exchanges=f"""\
        id,name,from_firm,resource,to_firm,replaces,status
        ash,"{HOSTILE}",power,fly_ash,plaster,gypsum,candidate
        """)


def test_html_escapes_text_from_the_park(hostile):
    page = reports.report_html(hostile, ["ash"])
    assert HOSTILE not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onmouseover="alert' not in page
    assert 'href="javascript:' not in page
    assert 'href="https://example.org/a?b=1&amp;c=2"' in page
    assert "Plaster &amp; Co" in page
    assert "javascript:alert(2)" in page  # shown as text, never as a link


# -- files without a browser -----------------------------------------------------------


def test_write_report_html_csv_xlsx(tmp_path, park, active):
    html_file = reports.write_report(park, active, tmp_path / "r.html", generated_at=WHEN)
    assert html_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    csv_file = reports.write_report(park, active, tmp_path / "r.csv")
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == [e.id for e in park.exchanges]
    book = openpyxl.load_workbook(reports.write_report(park, active, tmp_path / "r.xlsx"))
    assert {"kpis", "exchanges", "firms", "sources", "about"} <= set(book.sheetnames)
    with pytest.raises(ValueError, match="must end in"):
        reports.write_report(park, active, tmp_path / "r.docx")
    assert not (tmp_path / "r.docx").exists()


def test_bad_image_format_is_refused(park):
    with pytest.raises(ValueError, match="png, svg"):
        reports.figure_images(park, None, fmt="gif")


def test_a_missing_browser_is_explained(monkeypatch, tmp_path, park):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium-here"))
    with pytest.raises(reports.ReportError, match="BROWSER_PATH is set to"):
        reports.report_pdf(park)
    with pytest.raises(reports.ReportError, match="BROWSER_PATH is set to"):
        reports.figure_images(park)
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.delenv("CHROME_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(reports.chromium, "CANDIDATES", ("no-such-browser",))
    with pytest.raises(reports.ReportError, match="none was found.*apt-get install chromium"):
        reports.report_pdf(park)


def test_a_failing_browser_is_explained(monkeypatch, park):
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    with pytest.raises(reports.ReportError, match="could not print the report to PDF"):
        reports.report_pdf(park)


# -- with Chromium ---------------------------------------------------------------------


@needs_chromium
def test_pdf_opens_and_carries_the_kpis(park, active):
    pypdf = pytest.importorskip("pypdf")
    data = reports.report_pdf(park, active, generated_at=WHEN)
    assert data.startswith(b"%PDF")
    document = pypdf.PdfReader(io.BytesIO(data))
    assert len(document.pages) >= 5
    text = " ".join(page.extract_text() for page in document.pages)
    flat = re.sub(r"\s+", " ", text)
    for kpi, value in model.views(park, active).scenario.kpis.items():
        unit = kpi_unit(kpi, park.currency)
        assert si(value, unit) in flat, (kpi, si(value, unit))
        assert full(value) in flat, (kpi, full(value))
    assert "(new supply)" in flat  # a Sankey label: plotly drew the figures before printing
    assert "The model's rules in brief" in flat


@needs_chromium
def test_pdf_timeout_stops_the_browser(park):
    with pytest.raises(reports.ReportError, match="took longer than"):
        reports.html_to_pdf(reports.report_html(park), timeout=0.05)


@needs_chromium
def test_figure_images_are_valid_png_and_svg(park, active):
    pytest.importorskip("kaleido")
    images = reports.figure_images(park, active, fmt=("png", "svg"))
    names = ["network"] + [f"sankey-{v.category}-{v.unit.lower()}" for v in sankey_views(park)]
    assert sorted(images) == sorted(f"{n}.{f}" for n in names for f in ("png", "svg"))
    for name, data in images.items():
        if name.endswith(".png"):
            assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
        else:
            root = ET.fromstring(data)
            assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")


@needs_chromium
def test_write_report_zip_has_report_figures_and_tables(tmp_path, park, active):
    pytest.importorskip("kaleido")
    out = reports.write_report(park, active, tmp_path / "bundle.zip", generated_at=WHEN)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"report.html", "figures/network.png", "figures/network.svg", "tables/kpis.csv",
                "tables/exchanges.csv", "tables/about.csv"} <= names
        assert archive.read("figures/network.png").startswith(PNG_SIGNATURE)
        assert b"<svg" in archive.read("figures/network.svg")[:200]
        cells = kpi_cells(archive.read("report.html").decode("utf-8"))
    assert cells[("scenario", "co2_t")]["value"] == model.views(park, active).scenario.kpis["co2_t"]
