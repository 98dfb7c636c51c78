"""Issue 11, finding 4: the mouse wheel never changes the mapping or the header row by
passing over them; mapping changes can be undone, redone and reset to the suggestion; a header
row that cannot be used is explained beside it, without a "Cannot open" box."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QTableView, QWidget

from ping_desktop.gui.mapping_models import MappingModel
from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, open_error_boxes, wait_loaded, wait_sources


@pytest.fixture
def loaded(qtbot: Any, make_window: Any, emulator: Any, tmp_path: Path) -> Any:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    path = Path(shutil.copy(SAMPLE, tmp_path / "broker-sov.xlsx"))
    window.open_files([path])
    wait_loaded(qtbot, window, "broker-sov.xlsx")
    wait_sources(qtbot, window)
    return window


def wheel(widget: QWidget, notches: int = 1) -> None:
    """One wheel turn over the middle of ``widget``, as the mouse sends it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(QPoint(int(centre.x()),
                                                                  int(centre.y())))),
                        QPoint(0, 0), QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def combo(window: Any, field: str) -> QComboBox:
    model = window.mapping_panel.mapping_model
    table = window.findChild(QTableView, "mappingTable")
    editor = table.indexWidget(model.index(model.row_of(field), MappingModel.COL_COLUMN))
    assert isinstance(editor, QComboBox)
    return editor


def choose(box: QComboBox, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, text
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_wheel_over_mapping_and_header_row_changes_nothing(qtbot: Any, loaded: Any) -> None:
    window = loaded
    panel = window.mapping_panel
    before = panel.mapping_model.mapping
    city = combo(window, "city")
    window.start_button.setFocus()
    for notches in (1, -1, 3, -3):
        wheel(city, notches)
    assert city.currentText() == "City"
    assert panel.mapping_model.mapping == before
    assert city.focusPolicy() == Qt.FocusPolicy.StrongFocus

    header = panel.header_row
    row = header.value()
    wheel(header, 1)
    wheel(header, -1)
    qtbot.wait(100)
    assert header.value() == row
    assert window.intake.current.table.header_row == row
    assert open_error_boxes(window) == []


def test_focused_combo_still_follows_the_wheel(qtbot: Any, loaded: Any) -> None:
    city = combo(loaded, "city")
    city.setFocus()
    qtbot.waitUntil(city.hasFocus, timeout=2000)
    wheel(city, -1)
    assert city.currentText() != "City"


def test_undo_redo_and_reset_to_suggested(qtbot: Any, loaded: Any) -> None:
    window = loaded
    panel = window.mapping_panel
    history = panel.history
    suggested = panel.mapping_model.mapping
    assert not history.undo_button.isEnabled()
    assert not history.reset_button.isEnabled()

    choose(combo(window, "city"), "Street Address")  # takes the street's column away
    changed = panel.mapping_model.mapping
    assert changed.column_for("city") == "Street Address"
    assert changed.column_for("address_line_1") is None
    assert window.draft.mapping == changed
    assert history.undo_button.isEnabled()
    assert history.reset_button.isEnabled()

    table = window.findChild(QTableView, "mappingTable")
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    QTest.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.mapping_model.mapping == suggested
    assert window.draft.mapping == suggested
    assert combo(window, "city").currentText() == "City"
    QTest.keyClick(table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert panel.mapping_model.mapping == changed
    assert combo(window, "address_line_1").currentText() == "— not mapped —"

    choose(combo(window, "postal_code"), "— not mapped —")
    history.reset_button.click()
    assert panel.mapping_model.mapping == suggested
    assert window.draft.mapping == suggested
    assert not history.reset_button.isEnabled()
    history.undo_button.click()  # the reset is a step too
    assert panel.mapping_model.mapping.column_for("postal_code") is None


def test_unusable_header_row_is_explained_beside_it(qtbot: Any, loaded: Any) -> None:
    window = loaded
    panel = window.mapping_panel
    row = panel.header_row.value()
    panel.header_row.setValue(900_000)
    qtbot.waitUntil(panel.selection_error.isVisible, timeout=10_000)
    titles = [box.windowTitle() for box in open_error_boxes(window)]
    assert titles == ["Cannot use that sheet or header row of broker-sov.xlsx"]
    assert panel.header_row.value() == row
    assert window.intake.current is not None
    assert "previous choice is kept" in panel.selection_error.text()
