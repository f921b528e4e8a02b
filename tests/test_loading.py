"""Loading a park: every error of docs/data-format.md, "Errors" is found, located (file, row as a
spreadsheet shows it, column) and reported together; the other formats load the same park."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from dashboard import model
from dashboard.model.writing import park_json, write_park_folder
from tests.helpers import (
    EXCHANGES,
    FIRMS,
    PARK_TOML,
    RESOURCES,
    STREAMS,
    load,
    problems,
    reference_park,
    workbook_bytes,
    write_park,
)


def test_valid_park_loads_with_typed_immutable_objects(tmp_path):
    park = load(tmp_path, streams=STREAMS, exchanges=EXCHANGES)
    assert park.name == "Mini park" and park.currency == "EUR" and park.year == 2020
    assert park.exchange["ash"].status is model.Status.EXISTING
    assert park.exchange["ash"].capacity == model.UNLIMITED
    assert park.stream[("power", model.StreamKind.SUPPLY, "fly_ash")].fate is model.Fate.LANDFILL
    with pytest.raises(AttributeError):
        park.exchange["ash"].capacity = 3  # frozen
    with pytest.raises(TypeError):
        park.exchange["x"] = park.exchange["ash"]  # read-only mapping


def test_unknown_firm_and_resource_ids(tmp_path):
    found = problems(tmp_path, streams=STREAMS + "novo,demand,steam,5,\n", exchanges=EXCHANGES)
    assert "streams.csv:4:firm: firm 'novo' is not in the firms table" in found
    assert "streams.csv:4:resource: resource 'steam' is not in the resources table" in found


def test_duplicate_ids(tmp_path):
    found = problems(tmp_path, firms=FIRMS + "power,Another power station,power,2,2\n",
                     streams=STREAMS, exchanges=EXCHANGES + "ash,Again,power,fly_ash,plaster,gypsum,candidate\n")
    assert "firms.csv:5:id: firm id 'power' is used twice (first in row 2)" in found
    assert "exchanges.csv:3:id: exchange id 'ash' is used twice (first in row 2)" in found


def test_negative_and_non_numeric_quantities(tmp_path):
    streams = STREAMS.replace("fly_ash,100", "fly_ash,-5").replace("gypsum,60", "gypsum,lots")
    found = problems(tmp_path, streams=streams, exchanges=EXCHANGES)
    assert "streams.csv:2:quantity: is -5; it cannot be negative" in found
    assert "streams.csv:3:quantity: 'lots' is not a number" in found


def test_exchange_without_matching_streams(tmp_path):
    exchanges = EXCHANGES + "back,Back,plaster,fly_ash,power,gypsum,candidate\n"
    found = problems(tmp_path, streams=STREAMS, exchanges=exchanges)
    assert "exchanges.csv:3:resource: firm 'plaster' has no supply stream of 'fly_ash' in the streams table" in found
    assert "exchanges.csv:3:replaces: firm 'power' has no demand stream of 'gypsum' in the streams table" in found


def test_units_that_differ_need_a_ratio(tmp_path):
    streams = STREAMS + "cement,demand,natural_gas,10,\n"
    exchanges = EXCHANGES + "gas,Ash for gas,power,fly_ash,cement,natural_gas,candidate\n"
    found = problems(tmp_path, streams=streams, exchanges=exchanges)
    assert len(found) == 1
    assert found[0].startswith("exchanges.csv:3:ratio: is blank but 'fly_ash' is in t and 'natural_gas' in MWh")


def test_missing_required_column(tmp_path):
    found = problems(tmp_path, streams=STREAMS.replace(",quantity", "").replace(",100", "").replace(",60", ""),
                     exchanges=EXCHANGES)
    assert "streams.csv:1:quantity: required column 'quantity' is missing from the header row" in found


def test_empty_table(tmp_path):
    found = problems(tmp_path, streams=STREAMS, exchanges="id,name,from_firm,resource,to_firm,status\n")
    assert any(p.startswith("exchanges.csv: has no rows") for p in found)


def test_fate_and_status_outside_their_lists(tmp_path):
    found = problems(tmp_path, streams=STREAMS.replace("landfill", "ocean"),
                     exchanges=EXCHANGES.replace("existing", "planned"))
    assert "streams.csv:2:fate: 'ocean' is not one of: landfill, incineration, discharge, vent, external" in found
    assert "exchanges.csv:2:status: 'planned' is not one of: existing, candidate" in found


def test_landfill_needs_tonnes_and_supply_needs_a_fate(tmp_path):
    streams = STREAMS + "power,supply,wastewater,10,landfill\ncement,supply,biomass,5,\n"
    found = problems(tmp_path, streams=streams, exchanges=EXCHANGES)
    assert any(p.startswith("streams.csv:4:fate: is landfill but 'wastewater' is measured in m3") for p in found)
    assert any(p.startswith("streams.csv:5:fate: is blank; a supply stream needs a fate") for p in found)


def test_one_stream_per_firm_kind_and_resource(tmp_path):
    found = problems(tmp_path, streams=STREAMS + "plaster,demand,gypsum,5,\n", exchanges=EXCHANGES)
    assert any(p.startswith("streams.csv:4:resource: firm 'plaster' already has a demand stream of 'gypsum' (row 3)")
               for p in found)


def test_freshwater_resource_must_be_in_m3(tmp_path):
    found = problems(tmp_path, resources=RESOURCES.replace("freshwater,Freshwater,water,m3", "freshwater,Freshwater,water,l"),
                     streams=STREAMS, exchanges=EXCHANGES)
    assert "resources.csv:4:unit: is 'l'; a freshwater resource must be measured in m3" in found


def test_every_problem_is_reported_at_once(tmp_path):
    found = problems(tmp_path, toml=PARK_TOML.replace('currency = "EUR"', 'currency = "euros"'),
                     streams=STREAMS.replace("landfill", "ocean") + "novo,demand,gypsum,1,\n",
                     exchanges=EXCHANGES.replace("existing", "planned"))
    assert len(found) == 4
    assert "park.toml:currency: 'EUROS' is not an ISO 4217 code such as DKK, EUR or USD" in found


def test_park_settings_problems(tmp_path):
    toml = 'country = "DK"\ndiscount_rate = 6\n[[reported]]\nkpi = "water"\nvalue = 3\nsource = "x"\n'
    found = problems(tmp_path, toml=toml, streams=STREAMS, exchanges=EXCHANGES)
    assert "park.toml:name: is missing; a park needs a name" in found
    assert "park.toml:currency: is missing; a park needs a currency" in found
    assert "park.toml:discount_rate: is 6; give it as a fraction of 1, e.g. 0.06 for 6 %" in found
    assert "park.toml[reported]:1:kpi: 'water' is not one of: freshwater_m3, co2_t, landfill_t, cost, delivered" in found
    assert "park.toml[reported]:1:source: source 'x' is not listed in [[sources]]" in found


def test_broken_toml_and_missing_file(tmp_path):
    folder = write_park(tmp_path, toml='name = "Mini"\ncurrency = EUR\n', streams=STREAMS, exchanges=EXCHANGES)
    (folder / "firms.csv").unlink()
    with pytest.raises(model.ParkError) as caught:
        model.load_park(folder)
    text = [str(p).replace(f"{folder}/", "") for p in caught.value.problems]
    # the line goes where a row would: park.toml:LINE:
    assert "park.toml:2: is not valid TOML: Invalid value (column 12)" in text
    assert "firms.csv: is missing: a park needs a firms table" in text


def test_unknown_columns_are_warnings_not_errors(tmp_path):
    park = load(tmp_path, streams=STREAMS.replace("fate\n", "fate,comment\n", 1), exchanges=EXCHANGES)
    assert [str(w).replace(f"{tmp_path}/", "") for w in park.warnings] == [
        "streams.csv:1:comment: column 'comment' is not part of the format; it is ignored"]


def test_european_csv_with_bom_semicolons_decimal_comma_and_spaces(tmp_path):
    folder = write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES)
    european = ("\ufefffirm ; kind ; resource ; quantity ; fate\n"
                " power ; supply ; fly_ash ; 1.234,5 ; landfill \n"
                "plaster;demand;gypsum;60,25;\n")
    (folder / "streams.csv").write_bytes(european.encode("utf-8"))
    (folder / "exchanges.csv").write_bytes(
        "\ufeffid;name;from_firm;resource;to_firm;replaces;status;capacity\n"
        "ash;Fly ash to plaster;power;fly_ash;plaster;gypsum;existing;50,5\n".encode("utf-8"))
    park = model.load_park(folder)
    assert park.stream[("power", model.StreamKind.SUPPLY, "fly_ash")].quantity == 1234.5
    assert park.stream[("plaster", model.StreamKind.DEMAND, "gypsum")].quantity == 60.25
    assert park.exchange["ash"].capacity == 50.5


def test_comma_decimal_in_a_comma_file_is_explained(tmp_path):
    found = problems(tmp_path, streams=STREAMS.replace("100", '"1,5"'), exchanges=EXCHANGES)
    assert any("write decimals with a point" in p for p in found)


def semicolon_streams(tmp_path, power: str, plaster: str):
    """A park whose streams.csv uses ';' with the two quantities written as given."""
    folder = write_park(tmp_path, streams=STREAMS, exchanges=EXCHANGES)
    (folder / "streams.csv").write_text(
        f"firm;kind;resource;quantity;fate\npower;supply;fly_ash;{power};landfill\n"
        f"plaster;demand;gypsum;{plaster};\n", encoding="utf-8")
    return folder


def quantities(park: model.Park) -> tuple[float, float]:
    return (park.stream[("power", model.StreamKind.SUPPLY, "fly_ash")].quantity,
            park.stream[("plaster", model.StreamKind.DEMAND, "gypsum")].quantity)


def test_semicolon_file_with_decimal_points_keeps_them_decimal(tmp_path):
    # An English-locale export with ';': '0.227' must stay 0.227, not 227 thousand-style,
    # and the file's point decimals settle that '1.234' is a decimal too.
    assert quantities(model.load_park(semicolon_streams(tmp_path, "0.227", "1.234"))) == (0.227, 1.234)
    assert quantities(model.load_park(semicolon_streams(tmp_path / "b", "2.5", "1,234,567"))) == (2.5, 1234567)


def test_semicolon_file_with_decimal_commas_reads_points_as_thousands(tmp_path):
    park = model.load_park(semicolon_streams(tmp_path, "1.234", "60,25"))
    assert quantities(park) == (1234, 60.25)
    # the decimal comma settles how '1.234' reads: nothing to warn about
    assert park.warnings == ()


def test_semicolon_file_that_never_shows_its_decimal_mark_is_read_as_european_and_says_so(tmp_path):
    folder = semicolon_streams(tmp_path, "1.234", "60")
    park = model.load_park(folder)
    assert quantities(park) == (1234, 60)
    assert [str(w).replace(f"{folder}/", "") for w in park.warnings] == [
        "streams.csv: shows no decimal comma or point to go by; '1.234' and the like are read with '.' "
        "between thousands (1234), as in a European Excel file"]


def test_huge_numbers_are_refused_not_crashed_on(tmp_path):
    found = problems(tmp_path, streams=STREAMS.replace("100", "1" + "0" * 400), exchanges=EXCHANGES)
    assert any("streams.csv:2:quantity:" in p and "far too long a number" in p for p in found)
    park = json.loads(park_json(reference_park(tmp_path / "ref")))
    park["streams"][0]["quantity"] = 10 ** 400
    (tmp_path / "huge.json").write_text(json.dumps(park))
    with pytest.raises(model.ParkError) as caught:
        model.load_park(tmp_path / "huge.json")
    assert any("far too large a number" in str(p) for p in caught.value.problems)


def test_numbers_past_any_park_figure_are_refused(tmp_path):
    # 1e308 is a finite float, but sums of such figures overflow to infinity
    found = problems(tmp_path, streams=STREAMS.replace("gypsum,60", "gypsum,1e308"), exchanges=EXCHANGES)
    assert "streams.csv:3:quantity: '1e308' is larger than any park figure (the limit is 1e15); " \
           "check the number and its unit" in found
    assert load(tmp_path / "ok", streams=STREAMS.replace("gypsum,60", "gypsum,1e15"),
                exchanges=EXCHANGES).stream[("plaster", model.StreamKind.DEMAND, "gypsum")].quantity == 1e15


def test_unit_checks_still_run_when_the_resource_row_has_another_error(tmp_path):
    resources = RESOURCES.replace("natural_gas,Natural gas,energy,MWh,,40", "natural_gas,Natural gas,energy,MWh,,abc")
    streams = STREAMS + "power,supply,natural_gas,10,landfill\ncement,demand,natural_gas,10,\n"
    exchanges = EXCHANGES + "gas,Ash for gas,power,fly_ash,cement,natural_gas,candidate\n"
    found = problems(tmp_path, resources=resources, streams=streams, exchanges=exchanges)
    # the bad price, and the two problems that do not depend on it, all at once
    assert "resources.csv:7:virgin_price: 'abc' is not a number" in found
    assert any(p.startswith("streams.csv:4:fate: is landfill but 'natural_gas' is measured in MWh") for p in found)
    assert any(p.startswith("exchanges.csv:3:ratio: is blank but 'fly_ash' is in t and 'natural_gas' in MWh")
               for p in found)


def test_workbook_loads_the_same_park(tmp_path):
    park = reference_park(tmp_path)
    path = tmp_path / "park.xlsx"
    path.write_bytes(workbook_bytes(park))
    loaded = model.load_park(path)
    assert loaded.content_hash == park.content_hash
    assert model.evaluate(loaded).kpis == model.evaluate(park).kpis


def test_workbook_errors_name_the_sheet(tmp_path):
    park = reference_park(tmp_path)

    def break_it(book):
        book["streams"]["D2"] = "many"
        del book["firms"]

    with pytest.raises(model.ParkError) as caught:
        model.load_park_bytes("book.xlsx", workbook_bytes(park, break_it))
    text = [str(p) for p in caught.value.problems]
    assert "book.xlsx[streams]:2:quantity: 'many' is not a number" in text
    assert "book.xlsx[firms]: sheet is missing: a park needs a firms table" in text


def test_json_loads_the_same_park(tmp_path):
    park = reference_park(tmp_path)
    loaded = model.load_park_bytes("park.json", park_json(park).encode())
    assert loaded.content_hash == park.content_hash


def test_json_errors_name_table_and_item(tmp_path):
    document = json.loads(park_json(reference_park(tmp_path)))
    document["exchanges"][1]["status"] = "maybe"
    with pytest.raises(model.ParkError) as caught:
        model.load_park_bytes("park.json", json.dumps(document).encode())
    assert [str(p) for p in caught.value.problems] == [
        "park.json[exchanges]:2:status: 'maybe' is not one of: existing, candidate"]


def test_csv_folder_round_trip(tmp_path):
    park = reference_park(tmp_path)
    again = model.load_park(write_park_folder(park, tmp_path / "again"))
    assert again.content_hash == park.content_hash


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_of_the_folder_loads(tmp_path):
    park = reference_park(tmp_path)
    folder = tmp_path / "csv"
    data = zip_of({f"mypark/{p.name}": p.read_bytes() for p in folder.iterdir()})
    assert model.load_park_bytes("mypark.zip", data).content_hash == park.content_hash


def test_zip_with_path_outside_itself_is_refused(tmp_path):
    reference_park(tmp_path)
    files = {p.name: p.read_bytes() for p in (tmp_path / "csv").iterdir()}
    files["../../evil.csv"] = b"x"
    with pytest.raises(model.ParkError, match="a path outside the zip"):
        model.load_park_bytes("park.zip", zip_of(files))


def test_zip_bomb_is_refused():
    data = zip_of({"park.toml": b"name='x'\n", "firms.csv": b"0" * 50_000_000})
    with pytest.raises(model.ParkError, match="zip bomb"):
        model.load_park_bytes("park.zip", data)


def test_unknown_file_kind_and_missing_path(tmp_path):
    with pytest.raises(model.ParkError, match="is not a park"):
        model.load_park_bytes("park.docx", b"hello")
    with pytest.raises(model.ParkError, match="does not exist"):
        model.load_park(tmp_path / "nowhere")


def test_damaged_workbook_is_a_park_error():
    with pytest.raises(model.ParkError, match="could not be opened as an Excel workbook"):
        model.load_park_bytes("park.xlsx", b"not a zip at all")


def test_column_reference_in_docs_is_current():
    from pathlib import Path

    from dashboard.model.reference import column_reference

    committed = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"
    assert committed.read_text(encoding="utf-8") == column_reference(), \
        "regenerate with: python -m dashboard.model.reference > docs/data-format.md"


@pytest.mark.parametrize("name", ["kalundborg", "ulsan"])
def test_written_shipped_park_loads_back_without_new_warnings(tmp_path, name):
    from dashboard.paths import shipped_park

    park = model.load_park(shipped_park(name))
    original = [p.message for p in park.warnings]
    (tmp_path / "park.json").write_text(park_json(park), encoding="utf-8")
    for written in (tmp_path / "park.json", write_park_folder(park, tmp_path / "folder")):
        again = model.load_park(written)
        assert [p.message for p in again.warnings] == original, written
        assert again.content_hash == park.content_hash
    streams = {(s["firm"], s["kind"], s["resource"]): s for s in json.loads(park_json(park))["streams"]}
    for stream in park.streams:  # only the prices that apply to the kind are written
        row = streams[(stream.firm, stream.kind.value, stream.resource)]
        if stream.kind is model.StreamKind.SUPPLY:
            assert "virgin_price" not in row and "virgin_co2" not in row and row["fate"] == stream.fate.value
        else:
            assert "fate" not in row and "disposal_fee" not in row and "disposal_co2" not in row


def test_quality_is_read_and_a_word_outside_its_list_is_located(tmp_path):
    streams = """\
        firm,kind,resource,quantity,fate,quality
        power,supply,fly_ash,100,landfill,measured
        plaster,demand,gypsum,60,,
        """
    exchanges = """\
        id,name,from_firm,resource,to_firm,replaces,status,quality
        ash,Fly ash to plaster,power,fly_ash,plaster,gypsum,existing,derived
        """
    park = load(tmp_path / "good", streams=streams, exchanges=exchanges)
    assert park.stream[("power", model.StreamKind.SUPPLY, "fly_ash")].quality is model.Quality.MEASURED
    assert park.stream[("plaster", model.StreamKind.DEMAND, "gypsum")].quality is None
    assert park.exchange["ash"].quality is model.Quality.DERIVED
    written = write_park_folder(park, tmp_path / "written")
    assert model.load_park(written).content_hash == park.content_hash
    found = problems(tmp_path / "bad", streams=streams, exchanges=exchanges.replace("derived", "guessed"))
    assert len(found) == 1 and found[0].startswith("exchanges.csv:2:quality:") and "guessed" in found[0]
