"""HistoryView: newest first, demo marker, opening a run by keyboard or mouse."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ping_desktop.domain import RunPhase
from ping_desktop.gui.history_view import HistoryView
from ping_desktop.storage.runstore_records import RunRecord

DISPLAY = Qt.ItemDataRole.DisplayRole
T0 = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def record(run_id: int, hours: float, **changes: Any) -> RunRecord:
    base = RunRecord(
        id=run_id,
        created_at=T0 + dt.timedelta(hours=hours),
        file_name=f"file-{run_id}.xlsx",
        input_path=Path(f"/data/file-{run_id}.xlsx"),
        input_copy=None,
        sheet=None,
        header_row=1,
        columns=("a",),
        mapping={},
        sources=("PG",),
        api_origin="https://api.example",
        phase=RunPhase.COMPLETE,
        rows=1200,
        unique_locations=1000,
        rows_with_problems=0,
        jobs_total=2,
        jobs_done=2,
        locations_completed=1000,
        problems=3,
        is_demo=False,
        message=None,
        finished_at=None,
    )
    return replace(base, **changes)


@pytest.fixture
def view(qtbot: Any) -> HistoryView:
    widget = HistoryView()
    qtbot.addWidget(widget)
    widget.resize(800, 260)
    widget.set_runs(
        [
            record(1, 0),
            record(3, 48, is_demo=True, file_name="sample-sov.xlsx"),
            record(2, 24, phase=RunPhase.PAUSED, locations_completed=400),
        ]
    )
    return widget


def column(view: HistoryView, col: int) -> list[str]:
    model = view.model
    return [model.index(r, col).data(DISPLAY) for r in range(model.rowCount())]


def test_newest_first_with_status_counts_and_date(view: HistoryView, qtmodeltester: Any) -> None:
    qtmodeltester.check(view.model)
    assert view.table.objectName() == "historyList"
    assert column(view, 0) == ["sample-sov.xlsx  [Demo]", "file-2.xlsx", "file-1.xlsx"]
    assert column(view, 1) == ["Complete", "Paused, resume to continue", "Complete"]
    assert column(view, 2) == ["1,200"] * 3
    assert column(view, 3)[1] == "400 of 1,000"
    assert column(view, 4) == ["3"] * 3
    started = column(view, 5)
    assert started == sorted(started, reverse=True)
    assert started[2] == T0.astimezone().strftime("%Y-%m-%d %H:%M")
    tooltip = view.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Demo run" in tooltip
    assert "Demo" not in (view.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) or "")
    assert not view.empty_label.isVisibleTo(view)


def test_enter_opens_the_selected_run(qtbot: Any, view: HistoryView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(1, 0))
    with qtbot.waitSignal(view.run_opened) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == [2]


def test_double_click_and_button_open_a_run(qtbot: Any, view: HistoryView) -> None:
    view.show()
    qtbot.waitExposed(view)
    received: list[int] = []
    view.run_opened.connect(received.append)
    rect = view.table.visualRect(view.model.index(2, 1))
    # A real double-click starts with a press and release; QTest's mouseDClick sends only the
    # second half, so send the first click too.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert received == [1]  # exactly once, not once per click
    view.table.selectRow(0)
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert received == [1, 3]


def test_refresh_keeps_selection_and_empty_state(qtbot: Any, view: HistoryView) -> None:
    view.table.selectRow(1)
    assert view.selected_run_id() == 2
    view.set_runs([record(4, 72), record(1, 0), record(2, 24)])
    assert view.selected_run_id() == 2
    view.set_runs([])
    assert view.selected_run_id() is None
    assert not view.open_button.isEnabled()
    assert view.empty_label.isVisibleTo(view)


def test_reads_the_store_with_no_network(qtbot: Any, tmp_path: Path) -> None:
    from tests.storage.test_review import build_review_store

    store, run_id = build_review_store(tmp_path / "runs.sqlite3", 30)
    try:
        widget = HistoryView()
        qtbot.addWidget(widget)
        widget.set_runs(store.list_runs())
        assert widget.selected_run_id() == run_id
        assert widget.model.index(0, 0).data(DISPLAY) == "big-sov.xlsx"
        assert widget.model.index(0, 1).data(DISPLAY) == "Complete, with problems"
    finally:
        store.close()


def test_screenshot(qtbot: Any, view: HistoryView) -> None:
    view.show()
    qtbot.waitExposed(view)
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    assert view.grab().save(str(shots / "history.png"))
