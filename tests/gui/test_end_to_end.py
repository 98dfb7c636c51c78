"""The whole user path in one window: drop -> start -> COMPLETE -> Ctrl+S save -> verified
workbook; then the app is rebuilt with the emulator gone and the run is reopened from history."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QTableView

from ping_desktop.domain import JobPhase, RunPhase
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, drop_files, jobs, wait_loaded, wait_sources


def test_drop_run_save_then_review_offline(qtbot: Any, make_window: Any, emulator: Any,
                                           tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG", "PH"])
    source = Path(shutil.copy(SAMPLE, tmp_path / "client-sov.xlsx"))
    assert drop_files(window, [source])
    wait_loaded(qtbot, window, "client-sov.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(jobs(window))
                    and all(j.phase is JobPhase.COMPLETE for j in jobs(window)), timeout=20_000)
    qtbot.waitUntil(lambda: window.services.run_store.list_runs()[0].phase
                    is RunPhase.COMPLETE, timeout=5000)

    # Save through the dialog: Ctrl+S on the selected run, the user picks a name.
    window.jobs_view.table.selectRow(0)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QFileDialog, "saveResultsDialog") is not None
                    and window.findChild(QFileDialog, "saveResultsDialog").isVisible(),
                    timeout=5000)
    dialog = window.findChild(QFileDialog, "saveResultsDialog")
    assert dialog.selectedFiles()[0].endswith("client-sov-enriched.xlsx")  # next to the input
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with qtbot.waitSignal(window.dialogs.save_flow.finished, timeout=20_000) as saved:
        dialog.setDirectory(str(out_dir))
        dialog.selectFile("enriched.xlsx")
        dialog.accept()
    written = saved.args[0]
    assert written == out_dir / "enriched.xlsx"
    wb = openpyxl.load_workbook(written, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    at = next(i for i, r in enumerate(rows) if r[:3] == ("Loc #", "Location Name",
                                                          "Street Address"))
    header = rows[at]
    assert any(h and str(h).startswith("PG") for h in header[16:])
    assert any(h and str(h).startswith("PH") for h in header[16:])
    data = [r for r in rows[at + 1:] if any(v is not None for v in r[:16])]
    assert len(data) == 60
    assert data[0][1] == "Harbor Point Offices"  # order kept
    qtbot.waitUntil(lambda: window.services.settings.last_save_dir == str(out_dir),
                    timeout=5000)

    # The app is rebuilt with no emulator running: the run opens from history, offline.
    emulator.stop()
    window.close()
    again = make_window()
    again.tabs.setCurrentIndex(2)
    history = again.history_panel
    qtbot.waitUntil(lambda: len(history.runs) == 1, timeout=5000)
    history.history_view.run_opened.emit(history.runs[0].id)
    table = again.findChild(QTableView, "resultsTable")
    assert table is not None
    qtbot.waitUntil(lambda: table.model() is not None and table.model().rowCount() == 60,
                    timeout=10_000)
