"""Exports: the Excel template loads as shipped and follows the schema; scenario results
as tables, CSV and XLSX carry the model's numbers and are safe against formula injection."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest

from dashboard import model
from dashboard.exports import (
    TABLE_COLUMNS,
    neutralise,
    scenario_tables,
    template_workbook,
    to_csv,
    to_csv_zip,
    to_xlsx,
    write_template,
)
from dashboard.exports.template import EXAMPLE_ROWS, SHEETS, VALIDATED_ROWS
from dashboard.model.generate import generate_park
from dashboard.model.schema import PARK_SETTINGS
from tests.helpers import load

# -- the template ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_workbook()


@pytest.fixture(scope="module")
def template_book(template):
    return openpyxl.load_workbook(io.BytesIO(template))


def test_template_as_shipped_loads_without_errors_or_warnings(template):
    park = model.load_park_bytes("template.xlsx", template)
    # the one warning a template with its example rows left in gives, once per table
    assert {w.file for w in park.warnings} == {"template.xlsx[resources]", "template.xlsx[firms]",
                                               "template.xlsx[exchanges]"}
    assert all("the template's example rows are still in" in w.message for w in park.warnings)
    assert park.name == "Example park" and park.currency == "EUR" and park.year == 2024
    assert [f.name for f in park.firms] == ["Example power station", "Example plasterboard plant"]
    assert [e.id for e in park.exchanges] == ["example_gypsum_link"]
    assert park.transport[model.Mode.TRUCK].cost_per_tkm == 0.12
    assert [r.kpi for r in park.reported] == ["landfill_t"]
    assert [(r.row, r.low, r.high) for r in park.uncertainty] == [
        ("example_power/supply/example_fgd_gypsum", 9000, 11000)]
    # 10,000 t of FGD gypsum, 8,000 t taken by the plasterboard plant: 2,000 t left to landfill.
    assert model.evaluate(park).kpis["landfill_t"] == 2000.0


def test_write_template_writes_a_loadable_file(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    assert model.load_park(path).name == "Example park"


def test_template_sheets_headers_bold_and_frozen(template_book):
    assert template_book.sheetnames == ["instructions", "park", *SHEETS, "columns"]
    for name, spec in SHEETS.items():
        sheet = template_book[name]
        header = [c.value for c in sheet[1]]
        assert header == list(spec.names), name
        assert all(c.font.b for c in sheet[1]), name
        assert sheet.freeze_panes == "A2", name
        assert all(sheet.column_dimensions[c.column_letter].width >= 10 for c in sheet[1]), name
        # the example rows are what the template holds below the header
        assert sheet.max_row == 1 + len(EXAMPLE_ROWS[name]), name


def test_template_park_sheet_lists_every_setting(template_book):
    sheet = template_book["park"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [c.name for c in PARK_SETTINGS]
    assert dict((r[0], r[1]) for r in rows)["currency"] == "EUR"


def _validations(sheet) -> dict[str, tuple[str, str]]:
    """Column letter -> (cell range, list formula) of each drop-down on the sheet."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            assert letter not in found, f"two drop-downs on {sheet.title}!{letter}"
            found[letter] = (cell_range.coord, validation.formula1)
    return found


QUALITIES = "measured,calculated,estimated,assumed,derived"


def test_template_drop_downs_sit_on_the_vocabulary_columns(template_book):
    expected = {
        "resources": {"category": "water,energy,material"},
        "streams": {"kind": "supply,demand", "fate": "landfill,incineration,discharge,vent,external",
                    "quality": QUALITIES},
        "exchanges": {"status": "existing,candidate", "mode": "pipeline,truck,rail,ship,conveyor,grid",
                      "payer": "to,from", "quality": QUALITIES},
        "reported": {"kpi": "freshwater_m3,co2_t,landfill_t,cost,delivered"},
        "uncertainty": {"table": "resources,firms,streams,exchanges",
                        "column": "virgin_price,virgin_co2,disposal_fee,disposal_co2,baseline_co2,"
                                  "baseline_freshwater,baseline_landfill,baseline_cost,quantity,ratio,capacity,"
                                  "distance_km,capex,lifetime_years,opex_per_year,cost_per_unit,co2_per_unit,"
                                  "price_per_unit",
                        "distribution": "triangular,uniform"},
        "transport": {"mode": "pipeline,truck,rail,ship,conveyor,grid"},
        "firms": {}, "sources": {},
    }
    for name, columns in expected.items():
        sheet = template_book[name]
        letters = {c.value: c.column_letter for c in sheet[1]}
        want = {letters[column]: (f"{letters[column]}2:{letters[column]}{VALIDATED_ROWS}", f'"{words}"')
                for column, words in columns.items()}
        assert _validations(sheet) == want, name


