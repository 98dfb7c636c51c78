"""Progress events the engine publishes; the GUI and the CLI both consume them.

Plain frozen dataclasses so they cross thread and process boundaries, and so the GUI can turn
them into Qt signals without the engine knowing Qt exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ping_desktop.domain import JobPhase, RunPhase


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
