"""Composition-root options, task ownership, crash handling, diagnostics, keyboard access."""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from ping_desktop.app import parse_args
from ping_desktop.gui import crash
from ping_desktop.gui.async_support import TaskOwner, dialog_result
from ping_desktop.gui.window_actions import WindowAction


def test_command_line_options_and_files() -> None:
    opts, rest = parse_args(["-platform", "offscreen", "--demo", "--no-err-windows", "a.xlsx",
                             "--style=fusion", "b.csv"])
    assert opts.demo
    assert opts.no_err_windows
    assert not opts.self_test
    assert [p.name for p in opts.files] == ["a.xlsx", "b.csv"]
    assert rest == ["-platform", "offscreen", "--style=fusion"]


def test_task_owner_preempts_and_routes_errors(qtbot: Any, qloop: Any, run_coro: Any) -> None:
    errors: list[tuple[str, str]] = []
    owner = TaskOwner(on_error=lambda exc, name: errors.append((name, str(exc))))
    first = owner.start(asyncio.sleep(10), "read", preempt=True)
    second = owner.start(asyncio.sleep(0.01, result=7), "read", preempt=True)
    qtbot.waitUntil(second.done, timeout=2000)
    assert first.cancelled()
    assert second.result() == 7

    async def boom() -> None:
        raise ValueError("plain words")

    with qtbot.waitSignal(owner.failed, timeout=2000) as blocker:
        owner.start(boom(), "boom")
    assert blocker.args[0] == "boom"
    assert errors == [("boom", "plain words")]
    long = owner.start(asyncio.sleep(10), "long")
    owner.cancel_all()
    qtbot.waitUntil(long.done, timeout=2000)
    assert long.cancelled()
    with pytest.raises(RuntimeError):
        owner.start(asyncio.sleep(0), "late")


def test_dialog_result_does_not_block(qtbot: Any, qloop: Any) -> None:
    dialog = QDialog()
    future = dialog_result(dialog)
    assert dialog.isVisible()
    assert not future.done()
    dialog.accept()
    qtbot.waitUntil(future.done, timeout=2000)
    assert future.result() == QDialog.DialogCode.Accepted


def test_crash_handler_logs_and_shows_a_friendly_dialog(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    try:
        crash.install_crash_handlers(tmp_path, show_dialogs=True)
        before = crash.unhandled_count()
        try:
            raise RuntimeError("secret-free failure")
        except RuntimeError as exc:
            with caplog.at_level(logging.CRITICAL):
                sys.excepthook(type(exc), exc, exc.__traceback__)
        assert crash.unhandled_count() == before + 1
        assert "Unhandled exception" in caplog.text
        boxes = [w for w in QApplication.topLevelWidgets()
                 if w.objectName() == "crashDialog" and w.isVisible()]
        assert len(boxes) == 1
        assert isinstance(boxes[0], QMessageBox)
        assert "Export diagnostics" in boxes[0].text()
        boxes[0].accept()
        assert (tmp_path / crash.FAULT_LOG).exists()
    finally:
        faulthandler.enable(file=sys.__stderr__)


def test_export_diagnostics_explains_then_saves(qtbot: Any, make_window: Any,
                                                tmp_path: Path) -> None:
    window = make_window()
    logging.getLogger("ping_desktop.test").warning("a line for the log")
    window.dialogs.export_diagnostics()
    flow = window.dialogs.diagnostics_flow
    qtbot.waitUntil(lambda: flow.box is not None and flow.box.isVisible(), timeout=5000)
    assert "token is never included" in flow.box.informativeText()
    flow.box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: flow.dialog is not None and flow.dialog.isVisible(), timeout=5000)
    assert isinstance(flow.dialog, QFileDialog)
    dest = tmp_path / "support.zip"
    with qtbot.waitSignal(flow.finished, timeout=10_000) as blocker:
        flow.dialog.setDirectory(str(tmp_path))
        flow.dialog.selectFile(dest.name)
        flow.dialog.accept()
    written = blocker.args[0]
    assert written.parent == tmp_path
    assert written.suffix == ".zip"
    dest = written
    with zipfile.ZipFile(dest) as zf:
        about = zf.read("about.txt").decode()
    assert "Qt: 6." in about


def test_main_controls_have_names_for_automation_and_screen_readers(make_window: Any) -> None:
    window = make_window()
    for name in ("dropZone", "browseButton", "sheetSelector", "mappingTable", "sourcesList",
                 "tokenButton", "startButton", "demoButton", "costLabel", "jobsTable"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_keyboard_shortcuts(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QFileDialog, "openFileDialog")
    assert dialog is not None
    assert dialog.isVisible()
    dialog.reject()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    actions = window.menu_actions
    assert actions[WindowAction.START].shortcut().toString() == "Ctrl+Return"
    assert actions[WindowAction.SAVE_RESULTS].shortcut().toString() == "Ctrl+S"
    assert window.jobs_view.save_action.shortcut().isEmpty()  # no ambiguous second Ctrl+S


def test_window_geometry_is_remembered(qtbot: Any, make_window: Any, run_coro: Any) -> None:
    window = make_window()
    # Inside the offscreen screen (800 x 600), so restoring is not clamped to the screen.
    hint = window.minimumSizeHint()
    size = (min(800, hint.width() + 1), min(600, hint.height() + 1))
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=2000)
    run_coro(window.shutdown(keep=True))
    saved = window.services.settings_store.load().window_geometry
    assert saved
    again = make_window()
    assert (again.width(), again.height()) == size


def test_notification_only_when_the_window_is_in_the_background(qtbot: Any) -> None:
    from ping_desktop.gui.notifier import Notifier

    front = QWidget()
    back = QWidget()
    qtbot.addWidget(front)
    qtbot.addWidget(back)
    back.show()
    front.show()
    notifier = Notifier(back)
    front.activateWindow()
    qtbot.waitUntil(front.isActiveWindow, timeout=2000)
    notifier.notify("Ping Desktop", "book.xlsx finished.")
    assert notifier.last == ("Ping Desktop", "book.xlsx finished.")
    notifier.last = None
    back.activateWindow()
    qtbot.waitUntil(back.isActiveWindow, timeout=2000)
    notifier.notify("Ping Desktop", "again")
    assert notifier.last is None  # the user is looking at the window already
    notifier.close()
