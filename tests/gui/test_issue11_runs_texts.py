"""Issue 11, finding 1: every way a run can stop gets one sentence of cause and the buttons that
fix it, from the very messages the API client and the engine produce (no Qt needed)."""

from __future__ import annotations

import pytest

from ping_desktop.api.errors import (
    AuthenticationError,
    OfflineError,
    PermissionDeniedError,
    ServerUnavailableError,
    ThrottledError,
    TlsError,
)
from ping_desktop.domain import RunPhase
from ping_desktop.engine import messages
from ping_desktop.engine.events import RunProgress
from ping_desktop.gui.run_status_texts import (
    Step,
    StopReason,
    Tone,
    describe,
    stopped_now,
    summary_html,
)
from ping_desktop.storage.run_outcome import RunOutcome, SourceOutcome


def _run(phase: RunPhase, message: str | None, completed: int = 0) -> RunProgress:
    return RunProgress(run_id=3, file_name="sov.xlsx", phase=phase, jobs_total=2, jobs_done=1,
                       locations_total=40, locations_completed=completed, problems=0,
                       elapsed_seconds=12.0, eta_seconds=None, message=message)


CASES = [
    (RunPhase.NEEDS_ATTENTION, AuthenticationError().message, StopReason.TOKEN_REJECTED,
     [Step.SET_TOKEN, Step.RESUME], "did not accept the API token"),
    (RunPhase.NEEDS_ATTENTION, PermissionDeniedError().message, StopReason.PERMISSION,
     [Step.RESUME, Step.SET_TOKEN], "not allowed to use one of the chosen sources"),
    (RunPhase.PAUSED, messages.paused(OfflineError("api.ping.example").message),
     StopReason.UNREACHABLE, [Step.RETRY, Step.SETTINGS], "could not be reached"),
    (RunPhase.NEEDS_ATTENTION, TlsError("api.ping.example").message, StopReason.UNREACHABLE,
     [Step.RETRY, Step.SETTINGS], "certificate"),
    (RunPhase.PAUSED, messages.paused(ServerUnavailableError().message), StopReason.SERVER,
     [Step.RETRY], "kept answering with errors"),
    (RunPhase.PAUSED, messages.paused(ThrottledError(retry_after=30).message),
     StopReason.SERVER, [Step.RETRY], "kept answering with errors"),
    (RunPhase.NEEDS_ATTENTION, messages.attention(1, messages.unexpected("OSError", False)),
     StopReason.DISK, [Step.RETRY], "disk may be full"),
    (RunPhase.NEEDS_ATTENTION, messages.attention(1, messages.INTERRUPTED_SUBMISSION),
     StopReason.UNCERTAIN, [], "Submit again"),
    (RunPhase.PAUSED, messages.APP_CLOSED, StopReason.INTERRUPTED, [Step.RESUME],
     "interrupted"),
]


@pytest.mark.parametrize(("phase", "message", "reason", "steps", "words"), CASES)
def test_every_stop_has_a_cause_and_its_fix(phase: RunPhase, message: str, reason: StopReason,
                                            steps: list[Step], words: str) -> None:
    state = describe(_run(phase, message))
    assert state.reason is reason
    assert list(state.steps) == steps
    assert state.tone is Tone.PROBLEM
    assert state.headline.startswith("Stopped: sov.xlsx")
    assert words in state.detail
    if reason is not StopReason.TOKEN_REJECTED:  # (there they would say the cause twice)
        assert message in state.detail  # the engine's own words add the host, the wait...


def test_cancelled_running_finished() -> None:
    cancelled = describe(_run(RunPhase.CANCELED, messages.CANCELED_RUN, completed=10))
    assert cancelled.reason is StopReason.CANCELLED
    assert list(cancelled.steps) == [Step.SAVE]
    running = describe(_run(RunPhase.RUNNING, None))
    assert running.headline.startswith("Running")
    assert list(running.steps) == [Step.CANCEL]
    done = describe(_run(RunPhase.COMPLETE, None, completed=40))
    assert done.tone is Tone.GOOD
    assert list(done.steps) == [Step.SAVE]
    problems = describe(_run(RunPhase.COMPLETE_WITH_PROBLEMS, messages.with_problems(3), 37))
    assert list(problems.steps) == [Step.SAVE, Step.RETRY]
    assert stopped_now(RunPhase.RUNNING, RunPhase.PAUSED)
    assert not stopped_now(None, RunPhase.PAUSED)
    assert not stopped_now(RunPhase.RUNNING, RunPhase.RUNNING)


def test_summary_counts_every_outcome_in_words() -> None:
    html = summary_html(RunOutcome(
        locations=58,
        sources=(SourceOutcome("PG", 50, 5, 2, 1), SourceOutcome("PH", 0, 0, 0, 58)),
        rows_not_sent=1, rows_with_warnings=11))
    assert "Out of 58 locations" in html
    assert "<b>PG</b>: 50 located, 5 low confidence, 2 not found, 1 not sent" in html
    assert "<b>PH</b>: 0 located, 0 low confidence, 0 not found, 58 not sent" in html
    assert "1 row of the sheet could not be sent" in html
    assert "11 rows sent with a warning" in html


def test_elapsed_time_of_a_working_job_keeps_counting_until_its_run_stops(qtbot: object) -> None:
    from PySide6.QtCore import Qt

    from ping_desktop.domain import JobPhase
    from ping_desktop.engine.events import JobProgress
    from ping_desktop.gui.job_cells import JobColumn
    from ping_desktop.gui.jobs_model import JobsModel

    model = JobsModel(coalesce_ms=10)
    now = [100.0]
    model.clock = lambda: now[0]
    running = _run(RunPhase.RUNNING, None)
    model.apply_event(running)
    first = JobProgress(run_id=3, job_id=1, job_number=1, job_count=1, server_job_id="s1",
                        phase=JobPhase.IN_PROGRESS, requested=40, completed=4, problems=0,
                        elapsed_seconds=5.0, eta_seconds=None)
    model.apply_event(first)
    model.apply_event(JobProgress(**{**first.__dict__, "completed": 5, "elapsed_seconds": 6.0}))
    display = int(Qt.ItemDataRole.DisplayRole)
    assert model.index(0, JobColumn.ELAPSED).data(display) == "6 s"
    now[0] += 25  # no event for 25 seconds: the server is slow
    assert model.index(0, JobColumn.ELAPSED).data(display) == "31 s"
    model.apply_event(_run(RunPhase.PAUSED, messages.APP_CLOSED))
    now[0] += 60  # a stopped run's job no longer counts
    assert model.index(0, JobColumn.ELAPSED).data(display) == "6 s"


def test_lost_jobs_unknown_statuses_and_deadlines_offer_send_again_or_leave() -> None:
    from ping_desktop.domain import RunPhase
    from ping_desktop.engine import messages
    from ping_desktop.gui.run_status_texts import Step, StopReason, stop_reason

    for message in (messages.unknown_status(5), messages.past_deadline(24),
                    messages.attention(1, "Job abc was not found: the job has expired or does "
                                          "not exist.")):
        assert stop_reason(RunPhase.NEEDS_ATTENTION, message) is StopReason.LOST, message
    from ping_desktop.gui.run_status_texts import _STEPS

    assert _STEPS[StopReason.LOST] == (Step.SEND_AGAIN, Step.DROP)
