"""Writing a park back out: a CSV folder with park.toml, or one JSON document.

Written values are the resolved ones (a stream's prices after overrides, an exchange's
per-unit cost after transport defaults), so loading what was written gives the same
numbers and the same ``content_hash``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from .domain import Park
from .schema import OPTIONAL_SPECS, TABLE_SPECS


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def park_toml(park: Park) -> str:
    """The settings, sources and reported savings as park.toml text."""
    lines = []
    settings = park.to_dict()["park"]
    for key in ("name", "country", "currency", "year", "description", "discount_rate", "carbon_price"):
        if settings[key] is not None:
            lines.append(f"{key} = {_toml_value(settings[key])}")
    for mode, factors in settings["transport"].items():
        lines += ["", f"[transport.{mode}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in factors.items()]
    if settings.get("quality_ranges"):
        lines += ["", "[quality_ranges]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in settings["quality_ranges"].items()]
    for table in ("sources", "reported"):
        for item in settings[table]:
            lines += ["", f"[[{table}]]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items() if v is not None]
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


_SUPPLY_ONLY = ("fate", "disposal_fee", "disposal_co2")
_DEMAND_ONLY = ("virgin_price", "virgin_co2")


def _not_applying(stream_row: dict) -> tuple[str, ...]:
    """The stream columns that do not apply to the row's kind. A stream carries all four
    prices (those of the other kind resolved from its resource), but the loader warns about
    a value given for the other kind, and takes the same resource value when it is left
    out, so a written park leaves them out and loads back alike, without warnings."""
    return _DEMAND_ONLY if stream_row["kind"] == "supply" else _SUPPLY_ONLY


def _park_dict(park: Park) -> dict:
    """``park.to_dict()`` without the stream values that do not apply to the kind."""
    document = park.to_dict()
    for row in document["streams"]:
        for column in _not_applying(row):
            row.pop(column, None)
    return document


def table_csv(park: Park, table: str) -> str:
    """One of the four tables (or the optional ``uncertainty``) as CSV text, columns in
    the format's order."""
    spec = TABLE_SPECS.get(table) or OPTIONAL_SPECS[table]
    rows = _park_dict(park).get(table, [])  # stream columns of the other kind left blank
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in spec.names])
    return buffer.getvalue()


def write_park_folder(park: Park, folder: str | Path) -> Path:
    """Write park.toml and the four CSV files into ``folder`` (created if needed), and
    ``uncertainty.csv`` where the park has ranges."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "park.toml").write_text(park_toml(park), encoding="utf-8")
    for table in TABLE_SPECS:
        (folder / f"{table}.csv").write_text(table_csv(park, table), encoding="utf-8")
    if park.uncertainty:
        (folder / "uncertainty.csv").write_text(table_csv(park, "uncertainty"), encoding="utf-8")
    return folder


def park_json(park: Park) -> str:
    """The park as one JSON document (the ``.json`` data format)."""
    return json.dumps(_park_dict(park), indent=1, ensure_ascii=False)
