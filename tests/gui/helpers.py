"""Small helpers for the main-window tests: drops, waiting for a loaded file, job counters."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ping_desktop.resources import sample_sov_path

SAMPLE = sample_sov_path()


def drop_files(target: QWidget, paths: list[Path]) -> bool:
    """Simulate dragging ``paths`` onto ``target`` and dropping; True if the drop was taken."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = target.rect().center()
    with warnings.catch_warnings():
        # PySide6 6.12 marks the QPoint constructor deprecated but offers no QPointF one.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(QPoint(centre)), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def wait_loaded(qtbot: Any, window: Any, name: str | None = None, timeout: int = 10_000) -> None:
    """Until a file (optionally called ``name``) is loaded, its plan computed and its mapping
    combo boxes open (they open a few per event-loop turn)."""
    def ready() -> bool:
        current = window.intake.current
        return (current is not None and (name is None or current.path.name == name)
                and window.intake.plan is not None and window.mapping_panel.editors_ready)
    qtbot.waitUntil(ready, timeout=timeout)


def open_and_start(qtbot: Any, window: Any, path: Path) -> None:
    """Open ``path``, wait until it can start, and press *Start enriching*."""
    window.open_files([path])
    wait_loaded(qtbot, window, path.name)
    wait_sources(qtbot, window)
    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()


def wait_sources(qtbot: Any, window: Any, timeout: int = 10_000) -> None:
    """Until the sources list is filled."""
    qtbot.waitUntil(lambda: window.sources_panel.list.count() > 0, timeout=timeout)


def open_error_boxes(window: Any) -> list[QMessageBox]:
    """Error message boxes currently shown by the window."""
    return [b for b in window.findChildren(QMessageBox, "errorBox") if b.isVisible()]


def jobs(window: Any) -> list[Any]:
    """The JobProgress of every row of the jobs table."""
    model = window.jobs_model
    return [j for r in range(model.rowCount()) if (j := model.job_at(r)) is not None]
