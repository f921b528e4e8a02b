"""Saved parks and named scenarios, in a database shared by every server process.

A :class:`Store` owns one SQLAlchemy engine and nothing else that another process would
need to see: every read goes to the database, every write is one transaction
(``BEGIN IMMEDIATE`` on SQLite), so a crash mid-save leaves earlier saves intact and
the half-done one absent. The only in-process state is a small cache of parsed parks,
keyed by content hash; a park's content never changes under its hash, and each lookup
still checks that the park's row exists.

All datetimes are timezone-aware UTC. Names (park, scenario, author) are stripped of
surrounding spaces and must then be 1 to 120 characters long.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from dashboard import model

from .database import make_engine, writer

SCHEMA_VERSION = 2
"""1: parks, scenarios. 2: the ``changes`` table (who changed what, when)."""
NAME_MAX = 120
PARK_CACHE_SIZE = 8

ParkFormat = Literal["csv-zip", "xlsx", "json", "folder"]
_FORMAT_OF_SUFFIX: dict[str, ParkFormat] = {".zip": "csv-zip", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json"}


class StorageError(Exception):
    """A save, rename or lookup that cannot be done; the message is meant for a person."""


class NotFoundError(StorageError):
    """The park or scenario asked for is not (or no longer) in the database."""


class DuplicateNameError(StorageError):
    """A scenario of that name already exists for the park."""


class SchemaVersionError(StorageError):
    """The database was written by a newer version of this program."""


class _UTCDateTime(TypeDecorator):
    """Stored as naive UTC (portable to every backend), returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

