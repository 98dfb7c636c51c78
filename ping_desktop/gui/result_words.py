"""Results in the user's words: source names instead of codes in column titles, money and
numbers in the user's locale, and which fields are about the fetch rather than the location
(kept behind *Technical details*)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QLocale

from ping_desktop.api.models import FETCH_KEYS

#: Source code -> its name, as the account's source list last gave them (see remember).
_SOURCE_NAMES: dict[str, str] = {}
#: Result fields whose numbers are sums of money.
_MONEY = re.compile(r"(^|_)(value|tiv|premium|cost|price|amount|usd|eur|gbp|loss|limit)s?($|_)")


def remember_source_names(names: dict[str, str]) -> None:
    """Learn the names of sources (code -> name) from a source list."""
    _SOURCE_NAMES.update({code: name for code, name in names.items() if name})


def source_label(code: str) -> str:
    """A source's name for people ("Geocoding · PG"), or its code when the name is unknown."""
    name = _SOURCE_NAMES.get(code)
    return f"{name} · {code}" if name and name != code else code


def column_title(header: str, source: str | None) -> str:
    """A results column title with the source's name in place of its code."""
    if source and header.startswith(source + " "):
        name = _SOURCE_NAMES.get(source)
        if name:
            return f"{name}: {header[len(source) + 1:]}"
    return header


def is_technical(field_name: str) -> bool:
    """Whether a result field describes the fetch (worker, cache, HTTP status...)."""
    return field_name in FETCH_KEYS


def is_money(field_name: str) -> bool:
    """Whether a result field holds sums of money (by its name; spaces and case ignored).
    The user's own columns are shown as typed, never reformatted."""
    return bool(_MONEY.search(re.sub(r"[^a-z0-9]+", "_", field_name.lower())))


def format_money(field_name: str, value: Any) -> str | None:
    """A sum of money in the user's locale (grouping, two decimals: 1,250,000.50 in English,
    1.250.000,50 in German); None when the field is no money or ``value`` no number. Other
    numbers stay as the user would type them (a year is never "1,999")."""
    if not is_money(field_name) or isinstance(value, bool) \
            or not isinstance(value, int | float | Decimal):
        return None
    return QLocale().toString(float(value), "f", 2)
