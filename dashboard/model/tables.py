"""Reading a park's raw tables from a CSV folder, an ``.xlsx`` workbook, a ``.json`` file
or a ``.zip`` of the CSV folder, without interpreting any value yet.

Every cell comes back as ``None`` (blank), a stripped ``str``, or a number/bool when
the container already typed it (workbook and JSON cells). Rows keep the number a
person would look up: the spreadsheet row (header = 1) or, for JSON, the item number.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
import tomllib
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .cells import DecimalMark, decimal_mark_of
from .errors import ProblemLog

_log = logging.getLogger(__name__)

TABLES: tuple[str, ...] = ("resources", "firms", "streams", "exchanges")
"""The four tables every park has, in the order they are checked."""

OPTIONAL_TABLES: tuple[str, ...] = ("uncertainty",)
"""Tables a park may have: read like the four when present (``uncertainty.csv``, a sheet
``uncertainty``, a JSON array ``uncertainty``), and no error when absent."""

SETTINGS_TABLES: tuple[str, ...] = ("sources", "reported", "transport")
"""Optional workbook sheets that hold park settings listed in ``park.toml`` otherwise."""

MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
"""A zip of a park's CSV folder, or an .xlsx, expands to at most this. A 1,000-firm,
5,000-exchange park is ~1.2 MB of CSV and ~7.3 MB of workbook XML; parsing 20 MB of
workbook XML takes some seconds, so the limit also bounds the time an upload can cost."""
MAX_COMPRESSION_RATIO = 200
MAX_TABLE_ROWS = 100_000
MAX_TABLE_COLUMNS = 200
def with_article(noun: str) -> str:
    """``noun`` with its indefinite article: "a firms", "an exchanges"."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


_TOML_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError, ValueError)
"""What reading a damaged, encrypted or oddly compressed zip member can raise."""
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an old .xls, or an .xlsx locked with a password, begins (an OLE compound file)."""


@dataclass(frozen=True)
class UnsavedFormula:
    """A workbook cell holding a formula whose result was never saved (a file written by a
    program that does not calculate). It stands in the cell so that the check that reads
    the cell reports it where it matters, instead of taking it as blank."""

    formula: str | None

    def message(self) -> str:
        what = f"the formula ={self.formula[:40]}" if self.formula else "a formula"
        return f"holds {what} with no saved value; open and save the workbook in Excel, or type the value"


@dataclass
class RawRow:
    number: int
    cells: dict[str, Any]


@dataclass
class RawTable:
    """One table as read. ``label`` names it in messages (``exchanges.csv``, ``book.xlsx[firms]``)."""

    name: str
    label: str
    columns: list[str]
    rows: list[RawRow]
    decimal_comma: DecimalMark = False


@dataclass
class RawPark:
    """Everything read from one park source, before validation."""

    origin: str
    settings: dict[str, Any]
    settings_label: str
    tables: dict[str, RawTable] = field(default_factory=dict)
    settings_tables: dict[str, RawTable] = field(default_factory=dict)
    settings_failed: bool = False
    """park.toml (or the park sheet or object) is missing or unreadable, and was reported
    so: its keys are then not reported missing one by one."""


def clean_cell(value: Any) -> Any:
    """Blank cells become ``None``; text is stripped of surrounding spaces."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", " ").strip()
        return text or None
    return value


def normalise_header(name: Any) -> str:
    return str(name if name is not None else "").strip().lstrip("\ufeff").strip().lower()


