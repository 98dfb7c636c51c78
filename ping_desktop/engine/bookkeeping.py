"""The engine's blocking store bookkeeping: a run's outcome, cancelling its jobs, marking a job
that failed unexpectedly. Each function runs on the engine's database thread
(``Engine.db``) in one trip, so a decision and the writes it leads to see the same state.
"""

from __future__ import annotations

from typing import Any

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine import messages
from ping_desktop.storage.runstore import JobRecord, RunStore

#: Job phases in which the job exists on the server (or is being fetched from it).
ON_SERVER = (JobPhase.PENDING, JobPhase.QUEUED, JobPhase.IN_PROGRESS, JobPhase.DOWNLOADING)


def update_and_get(store: RunStore, job_id: int, **changes: Any) -> JobRecord:
    """Change a job and return it as stored after."""
    store.update_job(job_id, **changes)
    return store.get_job(job_id)


def record_unexpected(store: RunStore, job_id: int, error_name: str) -> JobRecord:
    """Mark a job whose flow failed unexpectedly; returns it as stored after."""
    # A failure during the POST may come after the server created the job.
    sending = store.get_job(job_id).phase is JobPhase.SUBMITTING
    return update_and_get(store, job_id,
                          phase=JobPhase.UNCERTAIN if sending else JobPhase.NEEDS_ATTENTION,
                          message=messages.unexpected(error_name, sending))


def outcome(store: RunStore, run_id: int) -> tuple[RunPhase, str | None]:
    """The phase (and message) a run ends in, from its jobs."""
    jobs = store.jobs(run_id)
    attention = [j for j in jobs if j.phase in (JobPhase.UNCERTAIN, JobPhase.NEEDS_ATTENTION)]
    if attention:
        return RunPhase.NEEDS_ATTENTION, messages.attention(len(attention), attention[0].message)
    if any(not j.phase.is_final for j in jobs):
        return RunPhase.PAUSED, messages.APP_CLOSED
    failed = [j for j in jobs if j.phase is JobPhase.FAILED]
    if jobs and len(failed) == len(jobs):
        return RunPhase.FAILED, messages.all_failed(failed[0].message)
    candidates, _ = store.retry_candidates(run_id)
    missing = len(candidates) + sum(
        j.location_count for j in jobs if j.phase is JobPhase.CANCELED
    )
    if missing:
        return RunPhase.COMPLETE_WITH_PROBLEMS, messages.with_problems(missing)
    return RunPhase.COMPLETE, None


def mark_canceled(store: RunStore, run_id: int) -> list[JobRecord]:
    """Put every unfinished job of a canceled run in its final phase; returns them as stored
    after."""
    changed: list[JobRecord] = []
    for job in store.jobs(run_id):
        if job.phase is JobPhase.WAITING:
            change = (JobPhase.CANCELED, messages.CANCELED_WAITING)
        elif job.phase is JobPhase.SUBMITTING:
            change = (JobPhase.UNCERTAIN, messages.CANCELED_DURING_SUBMIT)
        elif job.phase in ON_SERVER or job.phase is JobPhase.NEEDS_ATTENTION:
            change = (JobPhase.CANCELED, messages.CANCELED_SUBMITTED)
        else:
            continue
        changed.append(update_and_get(store, job.id, phase=change[0], message=change[1]))
    return changed


def cancel_stored(store: RunStore, run_id: int) -> None:
    """Cancel a run no engine is working on: its jobs, counters and phase."""
    mark_canceled(store, run_id)
    store.refresh_run_counters(run_id)
    store.set_run_phase(run_id, RunPhase.CANCELED, messages.CANCELED_RUN)


def settle_attention(store: RunStore, run_id: int) -> None:
    """A run that needed attention takes the phase its jobs now give it."""
    if store.get_run(run_id).phase is RunPhase.NEEDS_ATTENTION:
        phase, message = outcome(store, run_id)
        store.set_run_phase(run_id, phase, message)
