"""The map of a stored run as a PNG without a window: ``render_run_map`` (any QApplication) and
``render_map_headless``, the entry the command line uses (``export RUN --map``).

The CLI may not import Qt (pyproject's import contracts); this module is its one exception,
imported only when ``--map`` is asked for, so every other command stays Qt-free.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from ping_desktop.gui.map_controller import colour_choices
from ping_desktop.gui.map_view import MapView
from ping_desktop.storage.run_map import map_rows, row_classes
from ping_desktop.storage.run_summary import BarKey, summarize
from ping_desktop.storage.runstore_records import RunRecord


def render_run_map(store_path: Path, run: RunRecord, threshold: int, target: Path,
                   size: tuple[int, int] = (1600, 1000), colour: BarKey | None = None) -> bool:
    """Write ``run``'s map (every located row over the basemap, coloured by ``colour`` or the
    first geocoder's outcome) to the PNG file ``target``; False when it could not be written."""
    if QApplication.instance() is None:
        raise RuntimeError("render_run_map needs a QApplication")
    view = MapView()
    try:
        view.canvas.setFixedSize(*size)
        # Laid out as if shown, never on a screen: a hidden view's viewport keeps its default
        # size, and fitting the dots into that zoomed the saved map out to the whole world.
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        view.show()
        view.adjustSize()
        choices = colour_choices(summarize(store_path, run, threshold))
        view.set_rows(map_rows(store_path, run), choices)
        key = colour or view.colouring()
        if key is not None:
            view.set_classes(row_classes(store_path, run.id, key, threshold))
        view.canvas.fit()
        return view.save_image(target)
    finally:
        view.hide()
        view.deleteLater()


def _quiet_offscreen(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if "propagateSizeHints" not in message and kind != QtMsgType.QtDebugMsg:
        sys.stderr.write(message + "\n")


def render_map_headless(store_path: Path, run: RunRecord, threshold: int, target: Path,
                        size: tuple[int, int] = (1600, 1000)) -> bool:
    """:func:`render_run_map` from a program without a window: starts Qt on its offscreen
    platform (no display needed, whatever DISPLAY says) when no QApplication exists yet."""
    app = QApplication.instance()
    if app is None:
        # The offscreen platform says it cannot size windows to their hints: noise here.
        qInstallMessageHandler(_quiet_offscreen)
        app = QApplication(["ping-desktop-cli", "-platform", "offscreen"])
    done = render_run_map(store_path, run, threshold, target, size)
    app.processEvents()  # lets the view's deleteLater happen before the caller exits
    return done


def render_command(run_id: str, target: str) -> int:
    """``ping-desktop --render-map RUN PNG``: what the installed ``ping-desktop-cli`` (built
    without Qt) asks the windowed program beside it to do for ``export RUN --map``. The CLI has
    checked the run and the target already; exit code 0 when the PNG was written, else 1."""
    from ping_desktop.storage.runstore import RunStore
    from ping_desktop.storage.settings import SettingsStore

    threshold = SettingsStore().load().low_confidence_threshold
    with RunStore() as store:
        try:
            run = store.get_run(int(run_id))
        except (KeyError, ValueError):
            return 1
        return 0 if render_map_headless(store.path, run, threshold, Path(target)) else 1
