"""ReviewFilter.rows keeps a review to a set of sheet rows (a clicked bar, a map selection),
together with the filter's kind, search and sort."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ping_desktop.storage.review import ReviewFilter, ReviewQuery
from tests.storage.test_run_summary import FIRST_ROW, THRESHOLD, build_summary_store


@pytest.fixture
def query(tmp_path: Path) -> Iterator[ReviewQuery]:
    store, run_id = build_summary_store(tmp_path / "runs.sqlite3")
    q = ReviewQuery(store, run_id)
    yield q
    q.close()
    store.close()


def test_rows_keeps_only_those_rows_in_the_filters_order(query: ReviewQuery) -> None:
    every = ReviewFilter(threshold=THRESHOLD)
    assert query.count(every) == 10
    picked = frozenset({FIRST_ROW + 1, FIRST_ROW + 4, FIRST_ROW + 5, 999})
    assert list(query.order(ReviewFilter(threshold=THRESHOLD, rows=picked))) == [
        FIRST_ROW + 1, FIRST_ROW + 4, FIRST_ROW + 5]
    # Combined with "low confidence" (rows 4 and 5 are below 70): only those stay.
    low = ReviewFilter(kind="low_confidence", threshold=THRESHOLD, rows=picked)
    assert list(query.order(low)) == [FIRST_ROW + 4, FIRST_ROW + 5]
    # Sorted by the name column, descending: the subset follows the sort.
    by_name = ReviewFilter(threshold=THRESHOLD, rows=picked, sort_column=0, descending=True)
    assert list(query.order(by_name)) == [FIRST_ROW + 5, FIRST_ROW + 4, FIRST_ROW + 1]
    assert [r.row_number for r in query.page(by_name, 1, 5)] == [FIRST_ROW + 4, FIRST_ROW + 1]


def test_an_empty_row_set_shows_nothing_and_none_shows_everything(query: ReviewQuery) -> None:
    assert query.count(ReviewFilter(threshold=THRESHOLD, rows=frozenset())) == 0
    assert query.count(ReviewFilter(threshold=THRESHOLD, rows=None)) == 10
