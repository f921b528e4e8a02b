"""The Excel template a park manager fills in (the ``.xlsx`` format of docs/data-format.md).

Built from the schema (``TABLE_SPECS``, ``SETTINGS_SPECS``, ``PARK_SETTINGS``), so its
columns, drop-down lists and the ``columns`` reference sheet cannot drift from what the
loader accepts. It ships with a tiny valid example park (ids starting ``example_``,
names starting ``Example``) that loads as it is; a park manager overwrites those rows.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from dashboard.model import REPORTED_MEASURES
from dashboard.model.ranges import RANGEABLE
from dashboard.model.schema import OPTIONAL_SPECS, PARK_SETTINGS, SETTINGS_SPECS, TABLE_SPECS, Column, TableSpec

VALIDATED_ROWS = 1000
"""Drop-down lists cover rows 2 to this row of each sheet."""

SHEETS: dict[str, TableSpec] = {**TABLE_SPECS, **OPTIONAL_SPECS, **SETTINGS_SPECS}
"""The table sheets, in the order the template shows them (after ``park``)."""

EXAMPLE_SETTINGS: dict[str, Any] = {
    "name": "Example park",
    "country": "Example country",
    "currency": "EUR",
    "year": 2024,
    "description": "Example data: replace every example row with your park's own figures",
    "discount_rate": 0.06,
    "carbon_price": 80,
}

EXAMPLE_ROWS: dict[str, list[dict[str, Any]]] = {
    "resources": [
        {"id": "example_fgd_gypsum", "name": "Example FGD gypsum", "category": "material", "unit": "t",
         "freshwater": False, "disposal_fee": 20, "disposal_co2": 0.005, "source": "example_source"},
        {"id": "example_gypsum", "name": "Example mined gypsum", "category": "material", "unit": "t",
         "freshwater": False, "virgin_price": 15, "virgin_co2": 0.01, "source": "example_source"},
    ],
    "firms": [
        {"id": "example_power", "name": "Example power station", "sector": "power", "x": 0, "y": 0,
         "baseline_co2": 0, "source": "example_source"},
        {"id": "example_plasterboard", "name": "Example plasterboard plant", "sector": "building materials",
         "x": 3, "y": 4, "baseline_co2": 0, "source": "example_source"},
    ],
    "streams": [
        {"firm": "example_power", "kind": "supply", "resource": "example_fgd_gypsum", "quantity": 10000,
         "fate": "landfill", "source": "example_source"},
        {"firm": "example_plasterboard", "kind": "demand", "resource": "example_gypsum", "quantity": 8000,
         "source": "example_source"},
    ],
    "exchanges": [
        {"id": "example_gypsum_link", "name": "Example: FGD gypsum to plasterboard",
         "from_firm": "example_power", "resource": "example_fgd_gypsum", "to_firm": "example_plasterboard",
         "replaces": "example_gypsum", "ratio": 1, "status": "existing", "capacity": 9000, "distance_km": 5,
         "mode": "truck", "capex": 0, "lifetime_years": 20, "opex_per_year": 0, "payer": "to",
         "price_per_unit": 2, "source": "example_source"},
    ],
    "uncertainty": [
        {"table": "streams", "row": "example_power/supply/example_fgd_gypsum", "column": "quantity",
         "low": 9000, "high": 11000, "distribution": "triangular",
         "note": "Example: estimated from coal burnt, +/-10 %; replace with your own ranges"},
    ],
    "sources": [
        {"id": "example_source", "citation": "Example: Author, Title, Publisher, 2024 (replace with your own)",
         "url": "https://example.org"},
    ],
    "reported": [
        {"kpi": "landfill_t", "value": 8000, "year": 2024, "source": "example_source",
         "note": "Example: a published saving, replace with your park's own"},
    ],
    "transport": [
        {"mode": "truck", "co2_per_tkm": 0.00008, "cost_per_tkm": 0.12},
    ],
}
"""A tiny park that loads without errors or warnings: one power station sends FGD
gypsum by truck to a plasterboard plant. Quantities per year; money in EUR."""

INSTRUCTIONS = (
    "How to fill in this workbook",
    "",
    "1. Sheet 'park': fill in the value column (name and currency are required).",
    "2. Sheets resources, firms, streams, exchanges: one row per item; every park needs all four.",
    "3. Sheets uncertainty, sources, reported, transport are optional: leave them with just their header row if unused.",
    "   uncertainty: a range (low, high) for any numeric cell that enters the KPIs; rows are ids, a stream's is "
    "firm/kind/resource.",
    "   A park-sheet key such as quality_ranges.estimated = 0.3 sets the default range (+/-30 %) of rows of that "
    "quality.",
    "4. The grey rows are an example (ids starting 'example_'): overwrite or delete them.",
    "5. Headers with an orange fill must be filled in on every row; blank optional cells take the default.",
    "6. Hover over a header for its meaning; the sheet 'columns' lists every column, its default and allowed values.",
    "7. Columns with a fixed list of words offer a drop-down list.",
    "Every quantity is per year, in the unit of its resource. Keep the header row and the sheet names as they are.",
    "Check the file with:  eco-park validate yourpark.xlsx",
)


def allowed_values(table: str, column: Column) -> tuple[str, ...]:
    """The fixed vocabulary of a column: the schema's, and for ``reported.kpi`` the KPI names."""
    if column.allowed:
        return column.allowed
    if (table, column.name) == ("reported", "kpi"):
        return REPORTED_MEASURES
    if (table, column.name) == ("uncertainty", "column"):
        return tuple(dict.fromkeys(name for columns in RANGEABLE.values() for name in columns))
    return ()