parks = Table(
    "parks", metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("filename", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("uploaded_by", String(NAME_MAX), nullable=False),
    Column("uploaded_at", _UTCDateTime, nullable=False),
    CheckConstraint("format IN ('csv-zip', 'xlsx', 'json', 'folder')", name="ck_parks_format"),
)

scenarios = Table(
    "scenarios", metadata,
    Column("id", Integer, primary_key=True),
    Column("park_hash", String(64), ForeignKey("parks.content_hash", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("on_ids", Text, nullable=False),
    Column("off_ids", Text, nullable=False),
    Column("author", String(NAME_MAX), nullable=False),
    Column("created_at", _UTCDateTime, nullable=False),
    Column("updated_at", _UTCDateTime, nullable=False),
    UniqueConstraint("park_hash", "name", name="uq_scenarios_park_name"),
    sqlite_autoincrement=True,  # a deleted scenario's id is never handed to another
)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", _UTCDateTime, nullable=False),
    Column("by", String(NAME_MAX), nullable=False),
    Column("action", String(32), nullable=False),
    Column("park_hash", String(64), nullable=True),
    Column("scenario_id", Integer, nullable=True),
    Column("detail", Text, nullable=False),
    sqlite_autoincrement=True,
)
"""Every write: who made it, when, what (``action``) on which park or scenario. Rows
outlive the park or scenario they name (no foreign key), so a deletion stays on record."""

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
)

def _migrate_to_2(conn: Connection) -> None:
    changes.create(conn, checkfirst=True)


MIGRATIONS = {2: _migrate_to_2}
"""Version -> the step that brings a database from the version before to it."""

_PARK_COLUMNS = (parks.c.content_hash, parks.c.name, parks.c.filename, parks.c.format,
                 parks.c.size, parks.c.uploaded_by, parks.c.uploaded_at)


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One write, as recorded in the ``changes`` table; ``at`` in UTC."""

    id: int
    at: datetime
    by: str
    action: str
    park_hash: str | None
    scenario_id: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class ParkRecord:
    """A stored park: ``size`` in bytes of the stored file, ``uploaded_at`` in UTC.
    ``format`` 'folder' is a park folder registered from disk, stored as a zip of it."""

    content_hash: str
    name: str
    filename: str
    format: ParkFormat
    size: int
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """A named scenario: the exchanges switched ``on`` and ``off`` against the park's
    baseline (the shortest such lists, in the park's exchange order); times in UTC."""

    id: int
    park_hash: str
    name: str
    on: tuple[str, ...]
    off: tuple[str, ...]
    author: str
    created_at: datetime
    updated_at: datetime


def clean_name(value: Any, what: str = "name") -> str:
    """``value`` stripped; a StorageError unless it is then 1 to 120 characters."""
    if not isinstance(value, str):
        raise StorageError(f"The {what} must be text.")
    stripped = value.strip()
    if not stripped:
        raise StorageError(f"The {what} is empty; give 1 to {NAME_MAX} characters.")
    if len(stripped) > NAME_MAX:
        raise StorageError(f"The {what} is {len(stripped)} characters long; at most {NAME_MAX} are allowed.")
    return stripped


def zip_park_folder(folder: str | Path) -> bytes:
    """park.toml and the CSV files of a park folder as zip bytes; equal files give equal bytes."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and (p.suffix == ".csv" or p.name == "park.toml"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.writestr(zipfile.ZipInfo(file.name, date_time=(1980, 1, 1, 0, 0, 0)), file.read_bytes(),
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _now() -> datetime:
    return datetime.now(UTC)


def _loader_name(filename: str, fmt: str) -> str:
    """The file name to hand ``model.load_park_bytes``: its suffix picks the reader."""
    return f"{filename}.zip" if fmt == "folder" else filename


def _park_record(row: Row) -> ParkRecord:
    return ParkRecord(row.content_hash, row.name, row.filename, row.format, row.size,
                      row.uploaded_by, row.uploaded_at)


def _scenario_record(row: Row) -> ScenarioRecord:
    return ScenarioRecord(row.id, row.park_hash, row.name, tuple(json.loads(row.on_ids)),
                          tuple(json.loads(row.off_ids)), row.author, row.created_at, row.updated_at)


def _taken(name: str) -> DuplicateNameError:
    return DuplicateNameError(f"A scenario named '{name}' already exists for this park; "
                              "choose another name, or overwrite that scenario.")


class Store:
    """Parks and scenarios in the database at ``url`` (see ``database.resolve_url``).

    Safe to share between threads; each server process makes its own. The schema is
    created on first use.
    """

    def __init__(self, url: str | None = None):
        self._engine = make_engine(url)
        self._writer = writer(self._engine)
        self._cache: OrderedDict[str, model.Park] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._create_schema()

    @property
    def engine(self):
        """The SQLAlchemy engine (for diagnostics and tests)."""
        return self._engine

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close the pooled connections."""
        self._engine.dispose()

    def _create_schema(self) -> None:
        """Create the tables in an empty database, or bring an older one up to
        SCHEMA_VERSION one step at a time (``MIGRATIONS``), in one transaction; the same
        code for SQLite and PostgreSQL."""
        with self._writer.begin() as conn:
            if conn.dialect.name == "postgresql":  # serialise several workers starting at once
                conn.execute(text("SELECT pg_advisory_xact_lock(4539276)"))
            if not inspect(conn).has_table("schema_version"):
                metadata.create_all(conn)
                conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
                return
            found = max(conn.execute(select(schema_version.c.version)).scalars().all(), default=0)
            if found > SCHEMA_VERSION:
                raise SchemaVersionError(f"The database {self.url} has schema version {found}; "
                                         f"this program knows version {SCHEMA_VERSION}. Upgrade the program.")
            if found < 1:
                raise SchemaVersionError(f"The database {self.url} has no schema version; it was not "
                                         "written by eco-park.")
            for version in range(found + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
                conn.execute(delete(schema_version))
                conn.execute(insert(schema_version).values(version=version))

    def _record(self, conn: Connection, by: str, action: str, detail: str, park_hash: str | None = None,
                scenario_id: int | None = None) -> None:
        conn.execute(insert(changes).values(at=_now(), by=clean_name(by, "user's name"), action=action,
                                            park_hash=park_hash, scenario_id=scenario_id, detail=detail))

    def changes(self, limit: int = 100) -> list[ChangeRecord]:
        """The latest ``limit`` writes, newest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(changes).order_by(changes.c.id.desc()).limit(limit)).all()
        return [ChangeRecord(r.id, r.at, r.by, r.action, r.park_hash, r.scenario_id, r.detail) for r in rows]

    # Parks -----------------------------------------------------------------------

    def add_park(self, filename: str, data: bytes, uploaded_by: str) -> ParkRecord:
        """Validate and store an uploaded park file (``.zip`` of the CSV folder, ``.xlsx``
        or ``.json``). Raises model.ParkError, storing nothing, if it is not a valid park.
        Storing a park whose content hash is already stored changes nothing and returns
        the stored record."""
        filename = Path(filename).name
        fmt = _FORMAT_OF_SUFFIX.get(Path(filename).suffix.lower())
        park = model.load_park_bytes(filename, data)
        if fmt is None:  # load_park_bytes refuses other suffixes; this guards a model that learns more
            raise StorageError(f"Parks in {Path(filename).suffix or 'this'} format cannot be stored yet.")
        return self._add(park, filename, fmt, data, uploaded_by)

    def add_park_folder(self, folder: str | Path, uploaded_by: str = "eco-park") -> ParkRecord:
        """Register a park folder from disk (the shipped default park): a zip of its files is
        stored, so the database does not depend on where the program is installed."""
        folder = Path(folder)
        data = zip_park_folder(folder)
        park = model.load_park_bytes(_loader_name(folder.name, "folder"), data)
        return self._add(park, folder.name, "folder", data, uploaded_by)

    def _add(self, park: model.Park, filename: str, fmt: ParkFormat, data: bytes, uploaded_by: str) -> ParkRecord:
        uploaded_by = clean_name(uploaded_by, "uploader's name")
        name = park.name.strip()[:NAME_MAX] or Path(filename).stem[:NAME_MAX] or "Unnamed park"
        key = park.content_hash
        try:
            with self._writer.begin() as conn:
                existing = self._park_row(conn, key)
                if existing is None:
                    conn.execute(insert(parks).values(
                        content_hash=key, name=name, filename=filename, format=fmt, data=data,
                        size=len(data), uploaded_by=uploaded_by, uploaded_at=_now()))
                    self._record(conn, uploaded_by, "add park", f"{name} ({filename})", key)
                    existing = self._park_row(conn, key)
        except IntegrityError:  # another process stored the same park a moment ago
            with self._engine.connect() as conn:
                existing = self._park_row(conn, key)
        if existing is None:
            raise StorageError("The park could not be stored; try again.")
        self._remember(key, park)
        return _park_record(existing)

    @staticmethod
    def _park_row(conn: Connection, content_hash: str) -> Row | None:
        return conn.execute(select(*_PARK_COLUMNS).where(parks.c.content_hash == content_hash)).first()

    def get_park_record(self, content_hash: str) -> ParkRecord:
        """The stored park's record; NotFoundError if there is none."""
        with self._engine.connect() as conn:
            row = self._park_row(conn, content_hash)
        if row is None:
            raise NotFoundError(f"There is no saved park {content_hash[:12]} (it may have been deleted).")
        return _park_record(row)

    def park_hash_starting(self, prefix: str) -> str | None:
        """The content hash of the one stored park whose hash starts with ``prefix`` (hex
        digits), or None when none does or more than one does."""
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return None
        with self._engine.connect() as conn:
            found = conn.execute(select(parks.c.content_hash).where(parks.c.content_hash.startswith(prefix))
                                 .limit(2)).scalars().all()
        return found[0] if len(found) == 1 else None

    def get_park(self, content_hash: str) -> model.Park:
        """The stored park, loaded from its stored bytes exactly as uploaded. NotFoundError
        if there is none; model.ParkError if this version of the model refuses it."""
        with self._engine.connect() as conn:
            row = self._park_row(conn, content_hash)
            if row is None:
                raise NotFoundError(f"There is no saved park {content_hash[:12]} (it may have been deleted).")
            with self._cache_lock:
                cached = self._cache.get(content_hash)
                if cached is not None:
                    self._cache.move_to_end(content_hash)
                    return cached
            data = conn.execute(select(parks.c.data).where(parks.c.content_hash == content_hash)).scalar_one()
        park = model.load_park_bytes(_loader_name(row.filename, row.format), data)
        self._remember(content_hash, park)
        return park

    def _remember(self, content_hash: str, park: model.Park) -> None:
        with self._cache_lock:
            self._cache[content_hash] = park
            self._cache.move_to_end(content_hash)
            while len(self._cache) > PARK_CACHE_SIZE:
                self._cache.popitem(last=False)

    def list_parks(self) -> list[ParkRecord]:
        """Every stored park, oldest upload first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(*_PARK_COLUMNS).order_by(parks.c.uploaded_at, parks.c.name)).all()
        return [_park_record(row) for row in rows]

    def rename_park(self, content_hash: str, new_name: str, by: str = "eco-park") -> ParkRecord:
        """Change the name the park is listed under (the park's own data is unchanged);
        ``by`` (who did it) goes on record."""
        new_name = clean_name(new_name, "park name")
        with self._writer.begin() as conn:
            changed = conn.execute(update(parks).where(parks.c.content_hash == content_hash)
                                   .values(name=new_name)).rowcount
            row = self._park_row(conn, content_hash)
            if changed:
                self._record(conn, by, "rename park", new_name, content_hash)
        if not changed or row is None:
            raise NotFoundError(f"There is no saved park {content_hash[:12]} (it may have been deleted).")
        return _park_record(row)

    def delete_park(self, content_hash: str, by: str = "eco-park") -> None:
        """Delete the park and every scenario saved on it, in one transaction; ``by`` goes on record."""
        with self._writer.begin() as conn:
            name = conn.execute(select(parks.c.name).where(parks.c.content_hash == content_hash)).scalar()
            conn.execute(delete(scenarios).where(scenarios.c.park_hash == content_hash))
            deleted = conn.execute(delete(parks).where(parks.c.content_hash == content_hash)).rowcount
            if deleted:
                self._record(conn, by, "delete park", name or "", content_hash)
        with self._cache_lock:
            self._cache.pop(content_hash, None)
        if not deleted:
            raise NotFoundError(f"There is no saved park {content_hash[:12]} (it may have been deleted).")

    # Scenarios -------------------------------------------------------------------

    def save_scenario(self, park_hash: str, name: str, on: Iterable[str], off: Iterable[str], author: str,
                      *, overwrite: bool = False) -> ScenarioRecord:
        """Save the scenario ``on``/``off`` (exchange ids against the baseline) under ``name``.

        model.ParkError if an id is unknown to the park (or both on and off);
        DuplicateNameError if the park already has a scenario of that name, unless
        ``overwrite``, which replaces its toggles and author and keeps its id and
        ``created_at``. The toggles are stored in their shortest form."""
        name = clean_name(name, "scenario name")
        author = clean_name(author, "author's name")
        park = self.get_park(park_hash)
        on_ids, off_ids = model.scenario_toggles(park, model.scenario_active(park, on, off))
        values = {"on_ids": json.dumps(list(on_ids)), "off_ids": json.dumps(list(off_ids)),
                  "author": author, "updated_at": _now()}
        try:
            with self._writer.begin() as conn:
                if self._park_row(conn, park_hash) is None:
                    raise NotFoundError(f"There is no saved park {park_hash[:12]} (it may have been deleted).")
                where = (scenarios.c.park_hash == park_hash) & (scenarios.c.name == name)
                existing = conn.execute(select(scenarios.c.id).where(where)).scalar()
                if existing is not None and not overwrite:
                    raise _taken(name)
                if existing is None:
                    result = conn.execute(insert(scenarios).values(
                        park_hash=park_hash, name=name, created_at=values["updated_at"], **values))
                    existing = result.inserted_primary_key[0]
                    self._record(conn, author, "save scenario", name, park_hash, existing)
                else:
                    conn.execute(update(scenarios).where(scenarios.c.id == existing).values(**values))
                    self._record(conn, author, "replace scenario", name, park_hash, existing)
                row = conn.execute(select(scenarios).where(scenarios.c.id == existing)).one()
        except IntegrityError as exc:  # a concurrent save took the name first
            raise _taken(name) from exc
        return _scenario_record(row)

    def get_scenario(self, scenario_id: int) -> ScenarioRecord:
        """The saved scenario; NotFoundError if there is none."""
        with self._engine.connect() as conn:
            row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id)).first()
        if row is None:
            raise NotFoundError(f"There is no saved scenario number {scenario_id} (it may have been deleted).")
        return _scenario_record(row)

    def list_scenarios(self, park_hash: str | None = None) -> list[ScenarioRecord]:
        """The saved scenarios of one park (or of all parks), by park then name."""
        query = select(scenarios).order_by(scenarios.c.park_hash, scenarios.c.name, scenarios.c.id)
        if park_hash is not None:
            query = query.where(scenarios.c.park_hash == park_hash)
        with self._engine.connect() as conn:
            return [_scenario_record(row) for row in conn.execute(query)]

    def rename_scenario(self, scenario_id: int, new_name: str, by: str = "eco-park") -> ScenarioRecord:
        """Give a saved scenario another name (unique within its park); ``by`` goes on record."""
        new_name = clean_name(new_name, "scenario name")
        try:
            with self._writer.begin() as conn:
                row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id)).first()
                if row is None:
                    raise NotFoundError(f"There is no saved scenario number {scenario_id} (it may have been deleted).")
                if row.name == new_name:
                    return _scenario_record(row)
                clash = conn.execute(select(scenarios.c.id).where(
                    (scenarios.c.park_hash == row.park_hash) & (scenarios.c.name == new_name))).first()
                if clash is not None:
                    raise _taken(new_name)
                conn.execute(update(scenarios).where(scenarios.c.id == scenario_id)
                             .values(name=new_name, updated_at=_now()))
                self._record(conn, by, "rename scenario", f"{row.name} -> {new_name}", row.park_hash, scenario_id)
                row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id)).one()
        except IntegrityError as exc:
            raise _taken(new_name) from exc
        return _scenario_record(row)

    def delete_scenario(self, scenario_id: int, by: str = "eco-park") -> None:
        """Delete a saved scenario (``by`` goes on record); NotFoundError if there is none."""
        with self._writer.begin() as conn:
            row = conn.execute(select(scenarios.c.name, scenarios.c.park_hash)
                               .where(scenarios.c.id == scenario_id)).first()
            deleted = conn.execute(delete(scenarios).where(scenarios.c.id == scenario_id)).rowcount
            if deleted:
                self._record(conn, by, "delete scenario", row.name, row.park_hash, scenario_id)
        if not deleted:
            raise NotFoundError(f"There is no saved scenario number {scenario_id} (it may have been deleted).")
