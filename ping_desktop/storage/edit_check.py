"""Checking an edited row like any input row: the payload it makes and the problems found.

The row is run through intake's own analysis (:func:`ping_desktop.intake.validate.analyse`),
with the run's mapping, sources and declined repairs, on a one-row table made of the user's
original cells with the edited fields put in: the same cleaning, the same address checks and
repairs, the same payload rules. The user's cells in the store are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ping_desktop.storage.row_edits import EditCheck, RowEdit
from ping_desktop.storage.runstore import CellValue, RunRecord


def current_address(run: RunRecord, values: Sequence[CellValue]) -> dict[str, str]:
    """The editable address of an input row (edit field name -> text), from the user's cells
    through the run's mapping; fields the run does not map are left out."""
    raise NotImplementedError


def check_edit(run: RunRecord, values: Sequence[CellValue], edit: RowEdit,
               base: Mapping[str, str] | None = None,
               declined: Sequence[str] = ()) -> EditCheck:
    """Check ``edit`` of the row whose cells are ``values``. ``base`` is the row's current
    address when an earlier edit changed it (the edit applies on top of it). Raises
    :class:`~ping_desktop.storage.row_edits.EditError` for an unknown field name."""
    raise NotImplementedError




