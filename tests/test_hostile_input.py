"""Odd and hostile park files: each gets a located, plain message (never a traceback),
and one root cause is reported once, not echoed in every row that depends on it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from dashboard import model
from dashboard.cli import main
from dashboard.model import tables
from dashboard.model.writing import park_json, write_park_folder
from tests.helpers import EXCHANGES, FIRMS, PARK_TOML, STREAMS, reference_park, workbook_bytes, write_park


def problems_of(name: str, data: bytes) -> list[str]:
    with pytest.raises(model.ParkError) as caught:
        model.load_park_bytes(name, data)
    return [str(p) for p in caught.value.problems]


def folder_zip(tmp_path, tweak=None) -> bytes:
    folder = write_park_folder(reference_park(tmp_path / "ref"), tmp_path / "zipped")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"park/{file.name}")
        if tweak:
            tweak(archive)
    return buffer.getvalue()


# -- containers -------------------------------------------------------------------------

def test_a_workbook_that_expands_like_a_bomb_is_refused_before_parsing(tmp_path):
    data = io.BytesIO(workbook_bytes(reference_park(tmp_path)))
    with zipfile.ZipFile(data, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.xml", b"0" * 3_000_000)  # 3 MB that deflate to ~3 kB
    assert problems_of("park.xlsx", data.getvalue()) == [
        "park.xlsx: expands far more than a park's workbook can; refused as a possible zip bomb"]


def test_a_sheet_longer_than_any_park_table_is_refused(tmp_path, monkeypatch):
    book = workbook_bytes(reference_park(tmp_path))
    folder = write_park(tmp_path / "csv", streams=STREAMS, exchanges=EXCHANGES)
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 2)
    found = problems_of("park.xlsx", book)
    assert "park.xlsx[streams]: has more than 2 rows; a park table holds at most that" in found
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 1)
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    assert f"{folder}/streams.csv: has more than 1 rows; a park table holds at most that" in \
        [str(p) for p in caught.value.problems]


def test_a_formula_with_no_saved_value_is_named_not_read_as_blank(tmp_path):
    # openpyxl, like many programs, writes formulas without their results.
    def formula(book):
        book["streams"]["D2"] = "=50*2"

    found = problems_of("park.xlsx", workbook_bytes(reference_park(tmp_path), formula))
    assert "park.xlsx[streams]:2:quantity: holds the formula =50*2 with no saved value; open and save the " \
           "workbook in Excel, or type the value" in found


def test_a_damaged_or_locked_zip_member_is_reported(tmp_path):
    data = bytearray(folder_zip(tmp_path))
    start = data.index(b"park/firms.csv") + len(b"park/firms.csv")
    data[start + 5:start + 40] = bytes(b ^ 0xFF for b in data[start + 5:start + 40])
    assert problems_of("park.zip", bytes(data)) == [
        "park.zip: holds park/firms.csv, which could not be unpacked (the zip is damaged)"]
    # the 'encrypted' flag set in both headers of one member: zipfile asks for a password
    locked = bytearray(folder_zip(tmp_path / "b"))
    local = locked.index(b"PK\x03\x04")
    central = locked.index(b"PK\x01\x02")
    locked[local + 6] |= 1
    locked[central + 8] |= 1
    assert problems_of("park.zip", bytes(locked)) == [
        "park.zip: holds park/exchanges.csv, which could not be unpacked (it is password-protected)"]


def test_a_zip_member_that_compresses_like_a_bomb_is_refused(tmp_path):
    data = folder_zip(tmp_path, lambda archive: archive.writestr("park/notes.txt", b"0" * 3_000_000))
    assert problems_of("park.zip", data) == [
        "park.zip: expands far more than a park's tables can; refused as a possible zip bomb"]


def test_json_nested_beyond_reason_is_refused():
    assert problems_of("park.json", b"[" * 100_000 + b"]" * 100_000) == [
        "park.json: nests lists or objects far deeper than a park needs; refused"]


# -- text encodings ---------------------------------------------------------------------

def test_utf16_text_is_read_with_a_warning_and_nul_bytes_are_refused(tmp_path):
    folder = write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES)
    (folder / "streams.csv").write_bytes(STREAMS.replace(",", "\t").encode("utf-16"))
    park = model.load_park(folder)
    assert park.stream[("power", model.StreamKind.SUPPLY, "fly_ash")].quantity == 100
    assert [str(w).replace(f"{folder}/", "") for w in park.warnings] == [
        "streams.csv: is UTF-16 text; read it as such (save as 'CSV UTF-8' to be sure)"]
    (folder / "streams.csv").write_bytes(b"firm,kind\x00\x00,resource\n")
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    assert [str(p).replace(f"{folder}/", "") for p in caught.value.problems] == [
        "streams.csv: is not a text file (it holds NUL bytes); save it as 'CSV UTF-8'"]


def test_warnings_travel_with_the_errors_and_the_cli_prints_them(tmp_path, capsys):
    # A Windows-1252 file explains why a name looks odd; an error elsewhere must not hide it.
    folder = write_park(tmp_path, firms=FIRMS.replace("Plasterboard", "Plaster\u00e6board"),
                        streams=STREAMS.replace("100", "lots"), exchanges=EXCHANGES)
    (folder / "firms.csv").write_bytes(FIRMS.replace("Plasterboard", "Plaster\u00e6board").encode("cp1252"))
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    assert [str(w).replace(f"{folder}/", "") for w in caught.value.warnings] == [
        "firms.csv: is not UTF-8; read it as Windows-1252 (save as 'CSV UTF-8' to be sure)"]
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err.replace(f"{folder}/", "")
    assert err.splitlines() == [
        "streams.csv:2:quantity: 'lots' is not a number",
        "warning: firms.csv: is not UTF-8; read it as Windows-1252 (save as 'CSV UTF-8' to be sure)"]


# -- one root cause, reported once ------------------------------------------------------

def test_a_missing_firms_table_is_reported_once_not_in_every_row(tmp_path):
    folder = write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES)
    (folder / "firms.csv").unlink()
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    assert [str(p).replace(f"{folder}/", "") for p in caught.value.problems] == [
        "firms.csv: is missing: a park needs a firms table"]


def test_an_exchange_with_a_bad_cell_still_gets_its_stream_check(tmp_path):
    # A bad status and no stream to draw on: both show in the first run, not one per fix.
    exchanges = EXCHANGES.replace("existing", "someday").replace("power,fly_ash,plaster", "cement,fly_ash,plaster")
    folder = write_park(tmp_path, streams=STREAMS, exchanges=exchanges)
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    assert [str(p).replace(f"{folder}/", "") for p in caught.value.problems] == [
        "exchanges.csv:2:status: 'someday' is not one of: existing, candidate",
        "exchanges.csv:2:resource: firm 'cement' has no supply stream of 'fly_ash' in the streams table"]


def test_units_that_differ_with_no_ratio_are_reported_even_when_the_stream_row_is_wrong(tmp_path):
    streams = STREAMS + "power,supply,natural_gas,-5,external\n"
    exchanges = EXCHANGES + "gas,Gas for gypsum,power,natural_gas,plaster,gypsum,candidate\n"
    folder = write_park(tmp_path, streams=streams, exchanges=exchanges)
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    found = [str(p).replace(f"{folder}/", "") for p in caught.value.problems]
    assert found == [
        "streams.csv:4:quantity: is -5; it cannot be negative",
        "exchanges.csv:3:ratio: is blank but 'natural_gas' is in MWh and 'gypsum' in t; give how many t one "
        "MWh replaces"]


# -- park settings ----------------------------------------------------------------------

def test_settings_of_the_wrong_shape_are_named(tmp_path):
    folder = write_park(tmp_path, toml=PARK_TOML.replace('name = "Mini park"', 'name = ["Mini", "park"]')
                        + "\n[transport]\ntruck = 5\n", streams=STREAMS, exchanges=EXCHANGES)
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    assert [str(p).replace(f"{folder}/", "") for p in caught.value.problems] == [
        "park.toml:name: must be a single value, not a table or a list",
        "park.toml:transport.truck: must be a table of co2_per_tkm and cost_per_tkm, e.g. [transport.truck]"]


def test_a_key_given_twice_in_the_park_sheet_is_an_error(tmp_path):
    def twice(book):
        book["park"].append(["currency", "USD"])

    assert "park.xlsx[park]:7:key: 'currency' is given twice; keep one row for it" in \
        problems_of("park.xlsx", workbook_bytes(reference_park(tmp_path), twice))


def test_the_upload_keeps_the_park_when_reading_fails_unexpectedly(tmp_path, monkeypatch):
    from dash import no_update

    from dashboard.app import create_app
    from dashboard.app.storage_ui import StorageHandlers
    from dashboard.storage import Store
    from tests.test_app_callbacks import upload_contents

    park = reference_park(tmp_path)
    app = create_app(park, store=Store(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    handlers = StorageHandlers(app.server.config["ECO_PARK_STATE"])

    def broken(*args, **kwargs):
        raise KeyError("a case no check foresaw")

    monkeypatch.setattr(handlers.state.store, "add_park", broken)
    message, search = handlers.upload(upload_contents(park_json(park).encode()), "park.json", "me")
    assert search is no_update
    assert "park.json could not be read: this server did not foresee something in it" in json.dumps(message.to_plotly_json(), default=str)
