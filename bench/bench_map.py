"""How long the Map tab takes to draw a frame with 100,000 points (prints figures; asserts
nothing). Goal: a pan or zoom frame within 50 ms.

    .venv/bin/python bench/bench_map.py [POINTS]

Puts POINTS random located rows over the contiguous US (5 classes) into a MapView, offscreen
at 1280x800, then times synchronous repaints of the canvas: the whole US, zoom steps in to
county level (counties drawn), pans at that zoom, and zoom back out. Also times laying the rows
out and grouping them by class (the window does both in its worker process), handing both to
the view (Qt thread), and the nearest-dot look-up used by hover.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from ping_desktop.gui.map_data import lay_out
from ping_desktop.gui.map_view import MapView
from ping_desktop.storage.run_map import MapRow
from ping_desktop.storage.run_summary import BarKey
from ping_desktop.worker.map_points import group_points


def timed(label: str, frames: list[float]) -> None:
    ms = sorted(f * 1000 for f in frames)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"{label:<34} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   "
          f"max {ms[-1]:6.1f} ms   ({len(ms)} frames)")


def main(points: int) -> None:
    app = QApplication.instance() or QApplication([])
    rng = random.Random(13)
    rows = [MapRow(n + 2, rng.uniform(-124, -67), rng.uniform(25, 49), f"Site {n}",
                   f"{n} Main St") for n in range(points)]
    view = MapView()
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    # The window lays the rows out and groups the dots in its worker process; only set_rows and
    # set_classes with the results run on the Qt thread (what can stall the window).
    start = time.perf_counter()
    layout = lay_out(rows)
    print(f"lay_out({points:,}) (worker)          {time.perf_counter() - start:6.3f} s")
    start = time.perf_counter()
    view.set_rows(layout, [("PG: outcome", BarKey("outcome", "PG", ""))])
    print(f"set_rows (Qt thread)                {time.perf_counter() - start:6.3f} s")
    classes = {r.row: ("located", "low confidence", "not found", "AE", "X")[r.row % 5]
               for r in rows}
    start = time.perf_counter()
    grouping = group_points(layout, classes)
    print(f"group_points, 5 classes (worker)    {time.perf_counter() - start:6.3f} s")
    start = time.perf_counter()
    view.set_classes(grouping)
    print(f"set_classes (Qt thread)             {time.perf_counter() - start:6.3f} s")
    canvas = view.canvas
    viewport = canvas.viewport()
    app.processEvents()

    def frame() -> float:
        t = time.perf_counter()
        viewport.repaint()
        return time.perf_counter() - t

    whole = [frame() for _ in range(10)]
    timed("whole US, repaint", whole)
    zoom_in = []
    for _ in range(12):  # 1.25^12 ~ 15x: county level
        canvas.zoom(1.25)
        zoom_in.append(frame())
    timed("zoom in step (to counties)", zoom_in)
    pans = []
    bar = canvas.horizontalScrollBar()
    for i in range(20):
        bar.setValue(bar.value() + (40 if i < 10 else -40))
        pans.append(frame())
    timed("pan step at county zoom", pans)
    zoom_out = []
    for _ in range(12):
        canvas.zoom(0.8)
        zoom_out.append(frame())
    timed("zoom out step", zoom_out)
    canvas.fit()
    centre = QPoint(canvas.width() // 2, canvas.height() // 2)
    start = time.perf_counter()
    for dx in range(100):
        canvas.nearest(centre + QPoint(dx, 0))
    print(f"hover look-up (nearest dot)         {(time.perf_counter() - start) * 10:6.2f} ms")
    everything = [frame() for _ in range(5)]
    timed("whole map again", everything)
    worst = max(whole + zoom_in + pans + zoom_out) * 1000
    print(f"worst pan/zoom frame: {worst:.1f} ms (goal <= 50 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