def decode_text(data: bytes, label: str, log: ProblemLog) -> str | None:
    """UTF-8 (with or without BOM); UTF-16 with its BOM (Excel's "Unicode text") and
    Windows-1252 as fallbacks with a warning; anything holding NUL bytes is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            log.error(label, None, None, "starts like UTF-16 text but is not; save it as 'CSV UTF-8'")
            return None
        if "\x00" in text:  # UTF-32, say, which begins like UTF-16
            log.error(label, None, None, "is not a text file (it holds NUL bytes); save it as 'CSV UTF-8'")
            return None
        log.warn(label, None, None, "is UTF-16 text; read it as such (save as 'CSV UTF-8' to be sure)")
        return text
    if b"\x00" in data:
        log.error(label, None, None, "is not a text file (it holds NUL bytes); save it as 'CSV UTF-8'")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        log.error(label, None, None, "is not a text file in UTF-8; save it as 'CSV UTF-8'")
        return None
    log.warn(label, None, None, "is not UTF-8; read it as Windows-1252 (save as 'CSV UTF-8' to be sure)")
    return text


def sniff_delimiter(header_line: str) -> str:
    counts = {delim: header_line.count(delim) for delim in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def rows_to_table(name: str, label: str, grid: list[list[Any]], log: ProblemLog) -> RawTable | None:
    """Turn a header row plus data rows into a RawTable; fully blank rows are skipped."""
    if not grid or all(clean_cell(v) is None for v in grid[0]):
        log.error(label, None, None, "is empty: it needs a header row and at least one data row")
        return None
    if len(grid) > MAX_TABLE_ROWS + 1:
        log.error(label, None, None, f"has more than {MAX_TABLE_ROWS:,} rows; a park table holds at most that")
        return None
    header = []
    for position, value in enumerate(grid[0], start=1):
        if isinstance(value, UnsavedFormula):
            log.error(label, 1, f"column {position}", value.message())
            value = None
        header.append(normalise_header(value))
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_TABLE_COLUMNS:  # every row becomes a dict over the header
        log.error(label, 1, None, f"has more than {MAX_TABLE_COLUMNS:,} columns; a park table holds at most that")
        return None
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            log.warn(label, 1, None, f"column {position} has no name; it is ignored")
        elif column in seen:
            log.error(label, 1, column, "appears twice in the header row")
        seen.add(column)
    rows = []
    for number, values in enumerate(grid[1:], start=2):
        cells = {col: clean_cell(values[i]) if i < len(values) else None
                 for i, col in enumerate(header) if col}
        extra = [v for v in values[len(header):] if clean_cell(v) is not None]
        if extra:
            log.warn(label, number, None, "has values to the right of the last named column; they are ignored")
        if any(v is not None for v in cells.values()):
            rows.append(RawRow(number, cells))
    return RawTable(name, label, [c for c in header if c], rows)


def parse_csv(name: str, label: str, data: bytes, log: ProblemLog) -> RawTable | None:
    text = decode_text(data, label, log)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    try:
        grid = list(itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                     MAX_TABLE_ROWS + 2))
    except csv.Error as exc:
        log.error(label, None, None, f"is not valid CSV ({exc})")
        return None
    table = rows_to_table(name, label, grid, log)
    if table is not None and delimiter == ";":
        texts = [v for row in table.rows for v in row.cells.values() if isinstance(v, str)]
        table.decimal_comma, doubt = decimal_mark_of(texts)
        if doubt:
            log.warn(label, None, None, doubt)
    return table


def parse_toml(label: str, data: bytes, log: ProblemLog) -> dict[str, Any] | None:
    text = decode_text(data, label, log)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's error carries its line only in the message: "... (at line 2, column 10)".
        where = _TOML_LINE.search(str(exc))
        message = _TOML_LINE.sub("", str(exc)).strip()
        log.error(label, int(where.group(1)) if where else None, None,
                  f"is not valid TOML: {message}" + (f" (column {where.group(2)})" if where else ""))
        return None
    except RecursionError:
        log.error(label, None, None, "nests lists or tables far deeper than a park needs; refused")
        return None
    except ValueError:  # an integer past Python's 4,300-digit limit
        log.error(label, None, None, "holds a number far too long to read; refused")
        return None


def read_folder_files(files: dict[str, bytes], origin: str, prefix: str, log: ProblemLog) -> RawPark:
    """A CSV park from its files by base name (``park.toml``, ``firms.csv``, ...)."""
    settings_label = f"{prefix}park.toml"
    parsed: dict[str, Any] | None = None
    if "park.toml" in files:
        parsed = parse_toml(settings_label, files["park.toml"], log)
    else:
        log.error(settings_label, None, None, "is missing: a park folder needs park.toml with at least name and currency")
    raw = RawPark(origin, parsed or {}, settings_label, settings_failed=parsed is None)
    for table in TABLES + OPTIONAL_TABLES:
        label = f"{prefix}{table}.csv"
        if f"{table}.csv" not in files:
            if table in TABLES:
                log.error(label, None, None, f"is missing: a park needs {with_article(table)} table")
            continue
        parsed = parse_csv(table, label, files[f"{table}.csv"], log)
        if parsed is not None:
            raw.tables[table] = parsed
    return raw


def read_folder(path: Path, log: ProblemLog) -> RawPark:
    files = {}
    for name in ("park.toml", *(f"{t}.csv" for t in TABLES + OPTIONAL_TABLES)):
        file = path / name
        if file.is_file():
            files[name] = file.read_bytes()
    return read_folder_files(files, str(path), f"{path}/", log)


def read_zip(data: bytes, label: str, log: ProblemLog) -> RawPark:
    """A zip of a CSV park folder. Refuses zip bombs and members that point outside the zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_READ_ERRORS:
        log.error(label, None, None, "is not a valid zip file")
        return RawPark(label, {}, label)
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            log.error(label, None, None, f"holds {len(infos)} files; a park zip holds at most {MAX_ZIP_MEMBERS}")
            return RawPark(label, {}, label)
        if expands_too_far(infos, MAX_UNCOMPRESSED_BYTES):
            log.error(label, None, None, "expands far more than a park's tables can; refused as a possible zip bomb")
            return RawPark(label, {}, label)
        wanted = {"park.toml", *(f"{t}.csv" for t in TABLES + OPTIONAL_TABLES)}
        files: dict[str, bytes] = {}
        for info in infos:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if member.is_absolute() or ".." in member.parts or ":" in info.filename:
                log.error(label, None, None, f"holds '{info.filename}', a path outside the zip; refused")
                return RawPark(label, {}, label)
            if member.name in wanted and not member.name.startswith("."):
                if member.name in files:
                    log.error(label, None, None, f"holds more than one {member.name}")
                    continue
                try:
                    with archive.open(info) as handle:
                        content = handle.read(MAX_UNCOMPRESSED_BYTES + 1)
                except _ZIP_READ_ERRORS as exc:
                    log.error(label, None, None, f"holds {info.filename}, which could not be unpacked "
                              f"({_zip_error_text(exc)})")
                    return RawPark(label, {}, label)
                if len(content) > MAX_UNCOMPRESSED_BYTES:
                    log.error(label, None, None, "expands too far; refused")
                    return RawPark(label, {}, label)
                files[member.name] = content
    return read_folder_files(files, label, f"{label}/", log)


