"""ResultsModel and ResultsView: lazy rows, SQL sorting and filtering, flags, the detail pane."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from ping_desktop.gui.results_model import ResultsModel, format_value, tint
from ping_desktop.gui.results_view import ResultsView
from ping_desktop.storage.review import ReviewFilter, ReviewQuery
from ping_desktop.storage.runstore import RunStore
from tests.storage.test_review import (
    COLUMNS,
    FIRST_ROW,
    build_review_store,
    origin,
    pg,
    results_of,
    row_values,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
N_ROWS = 3000


@pytest.fixture(scope="module")
def review_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunStore, int]]:
    store, run_id = build_review_store(tmp_path_factory.mktemp("results") / "runs.sqlite3", N_ROWS)
    yield store, run_id
    store.close()


@pytest.fixture
def model(review_store: tuple[RunStore, int]) -> Iterator[ResultsModel]:
    store, run_id = review_store
    query = ReviewQuery(store, run_id)
    results = ResultsModel()
    results.load(query, threshold=50)
    yield results
    query.close()


@pytest.fixture
def view(qtbot: Any, qloop: Any, review_store: tuple[RunStore, int]) -> Iterator[ResultsView]:
    store, run_id = review_store
    widget = ResultsView()
    qtbot.addWidget(widget)
    widget.resize(1100, 420)
    widget.load_run(store, run_id, 50)
    # Opening a run counts its rows in a worker thread: empty at first, then filled.
    qtbot.waitUntil(lambda: widget.model.rowCount() == N_ROWS, timeout=5000)
    yield widget
    if widget.model.query is not None:
        widget.model.query.close()


def header(model: ResultsModel, name: str) -> int:
    return [c.header for c in model.columns()].index(name)


def test_model_passes_qtmodeltester_on_a_small_filtered_set(
    model: ResultsModel, qtmodeltester: Any
) -> None:
    model.set_filter(ReviewFilter(kind="problems", threshold=50, search="tampa"))
    assert 0 < model.rowCount() < 200
    qtmodeltester.check(model)


def test_rows_are_fetched_lazily(qtbot: Any, view: ResultsView) -> None:
    model = view.model
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == N_ROWS
    # Only the block(s) the view painted were read, not the whole run.
    assert 0 < model.fetched_rows <= ResultsModel.BLOCK
    view.table.scrollToBottom()
    qtbot.wait(10)
    view.table.viewport().repaint()
    assert model.fetched_rows <= 3 * ResultsModel.BLOCK
    last = model.index(N_ROWS - 1, 0).data(DISPLAY)
    assert last == row_values(N_ROWS - 1)[0]


def test_cells_show_original_values_and_results(model: ResultsModel) -> None:
    assert [c.header for c in model.columns()][: len(COLUMNS)] == COLUMNS
    row = 6  # origin(6) == 6; PG succeeds, confidence (6*37)%100 = 22 < 50: low
    assert model.index(row, 0).data(DISPLAY) == "LOC-000006"
    assert model.index(row, header(model, "Year Built")).data(DISPLAY) == "1906"
    assert model.index(row, header(model, "TIV")).data(DISPLAY) == "6000"
    assert model.headerData(row, Qt.Orientation.Vertical) == str(row + FIRST_ROW)
    assert model.index(row, header(model, "PG status")).data(DISPLAY) == "\u2713 OK"
    confidence = model.index(row, header(model, "PG confidence"))
    assert confidence.data(DISPLAY) == "22 (low)"
    assert confidence.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "below your threshold of 50" in confidence.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, header(model, "PG match level")).data(DISPLAY) == "STREET"
    lat = model.index(row, header(model, "PG latitude")).data(DISPLAY)
    assert lat == format_value(pg(6).data["latitude"])


def test_failed_and_missing_results_say_so_in_words(model: ResultsModel) -> None:
    failed = model.index(13, header(model, "PG status"))  # 13 % 13 == 0: PG failed
    assert failed.data(DISPLAY) == "\u2717 Failed: No match found for this address."
    assert failed.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert failed.data(Qt.ItemDataRole.DecorationRole) is not None
    missing = model.index(58, header(model, "PH status"))  # 58 % 29 == 0: PH missing
    assert missing.data(DISPLAY) == "\u2014 No result"
    no_address = model.index(999, header(model, "PG status"))
    assert no_address.data(DISPLAY) == "\u2014 Not sent: No address: this row was not sent."
    ok = model.index(1, header(model, "PG status"))
    assert ok.data(Qt.ItemDataRole.BackgroundRole) is None


def test_flag_colours_follow_the_palette() -> None:
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Base, QColor("white"))
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    red = QColor(214, 39, 40)
    assert tint(red, light).lightness() > 150  # a pale wash behind dark text
    assert tint(red, dark).lightness() < 90  # a deep wash behind light text
    assert tint(red, light).red() > tint(red, light).green()


def test_sort_is_done_in_sql(model: ResultsModel) -> None:
    column = header(model, "PG confidence")
    model.sort(column, Qt.SortOrder.DescendingOrder)
    values = [model.index(r, column).data(DISPLAY) for r in range(5)]
    assert values == ["99", "99", "99", "99", "99"]
    assert model.review_filter.sort_column == column
    model.sort(-1)
    assert model.index(0, 0).data(DISPLAY) == "LOC-000000"


def test_filter_and_search_in_the_view(qtbot: Any, view: ResultsView) -> None:
    expected_problems = sum(
        1
        for n in range(N_ROWS)
        if origin(n) is None
        or len(results_of(n)) < 2
        or any(not r.is_success for r in results_of(n).values())
    )
    busy: list[bool] = []
    view.model.busy_changed.connect(busy.append)
    view.select_filter("problems")
    # Worked out in a worker thread: the old rows stay until the new order is ready.
    assert view.model.rowCount() == N_ROWS
    qtbot.waitUntil(lambda: view.model.rowCount() == expected_problems, timeout=5000)
    assert busy[0] is True
    qtbot.waitUntil(lambda: busy[-1] is False, timeout=5000)
    assert view.count_label.text() == f"{expected_problems:,} of {N_ROWS:,} rows"
    view.select_filter("source", "PH")
    qtbot.waitUntil(lambda: view.model.review_filter.source == "PH", timeout=5000)
    assert view.model.review_filter.kind == "source"
    view.select_filter("all")
    qtbot.waitUntil(lambda: view.model.rowCount() == N_ROWS, timeout=5000)
    view.search.setText("Zürich")
    # The search waits for typing to pause, then filters.
    qtbot.waitUntil(lambda: view.model.rowCount() < N_ROWS, timeout=3000)

    def mentions_zurich(n: int) -> bool:
        texts = [str(v) for v in row_values(n)]
        texts += [str(v) for r in results_of(n).values() for v in r.data.values()]
        return any("zürich" in t.casefold() for t in texts)

    # The city column, or PG's formatted address of a row sharing another row's location.
    assert view.model.rowCount() == sum(1 for n in range(N_ROWS) if mentions_zurich(n))
    assert view.model.index(0, header(view.model, "City")).data(DISPLAY) == "Zürich"


def test_header_click_sorts_in_the_background(qtbot: Any, view: ResultsView) -> None:
    column = header(view.model, "Year Built")
    view.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: view.model.review_filter.sort_column == column, timeout=5000)
    assert view.model.index(0, column).data(DISPLAY) == "2019"
    # Changes made while one is pending build on it: filter + the pending sort.
    view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    view.select_filter("problems")
    qtbot.waitUntil(lambda: view.model.review_filter.kind == "problems", timeout=5000)
    assert view.model.review_filter.sort_column == column
    assert not view.model.review_filter.descending


def test_detail_pane_lists_every_field(qtbot: Any, view: ResultsView) -> None:
    assert view.detail.objectName() == "resultDetail"
    assert view.table.objectName() == "resultsTable"
    view.technical.setChecked(True)  # status code and fetch time are technical details
    view.table.selectRow(6)
    text = view.detail_text()
    assert "Your row (sheet row 8)" in text
    assert "  Address: 7 Main St" in text
    assert "PG: \u2713 OK, confidence 22 (below 50)" in text
    for name in (
        "latitude",
        "longitude",
        "match level",
        "formatted address",
        "status code",
        "fetch time",
    ):
        assert f"  {name}: " in text
    assert "PH: \u2713 OK, confidence 18 (below 50)" in text  # (6 * 53) % 100
    assert "  flood zone: AE" in text  # 6 % 3 == 0
    view.table.selectRow(999)
    text = view.detail_text()
    assert "Problems: 1 problem" in text
    problem_lines = [line for line in text.splitlines()
                     if "No address: this row was not sent." in line and "Not sent" not in line]
    assert len(problem_lines) == 1  # listed once under Problems, not twice


def test_screenshot_with_detail(qtbot: Any, view: ResultsView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.table.selectRow(13)
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    assert view.grab().save(str(shots / "results.png"))


def test_opening_another_run_while_one_is_loading(
    qtbot: Any, qloop: Any, review_store: tuple[RunStore, int], tmp_path: Path
) -> None:
    small, small_id = build_review_store(tmp_path / "small.sqlite3", 25)
    store, run_id = review_store
    widget = ResultsView()
    qtbot.addWidget(widget)
    failures: list[str] = []
    widget.model.failed.connect(failures.append)
    try:
        widget.load_run(store, run_id, 50)
        first = widget.model.query
        widget.load_run(small, small_id, 50)  # before the first run's rows were counted
        qtbot.waitUntil(lambda: widget.model.rowCount() == 25, timeout=5000)
        qtbot.waitUntil(lambda: widget.model.pending_filter() is None, timeout=5000)
        qtbot.wait(50)
        assert widget.model.rowCount() == 25  # the late first run never replaces it
        assert failures == []
        assert first is not None
        assert first._connections == []  # closed once its worker was done
    finally:
        if widget.model.query is not None:
            widget.model.query.close()
        small.close()
