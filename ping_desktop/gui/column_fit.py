"""A table's column widths fitted to its header and first rows, a few columns per turn of the
event loop.

Measured from the header and the first rows, not with ``resizeColumnsToContents()``: on a
hidden table Qt measures every row, which would read a whole 100,000-row run. Fitting the
review's ~40 columns at once (reading and measuring 40 rows of each) took 25-35 ms of the Qt
thread, which added to a repaint of the map was a visible stall (bench_gui_stall
--review-open); a few columns per turn keep each step short.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QTableView

from ping_desktop.gui.staged_work import StagedWork

#: Rows measured, columns fitted per event-loop turn, and the width bounds (pixels).
SAMPLE_ROWS = 40
PER_TURN = 8
MIN_WIDTH, MAX_WIDTH, PADDING = 60, 280, 28


class ColumnFitter(QObject):
    """Fits ``table``'s columns; a new :meth:`fit` replaces one still under way."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.staged = StagedWork(self)

    def fit(self) -> None:
        """Fit every column, starting now (the first columns) and going on in later turns."""
        columns = list(range(self.table.model().columnCount()))
        chunks = [columns[i:i + PER_TURN] for i in range(0, len(columns), PER_TURN)]
        if not chunks:
            self.staged.cancel()
            return
        self._fit(chunks[0])
        self.staged.start(partial(self._fit, chunk) for chunk in chunks[1:])

    def _fit(self, columns: list[int]) -> None:
        model, header = self.table.model(), self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        sample = range(min(model.rowCount(), SAMPLE_ROWS))
        for column in columns:
            if column >= model.columnCount():  # the model changed since: a new fit follows
                return
            texts = [str(model.headerData(column, Qt.Orientation.Horizontal) or "")]
            texts += [str(model.index(r, column).data() or "") for r in sample]
            width = max(metrics.horizontalAdvance(t) for t in texts) + PADDING
            header.resizeSection(column, min(max(width, MIN_WIDTH), MAX_WIDTH))
