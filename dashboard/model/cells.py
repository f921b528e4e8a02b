"""Turning one raw cell into a typed value, with a message a park manager understands."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from .vocabulary import choices


class CellError(ValueError):
    """A cell's value cannot be used; the message says why in plain words."""


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# A leading 0 is never followed by a thousands separator: '0.227' is a decimal in any file.
_THOUSANDS_POINT = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d*)?")
_THOUSANDS_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
# '1.234' alone: a thousand and more with a point separator, or a bit more than one.
_ONE_POINT_GROUP = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")
_COMMA_DECIMAL = re.compile(r"[+-]?\d+(\.\d{3})*,\d+")
_POINT_DECIMAL = re.compile(r"[+-]?(\d*\.\d+)([eE][+-]?\d+)?")
_MAX_DIGITS = 30
MAX_MAGNITUDE = 1e15
"""The largest number a cell may hold: past it a float no longer keeps whole units, and
sums of such figures overflow. No park's yearly figure comes near it in any currency."""

DecimalMark = bool
"""How a table writes decimals: True with a comma (thousands may use points), False with a point."""

CellParser = Callable[[Any, DecimalMark], Any]
"""(raw value, decimal mark of its table) -> typed value; raises CellError."""


def decimal_mark_of(cells: list[str]) -> tuple[DecimalMark, str | None]:
    """The decimal mark of a ';'-separated file, judged from all its text cells, and a
    warning where the choice was not plain. A comma decimal ('60,25') or an unambiguous
    point decimal ('0.227', '2.5') decides; '1.234' alone decides nothing, and then the
    file is taken as Excel writes ';' files: decimal comma, '.' between thousands."""
    comma = any(_COMMA_DECIMAL.fullmatch(c) for c in cells)
    point = any(_POINT_DECIMAL.fullmatch(c) and not _ONE_POINT_GROUP.fullmatch(c) for c in cells)
    grouped = next((c for c in cells if _ONE_POINT_GROUP.fullmatch(c)), None)
    if point and not comma:
        return False, None
    if point and comma:
        return True, "mixes decimal commas (60,25) and decimal points (0.5); numbers like '1.234' are read " \
                     "as one thousand two hundred thirty-four"
    if grouped and not comma:
        return True, f"shows no decimal comma or point to go by; '{grouped}' and the like are read with '.' " \
                     f"between thousands ({grouped.replace('.', '')}), as in a European Excel file"
    return True, None


def to_number(value: Any, decimal_comma: DecimalMark = False) -> float:
    """A finite number from a cell. Text may use a decimal comma in a ';' file, and
    thousands separators ('1,234,567' or, with a decimal comma, '1.234.567,8')."""
    if isinstance(value, bool):
        raise CellError(f"'{value}' is true/false, not a number")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            raise CellError(f"'{value}' is far too large a number") from None
    else:
        text = str(value).replace(" ", "").replace("\u202f", "").replace("_", "")
        if len(text) > _MAX_DIGITS and "e" not in text.lower():
            raise CellError(f"'{text[:20]}...' is far too long a number")
        if decimal_comma:
            if _THOUSANDS_POINT.fullmatch(text):
                text = text.replace(".", "")
            if text.count(",") == 1:
                text = text.replace(",", ".")
        elif _THOUSANDS_COMMA.fullmatch(text):
            text = text.replace(",", "")
        elif "," in text:
            raise CellError(f"'{value}' is not a number: write decimals with a point (1234.5), "
                            "or save the file with ';' as separator to use a decimal comma")
        if not _NUMBER.fullmatch(text):
            raise CellError(f"'{value}' is not a number")
        number = float(text)
    if not math.isfinite(number):
        raise CellError(f"'{value}' is not a finite number")
    if abs(number) > MAX_MAGNITUDE:
        raise CellError(f"'{value}' is larger than any park figure (the limit is 1e15); check the number and its unit")
    return number


def number(value: Any, decimal_comma: DecimalMark) -> float:
    return to_number(value, decimal_comma)


def non_negative(value: Any, decimal_comma: DecimalMark) -> float:
    result = to_number(value, decimal_comma)
    if result < 0:
        raise CellError(f"is {value}; it cannot be negative")
    return result


def positive(value: Any, decimal_comma: DecimalMark) -> float:
    result = to_number(value, decimal_comma)
    if result <= 0:
        raise CellError(f"is {value}; it must be greater than 0")
    return result


def fraction(value: Any, decimal_comma: DecimalMark) -> float:
    result = to_number(value, decimal_comma)
    if not 0 <= result < 1:
        raise CellError(f"is {value}; give it as a fraction of 1, e.g. 0.06 for 6 %")
    return result


def year(value: Any, decimal_comma: DecimalMark) -> int:
    result = to_number(value, decimal_comma)
    if result != int(result) or not 1800 <= result <= 2200:
        raise CellError(f"'{value}' is not a year")
    return int(result)


def text(value: Any, decimal_comma: DecimalMark) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def identifier(value: Any, decimal_comma: DecimalMark) -> str:
    result = text(value, decimal_comma)
    if "," in result:
        raise CellError(f"'{result}' contains a comma; ids cannot (they are listed with commas in links)")
    return result


def id_list(value: Any, decimal_comma: DecimalMark) -> tuple[str, ...]:
    """Ids separated by commas ('a, b'); blank entries are dropped."""
    return tuple(dict.fromkeys(part.strip() for part in text(value, decimal_comma).split(",") if part.strip()))


_TRUE = {"true", "yes", "y", "1", "x", "ja", "oui", "wahr"}
_FALSE = {"false", "no", "n", "0", "nej", "non", "falsch"}


def boolean(value: Any, decimal_comma: DecimalMark) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(f"'{value}' is not true or false")


def capacity(value: Any, decimal_comma: DecimalMark) -> float:
    if isinstance(value, str) and value.strip().lower() in {"unlimited", "inf", "none", "-"}:
        return math.inf
    return non_negative(value, decimal_comma)


def one_of(enum: type[StrEnum]) -> CellParser:
    allowed = choices(enum)

    def parse(value: Any, decimal_comma: DecimalMark) -> StrEnum:
        word = str(value).strip().lower()
        if word not in allowed:
            raise CellError(f"'{value}' is not one of: {', '.join(allowed)}")
        return enum(word)

    parse.allowed = allowed  # type: ignore[attr-defined]
    return parse
