"""Issue 11, finding 8: at 1024x640 the first tab shows several preview rows, mapping fields
and problems; the sources list has room between entries and its last entry can be scrolled
fully into view; wrapped texts are not cut off, in the window and in the dialogs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, wait_loaded, wait_sources


def visible_rows(view: QTableView) -> float:
    return view.viewport().height() / view.verticalHeader().defaultSectionSize()


def clipped_labels(root: QWidget) -> list[str]:
    """Visible word-wrapped labels shorter than the height their text needs."""
    return [label.text() for label in root.findChildren(QLabel)
            if label.isVisible() and label.wordWrap() and label.text()
            and label.height() < label.heightForWidth(label.width())]


def test_first_tab_at_1024_by_640(qtbot: Any, make_window: Any, emulator: Any,
                                  tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    window.resize(1024, 640)
    window.open_files([Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))])
    wait_loaded(qtbot, window, "sov.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    qtbot.wait(100)
    assert (window.width(), window.height()) == (1024, 640)  # nothing forces it bigger
    panel = window.mapping_panel
    assert visible_rows(panel.preview) >= 4
    mapping = panel.mapping_table
    assert mapping.viewport().height() >= 3 * mapping.verticalHeader().defaultSectionSize()
    assert panel.problems.viewport().height() >= 2 * panel.problems.fontMetrics().height()
    assert clipped_labels(window) == []
    start = window.start_button
    bottom = start.mapTo(window, start.rect().bottomRight())
    assert window.rect().contains(bottom)

    sources = window.sources_panel.list
    assert sources.spacing() > 0
    assert sources.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel
    sources.scrollToBottom()
    qtbot.wait(50)
    last = sources.visualItemRect(sources.item(sources.count() - 1))
    assert last.bottom() <= sources.viewport().height()
    assert last.top() >= 0


def test_dialog_texts_are_not_cut_off(qtbot: Any, make_window: Any, emulator: Any) -> None:
    window = make_window(api_url=emulator.api_url)
    window.resize(1024, 640)
    window.dialogs.open_settings_dialog()
    settings = window.dialogs.settings_dialog
    qtbot.waitUntil(settings.isVisible, timeout=2000)
    qtbot.wait(50)
    assert clipped_labels(settings) == []
    assert settings.height() <= 640
    settings.reject()
    window.dialogs.open_token_dialog()
    token = window.dialogs.token_dialog
    qtbot.waitUntil(lambda: "Checking" not in token.storage_note.text(), timeout=5000)
    qtbot.wait(50)
    assert clipped_labels(token) == []
    token.reject()