def expands_too_far(infos: list[zipfile.ZipInfo], limit: int) -> bool:
    """True for a zip whose members, told by their headers, expand past ``limit`` in all or
    compress suspiciously well one by one (reading still stops at the limit: headers can lie)."""
    total = sum(i.file_size for i in infos)
    if total > limit:
        return True
    return any(i.file_size > 1_000_000 and i.file_size / max(i.compress_size, 1) > MAX_COMPRESSION_RATIO
               for i in infos)


def _zip_error_text(exc: Exception) -> str:
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc).lower():
        return "it is password-protected"
    if isinstance(exc, NotImplementedError):
        return "it uses a compression this tool does not read; zip it with the usual 'deflate'"
    return "the zip is damaged"


def read_workbook(data: bytes, label: str, log: ProblemLog) -> RawPark:
    """An ``.xlsx`` workbook: a sheet per table and a ``park`` sheet of key/value rows.

    Its zip is checked against the limits of a park zip before any XML is parsed. Opened
    read-only with formulas' cached values; XML is parsed with defusedxml where openpyxl
    finds it installed (it is a dependency of this package).
    """
    import openpyxl  # imported here: only workbook users pay for it

    settings_label = f"{label}[park]"
    if data.startswith(_OLE_SIGNATURE):
        log.error(label, None, None, "is an old .xls workbook or one locked with a password; "
                                     "save it in Excel as .xlsx without a password")
        return RawPark(label, {}, settings_label)
    try:  # an .xlsx is a zip of XML: refuse a bomb before any XML is parsed
        archive: zipfile.ZipFile | None = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_READ_ERRORS:
        archive = None  # not a zip at all: openpyxl says so below
    try:
        if archive is not None:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS * 5 or expands_too_far(infos, MAX_UNCOMPRESSED_BYTES):
                log.error(label, None, None, "expands far more than a park's workbook can; refused as a possible zip bomb")
                return RawPark(label, {}, settings_label)
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            log.error(label, None, None, "could not be opened as an Excel workbook: it is damaged, or holds "
                      "parts a park's workbook never needs (such as XML entities or links to other files); "
                      "save it again from Excel as .xlsx")
            _log.info("workbook %s not opened: %r", label, exc)  # for whoever runs the server, not the uploader
            return RawPark(label, {}, settings_label)
        try:
            return _read_sheets(book, archive, label, log)
        finally:
            book.close()
    finally:
        if archive is not None:
            archive.close()


