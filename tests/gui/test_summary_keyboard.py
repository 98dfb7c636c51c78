"""The Summary tab's bars from the keyboard: Tab reaches a chart, the arrow keys move between its
bars (marked, and described for screen readers), Enter or Space filter the table like a click."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ping_desktop.gui.results_view import ResultsView
from tests.gui.test_summary import chart, open_summary, shown_rows, view

__all__ = ["view"]


def _focus(qtbot: Any, widget: Any) -> None:
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


def test_arrow_keys_pick_a_bar_and_enter_filters_the_table(
    qtbot: Any, view: ResultsView
) -> None:
    view.show()
    qtbot.waitExposed(view)
    open_summary(qtbot, view)
    zones = chart(view, "FL: flood zone")  # bars top to bottom: AE (3), X (3), VE (1)
    _focus(qtbot, zones)
    bottom_up = zones.bar_keys()[::-1]
    # Focus marks the first bar; Down moves to the second.
    assert zones.bar_set.isBarSelected(bottom_up.index(zones.bar_keys()[0]))
    qtbot.keyClick(zones, Qt.Key.Key_Down)
    assert zones.current == 1
    x_index = len(bottom_up) - 2
    assert zones.bar_set.isBarSelected(x_index)
    assert not zones.bar_set.isBarSelected(len(bottom_up) - 1)
    assert zones.accessibleDescription().startswith("X: 3 rows, 1,030 total insured value")
    # Past the ends it stays on the last / first bar.
    qtbot.keyClick(zones, Qt.Key.Key_End)
    qtbot.keyClick(zones, Qt.Key.Key_Down)
    assert zones.current == 2
    qtbot.keyClick(zones, Qt.Key.Key_Home)
    qtbot.keyClick(zones, Qt.Key.Key_Up)
    assert zones.current == 0
    qtbot.keyClick(zones, Qt.Key.Key_Right)
    qtbot.keyClick(zones, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    assert shown_rows(view) == [0, 1, 7]
    assert "FL: flood zone X (3)" in view.subset_label.text()
    assert view.tabs.currentIndex() == 0


def test_space_clicks_and_tab_moves_to_the_next_chart(qtbot: Any, view: ResultsView) -> None:
    view.show()
    qtbot.waitExposed(view)
    open_summary(qtbot, view)
    outcome = chart(view, "PG: rows by outcome")
    _focus(qtbot, outcome)
    qtbot.keyClick(outcome, Qt.Key.Key_Tab)
    following = QApplication.focusWidget()
    assert following in view.summary.charts
    assert following is not outcome
    # Leaving a chart drops its keyboard mark.
    assert not any(outcome.bar_set.isBarSelected(i) for i in range(outcome.bar_set.count()))
    _focus(qtbot, outcome)
    qtbot.keyClick(outcome, Qt.Key.Key_Down)  # low confidence: rows 4 and 5
    qtbot.keyClick(outcome, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    assert shown_rows(view) == [4, 5]
