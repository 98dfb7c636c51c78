"""What the run-state line says about one run, and which buttons it offers (no Qt here).

The engine gives every stop a plain ``message`` (its own, or the API error's) and a phase. This
module turns that pair into one sentence of cause plus the next steps: which of *Set API
token…*, *Settings…*, *Try again*, *Resume* or *Save results…* fix it. The reason is recognised
from the phase and the words the engine and the API client use; an unknown message is still
shown in full with *Resume*, so nothing is ever hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from html import escape

from ping_desktop.domain import RunPhase
from ping_desktop.engine.events import RunProgress
from ping_desktop.gui.job_texts import format_duration
from ping_desktop.storage.run_outcome import RunOutcome


class Step(Enum):
    """A button of the run-state line (the label is the value). No mnemonics: the tabs and
    menus already use most letters, and a clash would make Alt+letter do nothing."""

    SET_TOKEN = "Set API token\u2026"  # noqa: S105 - a label
    SETTINGS = "Settings\u2026"
    RETRY = "Try again"
    RESUME = "Resume"
    CANCEL = "Cancel run"
    SAVE = "Save results\u2026"
    OPEN_FILE = "Open file"
    SHOW_FOLDER = "Show in folder"
    SEND_AGAIN = "Send those rows again"
    DROP = "Leave them without results"


class Tone(Enum):
    """How the line is coloured: information, success, or the user must act."""

    INFO = "info"
    GOOD = "good"
    PROBLEM = "problem"


class StopReason(Enum):
    """Why a run stopped before its end (None of these: it ended normally)."""

    TOKEN_REJECTED = "token"  # noqa: S105 - a reason, not a secret
    PERMISSION = "permission"
    UNREACHABLE = "unreachable"
    SERVER = "server"
    DISK = "disk"
    CANCELLED = "cancelled"
    UNCERTAIN = "uncertain"
    LOST = "lost"  # the server no longer knows a job, or keeps giving it an unknown status
    INTERRUPTED = "interrupted"
    OTHER = "other"


@dataclass(frozen=True)
class RunState:
    """The run-state line for one run: a headline, the cause/next step, buttons and tone."""

    run_id: int
    headline: str
    detail: str
    steps: tuple[Step, ...]
    tone: Tone
    reason: StopReason | None = None


# Words the API client and the engine put in their messages, per reason (checked in order).
_CLUES: tuple[tuple[StopReason, tuple[str, ...]], ...] = (
    (StopReason.TOKEN_REJECTED, ("api token", "token was not accepted")),
    (StopReason.PERMISSION, ("not allowed", "not licensed", "administrator")),
    (StopReason.DISK, ("no space", "disk", "oserror", "permission denied")),
    (StopReason.UNREACHABLE, ("cannot reach", "proxy", "certificate", "secure connection",
                              "not the configured api server")),
    (StopReason.LOST, ("was not found", "does not know", "has not finished")),
    (StopReason.SERVER, ("not available", "busy", "server error", "status failed",
                         "unexpected answer", "could not be downloaded")),
    (StopReason.UNCERTAIN, ("may or may not", "choose whether")),
)

_CAUSES = {
    StopReason.TOKEN_REJECTED: "Ping.Data did not accept the API token, so the run stopped.",
    StopReason.PERMISSION: ("Your Ping account is not allowed to use one of the chosen "
                            "sources, so the run stopped."),
    StopReason.UNREACHABLE: ("Ping.Data could not be reached (no connection, a proxy or a "
                             "security certificate in the way), so the run paused."),
    StopReason.SERVER: "Ping.Data kept answering with errors, so the run paused.",
    StopReason.DISK: ("The results could not be written to this computer (the disk may be "
                      "full), so the run stopped."),
    StopReason.UNCERTAIN: ("A job may or may not have reached Ping.Data; you decide whether "
                           "to send it again."),
    StopReason.LOST: ("Ping.Data no longer knows a job of this run (it expired, or the "
                      "server was reset), or keeps giving it a status Ping Desktop does not "
                      "know, so checking it stopped."),
    StopReason.INTERRUPTED: "The run was interrupted before it finished.",
    StopReason.OTHER: "The run stopped before it finished.",
}
_NEXT = {
    StopReason.TOKEN_REJECTED: "Set the right API token, then press Resume.",
    StopReason.PERMISSION: ("Ask your Ping administrator to enable that source and press Resume, "
                            "or set the API token of an account that has it."),
    StopReason.UNREACHABLE: ("Check the internet connection and the server in Settings, then "
                             "press Try again. Nothing is lost."),
    StopReason.SERVER: "Wait a few minutes, then press Try again. Nothing is lost.",
    StopReason.DISK: "Free some disk space, then press Try again.",
    StopReason.UNCERTAIN: ("Select the job marked \u201cNot sure it was received\u201d in the "
                           "table and choose Submit again or Don't resubmit."),
    StopReason.LOST: ("Send those rows again (they use credits once more), or leave them "
                      "without results and finish the run."),
    StopReason.INTERRUPTED: "Press Resume to continue where it stopped.",
    StopReason.OTHER: "Press Resume to try again.",
}
_STEPS = {
    StopReason.TOKEN_REJECTED: (Step.SET_TOKEN, Step.RESUME),
    StopReason.PERMISSION: (Step.RESUME, Step.SET_TOKEN),
    StopReason.UNREACHABLE: (Step.RETRY, Step.SETTINGS),
    StopReason.SERVER: (Step.RETRY,),
    StopReason.DISK: (Step.RETRY,),
    StopReason.UNCERTAIN: (),
    StopReason.LOST: (Step.SEND_AGAIN, Step.DROP),
    StopReason.INTERRUPTED: (Step.RESUME,),
    StopReason.OTHER: (Step.RESUME, Step.SETTINGS),
}


def stop_reason(phase: RunPhase, message: str | None) -> StopReason | None:
    """Why a run in ``phase`` stopped (None while it runs or when it ended normally)."""
    if phase is RunPhase.CANCELED:
        return StopReason.CANCELLED
    if phase not in (RunPhase.PAUSED, RunPhase.NEEDS_ATTENTION, RunPhase.FAILED):
        return None
    text = (message or "").casefold()
    for reason, clues in _CLUES:
        if any(clue in text for clue in clues):
            return reason
    if phase is RunPhase.FAILED:
        return None
    if "interrupted" in text or phase is RunPhase.PAUSED:
        return StopReason.INTERRUPTED
    return StopReason.OTHER


def started_text(started: dt.datetime | None) -> str:
    """``"14:05"`` today, ``"29 Nov 14:05"`` before; empty when unknown."""
    if started is None:
        return ""
    local = started.astimezone()
    today = dt.datetime.now().astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%d %b %H:%M")


def run_label(file_name: str, started: dt.datetime | None) -> str:
    """``"sov.xlsx, started 14:05"``: tells two runs of one file apart."""
    when = started_text(started)
    return f"{file_name}, started {when}" if when else file_name


def describe(run: RunProgress, started: dt.datetime | None = None) -> RunState:
    """The run-state line for ``run`` (its latest totals)."""
    name = run_label(run.file_name, started)
    reason = stop_reason(run.phase, run.message)
    done = f"{run.locations_completed:,} of {run.locations_total:,} locations done"
    if run.phase is RunPhase.RUNNING or run.phase is RunPhase.READY:
        left = (f", about {format_duration(run.eta_seconds)} left"
                if run.eta_seconds is not None and run.eta_seconds >= 1 else "")
        return RunState(run.run_id, f"Running: {name}",
                        f"{done}{left}. You can keep working; you will be told when it ends.",
                        (Step.CANCEL,), Tone.INFO)
    if reason is StopReason.CANCELLED:
        steps: tuple[Step, ...] = (Step.SAVE,) if run.locations_completed else ()
        return RunState(run.run_id, f"Cancelled: {name}",
                        f"{done}. Nothing more will be sent. Jobs already sent may still finish "
                        "on the server and use credits.", steps, Tone.INFO, reason)
    if reason is not None:
        cause = _CAUSES[reason]
        # The engine's own words add what the cause cannot know (which host, how long to
        # wait, which source); for a rejected token they would only say it twice.
        said = (f" Ping Desktop says: \u201c{run.message}\u201d"
                if run.message and reason is not StopReason.TOKEN_REJECTED else "")
        steps = _STEPS[reason]
        if run.locations_completed:
            steps = (*steps, Step.SAVE)
        return RunState(run.run_id, f"Stopped: {name}",
                        f"{cause} {_NEXT[reason]} ({done}.){said}", steps, Tone.PROBLEM, reason)
    if run.phase is RunPhase.COMPLETE:
        return RunState(run.run_id, f"Finished: {name}",
                        f"All {run.locations_total:,} locations were processed. "
                        "Save the results to get your enriched spreadsheet.",
                        (Step.SAVE,), Tone.GOOD)
    if run.phase is RunPhase.COMPLETE_WITH_PROBLEMS:
        return RunState(run.run_id, f"Finished with problems: {name}",
                        f"{done}; some locations did not get every result. Save the results, "
                        "or press Try again to send only the failed ones again.",
                        (Step.SAVE, Step.RETRY), Tone.PROBLEM)
    # FAILED without a recognisable reason.
    said = f" {run.message}" if run.message else ""
    return RunState(run.run_id, f"Failed: {name}",
                    f"Every job failed.{said} Press Try again to send them again.",
                    (Step.RETRY, Step.SETTINGS), Tone.PROBLEM)


def stopped_now(old: RunPhase | None, new: RunPhase) -> bool:
    """True when a run that was running has just stopped (for any reason, including the end):
    the moment to tell the user, once."""
    return old is RunPhase.RUNNING and new is not RunPhase.RUNNING


def summary_html(outcome: RunOutcome) -> str:
    """The completion summary: one line per source (located, low confidence, not found, not
    sent) and the rows of the sheet that were not sent or carry warnings. Simple HTML for a
    label; every number is also said in words."""
    lines = []
    for source in outcome.sources:
        lines.append(
            f"<b>{escape(source.source)}</b>: {source.located:,} located, "
            f"{source.low_confidence:,} low confidence, {source.not_found:,} not found, "
            f"{source.not_sent:,} not sent")
    rows = []
    if outcome.rows_not_sent:
        rows.append(f"{outcome.rows_not_sent:,} row{'s' if outcome.rows_not_sent != 1 else ''} "
                    "of the sheet could not be sent (no usable address)")
    if outcome.rows_with_warnings:
        rows.append(f"{outcome.rows_with_warnings:,} row"
                    f"{'s' if outcome.rows_with_warnings != 1 else ''} sent with a warning")
    if rows:
        lines.append("; ".join(rows) + ". Save the results to see which.")
    return f"Out of {outcome.locations:,} locations:<br>" + "<br>".join(lines)
