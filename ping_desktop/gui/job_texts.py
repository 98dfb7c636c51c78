"""Plain words for jobs and runs (status cells, tooltips, durations) and stored records as the
progress events the engine would have sent: what the jobs table and the history show, apart from
the Qt model that shows it."""

from __future__ import annotations

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.events import JobProgress, RunProgress
from ping_desktop.storage.runstore_records import JobRecord, RunRecord

# Plain words for each phase. States that need the user also say what to do.
_JOB_WORDS = {
    JobPhase.WAITING: "Waiting to be sent",
    JobPhase.SUBMITTING: "Sending to Ping.Data",
    JobPhase.PENDING: "Accepted, waiting to start",
    JobPhase.QUEUED: "Queued on the server",
    JobPhase.IN_PROGRESS: "Working",
    JobPhase.DOWNLOADING: "Downloading results",
    JobPhase.COMPLETE: "Done",
    JobPhase.FAILED: "Failed",
    JobPhase.CANCELED: "Cancelled",
    JobPhase.UNCERTAIN: "Not sure it was received",
    JobPhase.NEEDS_ATTENTION: "Needs your attention",
}
# What to do, for when the engine gave no message of its own (its messages already say it).
_JOB_ADVICE = {
    JobPhase.FAILED: "Use \u201cRetry failed rows\u201d to send its locations again.",
    JobPhase.CANCELED: "Jobs already sent may still finish on the server and use credits.",
    JobPhase.UNCERTAIN: "The connection dropped while sending, so the server may have it.",
    JobPhase.NEEDS_ATTENTION: (
        "Check the connection and the API token, then use \u201cResume run\u201d."
    ),
}
# The buttons that answer an uncertain submission, named whatever the message says.
_UNCERTAIN_CHOICE = (
    "Choose \u201cSubmit again\u201d (it may use credits twice) or \u201cDon't resubmit\u201d."
)
_RUN_WORDS = {
    RunPhase.READY: "Ready to start",
    RunPhase.RUNNING: "Running",
    RunPhase.PAUSED: "Paused, resume to continue",
    RunPhase.NEEDS_ATTENTION: "Needs your attention",
    RunPhase.COMPLETE: "Complete",
    RunPhase.COMPLETE_WITH_PROBLEMS: "Complete, with problems",
    RunPhase.FAILED: "Failed",
    RunPhase.CANCELED: "Cancelled",
}
_NEEDS_USER = frozenset({JobPhase.FAILED, JobPhase.UNCERTAIN, JobPhase.NEEDS_ATTENTION})


def needs_user(phase: JobPhase) -> bool:
    """True for the job states the user has to look at or act on."""
    return phase in _NEEDS_USER


def job_status_text(phase: JobPhase, message: str | None) -> str:
    """The Status cell: plain words, followed by the engine's message when the user must act."""
    words = _JOB_WORDS[phase]
    if message and (needs_user(phase) or phase is JobPhase.CANCELED):
        return f"{words}: {message}"
    return words


def job_status_tooltip(phase: JobPhase, message: str | None) -> str:
    """The Status tooltip: the words, the message and what to do about it."""
    parts = [_JOB_WORDS[phase] + "."]
    advice = message or _JOB_ADVICE.get(phase)
    if advice:
        parts.append(advice)
    if phase is JobPhase.UNCERTAIN:
        parts.append(_UNCERTAIN_CHOICE)
    return "\n".join(parts)


def run_phase_text(phase: RunPhase) -> str:
    """Plain words for a run's phase (also used by the history)."""
    return _RUN_WORDS[phase]


def format_duration(seconds: float | None) -> str:
    """``"45 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``; empty when unknown."""
    if seconds is None or seconds < 0:
        return ""
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def run_summary_text(run: RunProgress) -> str:
    """One run's totals in a sentence or two (the File tooltip)."""
    text = (
        f"{run_phase_text(run.phase)}. Jobs: {run.jobs_done:,} of {run.jobs_total:,} done. "
        f"Locations: {run.locations_completed:,} of {run.locations_total:,} done, "
        f"{run.problems:,} with problems."
    )
    if run.elapsed_seconds is not None:
        text += f" Elapsed {format_duration(run.elapsed_seconds)}."
    if run.eta_seconds is not None and not run.phase.is_final:
        text += f" About {format_duration(run.eta_seconds)} left."
    if run.message:
        text += f"\n{run.message}"
    return text


def job_from_record(record: JobRecord, job_count: int) -> JobProgress:
    """A stored job as the progress event the engine would have sent for it."""
    elapsed: float | None = None
    if record.submitted_at is not None and record.finished_at is not None:
        elapsed = max(0.0, (record.finished_at - record.submitted_at).total_seconds())
    return JobProgress(
        run_id=record.run_id,
        job_id=record.id,
        job_number=record.number,
        job_count=job_count,
        server_job_id=record.server_job_id,
        phase=record.phase,
        requested=record.requested or record.location_count,
        completed=record.completed,
        problems=record.problems,
        elapsed_seconds=elapsed,
        eta_seconds=None,
        message=record.message,
    )


def run_from_record(record: RunRecord) -> RunProgress:
    """A stored run's totals as the progress event the engine would have sent for it."""
    return RunProgress(
        run_id=record.id,
        file_name=record.file_name,
        phase=record.phase,
        jobs_total=record.jobs_total,
        jobs_done=record.jobs_done,
        locations_total=record.unique_locations,
        locations_completed=record.locations_completed,
        problems=record.problems,
        elapsed_seconds=None,
        eta_seconds=None,
        message=record.message,
    )


_FINISHED_WORDS = {
    RunPhase.COMPLETE: "finished",
    RunPhase.COMPLETE_WITH_PROBLEMS: "finished with problems",
    RunPhase.FAILED: "failed",
    RunPhase.CANCELED: "was cancelled",
}


def run_finished_text(run: RunProgress) -> str:
    """"book.xlsx finished with problems": the status line and notification when a run ends."""
    return f"{run.file_name} {_FINISHED_WORDS.get(run.phase, 'stopped')}"
