"""Qt-free helpers of the review's Summary and Map tabs: a results filter kept to a set of sheet
rows (a clicked bar, a box of map points), and where those rows stand in the table.

The row set is :attr:`ReviewFilter.rows`, so a clicked bar combines with the chosen filter,
search and sort.
"""

from __future__ import annotations

from dataclasses import replace

from ping_desktop.storage.review import ReviewFilter, ReviewQuery


def with_rows(review_filter: ReviewFilter, rows: frozenset[int] | None) -> ReviewFilter:
    """``review_filter`` kept to ``rows`` (None: every row again)."""
    return replace(review_filter, rows=rows)


class RowSubsetQuery(ReviewQuery):
    """A :class:`ReviewQuery` that also says where sheet rows stand in a filter's order and
    which rows stand at given places (the map's and the table's selections)."""

    def positions(self, review_filter: ReviewFilter, row_numbers: set[int]) -> list[int]:
        """Where the given sheet rows stand in the filter's order (0-based, ascending); rows
        the filter hides are left out."""
        return [i for i, n in enumerate(self.order(review_filter)) if n in row_numbers]

    def rows_at(self, review_filter: ReviewFilter, positions: list[int]) -> list[int]:
        """The sheet row numbers at these places of the filter's order (without reading the
        rows themselves: a selection of every row stays cheap)."""
        order = self.order(review_filter)
        return [order[i] for i in positions if 0 <= i < len(order)]
