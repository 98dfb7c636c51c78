"""Issue 11, finding 7: Tab leaves every table, every Alt+letter is used once per window
state, and a file can be opened, enriched and saved with the keyboard alone."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QGroupBox,
    QLabel,
    QTableView,
    QWidget,
)

from tests.conftest import TEST_TOKEN
from tests.gui.helpers import SAMPLE, wait_loaded, wait_sources

CTRL = Qt.KeyboardModifier.ControlModifier


def _key_of(text: str) -> str | None:
    text = text.replace("&&", "")
    at = text.find("&")
    return text[at + 1].lower() if 0 <= at < len(text) - 1 else None


def window_mnemonics(window: Any) -> list[tuple[str, str]]:
    """(key, text) of every Alt+key the window offers now: menu titles, tab titles, and the
    visible buttons, labels and group boxes."""
    found = [(k, a.text()) for a in window.menuBar().actions() if (k := _key_of(a.text()))]
    tabs = window.tabs
    found += [(k, tabs.tabText(i)) for i in range(tabs.count())
              if (k := _key_of(tabs.tabText(i)))]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton | QLabel):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        if (key := _key_of(text)) is not None:
            found.append((key, text))
    return found


def assert_unique(found: list[tuple[str, str]]) -> None:
    keys = [k for k, _ in found]
    clashes = sorted({k for k in keys if keys.count(k) > 1})
    assert not clashes, [(k, t) for k, t in found if k in clashes]


def test_mnemonics_are_unique_in_every_state(qtbot: Any, make_window: Any, emulator: Any,
                                             tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url)
    assert_unique(window_mnemonics(window))  # welcome page
    window.open_files([Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))])
    wait_loaded(qtbot, window, "sov.xlsx")
    found = window_mnemonics(window)
    assert len(found) > 10
    assert_unique(found)  # file page
    window.tabs.setCurrentIndex(1)
    assert_unique(window_mnemonics(window))
    window.tabs.setCurrentIndex(2)
    assert_unique(window_mnemonics(window))
    window.dialogs.open_settings_dialog()
    settings = window.dialogs.settings_dialog
    keys = [k for w in settings.findChildren(QLabel) if (k := _key_of(w.text()))]
    assert len(keys) == len(set(keys)) > 3
    settings.reject()


def _wait_dialog(qtbot: Any, name: str) -> QFileDialog:
    found: list[QFileDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QFileDialog) and w.objectName() == name and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=5000)
    return found[0]


def _type_path(qtbot: Any, dialog: QFileDialog, path: Path) -> None:
    def focused() -> QWidget | None:
        widget = QApplication.focusWidget()
        return widget if widget is not None and widget.window() is dialog else None

    qtbot.waitUntil(lambda: focused() is not None, timeout=5000)
    field = focused()
    assert field is not None
    QTest.keyClick(field, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(field, str(path))
    popup = QApplication.activePopupWidget()
    if popup is not None:  # the name completer: Escape closes it, as a user would
        QTest.keyClick(popup, Qt.Key.Key_Escape)
    QTest.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_tables_let_tab_move_on(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    window.open_files([Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))])
    wait_loaded(qtbot, window, "sov.xlsx")
    tables = window.findChildren(QTableView)
    assert {t.objectName() for t in tables} >= {"previewTable", "mappingTable", "jobsTable"}
    assert [t.objectName() for t in tables if t.tabKeyNavigation()] == []
    preview = window.findChild(QTableView, "previewTable")
    window.activateWindow()
    preview.setFocus()
    qtbot.waitUntil(preview.hasFocus, timeout=2000)
    QTest.keyClick(preview, Qt.Key.Key_Tab)
    assert not preview.hasFocus()


def test_keyboard_only_from_open_to_save(qtbot: Any, make_window: Any, emulator: Any,
                                         tmp_path: Path) -> None:
    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN, last_sources=["PG"])
    source = Path(shutil.copy(SAMPLE, tmp_path / "sov.xlsx"))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)

    QTest.keyClick(window, Qt.Key.Key_O, CTRL)  # File > Open…
    _type_path(qtbot, _wait_dialog(qtbot, "openFileDialog"), source)
    wait_loaded(qtbot, window, "sov.xlsx")
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)

    # Offscreen has no window manager to give the focus back when a dialog closes: do its part.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_Return, CTRL)  # Start
    qtbot.waitUntil(lambda: window.jobs_model.rowCount() > 0, timeout=10_000)
    model = window.jobs_model
    qtbot.waitUntil(lambda: all(j.phase.is_final for r in range(model.rowCount())
                                if (j := model.job_at(r)) is not None), timeout=30_000)

    table = window.findChild(QTableView, "jobsTable")
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_2, CTRL)  # Jobs tab
    for _ in range(15):  # Tab to the jobs table
        if window.focusWidget() is table:
            break
        QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_Tab)
    assert window.focusWidget() is table, window.focusWidget()
    QTest.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.jobs_view.selected_job() is not None, timeout=2000)
    QTest.keyClick(table, Qt.Key.Key_S, CTRL)  # File > Save results…
    dest = tmp_path / "enriched.xlsx"
    _type_path(qtbot, _wait_dialog(qtbot, "saveResultsDialog"), dest)
    qtbot.waitUntil(dest.exists, timeout=20_000)
    assert dest.stat().st_size > 0
