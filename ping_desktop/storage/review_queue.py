"""The needs-review queue of a stored run (issue 14): the rows that need a person.

A row is queued when it was not sent (an intake error stopped it), was not found (no chosen
source located it), lost a source (one chosen source failed or never answered), was located
with a confidence below the threshold, or was flagged by the address checks; or when it holds
an edit not yet resubmitted. Rows accepted as they are leave the queue; an edited row leaves it
once its newest result is good (the reasons are worked out on the row's current location).
Nothing here writes to the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ping_desktop.intake import FLAG_KINDS
from ping_desktop.storage.edit_check import current_address
from ping_desktop.storage.runstore import RunRecord, RunStore
from ping_desktop.storage.runstore_codec import decode_cells
from ping_desktop.storage.runstore_db import BUSY_TIMEOUT_MS


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


# Per location, how the run's chosen sources did; per row, its flags, pending edit and review.
# Only "?"-free fixed text and named placeholders: every value is bound.
_QUEUE = """
WITH agg AS MATERIALIZED (
    SELECT location_id,
           count(*) AS n,
           sum(is_success = 1) AS good,
           sum(is_success = 0) AS fails,
           sum(is_success = 1 AND confidence < :thr) AS lows
    FROM results
    WHERE run_id = :run AND source IN (SELECT value FROM json_each(:sources))
    GROUP BY location_id),
flagged AS MATERIALIZED (
    SELECT DISTINCT row_number FROM row_problems
    WHERE run_id = :run AND severity = 'warning'
      AND kind IN (SELECT value FROM json_each(:flags))),
pending AS MATERIALIZED (
    SELECT DISTINCT row_number FROM row_edits WHERE run_id = :run AND state = 'pending'),
rows AS (
    SELECT rl.row_number AS row_number,
           rl.location_id IS NULL AS unsent,
           coalesce(a.n, 0) AS n, coalesce(a.good, 0) AS good,
           coalesce(a.fails, 0) AS fails, coalesce(a.lows, 0) AS lows,
           f.row_number IS NOT NULL AS flag, p.row_number IS NOT NULL AS edit
    FROM row_locations rl
    LEFT JOIN agg a ON a.location_id = rl.location_id
    LEFT JOIN flagged f ON f.row_number = rl.row_number
    LEFT JOIN pending p ON p.row_number = rl.row_number
    WHERE rl.run_id = :run
      AND rl.row_number NOT IN (SELECT row_number FROM row_reviews
                                WHERE run_id = :run AND state = 'accepted'))
