"""The review's map and summary from the window's worker process (issue 13: read in threads of
the window, a 100,000-row run held its GIL for seconds): the map fills from the worker's arrays
exactly as before, hover text is read per row, and a load overtaken by a newer one is not
shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ping_desktop.gui.map_data import polygon_of
from ping_desktop.gui.map_layers import to_scene
from ping_desktop.gui.results_view import ResultsView
from ping_desktop.gui.review_loads import ReviewLoads
from ping_desktop.storage.runstore import RunStore
from ping_desktop.worker import map_points
from ping_desktop.worker.pool import OffloadPool
from tests.storage.test_run_summary import FIRST_ROW, LAT, LON, THRESHOLD, build_summary_store

T = TypeVar("T")
LOCATED = [n for n in range(10) if LAT[n] is not None]


@pytest.fixture
def ten(tmp_path: Path) -> Iterator[tuple[RunStore, int]]:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    yield store, run_id
    store.close()


def shown(qtbot: Any, view: ResultsView, store: RunStore, run_id: int) -> None:
    view.load_run(store, run_id, THRESHOLD)
    view.tabs.setCurrentWidget(view.map.view)


def test_the_map_fills_from_the_worker_process(qtbot: Any, qloop: Any,
                                               ten: tuple[RunStore, int]) -> None:
    store, run_id = ten
    pool = OffloadPool()
    try:
        view = ResultsView()
        qtbot.addWidget(view)
        view.resize(1000, 700)
        view.show()
        view.loads.pool = pool
        shown(qtbot, view, store, run_id)
        qtbot.waitUntil(lambda: bool(view.map.view.classes), timeout=60_000)
        map_view = view.map.view
        # Every located row is a dot where its coordinates say, found again by its row.
        assert sorted(map_view.rows) == [n + FIRST_ROW for n in LOCATED]
        for n in LOCATED:
            dot = map_view.placement.dot(n + FIRST_ROW)
            assert dot is not None
            where = to_scene(float(LON[n] or 0), float(LAT[n] or 0))
            assert (map_view.canvas.xs[dot], map_view.canvas.ys[dot]) == pytest.approx(
                (where.x(), where.y()))
        assert map_view.placement.dot(9 + FIRST_ROW) is None  # never sent: no dot
        # Coloured by the geocoder's outcome, the polygons read back from the worker's bytes.
        assert map_view.classes == {"located": 5, "low confidence": 2}
        drawn = map_view.canvas.points_item._groups
        assert sorted(p.count() for _, p in drawn) == [2, 5]
        assert "3 rows without coordinates" in map_view.unlocated_label.text()
        # The summary came from the worker too, once for both tabs.
        view.tabs.setCurrentWidget(view.summary)
        qtbot.waitUntil(lambda: view.summary.summary is not None, timeout=60_000)
        assert view.summary.summary is not None
        assert view.summary.summary.rows == 10
        # Hover reads that one row's name and address from the store.
        canvas = map_view.canvas
        hit = canvas.nearest(canvas.mapFromScene(to_scene(-95.4, 29.7)))
        assert hit is not None
        assert canvas.tips(hit) == f"Row {4 + FIRST_ROW}\nSite 4\n4 MAIN ST"
    finally:
        if view.model.query is not None:
            view.model.query.close()
        pool.shutdown()


class GatedLoads(ReviewLoads):
    """Runs each map load only when the test lets it finish, in the order the test chooses."""

    def __init__(self) -> None:
        super().__init__()
        self.gates: list[asyncio.Event] = []
        self.called: list[str] = []

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        self.called.append(fn.__name__)
        if fn is map_points.load_map:
            gate = asyncio.Event()
            self.gates.append(gate)
            await gate.wait()
        return await super().run(fn, *args)


def test_a_load_overtaken_by_a_newer_one_is_not_shown(qtbot: Any, qloop: Any,
                                                      tmp_path: Path) -> None:
    first, first_id = build_summary_store(tmp_path / "first.sqlite3")
    other, other_id = build_summary_store(tmp_path / "other.sqlite3")
    # The other run has its first row moved north: which load is shown is told by it.
    other.close()
    import sqlite3

    conn = sqlite3.connect(tmp_path / "other.sqlite3")
    with conn:
        conn.execute("DELETE FROM input_rows WHERE row_number = ?", (FIRST_ROW,))
    conn.close()
    view = ResultsView()
    qtbot.addWidget(view)
    view.show()
    loads = view.loads = GatedLoads()
    try:
        shown(qtbot, view, first, first_id)
        qtbot.waitUntil(lambda: len(loads.gates) == 1, timeout=5000)
        view.load_run(tmp_path / "other.sqlite3", other_id, THRESHOLD)  # the newer load
        qtbot.waitUntil(lambda: len(loads.gates) == 2, timeout=5000)
        loads.gates[1].set()
        qtbot.waitUntil(lambda: len(view.map.view.rows) == len(LOCATED) - 1, timeout=5000)
        newer = view.map.view.placement
        loads.gates[0].set()  # the older one ends last
        qtbot.wait(300)
        assert view.map.view.placement is newer
        assert FIRST_ROW not in view.map.view.rows
        # Drawn coloured at once: the first colouring came with the points, not after them.
        assert view.map.view.classes == {"located": 4, "low confidence": 2}
        assert "load_groups" not in loads.called
    finally:
        for gate in loads.gates:
            gate.set()
        if view.model.query is not None:
            view.model.query.close()
        first.close()


def test_worker_bytes_read_back_as_the_same_polygon(qapp: Any) -> None:
    from array import array

    xs, ys = array("d", [1.5, -2.25, 3.0]), array("d", [-4.0, 5.5, 6.125])
    polygon = polygon_of(map_points.polygon_bytes(xs, ys))
    points = [(polygon.at(i).x(), polygon.at(i).y()) for i in range(3)]
    assert points == list(zip(xs, ys, strict=True))
    picked = polygon_of(map_points.polygon_bytes(xs, ys, [2, 0]))
    assert [(picked.at(i).x(), picked.at(i).y()) for i in range(2)] == [(3.0, 6.125), (1.5, -4.0)]
    assert polygon_of(map_points.polygon_bytes(array("d"), array("d"))).count() == 0
    with pytest.raises(ValueError, match="damaged"):
        polygon_of(map_points.polygon_bytes(xs, ys)[:-8])
