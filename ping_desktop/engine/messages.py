"""The engine's words to the user: what happened and what to do, in one place."""

from __future__ import annotations

CANCELED_RUN = (
    "Canceled: nothing more will be sent or checked. Already-submitted jobs may still "
    "complete on the server and use credits."
)
CANCELED_WAITING = "Not sent: the run was canceled."
CANCELED_SUBMITTED = (
    "Canceled locally. The server may still finish this job and use credits; its results "
    "will not be downloaded."
)
CANCELED_DURING_SUBMIT = (
    "The run was canceled while this job was being sent. It may exist on the server and use "
    "credits. Choose whether to send it again."
)
INTERRUPTED_SUBMISSION = (
    "Ping Desktop stopped while this job was being sent, so it may or may not exist on the "
    "server (and may use credits). Choose whether to send it again; it is never resent "
    "automatically."
)
LEFT_UNSENT = "Not sent again, as you chose. Its locations have no results."
SENT_AGAIN = "Its locations were sent again in a new job."
LEASE_LOST = (
    "Stopped: another Ping Desktop took this run over while this one was not responding. "
    "Nothing more is sent from here."
)
APP_CLOSED = "Interrupted before it finished. Resume it to continue where it stopped."


def paused(reason: str) -> str:
    """The run stopped because the service could not be reached or is busy."""
    return f"Paused: {reason} Resume the run when the connection is back; nothing is lost."


def unknown_status(count: int) -> str:
    """The server kept answering with a status the API does not document."""
    return (
        f"The server answered {count} times in a row with a status Ping Desktop does not know "
        "for this job, so checking stopped. Send its rows again (Retry failed rows) or leave "
        "them without results; Resume checks once more."
    )


def past_deadline(hours: float) -> str:
    """The job has not finished long after it was sent."""
    return (
        f"This job has not finished {hours:g} hours after it was sent, so checking stopped. "
        "Send its rows again (Retry failed rows) or leave them without results; Resume checks "
        "once more."
    )


DROPPED = "Left without results, as you chose."


def rejected(reason: str) -> str:
    """The server refused the job's contents."""
    return f"The server rejected this job: {reason}"


def too_large_single(reason: str) -> str:
    """Even one location is too large for the server."""
    return f"{reason} This job holds a single location and cannot be split further."


def status_keeps_failing(reason: str, count: int) -> str:
    """Polling stopped after ``count`` failed status checks in a row."""
    return (
        f"Checking this job's status failed {count} times in a row, so checking stopped: "
        f"{reason} Resume the run to try again."
    )


def job_failed(detail: str | None, locations: int) -> str:
    """The server reported the job as failed."""
    why = f" ({detail.rstrip('.')})" if detail else ""
    return (
        f"The server reported that this job failed{why}. Its {locations} location"
        f"{'s' if locations != 1 else ''} can be sent again with Retry failed rows."
    )


def download_failed(reason: str, attempts: int) -> str:
    """A result file could not be downloaded."""
    return (
        f"A result file could not be downloaded after {attempts} attempt"
        f"{'s' if attempts != 1 else ''}: {reason} Resume the run to try again."
    )


def attention(count: int, first: str | None) -> str:
    """Summary for a run with jobs that need the user."""
    jobs = "1 job needs" if count == 1 else f"{count} jobs need"
    return f"{jobs} your attention." + (f" {first}" if first else "")


def with_problems(locations: int) -> str:
    """Summary for a run where some locations lack results."""
    what = "1 location" if locations == 1 else f"{locations} locations"
    return (
        f"Finished. {what} did not get every requested result; see the Problems list, or use "
        "Retry failed rows to send them again."
    )


def all_failed(first: str | None) -> str:
    """Summary for a run whose every job failed."""
    return "Every job failed." + (f" {first}" if first else "")


def unexpected(error_type: str, while_sending: bool) -> str:
    """A job stopped by an internal error (details are in the log)."""
    if while_sending:
        return (
            f"An unexpected problem ({error_type}) happened while this job was being sent, so "
            "it may or may not exist on the server. Choose whether to send it again."
        )
    return f"Unexpected problem ({error_type}); see the log. Resume the run to try again."
