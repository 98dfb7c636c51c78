"""A run's completion summary: per source, how many locations were located, located with low
confidence, not found or not sent, and how many sheet rows were never sent or carry warnings.

A few grouped queries on a connection of their own, so it may run in any thread; nothing here
writes to the store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ping_desktop.storage.runstore import RunStore


@dataclass(frozen=True)
class SourceOutcome:
    """How one source did over a run's unique locations (the completion summary)."""

    source: str
    located: int
    low_confidence: int
    not_found: int
    not_sent: int


@dataclass(frozen=True)
class RunOutcome:
    """A run's completion summary: per source, plus the sheet rows that were never sent
    (they could not be read as a location) and those sent with a warning."""

    locations: int
    sources: tuple[SourceOutcome, ...]
    rows_not_sent: int
    rows_with_warnings: int


def outcome_counts(store: RunStore, run_id: int, threshold: int) -> RunOutcome:
    """Per chosen source: locations located, located with confidence below ``threshold``, not
    found (the source answered with a failure) and not sent (no result stored); and the rows
    not sent or sent with warnings. A few grouped queries on their own connection, so safe
    from any thread."""
    run = store.get_run(run_id)
    conn = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout=15000")
        total = int(conn.execute("SELECT count(*) FROM locations WHERE run_id = ?",
                                 (run_id,)).fetchone()[0])
        rows = conn.execute(
            "SELECT source, sum(is_success = 1 AND (confidence IS NULL OR confidence >= ?)), "
            "sum(is_success = 1 AND confidence < ?), sum(is_success = 0), count(*) "
            "FROM results WHERE run_id = ? GROUP BY source", (threshold, threshold, run_id),
        ).fetchall()
        severities = dict(conn.execute(
            "SELECT severity, count(DISTINCT row_number) FROM row_problems "
            "WHERE run_id = ? AND row_number IS NOT NULL GROUP BY severity", (run_id,),
        ).fetchall())
    finally:
        conn.close()
    found = {row[0]: row[1:] for row in rows}
    outcomes = []
    for source in run.sources:
        located, low, failed, stored = found.get(source, (0, 0, 0, 0))
        outcomes.append(SourceOutcome(source, int(located or 0), int(low or 0), int(failed or 0),
                                      max(0, total - int(stored or 0))))
    return RunOutcome(total, tuple(outcomes), int(severities.get("error", 0)),
                      int(severities.get("warning", 0)))
