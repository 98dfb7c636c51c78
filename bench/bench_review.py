"""How fast the results review answers on a 100,000-row run (prints figures; asserts nothing).

    .venv/bin/python bench/bench_review.py [ROWS] [--gui]

Builds a run through RunStore (the same generator as tests/storage/test_review.py), then times,
per filter: building the ordered row list (count) and reading one 200-row page from the middle.
With --gui it also opens the run in a ResultsView (offscreen, on a qasync loop) and reports the
largest gap of a 10 ms heartbeat timer while the run opens, is filtered, searched, sorted and
scrolled: the window's worst stall.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ping_desktop.storage.review import ReviewFilter, ReviewQuery
from tests.storage.test_review import build_review_store


def gui_stalls(store_path: Path, run_id: int, rows: int) -> None:
    """Drive a ResultsView on the 100k-row run and print the worst event-loop stall per step."""
    import asyncio
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_API", "pyside6")
    import PySide6
    import qasync
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from ping_desktop.gui.results_view import ResultsView

    QApplication.instance() or QApplication([])
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    async def settle(view: ResultsView, done: object) -> None:
        while not done():  # type: ignore[operator]  # noqa: ASYNC110 - polling a widget predicate
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)

    async def scenario() -> None:
        view = ResultsView()
        view.resize(1200, 700)
        view.show()
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(beat)
        clock.start()
        timer.start()
        steps = [
            ("idle (noise floor)", lambda: None, lambda: clock.elapsed() > 1500),
            (
                "open run",
                lambda: view.load_run(store_path, run_id, 50),
                lambda: view.model.rowCount() == rows,
            ),
            (
                "filter: problems",
                lambda: view.select_filter("problems"),
                lambda: view.model.review_filter.kind == "problems",
            ),
            (
                "filter: low confidence",
                lambda: view.select_filter("low_confidence"),
                lambda: view.model.review_filter.kind == "low_confidence",
            ),
            ("all rows", lambda: view.select_filter("all"), lambda: view.model.rowCount() == rows),
            (
                "search 'tampa'",
                lambda: (view.search.setText("tampa"), view.apply_search()),
                lambda: view.model.review_filter.search == "tampa",
            ),
            (
                "clear search",
                lambda: (view.search.clear(), view.apply_search()),
                lambda: view.model.rowCount() == rows,
            ),
            (
                "sort PH confidence",
                lambda: view.table.sortByColumn(
                    [c.header for c in view.model.columns()].index("PH confidence"),
                    PySide6.QtCore.Qt.SortOrder.DescendingOrder,
                ),
                lambda: view.model.review_filter.sort_column is not None,
            ),
            ("scroll to the end", view.table.scrollToBottom, lambda: True),
        ]
        print(f"{'GUI step':34} {'largest gap (ms)':>17}")
        for name, act, done in steps:
            gaps.clear()
            last[0] = clock.nsecsElapsed() / 1e6
            act()
            await settle(view, done)
            print(f"{name:34} {max(gaps, default=0.0):>17.0f}")
        timer.stop()
        view.model.query.close()  # type: ignore[union-attr]
        view.close()

    qasync.run(scenario())


def main() -> None:
    """Build the store and print one line per filter."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 100_000
    folder = Path(tempfile.mkdtemp(prefix="bench-review-"))
    started = time.perf_counter()
    store, run_id = build_review_store(folder / "runs.sqlite3", rows)
    print(f"built {rows:,} rows in {time.perf_counter() - started:.1f} s")
    query = ReviewQuery(store, run_id)
    headers = [c.header for c in query.columns()]
    cases = {
        "all rows": ReviewFilter(),
        "problems": ReviewFilter(kind="problems"),
        "low confidence < 50": ReviewFilter(kind="low_confidence", threshold=50),
        "PH failed/missing/low": ReviewFilter(kind="source", source="PH", threshold=50),
        "search 'tampa'": ReviewFilter(search="tampa"),
        "search 'zürich' (non-ASCII)": ReviewFilter(search="zürich"),
        "search 'rooftop' (result text)": ReviewFilter(search="rooftop"),
        "sort City": ReviewFilter(sort_column=headers.index("City")),
        "sort PH confidence desc": ReviewFilter(
            sort_column=headers.index("PH confidence"), descending=True
        ),
        "problems + sort PG match level": ReviewFilter(
            kind="problems", sort_column=headers.index("PG match level")
        ),
    }
    print(f"{'filter':34} {'rows':>8} {'order (s)':>10} {'page (ms)':>10}")
    for name, review_filter in cases.items():
        started = time.perf_counter()
        count = query.count(review_filter)
        ordered = time.perf_counter() - started
        started = time.perf_counter()
        query.page(review_filter, count // 2, 200)
        paged = (time.perf_counter() - started) * 1000
        print(f"{name:34} {count:>8,} {ordered:>10.3f} {paged:>10.1f}")
    query.close()
    store.close()
    if "--gui" in sys.argv:
        gui_stalls(folder / "runs.sqlite3", run_id, rows)


if __name__ == "__main__":
    main()