def _read_sheets(book, archive: zipfile.ZipFile | None, label: str, log: ProblemLog) -> RawPark:
    sheets = {normalise_header(name): name for name in book.sheetnames}
    settings_label = f"{label}[park]"
    settings: dict[str, Any] | None = None
    if "park" in sheets:
        grid = sheet_grid(book[sheets["park"]], archive, settings_label, log)
        if grid is not None:
            settings = settings_from_key_values(grid, settings_label, log)
    else:
        log.error(settings_label, None, None, "sheet is missing: it holds key/value rows with at least name and currency")
    raw = RawPark(label, settings or {}, settings_label, settings_failed=settings is None)
    for table in TABLES + OPTIONAL_TABLES + SETTINGS_TABLES:
        sheet_label = f"{label}[{table}]"
        if table not in sheets:
            if table in TABLES:
                log.error(sheet_label, None, None, f"sheet is missing: a park needs {with_article(table)} table")
            continue
        grid = sheet_grid(book[sheets[table]], archive, sheet_label, log)
        if grid is None:
            continue
        parsed = rows_to_table(table, sheet_label, grid, log)
        if parsed is not None:
            (raw.settings_tables if table in SETTINGS_TABLES else raw.tables)[table] = parsed
    return raw


def sheet_grid(sheet, archive: zipfile.ZipFile | None, label: str, log: ProblemLog) -> list[list[Any]] | None:
    """A sheet's cell values, row by row: at most MAX_TABLE_ROWS rows (plus the header) and
    MAX_TABLE_COLUMNS columns, whatever size the sheet claims (its declared dimension is
    ignored: too small, it would cut rows off; too large, it would pad every row to it).
    A formula whose result was never saved becomes an UnsavedFormula, not a blank cell;
    merged cells are a warning. None, with the error logged, if the sheet cannot be read."""
    try:
        marks = sheet_marks(archive, getattr(sheet, "_worksheet_path", None))
        sheet.reset_dimensions()
        grid: list[list[Any]] = []
        rows = itertools.islice(sheet.iter_rows(values_only=True), MAX_TABLE_ROWS + 2)
        for number, values in enumerate(rows, start=1):
            row = list(values[:MAX_TABLE_COLUMNS])
            while row and row[-1] is None:
                row.pop()
            for column, formula in marks.unsaved.get(number, {}).items():
                if column <= MAX_TABLE_COLUMNS:
                    row.extend([None] * (column - len(row)))
                    if row[column - 1] is None:
                        row[column - 1] = UnsavedFormula(formula)
            grid.append(row)
    except Exception as exc:  # damaged XML, a cell openpyxl cannot convert, a corrupt member
        log.error(label, None, None, "could not be read: its XML is damaged or a cell holds what no workbook "
                  "holds (such as a number thousands of digits long); open it in Excel and save it again")
        _log.info("sheet %s not read: %r", label, exc)
        return None
    if len(grid) > MAX_TABLE_ROWS + 1:
        log.error(label, None, None, f"has more than {MAX_TABLE_ROWS:,} rows; a park table holds at most that")
        return None
    header = grid[0] if grid else []
    for ref, row_number, column in marks.merged[:_MERGED_WARNINGS]:
        name = header[column - 1] if column <= len(header) else None
        name = normalise_header(name) if isinstance(name, str) and name.strip() else f"column {column}"
        log.warn(label, row_number, name, f"has merged cells ({ref}); only the top-left cell keeps the value")
    if len(marks.merged) > _MERGED_WARNINGS:
        log.warn(label, None, None, f"has {len(marks.merged) - _MERGED_WARNINGS} more ranges of merged cells; "
                                    "only the top-left cell of each keeps the value")
    return grid


