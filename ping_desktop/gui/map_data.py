"""The map's data on the window's side: the worker's compact points and groups turned into the
Qt polygons the map draws.

The points are read, laid out and grouped by class in the worker process
(:mod:`ping_desktop.worker.map_points`); each class's dots arrive as a serialised QPolygonF,
read back here in one C++ call (~7 ms for 100,000 dots). Building the polygons from 100,000
QPointF wrappers took ~0.3 s of GIL-holding Python, a visible stall
(bench/bench_gui_stall.py --review-open).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPolygonF

from ping_desktop.storage.run_map import MapRow
from ping_desktop.worker.map_points import (
    CELL,
    LOCATED,
    NO_CLASS,
    DotGroups,
    MapPoints,
    group_points,
    lay_out_points,
    uncoloured,
)

__all__ = ["CELL", "LOCATED", "NO_CLASS", "Grouping", "MapPoints", "group_dots", "lay_out",
           "polygon_of", "to_grouping"]


@dataclass(frozen=True)
class Grouping:
    """The dots by class, most common class first and "(no value)" last."""

    order: list[str]
    polygons: dict[str, QPolygonF]
    counts: dict[str, int]


def polygon_of(data: bytes) -> QPolygonF:
    """A polygon serialised by :func:`ping_desktop.worker.map_points.polygon_bytes`."""
    polygon = QPolygonF()
    raw = QByteArray(data)  # kept alive while read: the stream does not own it
    stream = QDataStream(raw)  # the read-only constructor (the other takes a pointer)
    stream >> polygon
    if stream.status() != QDataStream.Status.Ok:
        raise ValueError("the map's points arrived damaged")
    return polygon


def to_grouping(groups: DotGroups) -> Grouping:
    """The worker's groups as polygons to draw."""
    return Grouping(list(groups.order), {n: polygon_of(groups.polygons[n]) for n in groups.order},
                    dict(groups.counts))


def lay_out(rows: list[MapRow], run_id: int = 0) -> MapPoints:
    """``rows`` (every sheet row, as :func:`ping_desktop.storage.run_map.map_rows` gives them)
    as map points, in this thread (the command line's map; the window's come from the worker)."""
    return lay_out_points(run_id, rows)


def group_dots(points: MapPoints, classes: dict[int, str] | None) -> Grouping:
    """The dots of ``points`` grouped by each row's class (``classes``: sheet row -> class,
    rows left out have no value; None: no colouring, every dot one class), in this thread."""
    return to_grouping(uncoloured(points) if classes is None else group_points(points, classes))
