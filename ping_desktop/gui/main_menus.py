"""The main window's menu bar: which actions stand in which menu, in what order."""

from __future__ import annotations

from PySide6.QtWidgets import QMenuBar

from ping_desktop.gui.window_actions import ActionRegistry, WindowAction

A = WindowAction
#: Menu title -> its actions; None is a separator.
MENUS: tuple[tuple[str, tuple[WindowAction | None, ...]], ...] = (
    ("&File", (A.OPEN, A.DEMO, A.SAVE_RESULTS, A.CLOSE_FILE, None, A.QUIT)),
    ("&Run", (A.START, None, A.SHOW_FILE, A.SHOW_JOBS, A.SHOW_HISTORY)),
    ("&Settings", (A.TOKEN, A.SETTINGS)),
    ("&Help", (A.DIAGNOSTICS, A.ABOUT)),
)


def build_menus(bar: QMenuBar, actions: ActionRegistry) -> None:
    """Fill ``bar`` with the menus of :data:`MENUS`."""
    for title, commands in MENUS:
        menu = bar.addMenu(title)
        for command in commands:
            if command is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[command])
