"""The Needs review tab in the real window, over the emulator and the real store: the queue of
a run with known not-sent and low-confidence rows, editing a row and resubmitting it as a new
job of the same run, accepting a row as is, refusals shown, and the count in History."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.emulator.config import EmulatorConfig
from ping_desktop.gui.window_layout import Tab
from tests.conftest import TEST_TOKEN
from tests.engine.review_sov import LOW, LOW_TOO, NOT_SENT, write_review_sov
from tests.gui.helpers import jobs, open_error_boxes, wait_loaded, wait_sources


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(tokens=frozenset({TEST_TOKEN}), locations_per_second=2000.0,
                          queue_seconds=0.02)


def finished_run(qtbot: Any, window: Any, tmp_path: Path) -> int:
    """Open the review SOV, start it with PG and wait for the run's end; returns its id."""
    sov = write_review_sov(tmp_path / "review-sov.xlsx")
    window.open_files([sov])
    wait_loaded(qtbot, window, "review-sov.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    store = window.services.run_store
    qtbot.waitUntil(lambda: len(store.list_runs()) == 1
                    and store.list_runs()[0].phase is RunPhase.COMPLETE, timeout=20_000)
    return int(store.list_runs()[0].id)


def open_queue(qtbot: Any, window: Any, run_id: int) -> Any:
    """Open the run in History and bring its Needs review tab forward; returns the view."""
    panel = window.history_panel
    window.tabs.show_tab(Tab.HISTORY)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.record(run_id) is not None, timeout=5000)
    panel.open_run(run_id)
    view = panel.queue_view
    panel.results_view.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view._busy and view.model.rowCount() > 0, timeout=10_000)
    return view


DOT = " \u00b7 "


def save_from_review(qtbot: Any, window: Any, target: Path) -> list[tuple[Any, ...]]:
    """Press the review's Save results…, save as ``target``; returns the sheet's rows."""
    window.history_panel.results_view.save_button.click()
    qtbot.waitUntil(lambda: window.findChild(QFileDialog, "saveResultsDialog") is not None
                    and window.findChild(QFileDialog, "saveResultsDialog").isVisible(),
                    timeout=5000)
    dialog = window.findChild(QFileDialog, "saveResultsDialog")
    with qtbot.waitSignal(window.dialogs.save_flow.finished, timeout=20_000):
        dialog.setDirectory(str(target.parent))
        dialog.selectFile(target.name)
        dialog.accept()
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def queued(view: Any) -> dict[int, str]:
    return {r.row_number: r.reason.value for r in view.model.rows()}


def select(view: Any, row_number: int) -> None:
    position = view.model.position_of(row_number)
    assert position is not None, row_number
    view.table.selectRow(position)


def tab_text(window: Any) -> str:
    tabs = window.history_panel.results_view.tabs
    return str(tabs.tabText(tabs.indexOf(window.history_panel.queue_view)))


def history_count(window: Any, run_id: int) -> str:
    model = window.history_panel.history_view.model
    return str(model.index(model.row_of_run(run_id), 1).data())


