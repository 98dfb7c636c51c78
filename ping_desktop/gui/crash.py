"""Unhandled exceptions: logged (token redacted by the log filter) and shown as a friendly
dialog instead of the app vanishing; hard crashes leave a faulthandler trace in the log folder."""

from __future__ import annotations

import faulthandler
import logging
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("ping_desktop.crash")

FAULT_LOG = "crash-trace.log"
_state: dict[str, Any] = {"box": None, "fault_file": None, "count": 0}


def _friendly_dialog(summary: str) -> None:
    app = QApplication.instance()
    if app is None or _state["box"] is not None:
        return  # no GUI yet, or one dialog is already up: never a cascade of boxes
    box = QMessageBox(QMessageBox.Icon.Critical, "Ping Desktop ran into a problem",
                      "Something unexpected went wrong. Your files and finished results are "
                      "safe. If it happens again, use Help > Export diagnostics and send the "
                      "zip to support.", QMessageBox.StandardButton.Ok)
    box.setObjectName("crashDialog")
    box.setDetailedText(summary)
    box.finished.connect(lambda _c: _state.update(box=None))
    _state["box"] = box
    box.open()


def install_crash_handlers(log_dir: Path, *, show_dialogs: bool) -> None:
    """Route uncaught exceptions (incl. those PySide6 reports from slots) to the log and,
    unless ``show_dialogs`` is False, to a non-blocking dialog; enable faulthandler."""

    def excepthook(exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        _state["count"] += 1
        log.critical("Unhandled exception", exc_info=(exc_type, exc, tb))
        if show_dialogs:
            _friendly_dialog(f"{exc_type.__name__} (details are in the log file)")

    sys.excepthook = excepthook
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handle: IO[str] = open(log_dir / FAULT_LOG, "a", encoding="utf-8")  # noqa: SIM115
    except OSError:
        faulthandler.enable()
        return
    _state["fault_file"] = handle  # must stay open for faulthandler
    faulthandler.enable(file=handle)


def unhandled_count() -> int:
    """How many uncaught exceptions reached the hook (the self-test fails if any did)."""
    return int(_state["count"])


def loop_exception_handler(loop: Any, context: dict[str, Any]) -> None:
    """asyncio's handler: exceptions nobody awaited go the same way as uncaught ones."""
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        sys.excepthook(type(exc), exc, exc.__traceback__)
    else:
        log.error("Event loop error: %s", context.get("message"))
