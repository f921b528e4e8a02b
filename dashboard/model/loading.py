"""Loading a park from disk or from uploaded bytes: read, validate, build, or raise
one ParkError with every problem (docs/data-format.md, "Errors"). Never half-loads."""

from __future__ import annotations

from pathlib import Path

from .domain import Park
from .errors import ParkError, ProblemLog
from .tables import read_source
from .validation import build_park


def load_park(path: str | Path) -> Park:
    """Load a park folder (park.toml + CSVs), an ``.xlsx`` workbook, a ``.json`` file or a
    ``.zip`` of the folder. Raises ParkError listing every problem found."""
    path = Path(path)
    if not path.exists():
        raise ParkError.single("does not exist: give a park folder, .xlsx, .json or .zip", str(path))
    log = ProblemLog()
    try:
        raw = read_source(str(path), None, path, log)
    except OSError as exc:
        raise ParkError.single(f"could not be read ({exc.strerror or exc})", str(path)) from exc
    return _finish(raw, log)


def load_park_bytes(filename: str, data: bytes) -> Park:
    """Load an uploaded park: ``filename`` (its suffix picks the format) and its bytes."""
    log = ProblemLog()
    raw = read_source(Path(filename).name, data, None, log)
    return _finish(raw, log)


def _finish(raw, log: ProblemLog) -> Park:
    park = build_park(raw, log) if not log.errors or raw.tables else None
    if log.errors or park is None:
        raise ParkError(log.errors, log.warnings)
    return park
