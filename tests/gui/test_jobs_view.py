"""JobsView: actions enabled by state, signals carry the right ids, keyboard reachable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolButton

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.gui.job_cells import JobColumn
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.jobs_view import JobsView
from tests.gui.test_jobs_model import job, run


@pytest.fixture
def view(qtbot: Any) -> JobsView:
    model = JobsModel()
    widget = JobsView(model)
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    return widget


def enabled(view: JobsView) -> dict[str, bool]:
    return {
        "cancel": view.cancel_action.isEnabled(),
        "resume": view.resume_action.isEnabled(),
        "retry": view.retry_action.isEnabled(),
        "save": view.save_action.isEnabled(),
        "open": view.open_folder_action.isEnabled(),
        "resubmit": view.resubmit_action.isEnabled(),
        "keep": view.keep_action.isEnabled(),
    }


def test_nothing_enabled_without_a_selection(view: JobsView) -> None:
    assert not any(enabled(view).values())
    assert view.table.objectName() == "jobsTable"
    assert view.table.accessibleName() == "Jobs"
    assert view.findChild(QToolButton, "saveButton") is not None


def test_running_run_can_be_cancelled_not_saved(view: JobsView) -> None:
    model = view._model
    model.apply_event(run(run_id=3))
    model.apply_event(job(job_id=31, run_id=3, phase=JobPhase.IN_PROGRESS, completed=10))
    # The first job to appear is selected so the actions are reachable at once.
    assert view.selected_job() is not None
    assert enabled(view) == {
        "cancel": True,
        "resume": False,
        "retry": False,
        "save": False,
        "open": True,
        "resubmit": False,
        "keep": False,
    }


def test_finished_run_with_problems_can_be_saved_and_retried(view: JobsView) -> None:
    model = view._model
    model.apply_event(job(job_id=31, run_id=3, phase=JobPhase.IN_PROGRESS))
    model.apply_event(job(job_id=31, run_id=3, phase=JobPhase.COMPLETE, completed=90, problems=10))
    model.apply_event(
        run(run_id=3, phase=RunPhase.COMPLETE_WITH_PROBLEMS, locations_completed=90, problems=10)
    )
    assert enabled(view) == {
        "cancel": False,
        "resume": False,
        "retry": True,
        "save": True,
        "open": True,
        "resubmit": False,
        "keep": False,
    }
    model.apply_event(run(run_id=3, phase=RunPhase.COMPLETE, locations_completed=100))
    assert enabled(view)["save"]
    assert not enabled(view)["cancel"]


def test_uncertain_job_offers_both_choices_with_its_job_id(qtbot: Any, view: JobsView) -> None:
    model = view._model
    model.apply_event(job(job_id=41, run_id=4, phase=JobPhase.COMPLETE, completed=100))
    model.apply_event(
        job(
            job_id=42,
            run_id=4,
            number=2,
            phase=JobPhase.UNCERTAIN,
            message="The connection dropped while sending job 2.",
        )
    )
    view.select_job(42)
    state = enabled(view)
    assert state["resubmit"]
    assert state["keep"]
    assert view.detail.isVisibleTo(view)
    assert "connection dropped" in view.detail.text()
    with qtbot.waitSignal(view.resolve_uncertain_requested) as blocker:
        view.resubmit_action.trigger()
    assert blocker.args == [42, True]
    with qtbot.waitSignal(view.resolve_uncertain_requested) as blocker:
        view.keep_action.trigger()
    assert blocker.args == [42, False]
    view.select_job(41)
    assert not enabled(view)["resubmit"]
    assert not view.detail.isVisibleTo(view)


def test_paused_run_can_be_resumed_or_cancelled(qtbot: Any, view: JobsView) -> None:
    model = view._model
    model.apply_event(job(job_id=51, run_id=5, phase=JobPhase.QUEUED, server_job_id="s1"))
    model.apply_event(run(run_id=5, phase=RunPhase.PAUSED, message="Paused: offline."))
    state = enabled(view)
    assert state["resume"]
    assert state["cancel"]
    assert not state["save"]
    with qtbot.waitSignal(view.resume_requested) as blocker:
        view.resume_action.trigger()
    assert blocker.args == [5]
    model.apply_event(run(run_id=5, phase=RunPhase.RUNNING))
    assert not enabled(view)["resume"]


def test_signals_carry_the_selected_rows_run_id(qtbot: Any, view: JobsView) -> None:
    model = view._model
    model.apply_event(job(job_id=11, run_id=1, phase=JobPhase.IN_PROGRESS))
    model.apply_event(job(job_id=21, run_id=2, phase=JobPhase.FAILED, message="Server said no."))
    model.apply_event(run(run_id=2, phase=RunPhase.FAILED, locations_completed=3, problems=5))
    view.select_job(21)
    for action, signal in (
        (view.retry_action, view.retry_requested),
        (view.save_action, view.save_requested),
        (view.open_folder_action, view.open_folder_requested),
    ):
        with qtbot.waitSignal(signal) as blocker:
            action.trigger()
        assert blocker.args == [2]
    view.select_job(11)
    with qtbot.waitSignal(view.cancel_requested) as blocker:
        view.cancel_action.trigger()
    assert blocker.args == [1]


def test_buttons_and_shortcuts_work_from_the_keyboard(qtbot: Any, view: JobsView) -> None:
    model = view._model
    model.apply_event(job(job_id=11, run_id=5, phase=JobPhase.COMPLETE, completed=100))
    model.apply_event(run(run_id=5, phase=RunPhase.COMPLETE, locations_completed=100))
    view.show()
    qtbot.waitExposed(view)
    # Shortcut keys only fire in an active window, which offscreen tests cannot rely on; check
    # they are set and scoped to this view, then drive the buttons with the keyboard.
    assert view.save_action.shortcut().toString() == "Ctrl+S"
    assert view.save_action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert view.table.focusPolicy() & Qt.FocusPolicy.TabFocus
    button = view.findChild(QToolButton, "saveButton")
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    button.setFocus()
    with qtbot.waitSignal(view.save_requested) as blocker:
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert blocker.args == [5]


def test_context_menu_lists_the_same_actions(qtbot: Any, view: JobsView) -> None:
    model = view._model
    model.apply_event(job(job_id=11, run_id=5, phase=JobPhase.IN_PROGRESS))
    model.apply_event(job(job_id=12, run_id=6, phase=JobPhase.IN_PROGRESS))
    view.show()
    qtbot.waitExposed(view)
    rect = view.table.visualRect(model.index(1, JobColumn.STATUS))
    view.table.customContextMenuRequested.emit(rect.center())
    assert view.selected_job() is not None
    assert view.selected_job().job_id == 12
    menu = view._menu
    assert isinstance(menu, QMenu)
    texts = [a.text() for a in menu.actions()]
    assert texts == [
        "Cancel run",
        "Resume run",
        "Retry failed rows",
        "Save results\u2026",
        "Open folder",
        "Submit again",
        "Don't resubmit",
    ]
    menu.close()


def test_screenshot_mid_run(qtbot: Any, view: JobsView, tmp_path: Path) -> None:
    model = view._model
    model.apply_event(run(run_id=1, file_name="Acme SOV 2026.xlsx", jobs_done=1))
    model.apply_event(
        job(
            job_id=11,
            phase=JobPhase.COMPLETE,
            completed=100,
            server_job_id="9f1c",
            elapsed_seconds=61,
        )
    )
    model.apply_event(
        job(
            job_id=12,
            number=2,
            phase=JobPhase.IN_PROGRESS,
            completed=75,
            problems=2,
            elapsed_seconds=40,
            eta_seconds=14,
            server_job_id="9f1d",
        )
    )
    model.apply_event(
        job(
            job_id=13,
            number=3,
            phase=JobPhase.UNCERTAIN,
            message="The connection dropped while sending.",
        )
    )
    view.select_job(13)
    view.show()
    qtbot.waitExposed(view)
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    assert view.grab().save(str(shots / "jobs.png"))
