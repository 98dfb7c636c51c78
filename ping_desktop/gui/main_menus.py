"""Menus and keyboard shortcuts of the main window (every action reachable by keyboard)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ping_desktop.gui.main_window import MainWindow


def _action(window: MainWindow, text: str, name: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    window.addAction(action)  # shortcuts work even with the menu bar hidden
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Create the menu bar; returns the actions by object name."""
    bar = window.menuBar()
    acts: dict[str, QAction] = {}

    def add(menu_actions: list[QAction], title: str) -> None:
        menu = bar.addMenu(title)
        for act in menu_actions:
            if act.objectName() == "-":
                menu.addSeparator()
            else:
                menu.addAction(act)
                acts[act.objectName()] = act

    sep = QAction(window)
    sep.setObjectName("-")
    open_act = _action(window, "&Open…", "openAction", QKeySequence.StandardKey.Open)
    open_act.triggered.connect(window.open_file_dialog)
    demo_act = _action(window, "Try the &demo", "demoAction")
    demo_act.triggered.connect(window.start_demo)
    save_act = _action(window, "&Save results…", "saveResultsAction", "Ctrl+S")
    save_act.triggered.connect(window.save_selected)
    close_act = _action(window, "&Close file", "closeFileAction", "Ctrl+W")
    close_act.triggered.connect(window.close_file)
    quit_act = _action(window, "&Quit", "quitAction", QKeySequence.StandardKey.Quit)
    quit_act.triggered.connect(window.close)
    add([open_act, demo_act, save_act, close_act, sep, quit_act], "&File")

    start_act = _action(window, "&Start enriching", "startAction", "Ctrl+Return")
    start_act.triggered.connect(window.start_run)
    jobs_act = _action(window, "Show &jobs", "showJobsAction", "Ctrl+2")
    jobs_act.triggered.connect(lambda: window.tabs.setCurrentIndex(1))
    file_act = _action(window, "Show &file and sources", "showFileAction", "Ctrl+1")
    file_act.triggered.connect(lambda: window.tabs.setCurrentIndex(0))
    history_act = _action(window, "Show &history", "showHistoryAction", "Ctrl+3")
    history_act.triggered.connect(lambda: window.tabs.setCurrentIndex(2))
    add([start_act, sep, file_act, jobs_act, history_act], "&Run")

    token_act = _action(window, "API &token…", "tokenAction", "Ctrl+T")
    token_act.triggered.connect(window.open_token_dialog)
    settings_act = _action(window, "&Settings…", "settingsAction",
                           QKeySequence.StandardKey.Preferences)
    settings_act.triggered.connect(window.open_settings_dialog)
    add([token_act, settings_act], "&Settings")

    diag_act = _action(window, "Export &diagnostics…", "diagnosticsAction")
    diag_act.triggered.connect(window.export_diagnostics)
    about_act = _action(window, "&About Ping Desktop", "aboutAction")
    about_act.triggered.connect(window.show_about)
    add([diag_act, about_act], "&Help")
    return acts
