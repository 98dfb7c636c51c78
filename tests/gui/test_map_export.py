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
