"""Encoding the user's cell values and the store's timestamps as SQLite text.

Cell values go through JSON with small tags for the types JSON lacks (dates, times, durations,
decimals), so a row read back from the store compares equal to the row that was read from the
spreadsheet: ``decode_cells(encode_cells(row)) == row`` for every value a reader produces.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

CellValue = (
    str | int | float | bool | Decimal | dt.datetime | dt.date | dt.time | dt.timedelta | None
)

_DATETIME = "$dt"
_DATE = "$d"
_TIME = "$t"
_TIMEDELTA = "$td"
_DECIMAL = "$dec"


def _tag(value: Any) -> dict[str, Any]:
    # datetime before date: a datetime is also a date.
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, dt.time):
        return {_TIME: value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {_TIMEDELTA: [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    # Anything else a reader might hand over (should not happen) is kept as its text.
    return {"$str": str(value)}


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) != 1:
        return obj
    key, value = next(iter(obj.items()))
    if key == _DATETIME:
        return dt.datetime.fromisoformat(value)
    if key == _DATE:
        return dt.date.fromisoformat(value)
    if key == _TIME:
        return dt.time.fromisoformat(value)
    if key == _TIMEDELTA:
        days, seconds, micros = value
        return dt.timedelta(days=days, seconds=seconds, microseconds=micros)
    if key == _DECIMAL:
        return Decimal(value)
    if key == "$str":
        return value
    return obj


_encoder = json.JSONEncoder(default=_tag, ensure_ascii=False, separators=(",", ":"))
_decoder = json.JSONDecoder(object_hook=_untag)


def encode_cells(values: Sequence[CellValue]) -> str:
    """One row of cell values as tagged JSON text."""
    return _encoder.encode(list(values))


def decode_cells(text: str) -> tuple[CellValue, ...]:
    """The row of cell values stored by :func:`encode_cells`."""
    return tuple(_decoder.decode(text))


_plain_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def encode_json(value: Any) -> str:
    """Plain compact JSON (for payloads, mappings, result data). One shared encoder: building
    one per call (as ``json.dumps`` with options does) costs more than encoding a small dict."""
    return _plain_encoder.encode(value)


def now_text() -> str:
    """The current UTC time as stored in the database (ISO 8601, milliseconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def parse_time(text: str | None) -> dt.datetime | None:
    """A stored timestamp back as an aware UTC datetime (None stays None)."""
    if not text:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
