"""Composition root: parses the command line, sets up logging and crash handling, builds the
services and the main window, and runs them on a qasync event loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("ping_desktop")


# Qt's own command-line options that take a value (QGuiApplication/QApplication docs);
# Qt accepts them with one or two dashes.
_QT_VALUE_OPTIONS = frozenset({
    "platform", "platformpluginpath", "platformtheme", "plugin", "qwindowgeometry",
    "qwindowicon", "qwindowtitle", "display", "geometry", "style", "stylesheet", "session",
})


def _split_qt_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(ours, Qt's): Qt options and their values are taken out before argparse sees them,
    so ``-platform offscreen`` is not mistaken for a file called "offscreen"."""
    ours: list[str] = []
    qt: list[str] = []
    items = iter(argv)
    for arg in items:
        name = arg.split("=", 1)[0]
        if name.startswith("-") and name.lstrip("-") in _QT_VALUE_OPTIONS:
            qt.append(arg)
            if "=" not in arg:
                qt.append(next(items, ""))
        else:
            ours.append(arg)
    return ours, [a for a in qt if a]


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and the rest (Qt's own, such as ``-platform offscreen``)."""
    ours, qt_args = _split_qt_args(argv)
    parser = argparse.ArgumentParser(prog="ping-desktop", description="Ping Desktop")
    parser.add_argument("--demo", action="store_true",
                        help="when no API token is set, open the bundled sample against "
                             "the demo server right away (demo mode)")
    parser.add_argument("--self-test", action="store_true",
                        help="run the demo flow end to end offscreen, print a report, exit 0/1")
    parser.add_argument("--temp-basedir", action="store_true",
                        help="keep every per-user folder in a temporary folder (deleted on exit)")
    parser.add_argument("--no-err-windows", action="store_true",
                        help="never show error dialogs for unexpected errors (log only)")
    # For the installed ping-desktop-cli, which is built without Qt: `export RUN --map` asks
    # this program to draw the map offscreen (gui/map_export.render_command). Not for users.
    parser.add_argument("--render-map", nargs=2, metavar=("RUN", "PNG"), help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help="spreadsheets to open")
    opts, rest = parser.parse_known_args(ours)
    return opts, qt_args + rest


def _prepare_qt_environment() -> None:
    # qasync picks its binding at import time: make sure it is PySide6 (engineering-notes §3).
    os.environ["QT_API"] = "pyside6"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ping-desktop``; returns the process exit code."""
    # pythonw (a pip-installed ping-desktop on Windows) starts with no standard streams, like
    # the frozen windowed build, whose entry script has already done this.
    from ping_desktop import std_streams

    std_streams.install()
    # In a frozen build the background worker process (worker/pool.py) starts this same
    # executable: freeze_support runs the worker there instead of a second app.
    import multiprocessing

    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    opts, qt_args = parse_args(args)
    _prepare_qt_environment()
    if opts.render_map:
        from ping_desktop.gui.map_export import render_command

        return render_command(*opts.render_map)
    if opts.self_test:
        from ping_desktop.gui.self_test import main as self_test_main

        # The composition root hands over its own QApplication factory (the GUI never
        # imports the entry point).
        return self_test_main(create_application)
    temp_home: str | None = None
    if opts.temp_basedir:
        temp_home = tempfile.mkdtemp(prefix="ping-desktop-")
        os.environ["PING_DESKTOP_HOME"] = temp_home
    try:
        return _run_gui(opts, qt_args)
    finally:
        if temp_home is not None:
            shutil.rmtree(temp_home, ignore_errors=True)


def create_application(qt_args: Sequence[str]) -> Any:
    """The QApplication with high-DPI defaults and a style that follows the OS colour scheme."""
    import PySide6  # noqa: F401  - bind Qt before qasync is imported anywhere
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if existing is not None:
        return existing
    # Qt 6 is per-monitor DPI aware already; pass fractional scale factors (150 %) through.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(["ping-desktop", *qt_args])
    app.setApplicationName("Ping Desktop")
    app.setOrganizationName("Ping")
    app.setApplicationVersion(_version())
    app.setDesktopFileName("com.pingintel.PingDesktop")
    from ping_desktop.gui.resources import app_icon

    app.setWindowIcon(app_icon())
    # Dialogs may be the last window: quitting is explicit (engineering-notes §3).
    app.setQuitOnLastWindowClosed(False)
    follow_color_scheme(app)
    return app


def follow_color_scheme(app: Any) -> None:
    """Use Fusion only where the native style ignores the OS dark scheme (old Windows style)."""
    from PySide6.QtCore import Qt

    hints = app.styleHints()

    def apply(*_args: object) -> None:
        style = app.style().name().lower()
        if hints.colorScheme() == Qt.ColorScheme.Dark and style in ("windowsvista", "windows"):
            app.setStyle("Fusion")

    apply()
    hints.colorSchemeChanged.connect(apply)


def _version() -> str:
    from ping_desktop import __version__

    return __version__


def _run_gui(opts: argparse.Namespace, qt_args: list[str]) -> int:
    from ping_desktop.storage.logging_setup import configure_logging
    from ping_desktop.storage.paths import app_paths

    paths = app_paths()
    configure_logging(paths.log_dir)
    app = create_application(qt_args)
    from ping_desktop.gui.single_instance import hold_or_hand_over

    if hold_or_hand_over(paths.data_dir, opts.files, app) is None:
        return 0  # the window already open on this data folder took the files
    from ping_desktop.gui.crash import install_crash_handlers

    install_crash_handlers(paths.log_dir, show_dialogs=not opts.no_err_windows)
    import qasync

    log.info("Ping Desktop %s starting (home %s)", _version(), paths.data_dir)
    # asyncio.Runner, not qasync.run: on Python 3.11 qasync.run installs an event loop *policy*,
    # so every thread that creates its own loop (the demo emulator's uvicorn server) would get
    # a Qt loop too and never serve.
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result: int = runner.run(amain(app, opts, paths))
    return result


async def amain(app: Any, opts: argparse.Namespace, paths: Any) -> int:
    """Build the services and the window, then wait until the window has closed."""
    from ping_desktop.gui.crash import loop_exception_handler
    from ping_desktop.gui.main_window import MainWindow
    from ping_desktop.gui.termination import watch_termination
    from ping_desktop.session import build_services
    from ping_desktop.storage.runstore import RunStoreError

    asyncio.get_running_loop().set_exception_handler(loop_exception_handler)
    try:
        services = await asyncio.to_thread(build_services, paths)
    except (RunStoreError, OSError) as error:
        await _fatal(getattr(error, "message", None) or str(error))
        return 1
    window = MainWindow(services)
    open_with = install_file_open_handler(app, window)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    app.aboutToQuit.connect(closed.set)
    watch = watch_termination(
        lambda number: window.tasks.start(_close_keeping_runs(window, number), "terminate"), app)
    window.show()
    window.tasks.start(window.startup([Path(f) for f in opts.files], opts.demo), "startup")
    await closed.wait()
    if watch is not None:
        watch.uninstall()
    app.removeEventFilter(open_with)
    await services.aclose()
    services.offload.shutdown()
    log.info("Ping Desktop closed")
    return 0


async def _close_keeping_runs(window: Any, number: int) -> None:
    """SIGTERM/SIGHUP (logout, ``kill``): close as the user would, keeping unfinished runs for
    next time without asking (nobody is there to answer)."""
    log.info("Signal %s: closing, unfinished runs kept for next time", number)
    await window.shutdown(keep=True)
    window._close_ready = True  # the close question is answered: keep
    window.close()


def install_file_open_handler(app: Any, window: Any) -> Any:
    """macOS delivers "Open with" files as QFileOpenEvent, not as arguments: forward them."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QFileOpenEvent

    class FileOpenFilter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
                path = event.file()
                if path:
                    window.open_files([Path(path)])
                    return True
            return False

    handler = FileOpenFilter(app)
    app.installEventFilter(handler)
    return handler


async def _fatal(message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ping_desktop.gui.async_support import dialog_result

    log.error("Cannot start: %s", message)
    box = QMessageBox(QMessageBox.Icon.Critical, "Ping Desktop cannot start", message,
                      QMessageBox.StandardButton.Ok)
    await dialog_result(box)
