"""Turning job records into progress events with elapsed time and an ETA.

ETAs come from the completion rate observed in this session (locations per second since the
first progress), never from a guess: until something has completed there is no ETA.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.events import EventSink, JobProgress, RunProgress
from ping_desktop.storage.runstore import JobRecord

log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass
class _RateSample:
    """First observation of a job's progress: (time, completed)."""

    time: float
    completed: int


def _eta(remaining: int, done_since: int, seconds: float) -> float | None:
    if remaining <= 0:
        return 0.0
    if done_since <= 0 or seconds <= 0:
        return None
    return remaining / (done_since / seconds)


class ProgressTracker:
    """Keeps the latest record of every job of one run and publishes events for it."""

    def __init__(
        self, run_id: int, file_name: str, sink: EventSink | None, clock: Clock
    ) -> None:
        self.run_id = run_id
        self.file_name = file_name
        self._sink = sink
        self._clock = clock
        self._jobs: dict[int, JobRecord] = {}
        self._samples: dict[int, _RateSample] = {}
        self._started = clock()
        self._completed_at_start: int | None = None
        self.phase = RunPhase.RUNNING
        self.message: str | None = None

    def _emit(self, event: JobProgress | RunProgress) -> None:
        if self._sink is None:
            return
        try:
            self._sink(event)
        except Exception:  # a broken consumer must not stop the run
            log.exception("Progress consumer failed on %s", type(event).__name__)

    def load(self, jobs: list[JobRecord]) -> None:
        """Start from the stored jobs (no events)."""
        self._jobs = {job.id: job for job in jobs}
        self._completed_at_start = self.locations_completed()

    def job_done_count(self) -> int:
        """Jobs in a final phase."""
        return sum(1 for job in self._jobs.values() if job.phase.is_final)

    def locations_completed(self) -> int:
        """Locations processed so far over the run's jobs (a complete job counts whole)."""
        return sum(
            job.location_count if job.phase is JobPhase.COMPLETE else job.completed
            for job in self._jobs.values()
        )

    def locations_total(self) -> int:
        """Locations over the run's jobs (a retried location counts once per job)."""
        return sum(job.location_count for job in self._jobs.values())

    def update(self, job: JobRecord) -> None:
        """Record a job's new state and publish its event and the run's totals."""
        self._jobs[job.id] = job
        now = self._clock()
        if job.id not in self._samples and job.phase is JobPhase.IN_PROGRESS:
            self._samples[job.id] = _RateSample(now, job.completed)
        self._emit(self.job_event(job))
        self.publish_run()

    def job_event(self, job: JobRecord) -> JobProgress:
        """The event describing ``job`` now."""
        elapsed: float | None = None
        if job.submitted_at is not None:
            end = job.finished_at or dt.datetime.now(dt.UTC)
            elapsed = max(0.0, (end - job.submitted_at).total_seconds())
        eta: float | None = None
        if job.phase.is_final:
            eta = 0.0 if job.phase is JobPhase.COMPLETE else None
        else:
            sample = self._samples.get(job.id)
            if sample is not None:
                eta = _eta(job.requested - job.completed, job.completed - sample.completed,
                           self._clock() - sample.time)
        return JobProgress(
            run_id=job.run_id,
            job_id=job.id,
            job_number=job.number,
            job_count=len(self._jobs),
            server_job_id=job.server_job_id,
            phase=job.phase,
            requested=job.requested,
            completed=job.completed,
            problems=job.problems,
            elapsed_seconds=elapsed,
            eta_seconds=eta,
            message=job.message,
        )

    def run_event(self) -> RunProgress:
        """The run's totals now."""
        completed = self.locations_completed()
        total = self.locations_total()
        elapsed = self._clock() - self._started
        remaining = sum(
            job.location_count - job.completed
            for job in self._jobs.values()
            if not job.phase.is_final and job.phase is not JobPhase.NEEDS_ATTENTION
        )
        eta = None
        if self.phase is RunPhase.RUNNING:
            eta = _eta(remaining, completed - (self._completed_at_start or 0), elapsed)
        return RunProgress(
            run_id=self.run_id,
            file_name=self.file_name,
            phase=self.phase,
            jobs_total=len(self._jobs),
            jobs_done=self.job_done_count(),
            locations_total=total,
            locations_completed=completed,
            problems=sum(job.problems for job in self._jobs.values()),
            elapsed_seconds=elapsed,
            eta_seconds=eta,
            message=self.message,
        )

    def publish_run(self, phase: RunPhase | None = None, message: str | None = None) -> None:
        """Publish the run's totals (optionally with a new phase and message)."""
        if phase is not None:
            self.phase = phase
            self.message = message
        self._emit(self.run_event())
