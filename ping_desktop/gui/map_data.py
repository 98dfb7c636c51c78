"""The map's data made ready away from the Qt thread: where each located row's dot goes, a grid
to find the dot under the pointer, and the dots grouped by class as ready-made polygons.

Only Qt value types here (QPointF, QPolygonF: implicitly shared, safe to make in a worker thread
and hand over), so the Qt thread's share of showing 100,000 rows is a few assignments; building
them there took ~0.3 s, a visible stall (bench/bench_gui_stall.py --review-open). Positions are
kept in float arrays, not 100,000 objects, so the garbage collector has little to walk.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPolygonF

from ping_desktop.gui.map_layers import X_SCALE
from ping_desktop.storage.run_map import MapRow

#: Spatial index cell, scene units (about half a degree).
CELL = 0.5
NO_CLASS = "(no value)"
#: The one class when no colouring is chosen.
LOCATED = "located"


@dataclass(frozen=True)
class PointIndex:
    """Dots' scene positions and a grid of CELL-sized cells listing the dots in each."""

    xs: array[float] = field(default_factory=lambda: array("d"))
    ys: array[float] = field(default_factory=lambda: array("d"))
    grid: dict[tuple[int, int], list[int]] = field(default_factory=dict)


def index_points(xs: array[float], ys: array[float]) -> PointIndex:
    """The grid over these positions."""
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        grid[(int(x // CELL), int(y // CELL))].append(i)
    return PointIndex(xs, ys, dict(grid))


@dataclass(frozen=True)
class Grouping:
    """The dots by class, most common class first and "(no value)" last."""

    order: list[str]
    polygons: dict[str, QPolygonF]
    counts: dict[str, int]


@dataclass(frozen=True)
class MapLayout:
    """A run's rows laid out for the map: ``located`` rows are the dots (in this order),
    ``missing`` the rows without coordinates; ``uncoloured`` every dot as one class."""

    located: list[MapRow]
    missing: list[MapRow]
    index: PointIndex
    row_index: dict[int, int]  # sheet row -> its dot
    uncoloured: Grouping


def _polygon(index: PointIndex, dots: Iterable[int] | None = None) -> QPolygonF:
    # Positions are kept as plain floats (array: nothing for the garbage collector to walk);
    # the QPointF wrappers live only while their polygon is made.
    xs, ys = index.xs, index.ys
    if dots is None:
        return QPolygonF([QPointF(x, y) for x, y in zip(xs, ys, strict=True)])
    return QPolygonF([QPointF(xs[i], ys[i]) for i in dots])


def lay_out(rows: list[MapRow]) -> MapLayout:
    """``rows`` (every sheet row, as :func:`ping_desktop.storage.run_map.map_rows` gives them)
    made ready for the map."""
    located = [r for r in rows if r.lon is not None and r.lat is not None]
    xs = array("d", (float(r.lon or 0.0) * X_SCALE for r in located))  # as to_scene does
    ys = array("d", (-float(r.lat or 0.0) for r in located))
    index = index_points(xs, ys)
    missing = [r for r in rows if r.lon is None or r.lat is None]
    uncoloured = Grouping([LOCATED], {LOCATED: _polygon(index)}, {LOCATED: len(located)})
    return MapLayout(located, missing, index, {r.row: i for i, r in enumerate(located)},
                     uncoloured if located else Grouping([], {}, {}))


def group_dots(layout: MapLayout, classes: dict[int, str] | None) -> Grouping:
    """The dots of ``layout`` grouped by each row's class (``classes``: sheet row -> class,
    rows left out have no value; None: no colouring, every dot one class)."""
    if classes is None:
        return layout.uncoloured
    groups: dict[str, list[int]] = defaultdict(list)
    get = classes.get
    for i, r in enumerate(layout.located):
        groups[get(r.row, NO_CLASS)].append(i)
    order = sorted(groups, key=lambda n: (n == NO_CLASS, -len(groups[n]), n))
    return Grouping(order, {n: _polygon(layout.index, groups[n]) for n in order},
                    {n: len(groups[n]) for n in order})
