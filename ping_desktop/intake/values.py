"""Cell values as the user sees them: one pass per row, no per-cell function calls."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building 100,000s of rows or locations.

    Every few hundred new containers CPython walks the older ones; with a whole sheet alive
    that costs as much as the work itself. Nothing made here is cyclic, and reference counting
    still frees memory. The previous state is restored, so nested or concurrent use is safe.

    On the way out, what was built is handed to the oldest generation directly (freeze, then
    unfreeze: two list splices) instead of being walked by the young-generation collection the
    next allocation would start (0.09 s after reading a 100,000-row sheet). Nothing is
    exempted: the next full collection looks at all of it, cycles included. Not done in a
    process that froze objects on purpose (the window's, see gui/bulk_loads.py): unfreezing
    would undo that.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