def test_queue_lists_the_rows_with_reasons_and_counts(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    view = open_queue(qtbot, window, run_id)
    assert queued(view) == {NOT_SENT: "not_sent", LOW: "low_confidence",
                            LOW_TOO: "low_confidence"}
    assert tab_text(window) == "&Needs review (3)"
    qtbot.waitUntil(lambda: history_count(window, run_id) == f"Complete{DOT}3 to review",
                    timeout=5000)
    # Each row says why, and shows its current address.
    low = view.model.index(view.model.position_of(LOW), 6).data()
    assert "confidence" in low.lower()
    street = view.model.index(view.model.position_of(LOW_TOO), 2).data()
    city = view.model.index(view.model.position_of(LOW_TOO), 3).data()
    assert (street, city) == ("?", "Chicago")
    # Selecting a row prefills the edit panel with its address.
    select(view, LOW_TOO)
    panel = view.panel
    assert panel.fields["city"].text() == "Chicago"
    assert panel.fields["state"].text() == "IL"
    assert f"Sheet row {LOW_TOO}" in panel.heading.text()
    assert not panel.save_button.isEnabled()  # nothing changed yet
    assert view.resubmit_button.text() == "Resu&bmit 0 row(s)\u2026"
    assert not view.resubmit_button.isEnabled()
    # Alt+N brings the tab back from another one of the review.
    tabs = window.history_panel.results_view.tabs
    tabs.setCurrentIndex(0)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert tabs.currentWidget() is view


def test_edit_then_resubmit_locates_the_row_as_a_job_of_the_same_run(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    view = open_queue(qtbot, window, run_id)
    jobs_before = len(jobs(window))
    store = window.services.run_store
    assert not store.results_for_row(run_id, LOW)["PG"].confidence >= 70

    # Keyboard only: the row, its street and ZIP, Enter keeps the edit.
    select(view, LOW)
    street, zip_code = view.panel.fields["street"], view.panel.fields["zip"]
    street.setFocus()
    street.selectAll()
    qtbot.keyClicks(street, "10 Tremont St")
    zip_code.setFocus()
    qtbot.keyClicks(zip_code, "02108")
    assert view.panel.save_button.isEnabled()
    qtbot.keyClick(zip_code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.pending_rows() == [LOW], timeout=10_000)
    status = view.model.index(view.model.position_of(LOW), 1).data()
    assert status.startswith("\u270e Edited, not sent")
    assert "\u2713 Edit kept" in view.panel.checks.text()
    kept = store.pending_edits(run_id)[LOW].fields
    assert (kept["street"], kept["zip"], kept["city"]) == ("10 Tremont St", "02108", "Boston")
    assert view.resubmit_button.text() == "Resu&bmit 1 row(s)\u2026"

    # Resubmit: the confirmation says how many lookups it uses, then one new job.
    view.resubmit_button.click()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "resubmitConfirm") is not None,
                    timeout=5000)
    box = window.findChild(QMessageBox, "resubmitConfirm")
    assert "This uses 1 lookup(s) (1 row(s) \u00d7 1 source(s))" in box.text()
    send = next(b for b in box.findChildren(QPushButton) if b.text() == "Send 1 row(s)")
    send.click()
    qtbot.waitUntil(lambda: len(jobs(window)) == jobs_before + 1, timeout=10_000)
    qtbot.waitUntil(lambda: all(j.phase is JobPhase.COMPLETE for j in jobs(window)),
                    timeout=20_000)
    new_jobs = store.jobs(run_id)
    assert len(new_jobs) == 2
    assert new_jobs[-1].run_id == run_id
    assert new_jobs[-1].location_count == 1
    # The row is located now and leaves the queue; the tab, History and the review follow.
    qtbot.waitUntil(lambda: set(queued(view)) == {NOT_SENT, LOW_TOO}, timeout=10_000)
    located = store.results_for_row(run_id, LOW)["PG"]
    assert located.is_success
    assert located.confidence >= 70
    qtbot.waitUntil(lambda: tab_text(window) == "&Needs review (2)", timeout=5000)
    qtbot.waitUntil(lambda: history_count(window, run_id) == f"Complete{DOT}2 to review",
                    timeout=5000)
    qtbot.waitUntil(lambda: store.get_run(run_id).phase is RunPhase.COMPLETE, timeout=10_000)
    qtbot.waitUntil(lambda: not view._busy, timeout=10_000)
    assert set(queued(view)) == {NOT_SENT, LOW_TOO}
    history = store.row_edit_history(run_id, LOW)
    assert [e.state for e in history] == ["sent"]

    # The window's Save writes the Corrected column: the address sent, on the edited row only.
    saved = save_from_review(qtbot, window, tmp_path / "saved.xlsx")
    header = saved[0]
    assert "Corrected" in header
    corrected = {row[0]: row[header.index("Corrected")] for row in saved[1:]}
    assert corrected[LOW - 1] == "10 Tremont St, Boston, MA 02108"  # Loc 4 = sheet row 5
    assert [loc for loc, value in corrected.items() if value] == [LOW - 1]
    assert list(saved[LOW - 1][:5]) == [4, "?", "Boston", "MA", None]  # the user's cells


