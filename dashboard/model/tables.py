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
import tomllib
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .cells import DecimalMark, decimal_mark_of
from .errors import ProblemLog

TABLES: tuple[str, ...] = ("resources", "firms", "streams", "exchanges")
"""The four tables every park has, in the order they are checked."""

SETTINGS_TABLES: tuple[str, ...] = ("sources", "reported", "transport")
"""Optional workbook sheets that hold park settings listed in ``park.toml`` otherwise."""

MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
"""A zip of a park's CSV folder expands to at most this (a 1,000-firm park is ~1 MB)."""
MAX_WORKBOOK_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""An .xlsx holds XML, ten times its cells' text: it may expand further than a CSV zip."""
MAX_COMPRESSION_RATIO = 200
MAX_TABLE_ROWS = 100_000
MAX_TABLE_COLUMNS = 200
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError, ValueError)
"""What reading a damaged, encrypted or oddly compressed zip member can raise."""


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
    header = [normalise_header(v) for v in grid[0]]
    while header and not header[-1]:
        header.pop()
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
        log.error(label, None, None, f"is not valid TOML: {exc}")
        return None


def read_folder_files(files: dict[str, bytes], origin: str, prefix: str, log: ProblemLog) -> RawPark:
    """A CSV park from its files by base name (``park.toml``, ``firms.csv``, ...)."""
    settings_label = f"{prefix}park.toml"
    settings: dict[str, Any] = {}
    if "park.toml" in files:
        settings = parse_toml(settings_label, files["park.toml"], log) or {}
    else:
        log.error(settings_label, None, None, "is missing: a park folder needs park.toml with at least name and currency")
    raw = RawPark(origin, settings, settings_label)
    for table in TABLES:
        label = f"{prefix}{table}.csv"
        if f"{table}.csv" not in files:
            log.error(label, None, None, f"is missing: a park needs a {table} table")
            continue
        parsed = parse_csv(table, label, files[f"{table}.csv"], log)
        if parsed is not None:
            raw.tables[table] = parsed
    return raw


def read_folder(path: Path, log: ProblemLog) -> RawPark:
    files = {}
    for name in ("park.toml", *(f"{t}.csv" for t in TABLES)):
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
        wanted = {"park.toml", *(f"{t}.csv" for t in TABLES)}
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

    Opened read-only with formulas' cached values; XML is parsed with defusedxml
    where openpyxl finds it installed (it is a dependency of this package).
    """
    import openpyxl  # imported here: only workbook users pay for it

    try:  # an .xlsx is a zip of XML: refuse a bomb before any XML is parsed
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_READ_ERRORS:
        infos = None  # not a zip at all: openpyxl says so below
    if infos is not None and (len(infos) > MAX_ZIP_MEMBERS * 5
                              or expands_too_far(infos, MAX_WORKBOOK_UNCOMPRESSED_BYTES)):
        log.error(label, None, None, "expands far more than a park's workbook can; refused as a possible zip bomb")
        return RawPark(label, {}, f"{label}[park]")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        log.error(label, None, None, f"could not be opened as an Excel workbook ({type(exc).__name__})")
        return RawPark(label, {}, f"{label}[park]")
    try:
        sheets = {normalise_header(name): name for name in book.sheetnames}
        settings_label = f"{label}[park]"
        settings: dict[str, Any] = {}
        if "park" in sheets:
            settings = settings_from_key_values(
                list(book[sheets["park"]].iter_rows(values_only=True)), settings_label, log)
        else:
            log.error(settings_label, None, None, "sheet is missing: it holds key/value rows with at least name and currency")
        raw = RawPark(label, settings, settings_label)
        for table in TABLES + SETTINGS_TABLES:
            sheet_label = f"{label}[{table}]"
            if table not in sheets:
                if table in TABLES:
                    log.error(sheet_label, None, None, f"sheet is missing: a park needs a {table} table")
                continue
            grid = sheet_grid(book[sheets[table]], formulas[sheets[table]], sheet_label, log)
            if grid is None:
                continue
            parsed = rows_to_table(table, sheet_label, grid, log)
            if parsed is not None:
                (raw.tables if table in TABLES else raw.settings_tables)[table] = parsed
        return raw
    finally:
        book.close()
        formulas.close()


def sheet_grid(values_sheet, formulas_sheet, label: str, log: ProblemLog) -> list[list[Any]] | None:
    """A sheet's cell values, row by row, at most MAX_TABLE_ROWS rows (plus the header) and
    MAX_TABLE_COLUMNS columns, whatever size the sheet claims. A formula whose result was
    never saved (a file written by a program, not Excel) is an error, not a blank cell."""
    rows = zip(values_sheet.iter_rows(max_col=MAX_TABLE_COLUMNS, values_only=True),
               formulas_sheet.iter_rows(max_col=MAX_TABLE_COLUMNS, values_only=True))
    grid: list[list[Any]] = []
    for number, (values, written) in enumerate(itertools.islice(rows, MAX_TABLE_ROWS + 2), start=1):
        values = list(values)
        for position, (value, formula) in enumerate(zip(values, written)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                column = normalise_header(grid[0][position]) if grid and position < len(grid[0]) else None
                log.error(label, number, column or f"column {position + 1}",
                          f"holds the formula {formula[:40]} with no saved value; open and save the workbook "
                          "in Excel, or type the value")
        grid.append(values)
    if len(grid) > MAX_TABLE_ROWS + 1:
        log.error(label, None, None, f"has more than {MAX_TABLE_ROWS:,} rows; a park table holds at most that")
        return None
    return grid


def settings_from_key_values(grid: list[tuple], label: str, log: ProblemLog) -> dict[str, Any]:
    """Key/value rows; a dotted key ``transport.truck.co2_per_tkm`` makes nested tables."""
    settings: dict[str, Any] = {}
    for number, values in enumerate(grid, start=1):
        key = clean_cell(values[0]) if values else None
        value = clean_cell(values[1]) if len(values) > 1 else None
        if key is None or (number == 1 and str(key).lower() == "key"):
            continue
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
    if not isinstance(document, dict):
        log.error(label, None, None, "must hold one JSON object with keys park, resources, firms, streams, exchanges")
        return RawPark(label, {}, settings_label)
    settings = document.get("park")
    if not isinstance(settings, dict):
        log.error(settings_label, None, None, "is missing or not an object: it needs at least name and currency")
        settings = {}
    raw = RawPark(label, settings, settings_label)
    for table in TABLES:
        table_label = f"{label}[{table}]"
        items = document.get(table)
        if items is None:
            log.error(table_label, None, None, f"is missing: a park needs a {table} array")
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            log.error(table_label, None, None, "must be an array of objects, one per row")
            continue
        if len(items) > MAX_TABLE_ROWS:
            log.error(table_label, None, None, f"has more than {MAX_TABLE_ROWS:,} rows; a park table holds at most that")
            continue
        columns: list[str] = []
        rows = []
        for number, item in enumerate(items, start=1):
            cells = {}
            for key, value in item.items():
                column = normalise_header(key)
                if column not in columns:
                    columns.append(column)
                if isinstance(value, (dict, list)):
                    log.error(table_label, number, column, "must be a single value, not a list or object")
                    value = None
                cells[column] = clean_cell(value)
            rows.append(RawRow(number, cells))
        raw.tables[table] = RawTable(table, table_label, columns, rows)
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
