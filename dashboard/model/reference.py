"""The data format's column reference as Markdown, written from the schema itself
(``docs/data-format.md`` is this text; a test keeps the two equal)."""

from __future__ import annotations

from .cells import MAX_MAGNITUDE
from .ranges import DEFAULT_QUALITY_RANGES, RANGEABLE
from .schema import OPTIONAL_SPECS, PARK_SETTINGS, SETTINGS_SPECS, TABLE_SPECS, TableSpec
from .tables import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, MAX_UNCOMPRESSED_BYTES


def _table(spec_columns, heading: str) -> list[str]:
    lines = [heading, "", "| column | required / default | meaning | allowed values |", "|---|---|---|---|"]
    for column in spec_columns:
        allowed = ", ".join(f"`{a}`" for a in column.allowed)
        meaning = column.meaning.replace("|", "\\|")
        lines.append(f"| `{column.name}` | {column.default_text} | {meaning} | {allowed} |")
    return lines + [""]


def column_reference() -> str:
    """Markdown describing every file, column, default and vocabulary of a park."""
    lines = [
        "# Park data format: column reference",
        "",
        "Generated from `dashboard/model/schema.py` (`python -m dashboard.model.reference > docs/data-format.md`).",
        "The rules behind the numbers are in [accounting.md](accounting.md).",
        "",
        "A park is **firms** with **streams** (a `demand` stream is an input a firm needs; a `supply`",
        "stream is an output it gives off) and **exchanges**: links that carry part of one firm's supply",
        "stream to meet another firm's demand stream. Demand that no active exchange meets is bought new",
        "(`virgin_price`, `virgin_co2` per unit); supply that no active exchange takes goes to its `fate`",
        "(`disposal_fee`, `disposal_co2` per unit). An exchange is `existing` (on in the baseline) or a",
        "`candidate` (off in the baseline). Every quantity is per year.",
        "",
        "A park is a folder with `park.toml` and four CSV files (and optionally `uncertainty.csv`), one `.xlsx` workbook",
        "(a sheet per table, a `park` sheet of key/value rows, optional `uncertainty`, `sources`, `reported` and",
        "`transport` sheets), one `.json` object (`park` plus an array per table), or a `.zip` of the folder.",
        "",
        "CSV: UTF-8 (a BOM is fine), comma-separated, header in row 1. A European export with `;`",
        "separators and decimal commas (`1.234,5`) loads too. In a `;` file the decimal mark is judged",
        "from all its cells: a file with decimal points (`0.227`) keeps them; where no cell shows",
        "either mark, `1.234` is read as 1234 and a warning says so. Surrounding spaces are ignored,",
        "blank optional cells take the default, unknown columns are reported as warnings and ignored.",
        "Quantities are per year. CSV may also be UTF-16 with its BOM (Excel's \"Unicode text\").",
        f"A number may be at most {MAX_MAGNITUDE:,.0f} (10^15) in size, far past any park's yearly figure in any",
        "currency (beyond it sums lose whole units); a cell holds at most 30 digits.",
        "",
        f"Limits, against damaged or hostile files: a table holds at most {MAX_TABLE_ROWS:,} rows and",
        f"{MAX_TABLE_COLUMNS} columns (a workbook sheet is read up to its {MAX_TABLE_COLUMNS}th column); a zip of",
        f"the CSV folder, or a workbook, expands to at most {MAX_UNCOMPRESSED_BYTES // 2**20} MB. A workbook formula",
        "must have its value saved (Excel saves it; some programs that write .xlsx do not); merged",
        "cells keep their value in the top-left cell only, and a warning says so.",
        "",
        "Streams and exchanges may say how their figures were obtained in a `quality` column:",
        "`measured` (metered or weighed), `calculated` (computed from measured figures: a mass or",
        "energy balance, a design rating), `estimated` (an expert's or a source's estimate),",
        "`assumed` (a placeholder where nothing is published) or `derived` (the residual of other",
        "figures; the row's note says of which). Blank means not stated. The dashboard shows it",
        "beside the row; it does not change any number. A `note` column says in words how the row's",
        "figures were read or worked out.",
        "",
        "Each `[[reported]]` entry states its **boundary**: what the published figure measures, so the",
        "model's figure beside it is computed on the same thing (accounting.md, \"Published figures\").",
        "`kpi` is a KPI whose saving it is, or `delivered` (what exchanges deliver to demands); `exchanges`",
        "limits it to those existing exchanges (blank: all of them); `resources` to the exchanges meeting a",
        "demand for those resources (required for `delivered`); `firm` makes it that firm's own figure;",
        "`boundary` says the same in the publication's words. For example `kpi = \"freshwater_m3\"` is",
        "\"groundwater only\" where groundwater is the resource marked freshwater, while `kpi =",
        "\"delivered\"` with `resources = \"freshwater, lake_water\"` is \"all water reused or substituted\".",
        "An unknown firm, exchange or resource id, a candidate exchange, a `delivered` figure with no",
        "resources or with resources in different units, is an error located at its entry and column.",
        "",
    ]
    lines += _table(PARK_SETTINGS, "## `park.toml` (or the workbook's `park` sheet, or the JSON `park` object)")
    for spec in SETTINGS_SPECS.values():
        lines += _table(spec.columns, f"### `[[{spec.name}]]` in park.toml: {spec.purpose}"
                        if spec.name != "transport" else
                        "### `[transport.MODE]` tables in park.toml: per tonne-km factors by transport mode")
    spec: TableSpec
    for spec in TABLE_SPECS.values():
        lines += _table(spec.columns, f"## `{spec.name}.csv`: {spec.purpose}")
    lines += _uncertainty()
    lines += [
        "## Errors",
        "",
        "Loading never stops at the first problem and never half-loads: it reports every error at once,",
        "each as `file:row:column: what is wrong` (the sheet for a workbook; the row as a spreadsheet",
        "shows it, header = row 1; a JSON row by its item number from 1), in words a park manager",
        "understands: an unknown firm or resource id, a duplicate id, a negative or non-numeric quantity,",
        "an exchange with no matching supply or demand stream, units that differ with no `ratio`, a",
        "missing required column, an empty table, a word outside its list. A park that fails to load",
        "leaves the park already on screen, and every saved scenario, untouched. Warnings (an unknown",
        "column, a price that does not apply to the stream's kind, a source not listed) do not stop a load.",
        "",
    ]
    return "\n".join(lines).rstrip() + "\n"


