"""The review map's data, made in the worker process and handed to the window compactly.

Reading a 100,000-row run's locations, laying them out and grouping them by class is seconds of
pure Python; in a thread of the window's process it held the GIL for long enough to freeze the
window (bench/bench_gui_stall.py --review-open). Here it runs where the ingest and export run,
and what crosses back is a few arrays and byte strings: unpickling them is a copy, not 100,000
objects, so the window's side of a reload is a few milliseconds.

Dots are ordered by grid cell, so the grid (to find the dot under the pointer) is one range of
dots per cell. The dots of each class travel as a serialised ``QPolygonF`` (``QDataStream``'s
layout: big-endian count, then x and y of each point as big-endian doubles), which the window
reads into a polygon in one C++ call. No Qt here: the worker does not load it.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ping_desktop.storage.run_map import MapRow, map_rows, row_classes
from ping_desktop.storage.run_summary import BarKey
from ping_desktop.storage.runstore_records import RunRecord

#: Longitudes are shrunk by cos(38 degrees) so the contiguous US looks right (see map_layers).
X_SCALE = math.cos(math.radians(38.0))
#: Spatial index cell, scene units (about half a degree).
CELL = 0.5
NO_CLASS = "(no value)"
#: The one class when no colouring is chosen.
LOCATED = "located"
#: Rows without coordinates sent to the window by name (the map lists that many); the rest
#: are counted.
LISTED = 2000


@dataclass(frozen=True)
class MapPoints:
    """A run's rows laid out for the map. Dot ``i`` is sheet row ``rows[i]`` at scene position
    (``xs[i]``, ``ys[i]``); ``cells`` maps a grid cell to the range of its dots; ``missing``
    lists the first :data:`LISTED` rows without coordinates (``missing_count`` of them in
    all); ``polygon`` is every dot, serialised (see :func:`polygon_bytes`); ``bounds`` is
    (left, top, right, bottom) around the dots; ``by_row`` lists the sheet rows in ascending
    order and ``dot_of_row`` their dots, so a row's dot is found by bisection."""

    run_id: int
    rows: array[int] = field(default_factory=lambda: array("q"))
    xs: array[float] = field(default_factory=lambda: array("d"))
    ys: array[float] = field(default_factory=lambda: array("d"))
    cells: dict[tuple[int, int], range] = field(default_factory=dict)
    missing: tuple[MapRow, ...] = ()
    missing_count: int = 0
    polygon: bytes = b"\0\0\0\0"
    bounds: tuple[float, float, float, float] | None = None
    by_row: array[int] = field(default_factory=lambda: array("q"))
    dot_of_row: array[int] = field(default_factory=lambda: array("q"))

    def __len__(self) -> int:
        return len(self.rows)

    def dot(self, row: int) -> int | None:
        """The dot of sheet row ``row``, if it has one."""
        at = bisect_left(self.by_row, row)
        if at < len(self.by_row) and self.by_row[at] == row:
            return self.dot_of_row[at]
        return None


@dataclass(frozen=True)
class DotGroups:
    """The dots by class, most common class first and "(no value)" last: each class's dots
    serialised as a polygon, and how many there are."""

    order: tuple[str, ...]
    polygons: dict[str, bytes]
    counts: dict[str, int]


def polygon_bytes(xs: array[float], ys: array[float], dots: Iterable[int] | None = None) -> bytes:
    """The points (all, or those numbered in ``dots``) as ``QDataStream`` writes a QPolygonF."""
    if dots is not None:
        picked = list(dots)
        xs = array("d", [xs[i] for i in picked])
        ys = array("d", [ys[i] for i in picked])
    pairs = array("d", bytes(16 * len(xs)))
    pairs[0::2], pairs[1::2] = xs, ys
    if sys.byteorder == "little":
        pairs.byteswap()  # QDataStream's default order is big-endian
    return struct.pack(">I", len(xs)) + pairs.tobytes()


def lay_out_points(run_id: int, rows: list[MapRow]) -> MapPoints:
    """``rows`` (every sheet row, as :func:`map_rows` gives them) as map points."""
    located = []
    missing = []
    for r in rows:
        if r.lon is None or r.lat is None:
            missing.append(r)
        else:
            x, y = r.lon * X_SCALE, -r.lat  # as map_layers.to_scene places them
            located.append((int(x // CELL), int(y // CELL), x, y, r.row))
    located.sort()
    cells: dict[tuple[int, int], range] = {}
    start = 0
    for i in range(1, len(located) + 1):
        if i == len(located) or located[i][:2] != located[start][:2]:
            cells[located[start][:2]] = range(start, i)
            start = i
    xs = array("d", [d[2] for d in located])
    ys = array("d", [d[3] for d in located])
    numbers = [d[4] for d in located]
    by_row = sorted(range(len(numbers)), key=numbers.__getitem__)
    bounds = (min(xs), min(ys), max(xs), max(ys)) if located else None
    return MapPoints(run_id, array("q", numbers), xs, ys, cells, tuple(missing[:LISTED]),
                     len(missing), polygon_bytes(xs, ys), bounds,
                     array("q", [numbers[i] for i in by_row]), array("q", by_row))


def load_points(path: Path, run: RunRecord) -> MapPoints:
    """Read ``run``'s rows from the store at ``path`` and lay them out (any thread or
    process; a connection of its own)."""
    return lay_out_points(run.id, map_rows(path, run))


def group_points(points: MapPoints, classes: dict[int, str]) -> DotGroups:
    """The dots of ``points`` grouped by each row's class (``classes``: sheet row -> class;
    rows left out have no value)."""
    return _group(points.rows, points.xs, points.ys, classes)


def _group(rows: array[int], xs: array[float], ys: array[float],
           classes: dict[int, str]) -> DotGroups:
    groups: dict[str, list[int]] = defaultdict(list)
    get = classes.get
    for i, row in enumerate(rows):
        groups[get(row, NO_CLASS)].append(i)
    order = sorted(groups, key=lambda n: (n == NO_CLASS, -len(groups[n]), n))
    return DotGroups(tuple(order), {n: polygon_bytes(xs, ys, groups[n]) for n in order},
                     {n: len(groups[n]) for n in order})


def load_groups(path: Path, run_id: int, rows: array[int], xs: array[float],
                ys: array[float], key: BarKey, threshold: int) -> DotGroups:
    """The dots (sheet row and scene position of each, as in :class:`MapPoints`) grouped by
    the colouring ``key``, read from the store at ``path``. Only the arrays are sent to the
    worker for it, not the whole MapPoints."""
    return _group(rows, xs, ys, row_classes(path, run_id, key, threshold))


def load_map(path: Path, run: RunRecord, key: BarKey | None,
             threshold: int) -> tuple[MapPoints, DotGroups | None]:
    """:func:`load_points` and, for the colouring ``key`` shown first, :func:`load_groups`
    in one call: the map is then drawn once, coloured, instead of all in one colour first and
    again a moment later (two frames of 100,000 dots)."""
    points = load_points(path, run)
    if key is None:
        return points, None
    return points, load_groups(path, run.id, points.rows, points.xs, points.ys, key, threshold)


def uncoloured(points: MapPoints) -> DotGroups:
    """Every dot as one class, before (or without) a colouring."""
    if not len(points):
        return DotGroups((), {}, {})
    return DotGroups((LOCATED,), {LOCATED: points.polygon}, {LOCATED: len(points)})
