"""Start -> jobs table -> COMPLETE against the emulator over loopback; faults in plain words."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.gui.job_cells import JobColumn
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, jobs, wait_loaded, wait_sources


def _open_sample(qtbot: Any, window: Any, tmp_path: Path) -> None:
    path = Path(shutil.copy(SAMPLE, tmp_path / "portfolio.xlsx"))
    window.open_files([path])
    wait_loaded(qtbot, window, "portfolio.xlsx")
    wait_sources(qtbot, window)


def _wait_final(qtbot: Any, window: Any, count: int, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: len(jobs(window)) == count
                    and all(j.phase.is_final for j in jobs(window)), timeout=timeout)


def test_start_runs_to_complete_with_right_counters(qtbot: Any, make_window: Any,
                                                    emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, locations_per_job=20,
                         last_sources=["PG", "PH"])
    _open_sample(qtbot, window, tmp_path)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    _wait_final(qtbot, window, 3)
    rows = jobs(window)
    assert [j.phase for j in rows] == [JobPhase.COMPLETE] * 3
    assert sorted(j.requested for j in rows) == [19, 19, 20]  # 58 in 3 even jobs of <= 20
    assert sum(j.completed for j in rows) == 58
    assert window.tabs.currentWidget() is window.jobs_view
    model = window.jobs_model
    assert model.index(0, JobColumn.STATUS).data() == "Done"
    qtbot.waitUntil(lambda: window.services.run_store.list_runs()[0].phase is RunPhase.COMPLETE,
                    timeout=5000)
    run = window.services.run_store.list_runs()[0]
    assert (run.rows, run.unique_locations, run.jobs_total, run.jobs_done) == (60, 58, 3, 3)
    assert run.sources == ("PG", "PH")
    assert not run.is_demo
    assert emulator.stats()["jobs_created"] == 3  # nothing submitted twice
    # Back to the welcome state for the next file; the window was in the background (offscreen)
    # so the user was told.
    assert window.file_stack.currentWidget() is window.welcome
    if not window.isActiveWindow():
        qtbot.waitUntil(lambda: window.notifier.last is not None, timeout=5000)
        assert "portfolio.xlsx finished" in window.notifier.last[1]


def test_wrong_token_is_explained_in_plain_words(qtbot: Any, make_window: Any, emulator: Any,
                                                  tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token="not-the-right-token-42")
    path = Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))
    window.open_files([path])
    wait_loaded(qtbot, window, "sov.xlsx")
    status = window.findChild(QLabel, "sourcesStatus")
    qtbot.waitUntil(lambda: status.text().startswith("✗"), timeout=10_000)
    assert "token was not accepted" in status.text()
    assert "Settings" in status.text()
    assert not window.start_button.isEnabled()


def test_failed_job_is_shown_and_retry_recovers(qtbot: Any, make_window: Any, emulator: Any,
                                                tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    emulator.set_faults(fail_jobs=1)
    _open_sample(qtbot, window, tmp_path)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    _wait_final(qtbot, window, 1)
    job = jobs(window)[0]
    assert job.phase is JobPhase.FAILED
    status = window.jobs_model.index(0, JobColumn.STATUS).data()
    assert status.startswith("Failed")
    qtbot.waitUntil(lambda: window.jobs_view.retry_action.isEnabled(), timeout=5000)
    window.jobs_view.retry_action.trigger()
    qtbot.waitUntil(lambda: any(j.phase is JobPhase.COMPLETE for j in jobs(window)),
                    timeout=20_000)
    qtbot.waitUntil(lambda: window.services.run_store.list_runs()[0].phase
                    is RunPhase.COMPLETE, timeout=10_000)
