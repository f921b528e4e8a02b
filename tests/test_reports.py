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


def needs_chromium(test):
    """A test that starts a headless Chromium (PDF, kaleido images): a browser test."""
    skip = pytest.mark.skipif(_browser() is None, reason="needs Chromium (apt-get install chromium)")
    return pytest.mark.browser(skip(test))

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


# -- downloads of a park whose name is not Latin-1 -----------------------------------------

DOWNLOADS = ["report.html", "results.xlsx", "results.zip", "figures-svg.zip"]


@pytest.fixture(scope="module", params=[("울산 미포 산업단지", "park", "울산-미포-산업단지"),
                                        ("Łódź park", "lodz-park", "łódź-park")],
                ids=["korean", "polish"])
def named_client(request, park, tmp_path_factory):
    """A test client of the app serving the Kalundborg park under another name, with the
    ASCII and the full file-name stem its downloads should carry."""
    import dataclasses

    from dashboard.app import create_app
    from dashboard.storage import Store

    name, plain, full_stem = request.param
    folder = tmp_path_factory.mktemp("named")
    app = create_app(dataclasses.replace(park, name=name), store=Store(f"sqlite:///{folder / 'db.sqlite3'}"))
    return app.server.test_client(), plain, full_stem


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.browser) if n.startswith(("figures", "report.pdf"))
                                  else n for n in DOWNLOADS])
def test_downloads_of_a_park_with_a_non_latin1_name(named_client, name):
    from werkzeug.http import parse_options_header

    if name.startswith("figures") and (_browser() is None or not _has_kaleido()):
        pytest.skip("needs Chromium and kaleido")
    client, plain, full_stem = named_client
    response = client.get(f"/download/{name}")
    assert response.status_code == 200 and len(response.data) > 1000
    header = response.headers["Content-Disposition"]
    # the server sends headers as Latin-1; keep them ASCII, with the real name RFC 5987-encoded
    assert header.isascii() and header.encode("latin-1")
    assert f'filename="{plain}-{name}"' in header
    disposition, options = parse_options_header(header)
    assert disposition == ("inline" if name.endswith(".html") else "attachment")
    assert options["filename"] == f"{full_stem}-{name}"  # what a browser saves it as


def _has_kaleido() -> bool:
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return True


def test_html_download_names_its_charset_once(named_client):
    client, _, _ = named_client
    assert client.get("/download/report.html").headers["Content-Type"] == "text/html; charset=utf-8"
    refused = client.get("/download/report.html?on=nope")
    assert refused.status_code == 400 and refused.headers["Content-Type"] == "text/plain; charset=utf-8"
    xlsx = client.get("/download/results.xlsx").headers["Content-Type"]
    assert xlsx == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_ascii_park_names_keep_a_plain_file_name():
    from dashboard.app.downloads import content_disposition

    assert content_disposition("attachment", "Kalundborg Symbiosis", "results.xlsx") == \
        'attachment; filename="kalundborg-symbiosis-results.xlsx"'
    assert content_disposition("inline", 'My "park"; x', "report.html") == 'inline; filename="my-park-x-report.html"'


# -- the report's colours and the network's labels -----------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert round(contrast("#8a8f94", "#ffffff"), 2) == 3.26  # the faded rows axe flagged


def test_every_report_text_colour_meets_wcag_aa_on_every_report_background():
    from dashboard.reports.page import _CSS

    variables = dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{6})", _CSS))

    def resolved(value: str) -> str | None:
        value = value.strip()
        if value.startswith("var("):
            value = variables[value[4:-1].strip().removeprefix("--")]
        return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else None

    texts = {resolved(v) for v in re.findall(r"(?<![\w-])color\s*:\s*([^;}]+)", _CSS)} - {None}
    grounds = {resolved(v) for v in re.findall(r"(?<![\w-])background(?:-color)?\s*:\s*([^;}]+)", _CSS)}
    grounds = (grounds - {None}) | {"#ffffff"}
    assert {"#5c636a", "#1a7f37", "#c62828", "#0b5cad"} <= texts and {"#f5f6f8", "#fffaf0"} <= grounds
    low = [(t, g, round(contrast(t, g), 2)) for t in texts for g in grounds if contrast(t, g) < 4.5]
    assert low == []
    # no text is made paler than its colour says
    assert not re.search(r"(?<![\w-])opacity\s*:", _CSS)


# -- figure images carry the park and the scenario ------------------------------------------


