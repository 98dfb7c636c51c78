"""Cell values as the user sees them: one pass per row, no per-cell function calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ping_desktop.intake.model import CellValue


def normalise_excel(raw: Sequence[Any]) -> list[CellValue]:
    """calamine row -> cells: 1234.0 -> 1234 (no trailing ".0"), '' -> None."""
    return [
        (int(v) if v.is_integer() else v) if v.__class__ is float else (None if v == "" else v)
        for v in raw
    ]


def normalise_text(raw: Sequence[Any]) -> list[CellValue]:
    """csv row -> cells: text kept exactly (ZIPs and ids keep their zeros), '' -> None."""
    return [None if v == "" else v for v in raw]