SELECT {what} FROM rows
WHERE edit OR unsent OR fails > 0 OR lows > 0 OR flag OR (:final AND n < :nsources)
"""
_ROW_COLUMNS = "row_number, unsent, n, good, fails, lows, flag, edit"


def _connect(store: RunStore) -> sqlite3.Connection:
    conn = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _params(run: RunRecord, threshold: int) -> dict[str, Any]:
    return {"run": run.id, "thr": threshold, "sources": json.dumps(list(run.sources)),
            "flags": json.dumps(list(FLAG_KINDS)), "final": int(run.phase.is_final),
            "nsources": len(run.sources)}


def queue_count(store: RunStore, run_id: int, threshold: int) -> int:
    """How many rows :func:`review_queue` would list, counted in SQL (for History)."""
    run = store.get_run(run_id)
    conn = _connect(store)
    try:
        sql = _QUEUE.format(what="count(*)")
        return int(conn.execute(sql, _params(run, threshold)).fetchone()[0])
    finally:
        conn.close()


def queue_counts(store: RunStore, run_ids: Sequence[int], threshold: int) -> dict[int, int]:
    """:func:`queue_count` of several runs (History's column), one dict."""
    return {run_id: queue_count(store, run_id, threshold) for run_id in run_ids}


def review_queue(store: RunStore, run_id: int, threshold: int) -> list[QueueRow]:
    """The run's queue in sheet row order (``threshold``: the low-confidence threshold from
    Settings, 0-100, as the Review's low-confidence filter uses it). Blocking; safe from any
    thread (its own connection)."""
    run = store.get_run(run_id)
    conn = _connect(store)
    try:
        sql = _QUEUE.format(what=_ROW_COLUMNS) + " ORDER BY row_number"
        found = conn.execute(sql, _params(run, threshold)).fetchall()
        numbers = json.dumps([r[0] for r in found])
        details = _Details(conn, run, numbers)
    finally:
        conn.close()
    out = []
    for number, unsent, n, good, fails, lows, flag, edit in found:
        reasons: list[QueueReason] = []
        if edit:
            reasons.append(QueueReason.EDIT_PENDING)
        if unsent:
            reasons.append(QueueReason.NOT_SENT)
        elif good == 0 and (n > 0 or run.phase.is_final):
            reasons.append(QueueReason.NOT_FOUND)
        elif fails > 0 or (run.phase.is_final and n < len(run.sources)):
            reasons.append(QueueReason.SOURCE_FAILED)
        if lows > 0:
            reasons.append(QueueReason.LOW_CONFIDENCE)
        if flag:
            reasons.append(QueueReason.ADDRESS_CHECK)
        if not reasons:  # cannot happen: the SQL chose the row for one of these
            continue
        reasons.sort(key=REASON_ORDER.index)
        out.append(QueueRow(
            row_number=number, reason=reasons[0], reasons=tuple(reasons),
            message=details.message(number, reasons[0], threshold),
            address=details.address(number), edits=details.edit_count.get(number, 0),
            pending_edit=bool(edit),
        ))
    release_gradually(details.values, details.problems, details.results, details.edited)
    return out


def release_gradually(*tables: dict[Any, Any]) -> None:
    """Empty ``tables`` one entry at a time.

    Dropped at once, the cells read for a 100,000-row run's queue (50,000 rows of 30 values)
    are freed in one go that holds the GIL for 50 ms or more, and the window's event loop,
    waiting for it, stalled (bench_gui_stall --review-open). Freed entry by entry, the helper
    thread reading the queue hands the GIL back between entries."""
    for table in tables:
        while table:
            table.popitem()


class _Details:
    """What the messages and addresses of the queued rows need, read in a few queries."""

    def __init__(self, conn: sqlite3.Connection, run: RunRecord, numbers: str) -> None:
        self.run = run
        self.values = {
            int(r[0]): decode_cells(r[1]) for r in conn.execute(
                "SELECT row_number, values_json FROM input_rows WHERE run_id = ? AND "
                "row_number IN (SELECT value FROM json_each(?))", (run.id, numbers))
        }
        self.problems: dict[int, list[tuple[str, str, str | None]]] = {}
        for number, message, severity, kind in conn.execute(
                "SELECT row_number, message, severity, kind FROM row_problems WHERE run_id = ?"
                " AND row_number IN (SELECT value FROM json_each(?)) ORDER BY id",
                (run.id, numbers)):
            self.problems.setdefault(int(number), []).append((message, severity, kind))
        self.results: dict[int, list[tuple[str, bool, float | None, str | None]]] = {}
        for number, source, ok, conf, err in conn.execute(
                "SELECT rl.row_number, r.source, r.is_success, r.confidence, r.error_message"
                " FROM row_locations rl JOIN results r ON r.run_id = rl.run_id"
                " AND r.location_id = rl.location_id WHERE rl.run_id = ?"
                " AND rl.row_number IN (SELECT value FROM json_each(?))", (run.id, numbers)):
            self.results.setdefault(int(number), []).append((source, bool(ok), conf, err))
        self.edit_count: dict[int, int] = {}
        self.edited: dict[int, tuple[dict[str, str], str, str]] = {}
        for number, fields, state, author in conn.execute(
                "SELECT row_number, fields_json, state, author FROM row_edits WHERE run_id = ?"
                " AND row_number IN (SELECT value FROM json_each(?)) ORDER BY id",
                (run.id, numbers)):
            self.edit_count[int(number)] = self.edit_count.get(int(number), 0) + 1
            if state != "replaced":
                self.edited[int(number)] = (json.loads(fields), state, author)

    def address(self, number: int) -> dict[str, str]:
        edited = self.edited.get(number)
        if edited is not None:
            return dict(edited[0])
        return current_address(self.run, self.values.get(number, ()))

    def message(self, number: int, reason: QueueReason, threshold: int) -> str:
        chosen = set(self.run.sources)
        results = [r for r in self.results.get(number, []) if r[0] in chosen]
        problems = self.problems.get(number, [])
        if reason is QueueReason.EDIT_PENDING:
            author = self.edited.get(number, ({}, "", "someone"))[2]
            return f"Edited by {author}, not sent yet: resubmit the row to look it up again."
        if reason is QueueReason.NOT_SENT:
            why = next((m for m, sev, _ in problems if sev == "error"), "it has no address.")
            return f"Not sent: {why}"
        if reason is QueueReason.NOT_FOUND:
            errors = [f"{s}: {e or 'no data'}" for s, ok, _, e in results if not ok]
            if errors:
                return "Not found. " + "; ".join(errors)
            return "No result: the job for this row did not complete. Retry it or edit it."
        if reason is QueueReason.SOURCE_FAILED:
            answered = {r[0] for r in results}
            errors = [f"{s}: {e or 'no data'}" for s, ok, _, e in results if not ok]
            errors += [f"{s}: no result" for s in self.run.sources if s not in answered]
            return "Some sources did not locate it. " + "; ".join(errors)
        if reason is QueueReason.LOW_CONFIDENCE:
            lows = [f"{s} {conf:g}" for s, ok, conf, _ in results
                    if ok and conf is not None and conf < threshold]
            return f"Located with low confidence ({', '.join(lows)}; below {threshold})."
        flags = [m for m, sev, kind in problems if sev == "warning" and kind in FLAG_KINDS]
        return "; ".join(flags) or "Flagged by the address checks."
