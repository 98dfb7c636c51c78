"""Qt-free helpers of the review's Summary and Map tabs: a results filter restricted to a set of
sheet rows (a clicked bar, a box of map points) and the query that understands it.

The review's own filters live in :mod:`ping_desktop.storage.review`; :class:`RowsFilter` adds a
row set on top of them, so a clicked bar combines with the chosen filter, search and sort.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, fields

from ping_desktop.storage.review import ReviewFilter, ReviewQuery

_CACHED = 4


@dataclass(frozen=True)
class RowsFilter(ReviewFilter):
    """A :class:`ReviewFilter` that also keeps only ``rows`` (sheet row numbers), when set;
    ``label`` says in plain words where the rows came from (a bar, a map selection)."""

    rows: frozenset[int] | None = None
    label: str = ""


def base_filter(review_filter: ReviewFilter) -> ReviewFilter:
    """The plain review filter under a :class:`RowsFilter` (itself otherwise)."""
    if type(review_filter) is ReviewFilter:
        return review_filter
    names = [f.name for f in fields(ReviewFilter)]
    return ReviewFilter(**{n: getattr(review_filter, n) for n in names})


def with_rows(review_filter: ReviewFilter, rows: frozenset[int] | None, label: str) -> RowsFilter:
    """``review_filter`` kept to ``rows`` (None: every row again)."""
    base = base_filter(review_filter)
    names = [f.name for f in fields(ReviewFilter)]
    return RowsFilter(**{n: getattr(base, n) for n in names}, rows=rows, label=label)


class RowSubsetQuery(ReviewQuery):
    """A :class:`ReviewQuery` that also answers :class:`RowsFilter`: the base filter's order,
    kept to the given rows (a Python set test over at most one run's row numbers)."""

    def prepare(self, review_filter: ReviewFilter) -> int:
        """How many rows match; see :meth:`ReviewQuery.prepare`."""
        rows = getattr(review_filter, "rows", None)
        if rows is None:
            return super().prepare(review_filter)
        with self._lock:
            cached = self._orders.get(review_filter)
            if cached is not None:
                self._orders.move_to_end(review_filter)
                return len(cached)
        sql, params = self._order_sql(base_filter(review_filter))
        cursor = self._conn().execute(sql, {"run": self.run_id, **params})
        order = array("q", (n for (n,) in cursor if n in rows))
        with self._lock:
            self._orders[review_filter] = order
            while len(self._orders) > _CACHED:
                self._orders.popitem(last=False)
        return len(order)

    def positions(self, review_filter: ReviewFilter, row_numbers: set[int]) -> list[int]:
        """Where the given sheet rows stand in the filter's order (0-based, ascending); rows
        the filter hides are left out."""
        self.prepare(review_filter)
        with self._lock:
            order = self._orders.get(review_filter, array("q"))
        return [i for i, n in enumerate(order) if n in row_numbers]

    def rows_at(self, review_filter: ReviewFilter, positions: list[int]) -> list[int]:
        """The sheet row numbers at these places of the filter's order (without reading the
        rows themselves: a selection of every row stays cheap)."""
        self.prepare(review_filter)
        with self._lock:
            order = self._orders.get(review_filter, array("q"))
        return [order[i] for i in positions if 0 <= i < len(order)]
