"""The few value types every layer shares: where a job and a run stand, and API origins.

Storage, the engine, the exports and both front ends speak these; this module imports nothing
else of the app, so any package may depend on it.
"""

from __future__ import annotations

from enum import StrEnum


class JobPhase(StrEnum):
    """Where one job stands, from the app's point of view (wider than the server's states)."""

    WAITING = "WAITING"  # planned, not sent yet
    SUBMITTING = "SUBMITTING"  # POST in flight
    PENDING = "PENDING"  # server states, as reported by GET /bulk_enhance/{id}
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    DOWNLOADING = "DOWNLOADING"  # COMPLETE on the server, outputs being fetched and parsed
    COMPLETE = "COMPLETE"  # results stored locally
    FAILED = "FAILED"  # the server said FAILED, or the job cannot go on
    CANCELED = "CANCELED"  # stopped locally; the server may still finish it
    UNCERTAIN = "UNCERTAIN"  # the POST may have reached the server: the user decides
    NEEDS_ATTENTION = "NEEDS_ATTENTION"  # token rejected, throttled for long, offline...

    @property
    def is_final(self) -> bool:
        """True when the engine will not touch the job again without the user."""
        return self in _FINAL


_FINAL = frozenset({JobPhase.COMPLETE, JobPhase.FAILED, JobPhase.CANCELED, JobPhase.UNCERTAIN})


class RunPhase(StrEnum):
    """Where a whole run stands."""

    READY = "READY"  # planned and stored, nothing sent
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"  # interrupted (app closed, offline); resumes on next start
    NEEDS_ATTENTION = "NEEDS_ATTENTION"
    COMPLETE = "COMPLETE"  # every job final and every result stored
    COMPLETE_WITH_PROBLEMS = "COMPLETE_WITH_PROBLEMS"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def is_final(self) -> bool:
        """True when the run has ended: nothing more happens to it unless the user acts."""
        return self in _FINAL_RUN


_FINAL_RUN = frozenset({RunPhase.COMPLETE, RunPhase.COMPLETE_WITH_PROBLEMS, RunPhase.FAILED,
                        RunPhase.CANCELED})
