"""A scenario's results as plain tables, and as CSV and Excel files safe to open.

``scenario_tables`` returns ``{table name: rows}``, each row a dict in column order
(``TABLE_COLUMNS``), values as the model computes them: full-precision floats, per
year, in the units named below; text raw (as loaded). The tables are for screens and
files alike; only the file writers (``to_csv``, ``to_csv_zip``, ``to_xlsx``) neutralise
text against formula injection.

Units (every quantity per year):

- KPI columns ending ``freshwater_m3`` are m3, ``co2_t`` t CO2e, ``landfill_t`` t and
  ``cost`` the park's currency (the ``kpis`` table names each unit in ``unit``);
- ``carried`` is in ``unit`` (the resource carried), ``met`` in ``demand_unit``;
- ``value_operating_saving`` is currency a year, ``value_payback_years`` years (blank:
  never), ``value_npv`` currency, ``value_abatement_cost`` currency per t CO2e (blank: the
  link cuts no CO2e), ``deal_price_min``/``deal_price_max`` currency per unit carried
  (blank: an existing link, one that would carry nothing, or no price works for both);
  see docs/accounting.md, "Deciding which candidates to build";
- ``pct_vs_baseline`` is a percentage (-12.5 means 12.5 % lower than the baseline),
  blank where the baseline is 0.

Formula injection: a spreadsheet runs text that begins with ``=``, ``+``, ``-`` or ``@``
(and may after a leading tab or line break) as a formula when it *parses* it, as it does
every field of a CSV file. So in CSV such text is written with a leading single quote,
and so is each part of a field after a ``;`` or a tab (where a spreadsheet in another
locale splits the line into cells), with such fields in double quotes (see ``neutralise``).
An XLSX cell is not parsed on opening: a text cell (openpyxl data_type "s", saved as
``<c t="inlineStr">``) is text whatever it says, only an ``<f>`` element is a formula,
and the workbooks written here hold none. So in XLSX text is written exactly as it is,
as a text cell, with the cell's "quote prefix" style set on text that looks like a
formula: Excel then also keeps it text if someone edits the cell and presses Enter
(where it would otherwise parse it), and shows no apostrophe.
Numbers are written as numbers (a negative number is a numeric cell, never text).

Numbers in CSV: a float is written as the shortest text that reads back as the same
float (``repr``), except that a float within 4 units in the last place (ulp) of a decimal
of at most 12 significant digits is written as that decimal: sums of money in the model
give floats like 4160999.9999999995 (one ulp below 4161000.0), which a person reading
the CSV takes for another number. That change is at most 4 ulp (< 9e-16 relative), below
the rounding of the arithmetic that made the number, and a 12-digit decimal is thousands
of ulp from the next, so a float with real digits to the 16th or 17th (-93.33333333333333,
5.132731469395564) is written in full and reads back as the same float. (Rounding to a
fixed number of decimals, 9 say, would lose the digits of small numbers.) XLSX cells
hold the float itself: Excel shows 15 digits, so no noise there.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from dashboard import __version__, model
from dashboard.formatting import KPI_LABELS, kpi_unit
from dashboard.model import KPI_NAMES, Park
from dashboard.model.rows import VALUE_COLUMNS

Rows = list[dict[str, Any]]
Tables = dict[str, Rows]

VIEWS = ("baseline", "scenario")

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpis": ("kpi", "label", "unit", "no_symbiosis", "baseline", "scenario",
             "change_vs_baseline", "pct_vs_baseline", "change_vs_no_symbiosis"),
    "exchanges": ("id", "name", "status", "active", "from_firm", "to_firm", "resource", "replaces",
                  "carried", "unit", "met", "demand_unit", "bound", "bound_by",
                  *(f"marginal_{kpi}" for kpi in KPI_NAMES), *VALUE_COLUMNS),
    "firms": ("id", "name", "sector", *(f"{view}_{kpi}" for kpi in KPI_NAMES for view in VIEWS)),
    "sources": ("id", "citation", "url"),
    "bands": ("kpi", "unit", "scenario", "scenario_p5", "scenario_p50", "scenario_p95", "scenario_mean",
              "change_vs_baseline", "change_p5", "change_p50", "change_p95", "change_mean", "samples", "seed",
              "ranged_inputs"),
}
"""The columns of each table ``scenario_tables`` returns, in order (also when a table is empty)."""

BAND_SAMPLES = 1000
"""Monte Carlo draws behind the ``bands`` table, as on the dashboard."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in an XLSX cell at all
_XLSX_MAX_TEXT = 32_767  # characters a cell holds in Excel


