"""Persistence: uploaded parks and named scenarios in a database (SQLite by default).

Pure Python and SQLAlchemy; no Dash. Typical use::

    from dashboard import storage
    store = storage.Store()                      # or Store("postgresql+psycopg://...")
    default = store.add_park_folder(paths.shipped_park())
    record = store.add_park("park.xlsx", data, uploaded_by="ana")   # raises model.ParkError
    park = store.get_park(record.content_hash)                       # a model.Park
    saved = store.save_scenario(record.content_hash, "More steam", on=["x"], off=[], author="ana")
"""

from .database import DATA_DIR_ENV, DB_ENV, DB_FILENAME, data_dir, make_engine, resolve_url
from .repository import (
    MIGRATIONS,
    NAME_MAX,
    SCHEMA_VERSION,
    ChangeRecord,
    DuplicateNameError,
    NotFoundError,
    ParkFormat,
    ParkRecord,
    ScenarioRecord,
    SchemaVersionError,
    StorageError,
    Store,
    clean_name,
    zip_park_folder,
)

__all__ = [
    "DATA_DIR_ENV", "DB_ENV", "DB_FILENAME", "data_dir", "make_engine", "resolve_url",
    "MIGRATIONS", "ChangeRecord", "NAME_MAX", "SCHEMA_VERSION", "DuplicateNameError", "NotFoundError", "ParkFormat", "ParkRecord",
    "ScenarioRecord", "SchemaVersionError", "StorageError", "Store", "clean_name", "zip_park_folder",
]
