"""The review's Summary tab: counts of a run with known results, and a clicked bar filters the
results table to exactly that bar's rows (combined with the chosen filter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QBarCategoryAxis

from ping_desktop.gui.results_view import ResultsView
from ping_desktop.gui.summary_view import BarChart
from ping_desktop.storage.run_summary import BarKey
from tests.storage.test_run_summary import FIRST_ROW, THRESHOLD, build_summary_store


@pytest.fixture
def view(qtbot: Any, qloop: Any, tmp_path: Path) -> Iterator[ResultsView]:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    widget = ResultsView()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.load_run(store, run_id, THRESHOLD)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 10, timeout=5000)
    yield widget
    if widget.model.query is not None:
        widget.model.query.close()
    store.close()


def open_summary(qtbot: Any, view: ResultsView) -> None:
    view.tabs.setCurrentWidget(view.summary)
    qtbot.waitUntil(lambda: view.summary.summary is not None, timeout=5000)


def shown_rows(view: ResultsView) -> list[int]:
    rows = (view.model.row_at(i) for i in range(view.model.rowCount()))
    return [r.row_number - FIRST_ROW for r in rows if r is not None]


def chart(view: ResultsView, title: str) -> BarChart:
    found = view.summary.chart(title)
    assert found is not None, [c.source_chart.title for c in view.summary.charts]
    return found


def test_summary_tab_shows_the_counts_of_the_run(qtbot: Any, view: ResultsView) -> None:
    open_summary(qtbot, view)
    heading = view.summary.heading.text()
    assert "10 rows" in heading
    assert "PG: 5 located, 2 low confidence, 1 not found, 2 not sent" in heading
    assert "match rate 70%" in heading
    outcome = chart(view, "PG: rows by outcome")
    assert [k.value for k in outcome.bar_keys()] == [
        "located", "low confidence", "not found", "not sent"]
    # The bar values are the row counts, bottom-up as QtCharts draws horizontal bars.
    values = [outcome.bar_set.at(i) for i in range(outcome.bar_set.count())]
    assert values == [2.0, 1.0, 2.0, 5.0]
    zones = chart(view, "FL: flood zone")
    axis = zones.chart().axes()[0]
    assert isinstance(axis, QBarCategoryAxis)
    assert "AE  ($1.7K)" in axis.categories()
    ae = zones.bar_keys()[::-1].index(next(k for k in zones.bar_keys() if k.value == "AE"))
    assert zones.bar_tip(ae).startswith("AE: 3 rows, 1,730 total insured value")


def test_clicking_a_bar_filters_the_table_to_its_rows(qtbot: Any, view: ResultsView) -> None:
    open_summary(qtbot, view)
    zones = chart(view, "FL: flood zone")
    ae = next(k for k in zones.bar_keys() if k.value == "AE")
    zones.bar_set.clicked.emit(zones.bar_keys()[::-1].index(ae))  # as a mouse click does
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    assert shown_rows(view) == [2, 3, 4]
    assert view.tabs.currentIndex() == 0
    assert "FL: flood zone AE (3)" in view.subset_label.text()
    # Combined with a filter: the low-confidence rows among them.
    view.select_filter("low_confidence")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert shown_rows(view) == [4]
    view.subset_clear.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    assert shown_rows(view) == [4, 5]
    assert view.rows_filter() is None


def test_outcome_bar_shows_rows_never_sent(qtbot: Any, view: ResultsView) -> None:
    open_summary(qtbot, view)
    chart(view, "PG: rows by outcome").click(BarKey("outcome", "PG", "not sent"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    assert shown_rows(view) == [8, 9]


def test_summary_follows_the_opened_run(qtbot: Any, view: ResultsView, tmp_path: Path) -> None:
    open_summary(qtbot, view)
    first = view.summary.summary
    other, run_id = build_summary_store(tmp_path / "other.sqlite3")
    try:
        view.load_run(other, run_id, 50)
        qtbot.waitUntil(lambda: view.summary.summary not in (None, first), timeout=5000)
        assert view.summary.summary is not None
        # Threshold 50: row 4 (confidence 60) now counts as located.
        pg = view.summary.summary.outcomes[0]
        assert {b.label: b.rows for b in pg.bars}["located"] == 6
    finally:
        if view.model.query is not None:
            view.model.query.close()
        other.close()