def template_workbook() -> bytes:
    """The template as ``.xlsx`` bytes: sheets ``instructions``, ``park`` (key/value rows),
    one per table with the example rows, and the ``columns`` reference."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    example_font = Font(italic=True, color="808080")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(sheet, names: list[str], columns: list[Column] | None = None) -> None:
        for col, name in enumerate(names, start=1):
            cell = sheet.cell(row=1, column=col, value=name)
            cell.font = bold
            if columns is not None:
                column = columns[col - 1]
                if column.required:
                    cell.fill = required_fill
                cell.comment = Comment(_describe(column), "eco-park", width=300, height=120)
        sheet.freeze_panes = "A2"

    def widths(sheet, values: dict[int, list[Any]], cap: int = 45) -> None:
        for col, items in values.items():
            longest = max((len(str(v)) for v in items if v is not None), default=0)
            sheet.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 10), cap)

    book = Workbook()
    about = book.active
    about.title = "instructions"
    for number, line in enumerate(INSTRUCTIONS, start=1):
        about.cell(row=number, column=1, value=line).font = bold if number == 1 else Font()
    about.column_dimensions["A"].width = 110

    park = book.create_sheet("park")
    header(park, ["key", "value", "meaning", "required/default"])
    for number, column in enumerate(PARK_SETTINGS, start=2):
        park.cell(row=number, column=1, value=column.name).font = bold if column.required else Font()
        park.cell(row=number, column=2, value=EXAMPLE_SETTINGS.get(column.name)).font = example_font
        park.cell(row=number, column=3, value=column.meaning)
        park.cell(row=number, column=4, value=column.default_text or "blank")
    widths(park, {1: [c.name for c in PARK_SETTINGS], 2: list(EXAMPLE_SETTINGS.values()),
                  3: [c.meaning for c in PARK_SETTINGS], 4: ["required/default"]}, cap=70)

    for name, spec in SHEETS.items():
        sheet = book.create_sheet(name)
        columns = list(spec.columns)
        header(sheet, list(spec.names), columns)
        examples = EXAMPLE_ROWS.get(name, [])
        for number, row in enumerate(examples, start=2):
            unknown = set(row) - set(spec.names)
            if unknown:
                raise AssertionError(f"example {name} row uses columns not in the schema: {sorted(unknown)}")
            for col, column in enumerate(columns, start=1):
                value = row.get(column.name)
                if value is not None:
                    sheet.cell(row=number, column=col, value=value).font = example_font
        for col, column in enumerate(columns, start=1):
            letter = get_column_letter(col)
            choices = allowed_values(name, column)
            if choices:
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                    showErrorMessage=True, errorTitle=f"{name}.{column.name}",
                    error=f"Choose one of: {', '.join(choices)}",
                    showInputMessage=True, promptTitle=column.name[:32], prompt=column.meaning[:255])
                validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
                sheet.add_data_validation(validation)
        widths(sheet, {col: [column.name, *(r.get(column.name) for r in examples), *allowed_values(name, column)]
                       for col, column in enumerate(columns, start=1)})

    reference = book.create_sheet("columns")
    header(reference, ["table", "column", "required/default", "meaning", "allowed values"])
    lines = [("park", c.name, c.default_text or "blank", c.meaning, "") for c in PARK_SETTINGS]
    lines += [(name, c.name, c.default_text or "blank", c.meaning, ", ".join(allowed_values(name, c)))
              for name, spec in SHEETS.items() for c in spec.columns]
    for number, line in enumerate(lines, start=2):
        for col, value in enumerate(line, start=1):
            cell = reference.cell(row=number, column=col, value=value)
            if col == 4:
                cell.alignment = wrap
    widths(reference, {1: ["table", *SHEETS], 2: [line[1] for line in lines], 3: ["required/default"],
                       5: [line[4] for line in lines]}, cap=50)
    reference.column_dimensions["D"].width = 70
    reference.auto_filter.ref = f"A1:E{len(lines) + 1}"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_template(path: str | Path) -> Path:
    """Write the template (``template_workbook``) to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(template_workbook())
    return path


def _describe(column: Column) -> str:
    """The header comment: what the column means and what a blank cell stands for."""
    if column.required:
        return f"{column.meaning}.\nRequired on every row."
    default = column.default_text
    return f"{column.meaning}.\n" + (f"Optional; blank means {default}." if default not in ("", "blank") else "Optional.")
