"""The review's Map tab: located rows as dots, the rows without coordinates listed, colouring
with a legend, selection synced both ways with the results table, and the PNG export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolTip

from ping_desktop.gui.map_layers import to_scene
from ping_desktop.gui.results_view import ResultsView
from ping_desktop.storage.run_summary import BarKey
from tests.storage.test_run_summary import FIRST_ROW, LAT, THRESHOLD, build_summary_store

LOCATED = [n for n in range(10) if LAT[n] is not None]


@pytest.fixture
def view(qtbot: Any, qloop: Any, tmp_path: Path) -> Iterator[ResultsView]:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    widget = ResultsView()
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    widget.load_run(store, run_id, THRESHOLD)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 10, timeout=5000)
    widget.tabs.setCurrentWidget(widget.map.view)
    qtbot.waitUntil(lambda: len(widget.map.view.rows) == len(LOCATED), timeout=5000)
    qtbot.waitUntil(lambda: bool(widget.map.view.classes), timeout=5000)
    yield widget
    if widget.model.query is not None:
        widget.model.query.close()
    store.close()


def table_rows(view: ResultsView) -> list[int]:
    picked = sorted(i.row() for i in view.table.selectionModel().selectedRows())
    rows = [view.model.row_at(i) for i in picked]
    return [r.row_number - FIRST_ROW for r in rows if r is not None]


def test_rows_without_coordinates_are_listed_with_the_reason(view: ResultsView) -> None:
    listing = view.map.view.unlocated
    texts = [listing.item(i).text() for i in range(listing.count())]
    assert len(texts) == 3
    assert texts[0].startswith(f"Row {6 + FIRST_ROW}: Site 6")
    assert "not found by PG: No match" in \
        texts[0]
    assert texts[1].startswith(f"Row {8 + FIRST_ROW}:")
    assert "no geocoding result" in texts[1]
    assert texts[2].startswith(f"Row {9 + FIRST_ROW}:")
    assert "not sent" in texts[2]
    assert "3 rows without coordinates" in view.map.view.unlocated_label.text()


def test_dots_are_coloured_by_outcome_with_a_legend(qtbot: Any, view: ResultsView) -> None:
    legend = view.map.view.legend
    assert [legend.item(i).text() for i in range(legend.count())] == [
        "located \u2014 5", "low confidence \u2014 2"]
    # Colour by the flood zone instead: the legend follows.
    box = view.map.view.colour_box
    box.setCurrentIndex(box.findText("FL: flood zone"))
    qtbot.waitUntil(lambda: legend.item(0).text().startswith(("AE", "X")), timeout=5000)
    assert sorted(legend.item(i).text() for i in range(legend.count())) == [
        "AE \u2014 3", "VE \u2014 1", "X \u2014 3"]


def test_box_on_the_map_selects_the_rows_in_the_table(view: ResultsView) -> None:
    canvas = view.map.view.canvas
    # A box around Florida: rows 0, 1, 2, 3, 5 (not Houston, not New York).
    top_left = canvas.mapFromScene(to_scene(-83.0, 31.0))
    bottom_right = canvas.mapFromScene(to_scene(-79.5, 25.0))
    canvas.select_box(QRect(top_left, bottom_right))
    assert table_rows(view) == [0, 1, 2, 3, 5]
    assert view.map.view.selected == {n + FIRST_ROW for n in (0, 1, 2, 3, 5)}


def test_clicking_a_dot_selects_its_row(qtbot: Any, view: ResultsView) -> None:
    canvas = view.map.view.canvas
    houston = canvas.mapFromScene(to_scene(-95.4, 29.7))
    assert canvas.nearest(houston) is not None
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=houston)
    assert table_rows(view) == [4]


def test_selecting_in_the_table_rings_the_dots(view: ResultsView) -> None:
    view.table.selectRow(7)  # New York
    assert view.map.view.selected == {7 + FIRST_ROW}
    ringed = view.map.view.canvas.points_item
    assert ringed._selected.count() == 1
    view.table.selectRow(9)  # never sent: selected, but no dot to ring
    assert view.map.view.selected == {9 + FIRST_ROW}
    assert ringed._selected.count() == 0


def test_save_map_as_png(view: ResultsView, tmp_path: Path) -> None:
    target = tmp_path / "map.png"
    assert view.map.view.save_image(target)
    image = QImage(str(target))
    assert not image.isNull()
    assert image.width() > 200
    # Not a blank canvas: the basemap and the dots give many colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 5
    assert not view.map.view.save_image(tmp_path / "missing" / "map.png")


def test_colour_choices_put_the_geocoder_outcome_first(view: ResultsView) -> None:
    box = view.map.view.colour_box
    first = box.itemData(0)
    assert isinstance(first, BarKey)
    assert (first.kind, first.source) == ("outcome", "PG")


def test_hover_text_names_the_row_and_its_address(view: ResultsView) -> None:
    canvas = view.map.view.canvas
    hit = canvas.nearest(canvas.mapFromScene(to_scene(-95.4, 29.7)))
    assert hit is not None
    assert canvas.tips(hit) == f"Row {4 + FIRST_ROW}\nSite 4\n4 MAIN ST"
    # Far from every dot: nothing to show.
    assert canvas.nearest(canvas.mapFromScene(to_scene(-110.0, 45.0))) is None


def test_hover_text_stays_up_after_qt_asks_for_a_tooltip(view: ResultsView, qtbot: Any) -> None:
    # Qt sends its own tooltip request once the mouse rests; unanswered, it hid the dot's
    # text shown on the move, so in a real window no hover text was ever seen.
    canvas = view.map.view.canvas
    QTest.mouseMove(canvas.viewport(), canvas.mapFromScene(to_scene(-95.4, 29.7)))
    qtbot.wait(1500)
    assert QToolTip.isVisible()
    assert QToolTip.text() == f"Row {4 + FIRST_ROW}\nSite 4\n4 MAIN ST"
