"""render_run_map: a stored run's map written as a PNG without a window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from ping_desktop.gui.map_export import render_run_map
from tests.storage.test_run_summary import THRESHOLD, build_summary_store


def test_render_run_map_writes_the_dots(qtbot: Any, tmp_path: Path) -> None:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        target = tmp_path / "map.png"
        assert render_run_map(store.path, store.get_run(run_id), THRESHOLD, target, (800, 500))
    finally:
        store.close()
    image = QImage(str(target))
    assert (image.width(), image.height()) == (800, 500)
    located = QColor("#2e7d32").rgb()
    low = QColor("#f9a825").rgb()
    pixels = [image.pixel(x, y) for x in range(image.width()) for y in range(image.height())]
    # Dots of both outcomes are drawn (5 located, 2 low confidence).
    assert pixels.count(located) > 20
    assert pixels.count(low) > 10
    # Zoomed to the dots (Houston to New York), not to the whole world: they spread wide.
    xs = [x for x in range(image.width()) for y in range(image.height())
          if image.pixel(x, y) in (located, low)]
    assert max(xs) - min(xs) > 400


def test_saved_map_carries_its_legend(qtbot: Any, tmp_path: Path) -> None:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    try:
        target = tmp_path / "map.png"
        assert render_run_map(store.path, store.get_run(run_id), THRESHOLD, target, (800, 500))
    finally:
        store.close()
    image = QImage(str(target))
    # The legend box sits in the lower left corner (no dot there) with a square per class,
    # each bigger than a dot.
    corner = [image.pixel(x, y) for x in range(10, 300) for y in range(380, 490)]
    assert corner.count(QColor("#2e7d32").rgb()) >= 100  # the 12x12 "located" square
    assert corner.count(QColor("#f9a825").rgb()) >= 100
