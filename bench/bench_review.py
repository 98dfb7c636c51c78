"""How fast the results review answers on a 100,000-row run (prints figures; asserts nothing).

    .venv/bin/python bench/bench_review.py [ROWS]

Builds a run through RunStore (the same generator as tests/storage/test_review.py), then times,
per filter: building the ordered row list (count) and reading one 200-row page from the middle.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ping_desktop.storage.review import ReviewFilter, ReviewQuery
from tests.storage.test_review import build_review_store


def main() -> None:
    """Build the store and print one line per filter."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
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


if __name__ == "__main__":
    main()