def _uncertainty() -> list[str]:
    spec = OPTIONAL_SPECS["uncertainty"]
    lines = _table(spec.columns, f"## `uncertainty.csv` (optional): {spec.purpose}")
    lines += [
        "A sheet `uncertainty` in a workbook, an array `uncertainty` in JSON. Each row gives the range of",
        "one cell: the Monte Carlo run draws it between `low` and `high` (triangular with its most likely",
        "value at the cell's own value, or uniform), and the tornado sets it to each end in turn",
        "([accounting.md](accounting.md), \"How sure are these numbers\"). The columns that may be ranged:",
        "",
        "| table | row | columns |",
        "|---|---|---|",
    ]
    rows = {"resources": "the resource's `id`", "firms": "the firm's `id`",
            "streams": "`firm/kind/resource`, e.g. `asnaes/supply/fly_ash`", "exchanges": "the exchange's `id`"}
    for table, columns in RANGEABLE.items():
        lines.append(f"| `{table}` | {rows[table]} | {', '.join(f'`{c}`' for c in columns)} |")
    lines += [
        "",
        "A resource's range moves every stream of that resource that takes the resource's value (a stream",
        "that gives its own price or factor keeps it, unless that stream has a range of its own). An",
        "exchange's `distance_km` moves its transport cost and CO2e where those were derived from the",
        "distance. Errors are located like any other (`uncertainty.csv:ROW:COLUMN: message`): an unknown",
        "table, row or column; a column that does not enter the KPIs, or applies to the other kind of",
        "stream; `low` above the cell's value or `high` below it; a non-numeric bound; a distribution",
        "outside its list; a second range for the same cell; a range on an unlimited capacity.",
        "",
        "**Default ranges by quality.** A stream's `quantity`, or an exchange's finite `capacity`, whose",
        "row has a `quality` and no row in the uncertainty table, is ranged from `value x (1 - f)` to",
        "`value x (1 + f)` (triangular), with `f` set per quality in park.toml:",
        "",
        "```toml",
        "[quality_ranges]",
        *(f"{word} = {fraction}" for word, fraction in DEFAULT_QUALITY_RANGES.items()),
        "```",
        "",
        "(a workbook's `park` sheet: keys such as `quality_ranges.estimated`; JSON: an object",
        "`quality_ranges` in `park`). The values above are the defaults where park.toml gives none; `0`",
        "turns a quality's default range off. They follow the orders of magnitude the IPCC 2006",
        "Guidelines (vol. 1, ch. 3) give for activity data: metered figures within a few per cent (5 %:",
        "park meters are rarely of fiscal standard); figures calculated from metered ones by a balance",
        "or a design rating about 10 %; expert or published estimates about 30 %; placeholders with no",
        "published basis 50 %; a residual of other figures 20 %, as it carries their errors.",
        "",
    ]
    return lines


if __name__ == "__main__":
    print(column_reference(), end="")