def test_image_title_names_park_year_and_scenario(park, active):
    from dashboard.reports.images import ImageTitle, titled

    title = ImageTitle.of(park, active)
    assert title.scenario == (
        "Scenario: the baseline with switched on: Biogas plant: residues to bio-natural gas (2018), "
        "Heat pump on treated wastewater to district heat (2018); "
        "switched off: NovoGro biomass to farms as fertiliser (1976)")
    assert ImageTitle.of(park, park.baseline_active).scenario == \
        "Scenario: the baseline (existing exchanges on, candidates off)"
    items = reports.report_figures(model.views(park, active).scenario)
    before = [(i.figure.layout.title.text, i.figure.layout.margin.t) for i in items]
    for item in items:
        figure, height = titled(item, title)
        text = figure.layout.title.text
        assert text.startswith("<b>Kalundborg Symbiosis</b> \u00b7 data year 2008 \u00b7 ")
        # the scenario's 172 characters on two lines; the drawing keeps its size
        assert "(2018), Heat pump on treated wastewater to district heat (2018);</span><br>" in text
        assert "switched off: NovoGro biomass to farms as fertiliser (1976)</span>" in text
        band = height - item.height
        assert band > 40 and figure.layout.margin.t == (item.figure.layout.margin.t or 0) + band
    assert "Network" in titled(items[0], title)[0].layout.title.text
    assert "Water (m3) a year" in titled(items[1], title)[0].layout.title.text  # the Sankey's own title kept
    # the page's figures (and so the dashboard's) are left untitled
    assert [(i.figure.layout.title.text, i.figure.layout.margin.t) for i in items] == before
    assert before[0][0] is None
    import dataclasses

    odd = ImageTitle.of(dataclasses.replace(park, name="<b>A&B</b>", year=None), active)
    text = titled(items[0], odd)[0].layout.title.text
    assert text.startswith("<b>&lt;b&gt;A&amp;B&lt;/b&gt;</b> \u00b7 Network")  # shown, not drawn; no year


def test_image_title_moves_a_legend_above_the_plot_under_itself():
    import plotly.graph_objects as go

    from dashboard.reports.images import ImageTitle, ReportFigure, titled

    figure = go.Figure([go.Scatter(x=[1, 2], y=[1, 2])],
                       layout={"legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},
                               "legend2": {"y": -0.1}})
    copy, height = titled(ReportFigure("f", "F", figure, 400), ImageTitle("P", None, "Scenario: x"))
    band = height - 400
    assert (copy.layout.legend.yref, copy.layout.legend.yanchor) == ("container", "top")
    assert copy.layout.legend.y == pytest.approx(1 - band / height)  # hangs from the title's band
    assert copy.layout.legend2.y == -0.1 and copy.layout.legend2.yref is None  # below the plot: left
    assert figure.layout.legend.y == 1.02 and figure.layout.legend.yref is None


@needs_chromium
def test_svg_figures_carry_the_park_and_scenario_title(park, active):
    pytest.importorskip("kaleido")
    images = reports.figure_images(park, active, fmt="svg")
    for name, data in images.items():
        root = ET.fromstring(data)
        titles = [" ".join("".join(t.itertext()).split()) for t in root.iter()
                  if t.tag.endswith("text") and "gtitle" in (t.get("class") or "")]
        assert len(titles) == 1, name
        assert titles[0].startswith("Kalundborg Symbiosis \u00b7 data year 2008 \u00b7 "), titles
        assert "switched on: Biogas plant: residues to bio-natural gas (2018)" in titles[0]
        assert "switched off: NovoGro biomass to farms as fertiliser (1976)" in titles[0]


def test_report_and_tables_of_a_scenario_where_a_firm_leaves(tmp_path):
    from dashboard import exports
    from dashboard.cli import main
    from tests.helpers import competing

    park = competing(tmp_path / "park", "a_plaster,power,fly_ash,plaster,gypsum,existing,,\n"
                                        "b_cement,power,fly_ash,cement,gypsum,candidate,,\n")
    scenario = model.Scenario(on=("b_cement",), without=("plaster",))
    # Without plaster: b carries 50 t; 50 t landfilled: CO2e 0.5, cost 2,500 (test_scenario)
    tables = exports.scenario_tables(park, scenario)
    kpis = {row["kpi"]: row for row in tables["kpis"]}
    assert kpis["landfill_t"]["scenario"] == 50 and kpis["cost"]["scenario"] == 2500
    assert kpis["landfill_t"]["baseline"] == 30  # the baseline is the park as it is
    firms = {row["id"]: row for row in tables["firms"]}
    # cement buys its 50 t of gypsum in the baseline (x 20) and none once b is on
    assert firms["cement"]["baseline_cost"] == 1000 and firms["cement"]["scenario_cost"] == 0
    assert all(firms["plaster"][f"scenario_{kpi}"] == 0 for kpi in model.KPI_NAMES)  # gone: no figures
    assert sum(row["scenario_cost"] for row in tables["firms"]) == pytest.approx(2500)
    assert [row["id"] for row in tables["exchanges"]] == ["b_cement"]
    page = reports.report_html(park, scenario, generated_at=WHEN)
    assert "Firms leaving the park" in page and "Plasterboard" in page
    assert "?on=b_cement&amp;without=plaster" in page
    assert kpi_cells(page)[("scenario", "cost")]["value"] == 2500
    # the command line writes the same
    out = tmp_path / "results.xlsx"
    assert main(["report", str(tmp_path / "park"), "--on", "b_cement", "--without", "plaster",
                 "--out", str(out)]) == 0 and out.stat().st_size > 0
