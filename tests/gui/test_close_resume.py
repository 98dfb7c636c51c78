"""Closing while jobs run asks (non-blocking) whether to keep them; the next start resumes them."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.storage.runstore_leases import LeaseOwner
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, jobs, open_and_start


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    # Slow enough that the run is still going when the window closes.
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=15.0,
                          queue_seconds=0.2)


def _start(qtbot: Any, window: Any, tmp_path: Path) -> None:
    open_and_start(qtbot, window, Path(shutil.copy(SAMPLE, tmp_path / "book.xlsx")))
    qtbot.waitUntil(lambda: any(j.phase is JobPhase.IN_PROGRESS for j in jobs(window)),
                    timeout=10_000)


def _visible_questions(window: Any) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, "closeQuestion") if b.isVisible()]


def _question(qtbot: Any, window: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: bool(_visible_questions(window)), timeout=5000)
    return _visible_questions(window)[0]


def _click(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


def test_keep_for_next_time_then_resume(qtbot: Any, make_window: Any, emulator: Any,
                                        tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    window.close()
    box = _question(qtbot, window)
    assert window.isVisible()  # nothing happens until the user answers
    _click(box, "Don't close")
    qtbot.waitUntil(lambda: not window.tasks.running("close"), timeout=2000)
    assert window.isVisible()
    assert window.runs.active_runs()

    window.close()
    _click(_question(qtbot, window), "Keep for next time")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    store = window.services.run_store
    run = store.list_runs()[0]
    assert run.phase is RunPhase.PAUSED
    created = emulator.stats()["jobs_created"]

    again = make_window()  # the next start, same home folder and keyring
    qtbot.waitUntil(lambda: again.services.run_store.list_runs()[0].phase
                    is RunPhase.COMPLETE, timeout=30_000)
    assert emulator.stats()["jobs_created"] == created  # resumed, not submitted again
    qtbot.waitUntil(lambda: bool(jobs(again))
                    and all(j.phase is JobPhase.COMPLETE for j in jobs(again)), timeout=5000)


def test_cancel_the_jobs_on_close(qtbot: Any, make_window: Any, emulator: Any,
                                  tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    window.close()
    _click(_question(qtbot, window), "Cancel the jobs")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    run = window.services.run_store.list_runs()[0]
    assert run.phase is RunPhase.CANCELED
    again = make_window()
    assert again.runs.active_runs() == []  # nothing resumes


def test_resume_button_continues_a_paused_run(qtbot: Any, make_window: Any, emulator: Any,
                                              run_coro: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    run_coro(window.runs.stop_all(keep=True))  # what "Keep for next time" does to the run
    store = window.services.run_store
    assert store.list_runs()[0].phase is RunPhase.PAUSED
    window.jobs_view.resume_requested.emit(store.list_runs()[0].id)
    qtbot.waitUntil(lambda: store.list_runs()[0].phase is RunPhase.COMPLETE, timeout=30_000)


def test_a_run_held_by_another_process_is_not_resumed_and_the_window_says_so(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    _start(qtbot, window, tmp_path)
    window.close()
    _click(_question(qtbot, window), "Keep for next time")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    store = window.services.run_store
    run_id = store.list_runs()[0].id
    # A live process on this computer (our parent, e.g. a `ping-desktop-cli resume`) holds it.
    other = LeaseOwner(socket.gethostname(), os.getppid(), "other-cli")
    store.take_lease(run_id, other)
    created = emulator.stats()["jobs_created"]

    again = make_window()
    def told() -> bool:
        return any("another Ping Desktop is working on it" in box.text()
                   for box in again.findChildren(QMessageBox) if box.isVisible())
    qtbot.waitUntil(told, timeout=10_000)
    assert not again.runs.active_runs()
    assert again.services.run_store.get_run(run_id).phase is RunPhase.PAUSED
    assert emulator.stats()["jobs_created"] == created
