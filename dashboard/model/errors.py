"""Problems found in a park's data, and the one error type that carries them all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a warning) in the input, located as a person finds it.

    ``file`` is the file name, or ``book.xlsx[sheet]`` for a workbook sheet and
    ``park.json[table]`` for a JSON table; ``row`` is the row as a spreadsheet shows
    it (header = row 1; for JSON, the item number counted from 1); ``column`` is the
    column or key. Any of the three may be ``None`` where it does not apply.
    """

    file: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = ":".join(str(part) for part in (self.file, self.row, self.column) if part is not None)
        return f"{place}: {self.message}" if place else self.message

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


class ParkError(Exception):
    """Raised when a park (or a scenario on it) cannot be used; lists every problem found.
    ``warnings`` holds what loading noticed besides (such as a file read as Windows-1252),
    since it can explain the errors."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()):
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        if not self.problems:
            raise ValueError("ParkError needs at least one problem")
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{heading}:\n" + "\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, message: str, file: str | None = None, row: int | None = None,
               column: str | None = None) -> ParkError:
        return cls([Problem(file, row, column, message)])


class ProblemLog:
    """Collects errors and warnings while a park is read, so all are reported at once."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, file: str | None, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(Problem(file, row, column, message))

    def warn(self, file: str | None, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Problem(file, row, column, message))

