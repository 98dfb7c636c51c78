"""The map's drawing surface: basemap + dots in a QGraphicsView, with pan (drag, arrow keys),
zoom (wheel, + and -), box-select (Shift+drag), click and hover (a spatial grid finds the dot
under the pointer without looking at all 100,000)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QToolTip, QWidget

from ping_desktop.gui.map_data import CELL, MapPoints
from ping_desktop.gui.map_layers import BasemapItem, PointsItem, to_scene

_HOVER_PX = 7


class MapCanvas(QGraphicsView):
    """The drawing: basemap + dots, with pan, zoom, box-select, click and hover."""

    picked = Signal(object)  # list[int]: indexes of the dots picked (click or box)

    def __init__(self, parent: QWidget | None = None) -> None:
        self._scene = QGraphicsScene()
        super().__init__(self._scene, parent)
        self.setObjectName("mapCanvas")
        self.setAccessibleName("Map of the located rows")
        self.basemap = BasemapItem()
        self.points_item = PointsItem()
        self._scene.addItem(self.basemap)
        self._scene.addItem(self.points_item)
        self._scene.setSceneRect(self.basemap.boundingRect())
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setMouseTracking(True)
        # Panning is by dragging: scroll bars would only take room (and show in saved images).
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setToolTip("")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.xs: Sequence[float] = ()
        self.ys: Sequence[float] = ()
        self.tips: Callable[[int], str] = str
        self._grid: dict[tuple[int, int], range] = {}
        self._bounds: tuple[float, float, float, float] | None = None
        self._band = QRectF()
        self._press = QPoint()

    def set_points(self, points: MapPoints, tips: Callable[[int], str]) -> None:
        """Where the dots are (scene units, with their grid of cells: see
        :class:`ping_desktop.worker.map_points.MapPoints`) and what hovering dot ``i`` says
        (asked on hover)."""
        self.xs, self.ys, self.tips = points.xs, points.ys, tips
        self._grid = points.cells
        self._bounds = points.bounds

    def fit(self) -> None:
        """Zoom to the dots (the contiguous US when there are none)."""
        if self._bounds is not None:
            left, top, right, bottom = self._bounds
            rect = QRectF(QPointF(left, top), QPointF(right, bottom))
        else:
            rect = QRectF(to_scene(-125, 50), to_scene(-66, 24))
        pad = max(rect.width(), rect.height(), 1.0) * 0.08
        self.fitInView(rect.adjusted(-pad, -pad, pad, pad), Qt.AspectRatioMode.KeepAspectRatio)

    def shows(self, bounds: tuple[float, float, float, float] | None) -> bool:
        """Whether every dot within ``bounds`` (left, top, right, bottom) is in sight."""
        if bounds is None:
            return False
        left, top, right, bottom = bounds
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        return seen.contains(QRectF(QPointF(left, top), QPointF(right, bottom)))

    def zoom(self, factor: float) -> None:
        """Zoom in (> 1) or out, within sensible limits."""
        scale = self.transform().m11()
        if 0.5 < scale * factor < 20000:
            self.scale(factor, factor)

    def nearest(self, view_pos: QPoint) -> int | None:
        """The dot under ``view_pos`` (within a few pixels), if any."""
        centre = self.mapToScene(view_pos)
        reach = _HOVER_PX / max(self.transform().m11(), 1e-9)
        best, best_d = None, reach * reach
        cx, cy = int(centre.x() // CELL), int(centre.y() // CELL)
        span = int(reach // CELL) + 1
        for gx in range(cx - span, cx + span + 1):
            for gy in range(cy - span, cy + span + 1):
                for i in self._grid.get((gx, gy), ()):
                    d = (self.xs[i] - centre.x()) ** 2 + (self.ys[i] - centre.y()) ** 2
                    if d <= best_d:
                        best, best_d = i, d
        return best

    def inside(self, rect: QRectF) -> list[int]:
        """The dots inside a scene rectangle."""
        left, right, top, bottom = rect.left(), rect.right(), rect.top(), rect.bottom()
        return [i for i, (x, y) in enumerate(zip(self.xs, self.ys, strict=True))
                if left <= x <= right and top <= y <= bottom]

    def select_box(self, view_rect: QRect) -> None:
        """Pick the dots inside a rectangle of the view (what Shift+drag does)."""
        self.picked.emit(self.inside(self.mapToScene(view_rect).boundingRect()))

    # ----- keyboard ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """+ / - zoom, the arrow keys pan (an eighth of the view), 0 or Home shows every dot."""
        key = Qt.Key(event.key())
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                 Qt.Key.Key_Down: (0, 1)}
        zooms = {Qt.Key.Key_Plus: 1.25, Qt.Key.Key_Equal: 1.25, Qt.Key.Key_Minus: 0.8,
                 Qt.Key.Key_Underscore: 0.8}
        if key in zooms:
            # Around the middle of the view: the pointer may be anywhere, or elsewhere.
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.zoom(zooms[key])
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        elif key in (Qt.Key.Key_0, Qt.Key.Key_Home):
            self.fit()
        elif key in steps:
            dx, dy = steps[key]
            view = self.viewport().rect()
            centre = view.center() + QPoint(dx * view.width() // 8, dy * view.height() // 8)
            self.centerOn(self.mapToScene(centre))
        else:
            super().keyPressEvent(event)

    # ----- mouse ---------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Zoom around the pointer."""
        self.zoom(1.25 ** (event.angleDelta().y() / 120))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Shift+drag draws a selection box; a plain drag pans."""
        self._press = event.position().toPoint()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag if shift
                         else QGraphicsView.DragMode.ScrollHandDrag)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A box picks its dots; a click picks the dot under it (or clears the selection)."""
        pos = event.position().toPoint()
        band = self.dragMode() == QGraphicsView.DragMode.RubberBandDrag
        super().mouseReleaseEvent(event)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        if band and (pos - self._press).manhattanLength() > 3:
            self.select_box(QRect(self._press, pos).normalized())
        elif (pos - self._press).manhattanLength() <= 3:
            hit = self.nearest(pos)
            self.picked.emit([] if hit is None else [hit])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Hovering a dot shows its row's name and address."""
        super().mouseMoveEvent(event)
        if event.buttons() != Qt.MouseButton.NoButton:
            return
        self._show_tip(event.position().toPoint(), event.globalPosition().toPoint())

    def viewportEvent(self, event: QEvent) -> bool:
        """Answer Qt's own tooltip request too. It comes once the mouse rests, and the view
        has no tooltip of its own, so left to Qt it hid the dot's text shown on the move a
        moment before: in a real window the text never stayed up."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._show_tip(event.pos(), event.globalPos())
            return True
        return super().viewportEvent(event)

    def _show_tip(self, view_pos: QPoint, global_pos: QPoint) -> None:
        hit = self.nearest(view_pos)
        if hit is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(global_pos, self.tips(hit), self)
