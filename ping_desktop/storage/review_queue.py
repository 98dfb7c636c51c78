"""The needs-review queue of a stored run (issue 14): the rows that need a person.

A row is queued when it was not sent (an intake error stopped it), was not found (no chosen
source located it), lost a source (one chosen source failed or never answered), was located
with a confidence below the threshold, or was flagged by the address checks; or when it holds
an edit not yet resubmitted. Rows accepted as they are leave the queue; an edited row leaves it
once its newest result is good (the reasons are worked out on the row's current location).
Nothing here writes to the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ping_desktop.storage.runstore import RunStore


class QueueReason(StrEnum):
    """Why a row needs a person, most pressing first (the order of :data:`REASON_ORDER`)."""

    EDIT_PENDING = "edit_pending"  # edited, not resubmitted yet
    NOT_SENT = "not_sent"  # an intake error stopped it
    NOT_FOUND = "not_found"  # no chosen source located it
    SOURCE_FAILED = "source_failed"  # some chosen source failed or never answered
    LOW_CONFIDENCE = "low_confidence"  # located below the threshold
    ADDRESS_CHECK = "address_check"  # flagged by the address checks (a warning)


REASON_ORDER: tuple[QueueReason, ...] = tuple(QueueReason)

#: Short labels for a reason column or a filter.
REASON_LABELS: dict[QueueReason, str] = {
    QueueReason.EDIT_PENDING: "Edited, not sent",
    QueueReason.NOT_SENT: "Not sent",
    QueueReason.NOT_FOUND: "Not found",
    QueueReason.SOURCE_FAILED: "Source failed",
    QueueReason.LOW_CONFIDENCE: "Low confidence",
    QueueReason.ADDRESS_CHECK: "Address check",
}


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue.

    ``reason`` is the most pressing of ``reasons``; ``message`` says it in a plain sentence
    (with the source, confidence or check message). ``address`` is the row's current editable
    address by edit field name (``street``, ``city``, ``state``, ``zip``, ``country``,
    ``latitude``, ``longitude``, or ``address`` for a one-line address; see
    :data:`~ping_desktop.storage.row_edits.EDIT_FIELDS`): from the newest edit when there is
    one, else from the user's cells through the run's mapping. ``edits`` counts the row's edits.
    """

    row_number: int
    reason: QueueReason
    reasons: tuple[QueueReason, ...]
    message: str
    address: dict[str, str]
    edits: int = 0
    pending_edit: bool = False


def review_queue(store: RunStore, run_id: int, threshold: int) -> list[QueueRow]:
    """The run's queue in sheet row order (``threshold``: the low-confidence threshold from
    Settings, 0-100). Blocking; safe from any thread (its own connection)."""
    raise NotImplementedError


def queue_count(store: RunStore, run_id: int, threshold: int) -> int:
    """How many rows :func:`review_queue` would list, counted in SQL (for History)."""
    raise NotImplementedError


def queue_counts(store: RunStore, run_ids: list[int], threshold: int) -> dict[int, int]:
    """:func:`queue_count` of several runs (History's column), one dict."""
    return {run_id: queue_count(store, run_id, threshold) for run_id in run_ids}
