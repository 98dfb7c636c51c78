"""The action registry and the menus: every command once, each with its handler, tabs by name."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMainWindow

from ping_desktop.gui.main_menus import MENUS, build_menus
from ping_desktop.gui.window_actions import ActionRegistry, WindowAction
from ping_desktop.gui.window_layout import Tab


def test_every_action_stands_in_exactly_one_menu() -> None:
    placed = [a for _title, actions in MENUS for a in actions if a is not None]
    assert sorted(a.name for a in placed) == sorted(a.name for a in WindowAction)


def test_registry_runs_the_handler_it_was_given(qtbot: Any) -> None:
    owner = QMainWindow()
    qtbot.addWidget(owner)
    called: list[WindowAction] = []
    registry = ActionRegistry(owner, {a: (lambda a=a: called.append(a)) for a in WindowAction})
    build_menus(owner.menuBar(), registry)
    registry.trigger(WindowAction.SETTINGS)
    registry[WindowAction.ABOUT].trigger()
    assert called == [WindowAction.SETTINGS, WindowAction.ABOUT]
    assert registry[WindowAction.OPEN].objectName() == "openAction"
    assert registry[WindowAction.CLOSE_FILE].shortcut().toString() == "Ctrl+W"
    assert [m.text() for m in owner.menuBar().actions()] == [title for title, _a in MENUS]


def test_registry_refuses_an_action_without_handler(qtbot: Any) -> None:
    owner = QMainWindow()
    qtbot.addWidget(owner)
    handlers = {a: (lambda: None) for a in WindowAction if a is not WindowAction.QUIT}
    with pytest.raises(ValueError, match="QUIT"):
        ActionRegistry(owner, handlers)


def test_show_actions_bring_their_named_tab(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    for action, tab, widget in ((WindowAction.SHOW_JOBS, Tab.JOBS, window.jobs_view),
                                (WindowAction.SHOW_HISTORY, Tab.HISTORY, window.history_panel),
                                (WindowAction.SHOW_FILE, Tab.FILE, window.file_page)):
        window.menu_actions.trigger(action)
        assert window.tabs.currentWidget() is widget, tab
        assert window.tabs.tabText(window.tabs.currentIndex()) == tab.value