_MERGED_WARNINGS = 5
_UNSAVED_HINT = re.compile(  # a formula (f) closed, then the cell closed or an empty value (v)
    rb"(?:</(?:[A-Za-z_][\w.-]*:)?f>|<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*/>)\s*"
    rb"(?:</(?:[A-Za-z_][\w.-]*:)?c>|<(?:[A-Za-z_][\w.-]*:)?v\s*/>|<(?:[A-Za-z_][\w.-]*:)?v>\s*</)")
_MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell[\s/>]")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


@dataclass
class SheetMarks:
    """What openpyxl's read-only, cached-values reading cannot tell about a sheet."""

    unsaved: dict[int, dict[int, str | None]] = field(default_factory=dict)
    """row -> column -> formula text, for formula cells with no saved value"""
    merged: list[tuple[str, int, int]] = field(default_factory=list)
    """(range, top row, left column) of each range of merged cells"""


def sheet_marks(archive: zipfile.ZipFile | None, path: str | None) -> SheetMarks:
    """Formulas with no saved value and merged cells, from the sheet's XML. The XML is only
    parsed (with defusedxml) when a byte search finds a formula followed by no value, or
    a merged range: a sheet Excel saved has neither, however many formulas it holds.
    Anything unreadable is left to openpyxl to report."""
    marks = SheetMarks()
    if archive is None or not path:
        return marks
    try:
        xml = archive.read(path.lstrip("/"))
    except (KeyError, *_ZIP_READ_ERRORS):
        return marks
    if not (_UNSAVED_HINT.search(xml) or _MERGE_TAG.search(xml)):
        return marks
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    row_number = column = 0
    data_element = None
    try:
        for event, element in iterparse(io.BytesIO(xml), events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    column = 0
                elif tag == "sheetData":
                    data_element = element
                continue
            if tag == "c":
                found = _CELL_REF.fullmatch(element.get("r") or "")
                column = _column_number(found.group(1)) if found else column + 1
                formula = value = None
                for child in element:
                    name = child.tag.rpartition("}")[2]
                    if name == "f":
                        formula = child
                    elif name == "v":
                        value = child
                # Excel saves a formula's empty-text result as <v></v> with t="str"; a program
                # that never calculated writes no <v>, or an empty one on a number cell.
                if formula is not None and (value is None or not value.text and element.get("t") != "str"):
                    marks.unsaved.setdefault(row_number, {})[column] = formula.text
            elif tag == "row" and data_element is not None:
                data_element.clear()  # rows already read: keep memory flat
            elif tag == "mergeCell":
                top_left = _CELL_REF.match(element.get("ref") or "")
                if top_left:
                    marks.merged.append((element.get("ref"), int(top_left.group(2)),
                                         _column_number(top_left.group(1))))
    except (ParseError, DefusedXmlException, ValueError):
        return SheetMarks()
    return marks


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def settings_from_key_values(grid: list[list[Any]], label: str, log: ProblemLog) -> dict[str, Any]:
    """Key/value rows; a dotted key ``transport.truck.co2_per_tkm`` makes nested tables.
    A value that is a formula with no saved value is reported here, and kept (as an
    UnsavedFormula) so that the key is not also reported as missing."""
    settings: dict[str, Any] = {}
    for number, values in enumerate(grid, start=1):
        key = clean_cell(values[0]) if values else None
        value = clean_cell(values[1]) if len(values) > 1 else None
        if isinstance(key, UnsavedFormula):
            log.error(label, number, "key", key.message())
            continue
        if key is None or (number == 1 and str(key).lower() == "key"):
            continue
        if isinstance(value, UnsavedFormula):
            log.error(label, number, str(key).strip().lower(), value.message())
        parts = str(key).strip().lower().split(".")
        target = settings
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                log.error(label, number, "key", f"'{key}' clashes with another key")
                break
        else:
            if parts[-1] in target:
                log.error(label, number, "key", f"'{key}' is given twice; keep one row for it")
            elif value is not None:
                target[parts[-1]] = value
    return settings


def read_json(data: bytes, label: str, log: ProblemLog) -> RawPark:
    """One JSON object: ``park`` (the park.toml keys) and an array of objects per table."""
    text = decode_text(data, label, log)
    settings_label = f"{label}[park]"
    if text is None:
        return RawPark(label, {}, settings_label)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        log.error(label, exc.lineno, None, f"is not valid JSON: {exc.msg} (column {exc.colno})")
        return RawPark(label, {}, settings_label)
    except RecursionError:
        log.error(label, None, None, "nests lists or objects far deeper than a park needs; refused")
        return RawPark(label, {}, settings_label)
    except ValueError:  # an integer past Python's 4,300-digit limit
        log.error(label, None, None, "holds a number far too long to read; refused")
        return RawPark(label, {}, settings_label)
    if not isinstance(document, dict):
        log.error(label, None, None, "must hold one JSON object with keys park, resources, firms, streams, exchanges")
        return RawPark(label, {}, settings_label)
    settings = document.get("park")
    failed = not isinstance(settings, dict)
    if failed:
        log.error(settings_label, None, None, "is missing or not an object: it needs at least name and currency")
        settings = {}
    raw = RawPark(label, settings, settings_label, settings_failed=failed)
    for table in TABLES + OPTIONAL_TABLES:
        table_label = f"{label}[{table}]"
        items = document.get(table)
        if items is None:
            if table in TABLES:
                log.error(table_label, None, None, f"is missing: a park needs {with_article(table)} array")
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            log.error(table_label, None, None, "must be an array of objects, one per row")
            continue
        if len(items) > MAX_TABLE_ROWS:
            log.error(table_label, None, None, f"has more than {MAX_TABLE_ROWS:,} rows; a park table holds at most that")
            continue
        columns: dict[str, None] = {}  # ordered, and a quick membership test
        rows = []
        for number, item in enumerate(items, start=1):
            cells = {}
            for key, value in item.items():
                column = normalise_header(key)
                columns.setdefault(column)
                # a list or object stays as it is: the row check reports it, once
                cells[column] = clean_cell(value)
            if len(columns) > MAX_TABLE_COLUMNS:
                break
            rows.append(RawRow(number, cells))
        if len(columns) > MAX_TABLE_COLUMNS:
            log.error(table_label, None, None,
                      f"has more than {MAX_TABLE_COLUMNS:,} columns; a park table holds at most that")
            continue
        raw.tables[table] = RawTable(table, table_label, list(columns), rows)
    return raw


def read_source(name: str, data: bytes | None, path: Path | None, log: ProblemLog) -> RawPark:
    """Dispatch on the kind of source: a folder path, or a named ``.xlsx``/``.json``/``.zip`` file."""
    if path is not None and path.is_dir():
        return read_folder(path, log)
    suffix = Path(name).suffix.lower()
    if data is None:
        assert path is not None
        data = path.read_bytes()
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(data, name, log)
    if suffix == ".json":
        return read_json(data, name, log)
    if suffix == ".zip":
        return read_zip(data, name, log)
    log.error(name, None, None, "is not a park: give a folder of CSV files with park.toml, an .xlsx workbook, a .json file or a .zip of the folder")
    return RawPark(name, {}, name)