# -- tables ----------------------------------------------------------------------------


def scenario_tables(park: Park, active: Iterable[str] | None = None) -> Tables:
    """The results of the scenario ``active`` (exchange ids on; None: the baseline).

    Tables, each a list of row dicts with the columns of ``TABLE_COLUMNS``:

    - ``kpis``: one row per KPI (``kpi`` id, ``label``, ``unit`` such as ``m3/yr``) with its
      park total per year in the ``no_symbiosis``, ``baseline`` and ``scenario`` views,
      ``change_vs_baseline`` and ``change_vs_no_symbiosis`` (scenario minus reference, in
      the KPI's unit) and ``pct_vs_baseline`` (percent; None where the baseline is 0);
    - ``exchanges``: one row per exchange in the scenario: ``carried`` (units per year of
      ``unit``), ``met`` (of ``demand_unit``), what ``bound`` it (and ``bound_by`` which
      earlier exchange), and ``marginal_<kpi>``: the change of the park KPI when that
      exchange alone is toggled from the scenario (negative = better);
    - ``firms``: ``baseline_<kpi>`` and ``scenario_<kpi>`` per firm (they sum to the park's);
    - ``sources``: the park's cited sources;
    - ``bands``: per KPI, the 5th, 50th and 95th percentile and the mean of the scenario
      and of its change against the baseline over 1,000 Monte Carlo draws (seed 0, as
      the dashboard shows them; docs/accounting.md, "How sure are these numbers"), and
      how many inputs are ranged (0: every percentile is the value itself).
    """
    seen = model.views(park, active)
    marginal = model.marginal_effects(seen.scenario.park, seen.scenario.active, base=seen.scenario)
    vs_baseline, vs_none = seen.vs_baseline, seen.vs_no_symbiosis
    kpis = []
    for kpi in KPI_NAMES:
        relative = vs_baseline.relative[kpi]
        kpis.append({
            "kpi": kpi,
            "label": KPI_LABELS[kpi],
            "unit": f"{kpi_unit(kpi, park.currency)}/yr",
            "no_symbiosis": float(getattr(seen.no_symbiosis.totals, kpi)),
            "baseline": float(getattr(seen.baseline.totals, kpi)),
            "scenario": float(getattr(seen.scenario.totals, kpi)),
            "change_vs_baseline": float(getattr(vs_baseline.absolute, kpi)),
            "pct_vs_baseline": None if relative is None else float(relative) * 100.0,
            "change_vs_no_symbiosis": float(getattr(vs_none.absolute, kpi)),
        })
    exchanges = [{column: row.record()[column] for column in TABLE_COLUMNS["exchanges"]}
                 for row in model.exchange_rows(park, seen.scenario, marginal)]
    firms = []
    for firm in park.firms:
        row = {"id": firm.id, "name": firm.name, "sector": firm.sector}
        # a firm that leaves has no figures in the scenario view
        by_view = {"baseline": seen.baseline.firm_kpis[firm.id],
                   "scenario": seen.scenario.firm_kpis.get(firm.id, model.Kpis())}
        for kpi in KPI_NAMES:
            for view in VIEWS:
                row[f"{view}_{kpi}"] = float(getattr(by_view[view], kpi))
        firms.append(row)
    sources = [{"id": s.id, "citation": s.citation, "url": s.url} for s in park.sources]
    run = model.monte_carlo(park, seen.scenario.active if active is not None else None, samples=BAND_SAMPLES,
                            seed=0, with_tornado=False)
    bands = [{"kpi": kpi, "unit": f"{kpi_unit(kpi, park.currency)}/yr",
              "scenario": float(getattr(run.value, kpi)),
              **{f"scenario_{k}": v for k, v in run.scenario[kpi].as_dict().items()},
              "change_vs_baseline": float(getattr(run.value_vs_baseline, kpi)),
              **{f"change_{k}": v for k, v in run.vs_baseline[kpi].as_dict().items()},
              "samples": run.samples, "seed": run.seed, "ranged_inputs": len(run.inputs)} for kpi in KPI_NAMES]
    tables = {"kpis": kpis, "exchanges": exchanges, "firms": firms, "sources": sources, "bands": bands}
    for name, rows in tables.items():
        assert all(tuple(row) == TABLE_COLUMNS[name] for row in rows), name
    return tables


