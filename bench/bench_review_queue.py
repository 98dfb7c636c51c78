"""How fast the needs-review queue answers on a 100,000-row run (prints figures; asserts
nothing).

    .venv/bin/python bench/bench_review_queue.py [ROWS]

Builds a run through RunStore (the generator of tests/storage/test_review.py: PG and PH results,
some failures, low confidences and unsent rows), then times: ``queue_count`` (History's per-run
count), the whole ``review_queue`` (reasons, messages and addresses of every queued row), a
10-row edit + resubmit transaction, and ``queue_count`` again after it. Wall and CPU seconds:
CPU is the figure to compare on a shared machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ping_desktop.domain import RunPhase
from ping_desktop.storage.edit_check import check_edit
from ping_desktop.storage.review_queue import queue_count, review_queue
from ping_desktop.storage.row_edits import RowEdit
from tests.storage.test_review import FIRST_ROW, build_review_store

T = TypeVar("T")


def timed(label: str, fn: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label:<34} {time.perf_counter() - wall:7.3f} s wall {time.process_time() - cpu:7.3f}"
          " s CPU")
    return out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        store, run_id = timed("build the run", lambda: build_review_store(
            Path(tmp) / "runs.sqlite3", rows))
        try:
            count = timed("queue_count", lambda: queue_count(store, run_id, 70))
            queue = timed("review_queue (every queued row)",
                          lambda: review_queue(store, run_id, 70))
            print(f"  {count:,} of {rows:,} rows queued; {len(queue):,} listed")
            run = store.get_run(run_id)
            edited = [FIRST_ROW + n for n in range(10)]

            def edit_and_resubmit() -> list[int]:
                checks = []
                for row in edited:
                    values = store.row_values(run_id, row)
                    assert values is not None
                    checks.append(check_edit(run, values, RowEdit(
                        row, {"address": f"{row} Main St, Boston, MA 02108"})))
                store.record_row_edits(run_id, checks, "bench")
                return store.resubmit_edits(run_id, edited, 1000)

            timed("edit + resubmit 10 rows (store)", edit_and_resubmit)
            store.set_run_phase(run_id, RunPhase.COMPLETE)
            timed("queue_count after", lambda: queue_count(store, run_id, 70))
        finally:
            store.close()


if __name__ == "__main__":
    main()
