"""Turning cell values into the values Ping takes, per field, with plain-language problems."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from ping_desktop.intake.geo import country_code
from ping_desktop.intake.model import FIELD_LABELS, FLOAT_FIELDS, INT_FIELDS, CellValue

# ASCII punctuation -> space, for loose comparison of addresses ("1 Main St." == "1 main st").
PUNCTUATION = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})
_NUMBER_JUNK = re.compile(r"[\s$€£,]|(?i:sq\.?\s*ft|sf|usd)$")


@dataclass(frozen=True)
class Invalid:
    """A cell that cannot be sent as it is; ``message`` says why (the row keeps going)."""

    message: str
    severity: str = "warning"


Clean = str | int | float | None | Invalid


def _text(value: CellValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _number(value: CellValue) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = _NUMBER_JUNK.sub("", value.strip())
        if text.startswith("(") and text.endswith(")"):
            text = "-" + text[1:-1]
        try:
            return float(text)
        except ValueError:
            return None
    return None


def cleaner(field: str) -> Callable[[CellValue], Clean]:
    """The cleaning function for one Ping field."""
    label = FIELD_LABELS.get(field, field)

    def clean_text(value: CellValue) -> Clean:
        return _text(value)

    def clean_country(value: CellValue) -> Clean:
        text = _text(value)
        return country_code(text) if text else None

    def clean_postal(value: CellValue) -> Clean:
        if isinstance(value, float) and not value.is_integer():
            return Invalid(f"{label} {value} is not a ZIP/postal code", "error")
        return _text(value)

    def clean_int(value: CellValue) -> Clean:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number = _number(value)
        if number is None or number != number or number < 0:
            return Invalid(f'{label} "{_text(value)}" is not a number; it will not be sent')
        if field == "const__bldg_year_built" and not 1600 <= number <= 2100:
            return Invalid(f"{label} {_text(value)} is not a plausible year; it will not be sent")
        return round(number)

    def clean_float(value: CellValue) -> Clean:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number = _number(value)
        coordinate = field in ("latitude", "longitude")
        if number is None or number != number or number in (float("inf"), float("-inf")):
            return Invalid(f'{label} "{_text(value)}" is not a number', "error" if coordinate
                           else "warning")
        if coordinate:
            limit = 90.0 if field == "latitude" else 180.0
            if not -limit <= number <= limit:
                return Invalid(f"{label} {_text(value)} is outside -{limit:g}..{limit:g}", "error")
            return number
        return int(number) if number.is_integer() else number

    if field in INT_FIELDS:
        return clean_int
    if field in FLOAT_FIELDS:
        return clean_float
    if field == "postal_code":
        return clean_postal
    if field == "country":
        return clean_country
    return clean_text


def clean_column(field: str, column: list[CellValue]) -> tuple[list[Clean], list[int]]:
    """Clean a whole column; also the indexes of cells that came out ``Invalid``.

    Ordinary cells (text, in-range numbers) go through one comprehension; only the odd ones
    pay for a function call, which keeps 100,000-row sheets fast.
    """
    fn = cleaner(field)
    odd = 0

    def slow(value: CellValue) -> Clean:
        nonlocal odd
        result = fn(value)
        if result.__class__ is Invalid:
            odd += 1
        return result

    out: list[Clean]
    if field in FLOAT_FIELDS or field in INT_FIELDS:
        lo, hi = _RANGES.get(field, (0, 1e18))
        if field in ("latitude", "longitude"):
            out = [v if v.__class__ is float and lo <= v <= hi else slow(v) for v in column]
        else:
            out = [
                v if (v.__class__ is int or (v.__class__ is float and field in FLOAT_FIELDS))
                and lo <= v <= hi else slow(v)
                for v in column
            ]
    elif field == "country":
        codes: dict[CellValue, Clean] = {}
        for v in set(column):
            text = _text(v)
            codes[v] = country_code(text) if text else None
        out = list(map(codes.__getitem__, column))
    else:
        distinct = set(column)
        if 4 * len(distinct) < len(column) and not any(v.__class__ is bool for v in distinct):
            # States, cities, classes repeat: clean each distinct value once (not with
            # booleans about: True == 1 would merge them in the dict).
            table = {v: slow(v) for v in distinct}
            out = list(map(table.__getitem__, column))
        else:
            out = [
                (v.strip() or None)
                if v.__class__ is str
                else (str(v) if v.__class__ is int else (None if v is None else slow(v)))
                for v in column
            ]
    if not odd:
        return out, []
    return out, [i for i, v in enumerate(out) if v.__class__ is Invalid]


_RANGES: dict[str, tuple[float, float]] = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 180.0),
    "const__bldg_year_built": (1600, 2100),
}


def match_key(value: Clean) -> object:
    """What makes two values "the same location": case, spacing and punctuation ignored,
    coordinates rounded to about a metre."""
    if isinstance(value, str):
        return " ".join(value.casefold().translate(PUNCTUATION).split())
    if isinstance(value, float):
        return round(value, 5)
    return value
