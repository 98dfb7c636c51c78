"""Issue 11, findings 5, 6 and 10 against an instant emulator: the completion summary and the
saved file (5), runs told apart and actions on the right run, stored states after a restart
(6), History that opens what is selected, says something when empty and remembers widths (10).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.gui.job_cells import JobColumn
from ping_desktop.gui.run_status_texts import Step
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, wait_loaded, wait_sources

CSV = (
    "Location ID,Street Address,City,State,Zip Code,Building Value\n"
    "L1,1 Main St,Springfield,IL,62701,100000\n"
    "L2,2 Oak Ave,Springfield,IL,62702,200000\n"
    "L3,,,,,300000\n"
    "L4,4 Elm St,Peoria,IL,61602,400000\n"
    "L4,4 Elm St,Peoria,IL,61602,400000\n"
)


def _run(qtbot: Any, window: Any, path: Path, *, wait: bool = True) -> int:
    before = set(window.jobs_model.run_ids())
    window.open_files([path])
    wait_loaded(qtbot, window, path.name)
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    qtbot.waitUntil(lambda: bool(set(window.jobs_model.run_ids()) - before), timeout=10_000)
    run_id: int = max(set(window.jobs_model.run_ids()) - before)
    if wait:
        qtbot.waitUntil(lambda: window.jobs_model.run_is_finished(run_id), timeout=20_000)
    return run_id


def test_finished_run_has_a_summary_and_offers_the_saved_file(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG", "PH"])
    emulator.set_faults(failing_sources={"PH"})
    path = tmp_path / "messy-sov.csv"
    path.write_text(CSV, encoding="utf-8")
    run_id = _run(qtbot, window, path)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: "Out of" in banner.text(), timeout=10_000)
    text = banner.text()
    assert "Finished" in text
    assert "PG</b>: 3 located" in text
    assert "PH</b>: 0 located, 0 low confidence, 3 not found" in text
    assert "1 row of the sheet could not be sent" in text
    assert "1 row sent with a warning" in text
    assert banner.visible_steps()[0] is Step.SAVE
    assert banner.buttons[Step.SAVE].isDefault()

    banner.buttons[Step.SAVE].click()
    flow = window.dialogs.save_flow
    assert flow is not None
    target = tmp_path / "out" / "enriched.xlsx"
    target.parent.mkdir()
    task = flow.save_to(target)
    qtbot.waitUntil(task.done, timeout=20_000)
    if flow.dialog is not None:
        flow.dialog.reject()
    qtbot.waitUntil(lambda: Step.OPEN_FILE in banner.visible_steps(), timeout=5000)
    assert Step.SHOW_FOLDER in banner.visible_steps()
    assert str(target) in banner.text()
    opened: list[str] = []

    class FakeDesktop:
        @staticmethod
        def openUrl(url: Any) -> bool:
            opened.append(url.toLocalFile())
            return True

    monkeypatch.setattr("ping_desktop.gui.run_status_flow.QDesktopServices", FakeDesktop)
    banner.buttons[Step.OPEN_FILE].click()
    banner.buttons[Step.SHOW_FOLDER].click()
    assert opened == [str(target), str(target.parent)]  # the user's file, not the run folder
    assert run_id == window.run_status.jobs_target()


def test_two_runs_of_one_file_are_told_apart_and_actions_target_the_new_one(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    path = Path(shutil.copy(SAMPLE, tmp_path / "same.xlsx"))
    first = _run(qtbot, window, path)
    window.jobs_view.select_run(first)
    second = _run(qtbot, window, path)
    assert second != first
    # The new run's row is selected: its actions act on it, and the line names it.
    assert window.jobs_view.selected_run() == second
    assert window.run_status.jobs_target() == second
    model = window.jobs_model
    started = {model.index(r, JobColumn.STARTED).data() for r in range(model.rowCount())}
    assert all(started)
    assert model.headerData(JobColumn.STARTED, Qt.Orientation.Horizontal) == "Started"
    assert "same.xlsx, started" in window.jobs_view.banner.text()


def test_after_a_restart_a_stopped_run_shows_its_stored_state(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = _run(qtbot, window, Path(shutil.copy(SAMPLE, tmp_path / "stopped.xlsx")))
    store = window.services.run_store
    job = store.jobs(run_id)[0]
    # As a run cancelled while a job was working is stored: the job's last state stays.
    store.update_job(job.id, phase=JobPhase.IN_PROGRESS, completed=5)
    store.set_run_phase(run_id, RunPhase.CANCELED, "Canceled: nothing more will be sent.")
    again = make_window(api_url=emulator.api_url, token=TEST_TOKEN)
    model = again.jobs_model
    row = model.row_of_job(job.id)
    assert row is not None
    status = model.index(row, JobColumn.STATUS).data()
    assert not status.startswith("Working"), status
    assert status.startswith("Stopped")
    assert model.index(row, JobColumn.ETA).data() == ""
    again.jobs_view.select_run(run_id)
    assert "Cancelled" in again.jobs_view.banner.text()


def test_history_opens_the_selection_has_an_empty_state_and_keeps_widths(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    panel = window.history_panel
    qtbot.waitUntil(lambda: "No runs yet" in panel.title.text(), timeout=5000)
    assert panel.title.isVisibleTo(panel)
    first = _run(qtbot, window, Path(shutil.copy(SAMPLE, tmp_path / "a.xlsx")))
    second = _run(qtbot, window, Path(shutil.copy(SAMPLE, tmp_path / "b.xlsx")))
    view = panel.history_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    # Selecting a run (no Enter, no button) opens it, and the line names it.
    view.table.selectRow(view.model.row_of_run(first))
    assert panel.current_run() == first
    assert "a.xlsx" in panel.banner.text()
    view.table.selectRow(view.model.row_of_run(second))
    assert panel.current_run() == second
    assert "b.xlsx" in panel.banner.text()
    # Pane widths are remembered for the next window.
    panel.split.setSizes([500, 700])
    panel.split.splitterMoved.emit(500, 1)
    sizes = panel.split.sizes()
    again = make_window(api_url=emulator.api_url, token=TEST_TOKEN)
    assert again.history_panel.split.sizes()[0] == sizes[0]
    assert panel.split.widget(1).minimumWidth() >= 420  # the filter box is never cut off


def test_uncertain_submission_stops_with_the_choice_explained(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    emulator.set_faults(accept_then_drop=1)
    run_id = _run(qtbot, window, Path(shutil.copy(SAMPLE, tmp_path / "unsure.xlsx")),
                  wait=False)
    banner = window.jobs_view.banner
    qtbot.waitUntil(lambda: "Stopped" in banner.text(), timeout=10_000)
    assert banner.state is not None
    assert banner.state.run_id == run_id
    assert "may or may not have reached Ping.Data" in banner.text()
    assert "Submit again" in banner.text()
    # The table's own buttons for that choice are one click away on the selected row.
    assert window.jobs_view.selected_run() == run_id
    qtbot.waitUntil(window.jobs_view.resubmit_action.isEnabled, timeout=5000)
