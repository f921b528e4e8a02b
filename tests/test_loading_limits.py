"""Limits and odd files, beyond tests/test_hostile_input.py: sheets whose declared size
lies, formulas judged by what the workbook really saved, merged cells, numbers too long
to read, tables too wide, and the last-resort catch of the command line. Every message
is checked with its location (file or sheet, row, column)."""

from __future__ import annotations

import io
import json
import os
import re
import tracemalloc
import zipfile
import zlib

import openpyxl
import pytest

from dashboard import model
from dashboard.cli import main
from dashboard.model import tables
from dashboard.model.writing import park_json
from tests.helpers import EXCHANGES, FIRMS, PARK_TOML, STREAMS, reference_park, workbook_bytes, write_park

FORMULA_ADVICE = "with no saved value; open and save the workbook in Excel, or type the value"


def problems_of(name: str, data: bytes) -> list[str]:
    with pytest.raises(model.ParkError) as caught:
        model.load_park_bytes(name, data)
    return [str(p) for p in caught.value.problems]


def folder_problems(folder) -> list[str]:
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    return [str(p).replace(f"{folder}/", "") for p in caught.value.problems]


def sheet_path(book: bytes, sheet: str) -> str:
    """The zip member holding a sheet (openpyxl writes them in sheet order)."""
    names = openpyxl.load_workbook(io.BytesIO(book), read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def rewrite(data: bytes, member: str, change) -> bytes:
    """The zip ``data`` with one member's bytes passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def rewrite_sheet(book: bytes, sheet: str, change) -> bytes:
    return rewrite(book, sheet_path(book, sheet), change)


@pytest.fixture
def park(tmp_path):
    return reference_park(tmp_path)


# -- workbooks: the sheet's declared size is not trusted -------------------------------------

def test_a_sheet_that_claims_to_be_smaller_than_it_is_is_still_read_in_full(park):
    book = rewrite_sheet(workbook_bytes(park), "streams",
                         lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', xml))
    assert model.load_park_bytes("park.xlsx", book).content_hash == park.content_hash


def test_a_sheet_that_claims_to_be_huge_costs_no_memory(park):
    # 3,000 empty rows in sheets claiming 16,384 columns: padding each row to the claim
    # took 400 MB; rows are read as wide as their cells.
    def claim_huge(xml):
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
        return xml.replace(b"</sheetData>", b"".join(b'<row r="%d"/>' % n for n in range(100, 3100))
                           + b"</sheetData>")

    book = workbook_bytes(park)
    for sheet in ("park", "streams"):
        book = rewrite_sheet(book, sheet, claim_huge)
    tracemalloc.start()
    try:
        loaded = model.load_park_bytes("park.xlsx", book)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert loaded.content_hash == park.content_hash
    assert peak < 40_000_000


def test_a_workbook_is_held_to_the_zip_limit_before_it_is_opened(park, monkeypatch):
    data = io.BytesIO(workbook_bytes(park))
    with zipfile.ZipFile(data, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/photo.jpg", os.urandom(1_500_000))  # does not compress: no ratio alarm
    monkeypatch.setattr(tables, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened a refused workbook"))
    assert problems_of("park.xlsx", data.getvalue()) == [
        "park.xlsx: expands far more than a park's workbook can; refused as a possible zip bomb"]


def test_limits_for_a_park_zip(monkeypatch):
    assert tables.MAX_UNCOMPRESSED_BYTES == 20 * 1024 * 1024
    assert tables.MAX_TABLE_ROWS == 100_000


def test_an_old_xls_or_a_locked_workbook_is_named_as_such():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # the header of an OLE compound file
    assert problems_of("park.xlsx", ole) == [
        "park.xlsx: is an old .xls workbook or one locked with a password; save it in Excel as .xlsx "
        "without a password"]


def test_a_damaged_sheet_is_a_located_error_and_nothing_else(park):
    book = rewrite_sheet(workbook_bytes(park), "streams", lambda xml: xml[:len(xml) // 2])
    # exchanges cite streams; with the streams sheet unreadable, they are not checked against it
    assert problems_of("park.xlsx", book) == [
        "park.xlsx[streams]: could not be read: its XML is damaged or a cell holds what no workbook "
        "holds (such as a number thousands of digits long); open it in Excel and save it again"]


def test_a_cell_with_thousands_of_digits_is_a_located_error(park):
    book = rewrite_sheet(workbook_bytes(park), "streams",
                         lambda xml: xml.replace(b"<v>100</v>", b"<v>" + b"1" * 5000 + b"</v>", 1))
    assert problems_of("park.xlsx", book) == [
        "park.xlsx[streams]: could not be read: its XML is damaged or a cell holds what no workbook "
        "holds (such as a number thousands of digits long); open it in Excel and save it again"]


# -- workbooks: formulas and merged cells ------------------------------------------------

def test_a_formula_whose_saved_result_is_empty_text_is_a_blank_cell_not_an_error(park):
    # Excel saves =IF(..., "", ...) as <v></v> with t="str": a result, though empty.
    def empty_result(xml):
        return xml.replace(b'<c r="J2" t="inlineStr" />', b'<c r="J2" t="str"><f>IF(1,"","")</f><v></v></c>', 1)

    book = rewrite_sheet(workbook_bytes(park), "streams", empty_result)
    assert b'<f>IF(1,"","")</f>' in zipfile.ZipFile(io.BytesIO(book)).read(sheet_path(book, "streams"))
    assert model.load_park_bytes("park.xlsx", book).content_hash == park.content_hash


def test_a_formula_with_its_saved_value_is_read_and_formula_free_workbooks_are_opened_once(park, monkeypatch):
    def quantity_formula(book):
        book["streams"]["D2"] = "=50*2"

    book = rewrite_sheet(workbook_bytes(park, quantity_formula), "streams",
                         lambda xml: xml.replace(b"<f>50*2</f><v />", b"<f>50*2</f><v>100</v>"))
    assert model.load_park_bytes("park.xlsx", book).content_hash == park.content_hash
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(k) or real(*a, **k))
    model.load_park_bytes("park.xlsx", book)
    model.load_park_bytes("park.xlsx", workbook_bytes(park))
    assert opened == [{"read_only": True, "data_only": True}] * 2


def test_formulas_with_no_saved_value_in_the_park_sheet_and_shared_formulas(park):
    def formulas(book):
        book["park"]["B2"] = '=CONCATENATE("Mini", " park")'

    def shared(xml):  # a shared formula's other cells carry only its index, no text
        return xml.replace(b'<c r="D3" t="n"><v>60</v></c>', b'<c r="D3"><f t="shared" si="0" /></c>')

    book = rewrite_sheet(workbook_bytes(park, formulas), "streams", shared)
    assert problems_of("park.xlsx", book) == [
        f'park.xlsx[park]:2:name: holds the formula =CONCATENATE("Mini", " park") {FORMULA_ADVICE}',
        f"park.xlsx[streams]:3:quantity: holds a formula {FORMULA_ADVICE}"]


def test_a_formula_with_no_saved_value_outside_the_named_columns_is_only_ignored(park):
    def stray(book):
        book["streams"]["Z2"] = "=1+1"

    loaded = model.load_park_bytes("park.xlsx", workbook_bytes(park, stray))
    assert loaded.content_hash == park.content_hash
    assert "park.xlsx[streams]:2: has values to the right of the last named column; they are ignored" in \
        [str(w) for w in loaded.warnings]


def test_merged_cells_are_a_warning_at_their_top_left_cell(park):
    def merge(book):
        book["firms"].merge_cells("C2:C3")

    loaded = model.load_park_bytes("park.xlsx", workbook_bytes(park, merge))
    assert "park.xlsx[firms]:2:sector: has merged cells (C2:C3); only the top-left cell keeps the value" in \
        [str(w) for w in loaded.warnings]


# -- numbers too long, nesting too deep, tables too wide ------------------------------------

def test_a_json_number_with_thousands_of_digits_is_refused_not_crashed_on():
    assert problems_of("park.json", b'{"park": {"year": ' + b"1" * 5000 + b"}}") == [
        "park.json: holds a number far too long to read; refused"]


def test_park_toml_nested_too_deep_or_with_a_huge_number_is_refused(tmp_path):
    folder = write_park(tmp_path, toml="x = " + "[" * 5000 + "]" * 5000, streams=STREAMS, exchanges=EXCHANGES)
    assert folder_problems(folder) == ["park.toml: nests lists or tables far deeper than a park needs; refused"]
    (folder / "park.toml").write_text(PARK_TOML + "carbon_price = " + "1" * 5000 + "\n")
    assert folder_problems(folder) == ["park.toml: holds a number far too long to read; refused"]


def test_a_csv_wider_than_any_park_table_is_refused_once(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TABLE_COLUMNS", 10)  # resources.csv has 9
    wide = ",".join(f"note{n}" for n in range(6))
    folder = write_park(tmp_path, firms=FIRMS.replace("x,y\n", f"x,y,{wide}\n", 1), streams=STREAMS,
                        exchanges=EXCHANGES)
    assert folder_problems(folder) == ["firms.csv:1: has more than 10 columns; a park table holds at most that"]


def test_json_rows_with_more_keys_than_any_park_table_are_refused(park, monkeypatch):
    document = json.loads(park_json(park))
    widest = max(len(item) for table in tables.TABLES for item in document[table])
    monkeypatch.setattr(tables, "MAX_TABLE_COLUMNS", widest)
    for number, item in enumerate(document["firms"]):
        item.update({f"extra_{number}_{n}": 1 for n in range(widest)})  # new keys in every item
    assert problems_of("park.json", json.dumps(document).encode()) == [
        f"park.json[firms]: has more than {widest} columns; a park table holds at most that"]


def test_a_list_in_a_json_cell_is_one_error_not_also_a_blank(park):
    document = json.loads(park_json(park))
    document["streams"][0]["quantity"] = [100]
    assert problems_of("park.json", json.dumps(document).encode()) == [
        "park.json[streams]:1:quantity: must be a single value, not a table or a list"]


def test_a_table_inside_a_sources_entry_is_named(tmp_path):
    toml = PARK_TOML + '[[sources]]\nid = { a = 1 }\ncitation = "A report"\n'
    folder = write_park(tmp_path, toml=toml, streams=STREAMS, exchanges=EXCHANGES)
    assert folder_problems(folder) == ["park.toml[sources]:1:id: must be a single value, not a table or a list"]


def test_a_reported_entry_that_is_not_a_table_is_named(tmp_path):
    toml = PARK_TOML + 'reported = [1, { kpi = "co2_t", value = 3 }]\n'
    folder = write_park(tmp_path, toml=toml, streams=STREAMS, exchanges=EXCHANGES)
    assert folder_problems(folder) == ["park.toml:reported: must be a list of [[reported]] tables"]


# -- one root cause, reported once ------------------------------------------------------

def test_a_firms_table_without_its_id_column_is_reported_once(tmp_path):
    firms = FIRMS.replace("id,name", "code,name", 1)
    folder = write_park(tmp_path, firms=firms, streams=STREAMS, exchanges=EXCHANGES)
    found = folder_problems(folder)
    assert found == ["firms.csv:1:id: required column 'id' is missing from the header row"]


def test_a_missing_park_sheet_is_reported_once_not_key_by_key(park):
    def drop(book):
        del book["park"]

    assert problems_of("park.xlsx", workbook_bytes(park, drop)) == [
        "park.xlsx[park]: sheet is missing: it holds key/value rows with at least name and currency"]


def test_a_streams_table_without_its_firm_column_is_reported_once(tmp_path):
    streams = STREAMS.replace("firm,kind", "company,kind", 1)
    folder = write_park(tmp_path, streams=streams, exchanges=EXCHANGES)
    assert folder_problems(folder) == ["streams.csv:1:firm: required column 'firm' is missing from the header row"]


# -- text encodings ---------------------------------------------------------------------

def test_big_endian_utf16_is_read_and_utf32_is_refused_as_not_text(tmp_path):
    folder = write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES)
    (folder / "streams.csv").write_bytes(b"\xfe\xff" + STREAMS.replace(",", "\t").encode("utf-16-be"))
    park = model.load_park(folder)
    assert park.stream[("power", model.StreamKind.SUPPLY, "fly_ash")].quantity == 100
    (folder / "streams.csv").write_bytes(STREAMS.encode("utf-32"))  # starts FF FE 00 00, like UTF-16
    assert folder_problems(folder) == ["streams.csv: is not a text file (it holds NUL bytes); save it as 'CSV UTF-8'"]


# -- zip members that cannot be unpacked ---------------------------------------------------

def park_zip(park_folder) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(park_folder.iterdir()):
            archive.write(file, f"park/{file.name}")
    return buffer.getvalue()


def test_a_zip_member_in_a_compression_zipfile_cannot_unpack_is_named(tmp_path):
    data = bytearray(park_zip(write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES)))
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")  # the first member: exchanges.csv
    data[local + 8] = data[central + 10] = 9  # Deflate64, which zipfile does not implement
    assert problems_of("park.zip", bytes(data)) == [
        "park.zip: holds park/exchanges.csv, which could not be unpacked (it uses a compression this tool "
        "does not read; zip it with the usual 'deflate')"]


@pytest.mark.parametrize("error", [EOFError(), zlib.error("invalid distance"), zipfile.BadZipFile("Bad CRC-32")])
def test_a_truncated_or_corrupt_zip_member_is_named(tmp_path, monkeypatch, error):
    data = park_zip(write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES))

    def fail(self, *args):
        raise error

    monkeypatch.setattr(zipfile.ZipExtFile, "read", fail)
    assert problems_of("park.zip", data) == [
        "park.zip: holds park/exchanges.csv, which could not be unpacked (the zip is damaged)"]


# -- the command line's last resort ---------------------------------------------------------

@pytest.mark.parametrize("command", [["validate"], ["evaluate"], ["report", "--out", "r.html"], ["serve"]])
def test_the_cli_names_the_file_when_loading_fails_unforeseen(tmp_path, capsys, monkeypatch, command):
    folder = write_park(tmp_path / "mini", streams=STREAMS, exchanges=EXCHANGES)

    def broken(path):
        raise KeyError("a case no check foresaw")

    monkeypatch.setattr(model, "load_park", broken)
    monkeypatch.setattr("dashboard.app.server.run", lambda *a, **k: pytest.fail("served a park that failed"))
    assert main([command[0], str(folder), *command[1:]]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == f"{folder}: could not be read (KeyError)"
    assert len(err.splitlines()) == (2 if command == ["serve"] else 1)  # serve heads it: 'cannot be loaded:'
    assert "Traceback" not in out + err


def test_the_upload_lists_warnings_beside_the_problems(tmp_path, park):
    from dash import no_update

    from dashboard.app import create_app
    from dashboard.app.storage_ui import StorageHandlers
    from dashboard.storage import Store
    from tests.test_app_callbacks import find_all, text_of, upload_contents

    app = create_app(park, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    handlers = StorageHandlers(app.server.config["ECO_PARK_STATE"])
    document = json.loads(park_json(park))
    document["streams"][0]["quantity"] = -1
    message, search = handlers.upload(upload_contents(json.dumps(document).encode("utf-16")), "mine.json", "")
    assert search is no_update
    cells = [text_of(c) for c in find_all(message, lambda c: type(c).__name__ == "Td")]
    assert cells[:4] == ["mine.json[streams]", "1", "quantity", "is -1; it cannot be negative"]
    warning = ["mine.json", "", "", "Warning: is UTF-16 text; read it as such (save as 'CSV UTF-8' to be sure)"]
    assert any(cells[i:i + 4] == warning for i in range(4, len(cells), 4))
