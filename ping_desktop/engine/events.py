"""Progress events the engine publishes; the GUI and the CLI both consume them.

Plain frozen dataclasses so they cross thread and process boundaries, and so the GUI can turn
them into Qt signals without the engine knowing Qt exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class JobProgress:
    """One job's state; emitted whenever anything about the job changes."""

    run_id: int
    job_id: int  # local id, stable across restarts
    job_number: int  # 1-based position within the run
    job_count: int
    server_job_id: str | None
    phase: JobPhase
    requested: int
    completed: int
    problems: int
    elapsed_seconds: float | None
    eta_seconds: float | None
    message: str | None = None  # plain words when the user should know or act


@dataclass(frozen=True)
class RunProgress:
    """A run's totals; emitted after every job event and when the run's phase changes."""

    run_id: int
    file_name: str
    phase: RunPhase
    jobs_total: int
    jobs_done: int
    locations_total: int
    locations_completed: int
    problems: int
    elapsed_seconds: float | None
    eta_seconds: float | None
    message: str | None = None


Event = JobProgress | RunProgress
EventSink = Callable[[Event], None]
