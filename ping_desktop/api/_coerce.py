"""Lenient converters from loosely typed JSON values, used by the response models.

The API's documentation and examples disagree on details (numbers vs null, a single object
where a list is expected, timestamps with or without milliseconds), so every field is read
through a converter that returns a sensible empty value instead of raising.

Each converter first checks for the exact type a well-formed answer has (``type(x) is ...``),
which is several times cheaper than ``isinstance`` against the ``Mapping`` ABC; job status
polling parses every job's answer every few seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty mapping."""
    if type(value) is dict:
        return value
    return value if isinstance(value, Mapping) else {}


def as_object_list(value: Any) -> list[Mapping[str, Any]]:
    """A list of JSON objects; a single object becomes a one-item list (DOC-STATUS quirk)."""
    if type(value) is list:
        return [item for item in value if type(item) is dict or isinstance(item, Mapping)]
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def opt_str(value: Any) -> str | None:
    """A string, or None for null/absent; numbers are converted to text."""
    if type(value) is str:
        return value
    if value is None or isinstance(value, Mapping | list | tuple):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def opt_int(value: Any) -> int | None:
    """An int, or None if absent or not a whole number."""
    if type(value) is int:
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def opt_float(value: Any) -> float | None:
    """A finite float, or None if absent or not numeric."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def opt_bool(value: Any) -> bool:
    """A boolean; strings such as "true"/"True"/"1" count as true."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def opt_datetime(value: Any) -> datetime | None:
    """An aware datetime from ISO-8601 text (``Z`` or offset; naive is taken as UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def str_tuple(value: Any) -> tuple[str, ...]:
    """A tuple of strings from a list (or a single string)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value if item is not None)
    return ()


def opt_str_tuple(value: Any) -> tuple[str, ...] | None:
    """Like :func:`str_tuple` but keeps "not given" (None) apart from "empty"."""
    return None if value is None else str_tuple(value)


def int_counts(value: Any) -> dict[str, int]:
    """A ``{name: int}`` mapping, dropping entries that are not whole numbers."""
    counts: dict[str, int] = {}
    for key, item in as_mapping(value).items():
        number = opt_int(item)
        if number is not None:
            counts[str(key)] = number
    return counts
