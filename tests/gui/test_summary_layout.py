"""The Summary tab's charts sit two side by side when there is room for their labels, one below
the other when the pane is narrow (labels such as "low confidence ($1.2M)" were cut short)."""

from __future__ import annotations

from typing import Any

from ping_desktop.gui.results_view import ResultsView
from ping_desktop.gui.summary_view import SummaryView
from tests.gui.test_summary import open_summary, view

__all__ = ["view"]


def _columns_used(summary: SummaryView) -> set[int]:
    grid = summary._grid
    return {grid.getItemPosition(grid.indexOf(chart))[1] for chart in summary.charts}


def test_two_columns_when_wide_one_when_narrow(qtbot: Any, view: ResultsView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.resize(1400, 700)
    open_summary(qtbot, view)
    qtbot.waitUntil(lambda: view.summary.width() > 900, timeout=3000)
    assert _columns_used(view.summary) == {0, 1}
    view.resize(700, 700)
    qtbot.waitUntil(lambda: view.summary.columns() == 1, timeout=3000)
    assert _columns_used(view.summary) == {0}
    # Every chart still there, in the same order, one per row.
    rows = [view.summary._grid.getItemPosition(view.summary._grid.indexOf(c))[0]
            for c in view.summary.charts]
    assert rows == list(range(len(view.summary.charts)))