def test_accept_as_is_drops_the_count(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    view = open_queue(qtbot, window, run_id)
    select(view, LOW_TOO)
    view.accept_button.setFocus()
    qtbot.keyClick(view.accept_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: set(queued(view)) == {NOT_SENT, LOW}, timeout=10_000)
    assert tab_text(window) == "&Needs review (2)"
    assert "1 row(s) accepted as they are." in view.summary.text()
    qtbot.waitUntil(lambda: history_count(window, run_id) == f"Complete{DOT}2 to review",
                    timeout=5000)
    assert LOW_TOO in window.services.run_store.accepted_rows(run_id)
    # Several rows at once.
    view.table.selectAll()
    view.accept_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=10_000)
    assert tab_text(window) == "&Needs review (0)"
    assert "Nothing needs review" in view.summary.text()
    qtbot.waitUntil(lambda: history_count(window, run_id) == "Complete", timeout=5000)


def test_bad_edits_and_a_missing_token_are_said_and_nothing_is_lost(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    view = open_queue(qtbot, window, run_id)
    store = window.services.run_store
    select(view, LOW)
    view.panel.fields["zip"].setText("123")
    view.panel.save_button.click()
    qtbot.waitUntil(lambda: 'ZIP "123" on row 5 is not a US ZIP code' in
                    view.panel.checks.text(), timeout=10_000)
    assert store.row_edit_history(run_id) == []
    assert view.panel.fields["zip"].text() == "123"  # what was typed stays to be fixed

    # A clearing edit is kept but cannot be sent: the panel says why.
    for name in ("street", "city", "state", "zip"):
        view.panel.fields[name].setText("")
    view.panel.save_button.click()
    qtbot.waitUntil(lambda: "cannot be sent until this is fixed" in view.panel.checks.text(),
                    timeout=10_000)
    assert "No usable address" in view.panel.checks.text()

    select(view, NOT_SENT)
    view.panel.fields["street"].setText("1 Federal St")
    view.panel.fields["city"].setText("Boston")
    view.panel.fields["state"].setText("MA")
    view.panel.save_button.click()
    qtbot.waitUntil(lambda: sorted(view.model.pending_rows()) == [NOT_SENT, LOW],
                    timeout=10_000)

    # No token: resubmit says what to do, sends nothing, keeps the edits.
    window.services.credentials.delete_token(window.services.api_origin())
    view.resubmit_button.click()
    qtbot.waitUntil(lambda: bool(open_error_boxes(window)), timeout=5000)
    box = open_error_boxes(window)[0]
    assert "enter your API token first" in box.text()
    box.close()
    assert len(store.jobs(run_id)) == 1
    assert set(store.pending_edits(run_id)) == {NOT_SENT, LOW}
    assert "enter your API token first" in view.summary.text()


def test_the_queue_and_its_edits_are_there_after_a_restart_offline(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    view = open_queue(qtbot, window, run_id)
    select(view, LOW)
    view.panel.fields["street"].setText("10 Tremont St")
    view.panel.save_button.click()
    qtbot.waitUntil(lambda: view.model.pending_rows() == [LOW], timeout=10_000)
    emulator.stop()
    window.close()

    again = make_window()
    view = open_queue(qtbot, again, run_id)
    assert view.model.pending_rows() == [LOW]
    select(view, LOW)
    assert view.panel.fields["street"].text() == "10 Tremont St"  # the edit, not the cell
    assert view.resubmit_button.isEnabled()
    select(view, LOW_TOO)
    again.history_panel.queue_view.accept_button.click()  # accepting needs no server
    qtbot.waitUntil(lambda: set(queued(view)) == {NOT_SENT, LOW}, timeout=10_000)



def test_a_run_still_working_lists_its_rows_to_review_once_it_ends(
        qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> None:
    """While a run works its queue is not read (100,000 rows again and again as results
    arrive stalled the window); it is, with its count, as soon as the run ends."""
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    run_id = finished_run(qtbot, window, tmp_path)
    store, panel = window.services.run_store, window.history_panel
    store.set_run_phase(run_id, RunPhase.RUNNING)  # as a run seen mid-way
    window.tabs.show_tab(Tab.HISTORY)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.record(run_id) is not None
                    and panel.record(run_id).phase is RunPhase.RUNNING, timeout=5000)
    panel.open_run(run_id)
    view = panel.queue_view
    assert "still working" in view.summary.text()
    assert view.model.rowCount() == 0
    assert tab_text(window) == "&Needs review"
    store.set_run_phase(run_id, RunPhase.COMPLETE)
    panel.refresh()  # what a run's end does
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)
    assert tab_text(window) == "&Needs review (3)"
