"""The run store's part for review (issue 14): storing edits, accepting rows, and turning
pending edits into a new job of the same run (see :mod:`ping_desktop.storage.row_edits`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ping_desktop.storage.row_edits import EditCheck, EditRecord
from ping_desktop.storage.runstore_db import StoreBase


class RowEditStore(StoreBase):
    """Mixin of ``RunStore``: row edits and reviews."""

    def record_row_edits(self, run_id: int, checks: Sequence[EditCheck], author: str) -> list[int]:
        """Store checked edits as pending (an earlier pending edit of the same row becomes
        ``replaced``; it stays in the history). Returns the new edit ids."""
        raise NotImplementedError

    def row_edit_history(self, run_id: int, row_number: int | None = None) -> list[EditRecord]:
        """Every edit of the run (or of one row), oldest first."""
        raise NotImplementedError

    def pending_edits(self, run_id: int) -> dict[int, EditRecord]:
        """The pending edit of each row that has one, by sheet row."""
        raise NotImplementedError

    def latest_edits(self, run_id: int) -> dict[int, EditRecord]:
        """The newest edit of each edited row (pending or sent), by sheet row."""
        raise NotImplementedError

    def resubmit_edits(self, run_id: int, rows: Iterable[int], locations_per_job: int
                       ) -> list[int]:
        """In one transaction: give each row's pending edit a new location, point the row at
        it, make the edit's problems the row's, move each earlier location no row uses any more
        (and its results) into the history, and add the new job(s) WAITING. Returns the new
        job ids. Raises ``EditError`` for a row without a pending edit or whose edit has an
        error."""
        raise NotImplementedError

    def accept_rows(self, run_id: int, rows: Iterable[int], author: str) -> int:
        """Mark rows reviewed as they are (they leave the queue); returns how many were
        newly accepted. Raises ``EditError`` for a row not in the run."""
        raise NotImplementedError

    def accepted_rows(self, run_id: int) -> set[int]:
        """Sheet rows accepted as they are."""
        raise NotImplementedError
