"""The map from the keyboard: + and - zoom around the middle, the arrow keys pan, 0 shows every
dot again."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt

from ping_desktop.gui.map_canvas import MapCanvas
from ping_desktop.gui.results_view import ResultsView
from tests.gui.test_map import view

__all__ = ["view"]


def _centre(canvas: MapCanvas) -> QPointF:
    return canvas.mapToScene(canvas.viewport().rect().center())


def test_plus_minus_zoom_and_arrows_pan(qtbot: Any, view: ResultsView) -> None:
    canvas = view.map.view.canvas
    assert canvas.focusPolicy() == Qt.FocusPolicy.StrongFocus
    scale = canvas.transform().m11()
    middle = _centre(canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.transform().m11() == pytest.approx(scale * 1.25)
    # Zoomed around the middle of the view, not the pointer.
    assert _centre(canvas).x() == pytest.approx(middle.x(), abs=0.05)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.transform().m11() == pytest.approx(scale * 0.8, rel=1e-6)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    before = _centre(canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    step = canvas.viewport().width() / 8 / canvas.transform().m11()
    assert _centre(canvas).x() == pytest.approx(before.x() + step, rel=0.05)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert _centre(canvas).y() < before.y()  # north is up (scene y = -latitude)
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.transform().m11() == pytest.approx(scale)
