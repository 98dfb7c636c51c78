"""The map's drawn layers: the bundled offline basemap (countries, US states, US counties) and
the run's points, each a single QGraphicsItem painting precomputed paths and point lists.

Projection: plate carrée with longitudes shrunk by cos(38°), so the contiguous US looks right;
scene units are degrees (x = lon * 0.788, y = -lat). Pens are cosmetic (same width at any zoom),
and counties are drawn only once zoomed in far enough to tell them apart (level of detail).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ping_desktop.resources import resource_path
from ping_desktop.worker.map_points import X_SCALE

__all__ = ["X_SCALE", "BasemapItem", "PointsItem", "basemap_paths", "to_scene"]
#: Zoom (pixels per scene unit) from which counties are drawn.
COUNTY_LOD = 40.0
STATE_LOD = 4.0


def to_scene(lon: float, lat: float) -> QPointF:
    """Where a longitude/latitude sits in the scene."""
    return QPointF(lon * X_SCALE, -lat)


def basemap_file() -> Path:
    """The bundled outlines (see resources/basemap/README.md)."""
    return resource_path("basemap", "basemap.json.gz")


@cache
def basemap_paths(path: Path | None = None) -> dict[str, QPainterPath]:
    """One painter path per layer (countries, states, counties), read once per process."""
    data = json.loads(gzip.decompress((path or basemap_file()).read_bytes()))
    scale = float(data["scale"])
    paths: dict[str, QPainterPath] = {}
    for name, lines in data["layers"].items():
        painter_path = QPainterPath()
        for flat in lines:
            x, y = flat[0], flat[1]
            painter_path.moveTo(x / scale * X_SCALE, -y / scale)
            for i in range(2, len(flat) - 1, 2):
                x += flat[i]
                y += flat[i + 1]
                painter_path.lineTo(x / scale * X_SCALE, -y / scale)
        paths[name] = painter_path
    return paths


class BasemapItem(QGraphicsItem):
    """Country, state and county outlines; states and counties appear as the map zooms in."""

    def __init__(self) -> None:
        super().__init__()
        self._paths = basemap_paths()
        self._bounds = self._paths["countries"].boundingRect()
        self.setZValue(-10)
        # Drawn once per view scale, then blitted: thousands of outline segments took 11-29 ms
        # a frame, on every repaint (new dots, new colours, the selection), and with the dots
        # that was over 50 ms (bench_gui_stall --review-open). Zooming draws it again.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._pens = {
            "countries": QPen(QColor("#5f6b7a"), 1.1),
            "states": QPen(QColor("#8895a5"), 0.8),
            "counties": QPen(QColor("#c3cbd4"), 0.5),
        }
        for pen in self._pens.values():
            pen.setCosmetic(True)

    def boundingRect(self) -> QRectF:
        """The world."""
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Outlines for the zoom level: counties and states only when they can be told apart."""
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.fillRect(option.exposedRect, QColor("#eef3f8"))
        for name, least in (("counties", COUNTY_LOD), ("states", STATE_LOD), ("countries", 0.0)):
            if lod >= least and name in self._paths:
                # Thousands of short county edges: aliased is 30% faster and looks the same.
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, name != "counties")
                painter.setPen(self._pens[name])
                painter.drawPath(self._paths[name])


class PointsItem(QGraphicsItem):
    """Every located row as a dot, one colour per class; selected rows ringed on top.

    Drawn as one ``drawPoints`` call per class from precomputed polygons: 100,000 points are a
    handful of calls per frame, not 100,000 items. Many dots are drawn as small aliased squares
    (100,000 antialiased round dots take ~0.5 s a frame; squares ~15 ms), a few as round ones.
    """

    DOT = 7.0
    #: From this many dots on, squares instead of round dots.
    DENSE = 5000

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(10)
        self._groups: list[tuple[QColor, QPolygonF]] = []
        self._selected = QPolygonF()
        self._bounds = QRectF()

    def set_groups(self, groups: Iterable[tuple[QColor, QPolygonF | list[QPointF]]]) -> None:
        """The dots to draw, as (colour, scene points) per class."""
        self.prepareGeometryChange()
        self._groups = [(colour, p if isinstance(p, QPolygonF) else QPolygonF(p))
                        for colour, p in groups]
        rect = QRectF()
        for _, polygon in self._groups:
            rect = rect.united(polygon.boundingRect())
        self._bounds = rect.adjusted(-1, -1, 1, 1)
        self.update()

    def set_selected(self, points: list[QPointF]) -> None:
        """The dots of the selected rows (drawn ringed, on top)."""
        self._selected = QPolygonF(points)
        self.update()

    def boundingRect(self) -> QRectF:
        """Around every dot."""
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """The dots, by class, then the selection."""
        pen = QPen()
        pen.setCosmetic(True)
        dense = sum(polygon.count() for _, polygon in self._groups) >= self.DENSE
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not dense)
        pen.setWidthF(self.DOT - 1 if dense else self.DOT)
        pen.setCapStyle(Qt.PenCapStyle.SquareCap if dense else Qt.PenCapStyle.RoundCap)
        for colour, polygon in self._groups:
            pen.setColor(colour)
            painter.setPen(pen)
            painter.drawPoints(polygon)
        if not self._selected.isEmpty():
            many = self._selected.count() >= self.DENSE
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, not many)
            pen.setCapStyle(Qt.PenCapStyle.SquareCap if many else Qt.PenCapStyle.RoundCap)
            pen.setWidthF(self.DOT + 5)
            pen.setColor(QColor("#111111"))
            painter.setPen(pen)
            painter.drawPoints(self._selected)
            pen.setWidthF(self.DOT)
            pen.setColor(QColor("#ffeb3b"))
            painter.setPen(pen)
            painter.drawPoints(self._selected)