def about_rows(tables: Mapping[str, Rows], park: Park, generated_at: datetime | None = None) -> Rows:
    """What the exported tables describe, as ``item``/``value`` rows: the park, its
    currency, the scenario (exchanges switched on and off against the baseline, read
    from the ``exchanges`` table), the units of the columns and when (UTC) it was made."""
    when = (generated_at or datetime.now(UTC)).astimezone(UTC)
    exchanges = tables.get("exchanges", [])
    # by name, with the id a person can search the exchanges sheet for
    on = [f"{r['name']} ({r['id']})" for r in exchanges
          if r["active"] and r["status"] == model.Status.CANDIDATE.value]
    off = [f"{r['name']} ({r['id']})" for r in exchanges
           if not r["active"] and r["status"] == model.Status.EXISTING.value]
    items: list[tuple[str, Any]] = [
        ("park", park.name),
        ("country", park.country),
        ("data year", park.year),
        ("currency", park.currency),
        ("scenario", "baseline (existing exchanges on, candidates off)" if not on and not off
         else "baseline with the changes below"),
        ("switched on (candidates)", ", ".join(on) or "none"),
        ("switched off (existing)", ", ".join(off) or "none"),
    ]
    items += [(f"unit of *{kpi} columns", f"{kpi_unit(kpi, park.currency)} per year") for kpi in KPI_NAMES]
    items += [
        ("pct_vs_baseline", "percent of the baseline value; blank where the baseline is 0"),
        ("marginal_* columns", "change of the park's KPI when that exchange alone is toggled "
                               "from the scenario; negative = better"),
        ("carried, met", "units per year of the exchange's unit and demand_unit"),
        ("generated at (UTC)", when.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("generated by", f"eco-park {__version__}"),
    ]
    return [{"item": item, "value": value} for item, value in items]


# -- formula-injection safety ----------------------------------------------------------


def neutralise(text: str) -> str:
    """``text`` made safe to put in a spreadsheet cell: control characters a workbook
    cannot hold are removed, and text a spreadsheet would run as a formula (it begins
    with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed) gets a
    leading single quote: ``'=1+1`` shows as text.

    A CSV file may also be split on ``;`` (the list separator where the decimal mark is
    a comma) or on tabs, and each piece is then a cell of its own: ``x;=1+1`` would give
    a cell ``=1+1``. So every piece after a ``;`` or tab that would start a formula
    (after spaces) gets the quote too: ``x;'=1+1``; ``to_csv`` also puts such a field in
    double quotes, which a spreadsheet splitting on ``;`` keeps together."""
    text = _ILLEGAL_XML.sub("", text)
    text = _SPLIT_FORMULA.sub(lambda match: match.group(1) + match.group(2) + "'", text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


_SPLIT_FORMULA = re.compile(r"([;\t])([ ]*)(?=[=+\-@])")
"""A ``;`` or tab, then spaces, before a character that starts a formula."""

_CSV_QUOTED = re.compile(r"[,\";\t\r\n]")
"""Characters that put a CSV field in double quotes: the comma and line breaks as
usual, and ``;`` and tab, on which spreadsheets in other locales split a line."""


def _safe(value: Any, text=neutralise) -> Any:
    """A value ready for a file: None, bool, int, finite float or text passed through
    ``text`` (default: neutralised). A number that is not finite becomes None (blank):
    spreadsheets cannot hold one."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    return text(str(value))


_NOISE_ULPS = 4
_NOISE_DIGITS = 12


def number_text(number: float) -> str:
    """``number`` as CSV text without float noise (see the module's doc): the shortest
    repr of the float, or of the decimal of at most 12 significant digits within 4 ulp."""
    clean = float(f"{number:.{_NOISE_DIGITS}g}")
    if clean != number and abs(clean - number) <= _NOISE_ULPS * math.ulp(number):
        return repr(clean)
    return repr(number)  # shortest text that reads back as the same float


def _csv_text(value: Any) -> str:
    value = _safe(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


# -- CSV -------------------------------------------------------------------------------


def _columns_of(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    found: list[str] = []
    for row in rows:
        found.extend(c for c in row if c not in found)
    return found


def to_csv(table: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *, bom: bool = True) -> str:
    """One table as comma-separated text with a header row; ``columns`` picks and orders
    them (default: the rows' keys, in order). Numbers are written in full precision
    with a decimal point and without float noise (see the module's doc), true/false as
    ``true``/``false``, blanks as empty cells, and text neutralised against formula
    injection (a CSV field is parsed when opened: the leading quote stays). With ``bom``
    the text begins with U+FEFF, so that encoded as UTF-8 it carries the byte-order mark
    Excel needs to read it as UTF-8."""
    names = _columns_of(table, columns)
    lines = [_csv_line(_csv_text(name) for name in names)]
    lines += [_csv_line(_csv_text(row.get(name)) for name in names) for row in table]
    return ("\ufeff" if bom else "") + "".join(line + "\r\n" for line in lines)


def _csv_line(fields: Iterable[str]) -> str:
    """One CSV record (RFC 4180): a field holding a comma, a double quote, a line break,
    ``;`` or a tab is put in double quotes, its quotes doubled."""
    return ",".join('"' + field.replace('"', '""') + '"' if _CSV_QUOTED.search(field) else field
                    for field in fields)


def to_csv_zip(tables: Mapping[str, Sequence[Mapping[str, Any]]], park: Park | None = None,
               generated_at: datetime | None = None) -> bytes:
    """A zip of one ``<table>.csv`` per table (UTF-8 with BOM, see ``to_csv``); with
    ``park`` given, an ``about.csv`` too (see ``about_rows``)."""
    files = {name: to_csv(rows, TABLE_COLUMNS.get(name) or COMPARE_COLUMNS.get(name)) for name, rows in tables.items()}
    if park is not None:
        files["about"] = to_csv(about_rows(tables, park, generated_at), ("item", "value"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"{name}.csv", text.encode("utf-8"))
    return buffer.getvalue()


# -- XLSX ------------------------------------------------------------------------------


def to_xlsx(tables: Mapping[str, Sequence[Mapping[str, Any]]], park: Park,
            generated_at: datetime | None = None) -> bytes:
    """An Excel workbook: one sheet per table (bold frozen header, filter, widths) and
    an ``about`` sheet (see ``about_rows``). Numbers are numeric cells in full
    precision; text is kept exact and always stored as a text cell, never as a formula
    (text that looks like one also gets Excel's quote-prefix style; see ``_put``)."""
    from openpyxl import Workbook  # imported here: only exports pay for it

    if "about" in tables:
        raise ValueError("a table cannot be called 'about': that sheet describes the export")
    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        columns = TABLE_COLUMNS.get(name) or COMPARE_COLUMNS.get(name)
        _write_sheet(book.create_sheet(name[:31]), _columns_of(rows, columns), rows)
    _write_sheet(book.create_sheet("about"), ("item", "value"), about_rows(tables, park, generated_at),
                 table=False)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, columns: Sequence[str], rows: Sequence[Mapping[str, Any]], table: bool = True) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    widths = [len(str(c)) for c in columns]
    for col, name in enumerate(columns, start=1):
        _put(sheet.cell(row=1, column=col), name).font = bold
    for number, row in enumerate(rows, start=2):
        for col, name in enumerate(columns, start=1):
            cell = _put(sheet.cell(row=number, column=col), row.get(name))
            if number <= 200 and cell.value is not None:
                shown = f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value)
                widths[col - 1] = max(widths[col - 1], len(shown))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    if table and columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows), 1) + 1}"


def _xlsx_text(text: str) -> str:
    """Text as an XLSX text cell holds it: without the control characters XML cannot
    carry, and at most the characters Excel shows. No quote: see ``_put``."""
    return _ILLEGAL_XML.sub("", text)[:_XLSX_MAX_TEXT]


def _put(cell, value: Any):
    """Store ``value`` in ``cell``: numbers as numbers, text always as text.

    Text is kept exact, even ``=cmd|...``: a cell of data_type "s" is saved as an inline
    string, which Excel and LibreOffice show as text and never evaluate (only an ``<f>``
    element is a formula; tests check the workbook has none). Text that looks like a
    formula also gets the quote-prefix style, Excel's own mark of a cell typed with a
    leading ', so it stays text if someone edits it; the ' is not part of the value."""
    value = _safe(value, text=_xlsx_text)
    if value == "":
        value = None  # an empty text is a blank cell
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever the text
        if value.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


# -- comparison of saved scenarios -----------------------------------------------------

COMPARE_COLUMNS: dict[str, tuple[str, ...]] = {
    "comparison": ("scenario", "kpi", "label", "unit", "baseline", "value", "change_vs_baseline",
                   "pct_vs_baseline"),
    "changes_by_exchange": ("scenario", "kpi", "exchange", "name", "change_vs_baseline"),
}
"""The columns of ``compare_tables``'s two tables."""


def compare_tables(park: Park, baseline: model.Evaluation,
                   scenarios: Sequence[tuple[str, model.Evaluation]]) -> Tables:
    """Saved scenarios side by side (the compare page's table and charts, as data):

    - ``comparison``: one row per scenario and KPI: the park total per year in the
      baseline and in the scenario, the change (scenario minus baseline, in ``unit``) and
      ``pct_vs_baseline`` (percent; None where the baseline is 0);
    - ``changes_by_exchange``: one row per scenario, KPI and exchange whose change moves
      that KPI: the exchange's part of the change (they add up to the change).
    """
    comparison, steps = [], []
    for name, evaluation in scenarios:
        by_exchange = model.change_by_exchange(baseline, evaluation)
        for kpi in KPI_NAMES:
            base, value = float(baseline.totals[kpi]), float(evaluation.totals[kpi])
            relative = model.relative_change(value, base)
            comparison.append({"scenario": name, "kpi": kpi, "label": KPI_LABELS[kpi],
                               "unit": f"{kpi_unit(kpi, park.currency)}/yr", "baseline": base, "value": value,
                               "change_vs_baseline": value - base,
                               "pct_vs_baseline": None if relative is None else float(relative) * 100.0})
            steps += [{"scenario": name, "kpi": kpi, "exchange": exchange_id,
                       "name": park.exchange[exchange_id].name, "change_vs_baseline": float(change[kpi])}
                      for exchange_id, change in by_exchange.items() if change[kpi]]
    return {"comparison": comparison, "changes_by_exchange": steps}