def test_every_schema_column_is_in_the_columns_sheet(template_book):
    rows = list(template_book["columns"].iter_rows(min_row=2, values_only=True))
    listed = {(r[0], r[1]): r for r in rows}
    expected = [("park", c) for c in PARK_SETTINGS] + [(t, c) for t, s in SHEETS.items() for c in s.columns]
    assert len(rows) == len(expected)
    for table, column in expected:
        table_, name, default, meaning, allowed = listed[(table, column.name)]
        assert default == (column.default_text or "blank")
        assert meaning == column.meaning
        if (table, name) not in (("reported", "kpi"), ("uncertainty", "column")):
            assert (allowed or "") == ", ".join(column.allowed)
    assert listed[("exchanges", "capacity")][2] == "unlimited"
    assert listed[("reported", "kpi")][4] == "freshwater_m3, co2_t, landfill_t, cost, delivered"
    assert listed[("uncertainty", "column")][4].startswith("virgin_price, virgin_co2, disposal_fee")


def test_template_example_rows_use_schema_columns_only():
    for name, rows in EXAMPLE_ROWS.items():
        for row in rows:
            assert set(row) <= set(SHEETS[name].names), name


# -- scenario tables on a hand-checked park ------------------------------------------

STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,100,landfill
plaster,demand,gypsum,60,
cement,demand,gypsum,50,
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status
ash,Fly ash to plaster,power,fly_ash,plaster,gypsum,existing
more,More ash,power,fly_ash,cement,gypsum,candidate
"""
# fly_ash: disposal 50 EUR/t and 0.01 t CO2e/t to landfill; gypsum: 20 EUR/t and 0.1 t CO2e/t new.
# No symbiosis: 100 t landfilled, 110 t gypsum bought: CO2e 1 + 11 = 12 t, cost 5000 + 2200 = 7200.
# Baseline ('ash' carries 60 t): 40 t landfilled, 50 t bought: CO2e 0.4 + 5 = 5.4, cost 2000 + 1000 = 3000.
# Scenario ('more' on, takes the last 40 t): 0 t landfilled, 10 t bought: CO2e 1, cost 200.


@pytest.fixture
def mini(tmp_path) -> model.Park:
    return load(tmp_path, streams=STREAMS, exchanges=EXCHANGES)


def by_id(rows, key="id"):
    return {r[key]: r for r in rows}


def test_kpi_table_matches_the_model_and_hand_values(mini):
    tables = scenario_tables(mini, ["ash", "more"])
    assert list(tables) == ["kpis", "exchanges", "firms", "sources", "bands"]
    # no ranges in this park: every percentile of the bands is the value itself
    bands = by_id(tables["bands"], "kpi")
    assert bands["landfill_t"]["scenario_p5"] == bands["landfill_t"]["scenario_p95"] == 0.0
    assert bands["landfill_t"]["change_p50"] == -40.0 and bands["landfill_t"]["ranged_inputs"] == 0
    kpis = by_id(tables["kpis"], "kpi")
    assert list(kpis) == list(model.KPI_NAMES)
    seen = model.views(mini, ["ash", "more"])
    for kpi, row in kpis.items():
        assert row["no_symbiosis"] == seen.no_symbiosis.kpis[kpi]
        assert row["baseline"] == seen.baseline.kpis[kpi]
        assert row["scenario"] == seen.scenario.kpis[kpi]
    assert kpis["landfill_t"] == {
        "kpi": "landfill_t", "label": "Waste to landfill", "unit": "t/yr", "no_symbiosis": 100.0,
        "baseline": 40.0, "scenario": 0.0, "change_vs_baseline": -40.0, "pct_vs_baseline": -100.0,
        "change_vs_no_symbiosis": -100.0}
    assert kpis["co2_t"]["no_symbiosis"] == pytest.approx(12.0)
    assert kpis["co2_t"]["baseline"] == pytest.approx(5.4)
    assert kpis["co2_t"]["scenario"] == pytest.approx(1.0)
    assert kpis["co2_t"]["pct_vs_baseline"] == pytest.approx(-4.4 / 5.4 * 100)
    assert (kpis["cost"]["no_symbiosis"], kpis["cost"]["baseline"], kpis["cost"]["scenario"]) == (7200, 3000, 200)
    assert kpis["cost"]["unit"] == "EUR/yr"
    assert kpis["cost"]["pct_vs_baseline"] == pytest.approx(-2800 / 3000 * 100)
    assert kpis["freshwater_m3"]["pct_vs_baseline"] is None  # the baseline is 0


def test_exchange_table_flows_bounds_and_marginal_effects(mini):
    tables = scenario_tables(mini, ["ash", "more"])
    rows = by_id(tables["exchanges"])
    assert all(tuple(r) == TABLE_COLUMNS["exchanges"] for r in rows.values())
    assert rows["ash"]["carried"] == 60.0 and rows["ash"]["bound"] == "demand"
    more = rows["more"]
    assert (more["status"], more["active"], more["carried"], more["met"], more["unit"], more["bound"]) == \
        ("candidate", True, 40.0, 40.0, "t", "supply")
    # Switching 'more' off puts 40 t back on landfill, 40 t of gypsum back to buying.
    assert more["marginal_landfill_t"] == pytest.approx(40.0)
    assert more["marginal_co2_t"] == pytest.approx(4.4)
    assert more["marginal_cost"] == pytest.approx(2800.0)
    # Switching 'ash' off: 'more' then takes 50 t, 50 t landfilled, 60 t bought by plaster.
    assert rows["ash"]["marginal_landfill_t"] == pytest.approx(50.0)
    assert rows["ash"]["marginal_cost"] == pytest.approx(3500.0)
    # In the baseline, switching 'more' on is an improvement: negative effects.
    baseline = by_id(scenario_tables(mini)["exchanges"])
    assert baseline["more"]["active"] is False and baseline["more"]["bound"] == "inactive"
    assert baseline["more"]["marginal_cost"] == pytest.approx(-2800.0)


def test_firm_table_sums_to_the_park(mini):
    tables = scenario_tables(mini, ["ash", "more"])
    firms = by_id(tables["firms"])
    assert list(firms) == ["power", "plaster", "cement"]
    assert firms["power"]["baseline_landfill_t"] == 40.0 and firms["power"]["scenario_landfill_t"] == 0.0
    assert firms["cement"]["scenario_cost"] == pytest.approx(200.0)
    kpis = by_id(tables["kpis"], "kpi")
    for kpi in model.KPI_NAMES:
        for view in ("baseline", "scenario"):
            assert sum(f[f"{view}_{kpi}"] for f in firms.values()) == pytest.approx(kpis[kpi][view])


def read_csv_text(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_round_trip_gives_back_the_numbers(mini):
    tables = scenario_tables(mini, ["ash", "more"])
    text = to_csv(tables["kpis"])
    assert text.startswith("\ufeff")
    grid = read_csv_text(text.removeprefix("\ufeff"))
    assert tuple(grid[0]) == TABLE_COLUMNS["kpis"]
    for line, row in zip(grid[1:], tables["kpis"], strict=True):
        for name, value in zip(grid[0], line, strict=True):
            if isinstance(row[name], float):
                assert float(value) == row[name]  # full precision: exactly the same float
            elif row[name] is None:
                assert value == ""
            else:
                assert value == row[name]
    exchanges = read_csv_text(to_csv(tables["exchanges"], bom=False))
    assert exchanges[2][TABLE_COLUMNS["exchanges"].index("active")] == "true"


def test_csv_zip_has_one_utf8_bom_file_per_table(mini):
    tables = scenario_tables(mini, ["more"])
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(to_csv_zip(tables, mini, generated_at=when))) as archive:
        names = archive.namelist()
        files = {n: archive.read(n) for n in names}
    assert names == ["kpis.csv", "exchanges.csv", "firms.csv", "sources.csv", "bands.csv", "about.csv"]
    assert all(data.startswith(b"\xef\xbb\xbf") for data in files.values())
    # an empty table still has its header row
    assert read_csv_text(files["sources.csv"].decode("utf-8-sig")) == [["id", "citation", "url"]]
    about = dict(read_csv_text(files["about.csv"].decode("utf-8-sig"))[1:])
    assert about["park"] == "Mini park" and about["currency"] == "EUR"
    # by name, with the id to search the exchanges sheet for
    names = {row["id"]: row["name"] for row in tables["exchanges"]}
    assert about["switched on (candidates)"] == f"{names['more']} (more)"
    assert about["switched off (existing)"] == f"{names['ash']} (ash)"
    assert about["generated at (UTC)"] == "2026-01-02T03:04:05Z"
    with zipfile.ZipFile(io.BytesIO(to_csv_zip(tables))) as archive:
        assert "about.csv" not in archive.namelist()


def test_xlsx_sheets_numbers_and_about(mini):
    tables = scenario_tables(mini, ["more"])
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables, mini)))
    assert book.sheetnames == ["kpis", "exchanges", "firms", "sources", "bands", "about"]
    sheet = book["kpis"]
    assert tuple(c.value for c in sheet[1]) == TABLE_COLUMNS["kpis"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    for line, row in zip(sheet.iter_rows(min_row=2, values_only=True), tables["kpis"], strict=True):
        # openpyxl writes 16 significant digits (Excel shows 15): equal to about 1e-15
        for got, want in zip(line, row.values(), strict=True):
            assert got == (pytest.approx(want, rel=1e-15) if isinstance(want, float) else want)
    assert [c.value for c in book["sources"][1]] == ["id", "citation", "url"]
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["park"] == "Mini park" and about["switched on (candidates)"].endswith(" (more)")
    assert about["generated at (UTC)"].endswith("Z")
    with pytest.raises(ValueError, match="about"):
        to_xlsx({"about": []}, mini)


# -- formula injection ---------------------------------------------------------------

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def test_neutralise():
    # a tab also splits a CSV line into cells: the formula after it is quoted too
    assert [neutralise(t) for t in HOSTILE] == ["'" + t.replace("\t=", "\t'=") for t in HOSTILE]
    assert neutralise("Power station") == "Power station"
    assert neutralise("\x01=1+1") == "'=1+1"  # a control character cannot hide a formula
    assert neutralise("") == ""


@pytest.fixture(scope="module")
def hostile():
    park = generate_park(8, 14, seed=3)
    firms = list(park.firms)
    for index, name in enumerate(HOSTILE):
        firms[index] = dataclasses.replace(firms[index], name=name)
    firms[0] = dataclasses.replace(firms[0], sector="-sector")
    park = dataclasses.replace(park, name="=HYPERLINK(\"http://x\")", firms=tuple(firms))
    return park, scenario_tables(park)


def test_csv_neutralises_text_and_keeps_negative_numbers(hostile):
    park, tables = hostile
    grid = read_csv_text(to_csv(tables["firms"]).removeprefix("\ufeff"))
    names = [line[1] for line in grid[1:len(HOSTILE) + 1]]
    assert names == [neutralise(t) for t in HOSTILE] == ["'" + t.replace("\t=", "\t'=") for t in HOSTILE]
    assert grid[1][2] == "'-sector"
    lines = read_csv_text(to_csv(tables["exchanges"]).removeprefix("\ufeff"))
    columns = [i for i, c in enumerate(lines[0]) if c.startswith("marginal_")]
    values = [line[i] for line in lines[1:] for i in columns]
    negative = [v for v in values if v.startswith("-")]
    assert negative, "the park should have improving exchanges"
    assert all(float(v) < 0 for v in negative)  # numbers: no quote added
    with zipfile.ZipFile(io.BytesIO(to_csv_zip(tables, park))) as archive:
        about = archive.read("about.csv").decode("utf-8-sig")
    assert "park,\"'=HYPERLINK(\"\"http://x\"\")\"" in about


def test_xlsx_neutralises_text_never_writes_formulas_and_keeps_numeric_cells(hostile):
    park, tables = hostile
    data = to_xlsx(tables, park)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    book = openpyxl.load_workbook(io.BytesIO(data))
    firms = book["firms"]
    for row, text in enumerate(HOSTILE, start=2):
        cell = firms.cell(row=row, column=2)
        # a text cell is inert: the text is kept exact, no ' added (XML reads a carriage
        # return back as a line feed), and Excel's quote-prefix style keeps it text on editing
        assert cell.value == text.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix
    assert firms["C2"].value == "-sector" and firms["C2"].quotePrefix
    assert firms["B8"].value == park.firms[6].name and not firms["B8"].quotePrefix
    about = {r[0].value: r[1] for r in book["about"].iter_rows(min_row=2)}
    assert about["park"].value == "=HYPERLINK(\"http://x\")" and about["park"].data_type == "s"
    sheet = book["exchanges"]
    header = [c.value for c in sheet[1]]
    columns = [i for i, c in enumerate(header, start=1) if c.startswith("marginal_")]
    cells = [sheet.cell(row=r, column=c) for r in range(2, sheet.max_row + 1) for c in columns]
    assert all(c.data_type == "n" and isinstance(c.value, (int, float)) for c in cells)
    assert any(c.value < 0 for c in cells)
    expected = [r[f"marginal_{k}"] for r in tables["exchanges"] for k in model.KPI_NAMES]
    assert [c.value for c in cells] == pytest.approx(expected, rel=1e-15, abs=1e-300)


# -- numbers in CSV, text in XLSX ------------------------------------------------------------


def test_csv_numbers_without_float_noise_and_still_numbers():
    import math

    rows = [{"noisy": 4160999.9999999995, "sum": 0.1 + 0.2, "negative": -6908999.999999999,
             "third": 1 / 3, "real_digits": -93.33333333333333, "small": 0.0012345678912345,
             "tiny": 1e-12, "whole": 4161000.0, "text": "-not a number"}]
    line = read_csv_text(to_csv(rows, bom=False))[1]
    # noise (a float 1 ulp from a short decimal) is written as that decimal; real digits stay
    assert line == ["4161000.0", "0.3", "-6909000.0", "0.3333333333333333", "-93.33333333333333",
                    "0.0012345678912345", "1e-12", "4161000.0", "'-not a number"]
    for text, value in zip(line[:8], rows[0].values()):
        assert abs(float(text) - value) <= 4 * math.ulp(value)  # full precision: within 4 ulp
    assert [float(t) for t in line[3:8]] == list(rows[0].values())[3:8]  # exactly, where not noise


def test_xlsx_keeps_formula_looking_text_exact_in_inert_text_cells(hostile):
    import re

    park, tables = hostile
    data = to_xlsx(tables, park)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        firms = archive.read("xl/worksheets/sheet3.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
        every_sheet = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    # B2 holds the first firm's name as an inline string (text, never evaluated), not a formula
    cell = re.search(r'<c r="B2"( [^>]*)>(.*?)</c>', firms)
    assert 't="inlineStr"' in cell.group(1) and cell.group(2) == "<is><t>=cmd|' /C calc'!A0</t></is>"
    assert not any(re.search(r"<f[ >]", xml) for xml in every_sheet)
    # and with Excel's quote-prefix style, so editing the cell keeps it text
    style = int(re.search(r's="(\d+)"', cell.group(1)).group(1))
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs", 1)[1])
    assert 'quotePrefix="1"' in xfs[style]
