"""Cell value helpers shared by the writers: formula safety and text forms."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

# OWASP CSV injection: cells starting with these can run as formulas in spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_STRING = 32_767
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
# Integers beyond this lose digits in Excel's 15-significant-digit numbers: keep them as text.
EXCEL_EXACT_INT = 10**15


def is_formula_like(text: str) -> bool:
    """True when ``text`` would be taken as a formula by a spreadsheet program."""
    return text.startswith(FORMULA_PREFIXES)


def csv_safe(text: str) -> str:
    """Prefix formula-like text with an apostrophe, as OWASP recommends for CSV exports."""
    return "'" + text if is_formula_like(text) else text


def result_scalar(value: Any) -> Any:
    """Flatten a result value to something a cell can hold (nested data becomes JSON text)."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
    return value


def to_csv_text(value: Any) -> str:
    """The CSV text for a value, in forms Excel reads back as the same value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < EXCEL_EXACT_INT:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(result_scalar(value))
