"""The main window's commands as an enum, and the QActions made for them.

:class:`WindowAction` names every command once, with its menu text, object name and shortcut;
:class:`ActionRegistry` makes one QAction per command and connects it to the handler the window
passes in (so nothing here reaches into the window). The menus (:mod:`main_menus`) only arrange
the actions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Shortcut = QKeySequence.StandardKey | str | None


class WindowAction(Enum):
    """Every window command: (menu text, object name, shortcut)."""

    OPEN = ("&Open…", "openAction", QKeySequence.StandardKey.Open)
    DEMO = ("Try the &demo", "demoAction", None)
    SAVE_RESULTS = ("&Save results…", "saveResultsAction", "Ctrl+S")
    CLOSE_FILE = ("&Close file", "closeFileAction", "Ctrl+W")
    QUIT = ("&Quit", "quitAction", QKeySequence.StandardKey.Quit)
    START = ("&Start enriching", "startAction", "Ctrl+Return")
    SHOW_FILE = ("Show &file and sources", "showFileAction", "Ctrl+1")
    SHOW_JOBS = ("Show &jobs", "showJobsAction", "Ctrl+2")
    SHOW_HISTORY = ("Show &history", "showHistoryAction", "Ctrl+3")
    TOKEN = ("API &token…", "tokenAction", "Ctrl+T")
    SETTINGS = ("&Settings…", "settingsAction", QKeySequence.StandardKey.Preferences)
    DIAGNOSTICS = ("Export &diagnostics…", "diagnosticsAction", None)
    ABOUT = ("&About Ping Desktop", "aboutAction", None)

    @property
    def text(self) -> str:
        """The menu text (with its mnemonic)."""
        return str(self.value[0])

    @property
    def object_name(self) -> str:
        """The QAction's object name (stable, for tests and accessibility tools)."""
        return str(self.value[1])

    @property
    def shortcut(self) -> Shortcut:
        """The keyboard shortcut, if any."""
        shortcut: Shortcut = self.value[2]
        return shortcut


class ActionRegistry:
    """One QAction per :class:`WindowAction`, added to ``owner`` so shortcuts work even with
    the menu bar hidden, each triggering its handler from ``handlers`` (every action needs one).
    """

    def __init__(self, owner: QWidget, handlers: Mapping[WindowAction, Callable[[], object]]
                 ) -> None:
        missing = [a.name for a in WindowAction if a not in handlers]
        if missing:
            raise ValueError(f"no handler for {', '.join(missing)}")
        self._actions: dict[WindowAction, QAction] = {}
        for command in WindowAction:
            action = QAction(command.text, owner)
            action.setObjectName(command.object_name)
            if command.shortcut is not None:
                action.setShortcut(QKeySequence(command.shortcut))
            handler = handlers[command]
            action.triggered.connect(lambda _checked=False, run=handler: run())
            owner.addAction(action)
            self._actions[command] = action

    def __getitem__(self, command: WindowAction) -> QAction:
        return self._actions[command]

    def trigger(self, command: WindowAction) -> None:
        """Run ``command`` as if chosen from the menu."""
        self._actions[command].trigger()
