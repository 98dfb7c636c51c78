"""The results review's table model: a run's rows served lazily, a block at a time, from SQL.

``rowCount`` is the number of matching rows (one cheap count), but row contents are only read
when the view asks for them, in blocks of :attr:`ResultsModel.BLOCK` rows kept in a small cache,
so 100,000 rows never sit in memory and the scroll bar still shows the true length. Filtering,
searching and sorting are delegated to :class:`ReviewQuery` (SQLite); each change resets the model,
which is cheap here because nothing is loaded up front.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from collections import OrderedDict
from dataclasses import replace
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from ping_desktop.gui.result_words import column_title, format_money
from ping_desktop.storage.review import ReviewColumn, ReviewFilter, ReviewQuery, ReviewRow
from ping_desktop.storage.runstore_records import SourceResult

log = logging.getLogger(__name__)
_Index = QModelIndex | QPersistentModelIndex
ROW_NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1
FLAG_ROLE = ROW_NUMBER_ROLE + 1  # "failed", "low", "missing" or None

_FAILED_HUE = QColor(214, 39, 40)
_LOW_HUE = QColor(230, 160, 0)


def format_value(value: Any) -> str:
    """A cell value as the user would type it (no ``None``, no ``1234.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.10g}" if not value.is_integer() or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def tint(hue: QColor, palette: QPalette, amount: float = 0.3) -> QColor:
    """``hue`` mixed into the palette's base colour: a light wash on light themes, a dark one on
    dark themes, so the palette's own text colour stays readable on it."""
    base = palette.color(QPalette.ColorRole.Base)
    mix = 1.0 - amount
    return QColor(
        round(base.red() * mix + hue.red() * amount),
        round(base.green() * mix + hue.green() * amount),
        round(base.blue() * mix + hue.blue() * amount),
    )


def result_flag(result: SourceResult | None, threshold: int) -> str | None:
    """Why a result needs a look: ``failed``, ``missing``, ``low`` confidence, or None."""
    if result is None:
        return "missing"
    if not result.is_success:
        return "failed"
    if result.confidence is not None and result.confidence < threshold:
        return "low"
    return None


def status_text(result: SourceResult | None, problems: tuple[str, ...] = ()) -> str:
    """The status cell: a word and a symbol, never colour alone."""
    if result is None:
        return f"\u2014 Not sent: {problems[0]}" if problems else "\u2014 No result"
    if not result.is_success:
        return f"\u2717 Failed: {result.error_message or 'no reason given'}"
    return "\u2713 OK"


class ResultsModel(QAbstractTableModel):
    """Original columns, then per source status, confidence and key fields (read-only)."""

    BLOCK = 200
    MAX_BLOCKS = 12

    #: True while a filter/sort is being worked out in a worker thread.
    busy_changed = Signal(bool)
    #: A filter or sort could not be applied; plain words.
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, background: bool = False) -> None:
        """``background``: work out filters and sorts in a worker thread (needs a running
        asyncio loop, i.e. qasync); otherwise they run synchronously."""
        super().__init__(parent)
        self.background = background
        self._wanted: ReviewFilter | None = None
        self._task: asyncio.Task[None] | None = None
        self._retired: list[ReviewQuery] = []
        self._query: ReviewQuery | None = None
        self._columns: list[ReviewColumn] = []
        self._filter = ReviewFilter()
        self._count = 0
        self._blocks: OrderedDict[int, list[ReviewRow]] = OrderedDict()
        #: Rows read from the store since the last reset (lets tests check laziness).
        self.fetched_rows = 0

    # ----- loading and filtering ---------------------------------------------------------------

    def load(self, query: ReviewQuery | None, threshold: int) -> None:
        """Show the rows of ``query`` (None empties the table), all rows, sheet order. The model
        owns ``query`` from now on: it is closed when another one replaces it.

        In background mode the table is empty (and ``busy_changed(True)`` is emitted) until the
        rows are counted in a worker thread, so opening a 100,000-row run never stalls."""
        first = ReviewFilter(threshold=threshold)
        background = self.background and query is not None
        previous = self._query
        self.beginResetModel()
        self._wanted = None
        self._query = query
        self._columns = query.columns() if query is not None else []
        self._filter = first
        if background:
            # Empty until the first order is worked out in a worker thread (see request_filter).
            self._blocks.clear()
            self.fetched_rows = 0
            self._count = 0
        else:
            self._refill()
        self.endResetModel()
        if previous is not None and previous is not query:
            self._retire(previous)
        if background:
            self._wanted = first
            if self._task is None or self._task.done():
                self._task = asyncio.ensure_future(self._apply_wanted())

    @property
    def query(self) -> ReviewQuery | None:
        """The query behind the table."""
        return self._query

    def pending_filter(self) -> ReviewFilter | None:
        """The filter being worked out in the background, if any."""
        return self._wanted

    @property
    def review_filter(self) -> ReviewFilter:
        """The filter, search and sort in force."""
        return self._filter

    def columns(self) -> list[ReviewColumn]:
        """The columns shown, in order."""
        return list(self._columns)

    def set_filter(self, review_filter: ReviewFilter) -> None:
        """Apply another filter/search/sort (a model reset: row positions all change)."""
        if review_filter == self._filter:
            return
        self._apply(review_filter)

    def _apply(self, review_filter: ReviewFilter) -> None:
        self.beginResetModel()
        self._filter = review_filter
        self._refill()
        self.endResetModel()

    def request_filter(self, review_filter: ReviewFilter) -> None:
        """Like :meth:`set_filter`, but in the background when enabled: the table keeps showing
        the previous rows until the new order is ready, and the window never freezes."""
        if not self.background or self._query is None:
            self.set_filter(review_filter)
            return
        self._wanted = review_filter
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._apply_wanted())

    async def _apply_wanted(self) -> None:
        self.busy_changed.emit(True)
        try:
            while self._wanted is not None and self._query is not None:
                wanted, query = self._wanted, self._query
                try:
                    await asyncio.to_thread(query.prepare, wanted)
                except sqlite3.Error as exc:
                    if not shiboken6.isValid(self):
                        return
                    if query is not self._query:
                        continue  # another run was opened meanwhile: go on with that one
                    log.warning("Review query failed: %s", exc)
                    self._wanted = None
                    self.failed.emit(
                        "These results could not be filtered or sorted (the run history "
                        "could not be read). Try again, or reopen the run."
                    )
                    return
                if not shiboken6.isValid(self):
                    return
                # Apply only the latest wish for the query still shown; otherwise loop on.
                if query is self._query and self._wanted == wanted:
                    self._wanted = None
                    self._apply(wanted)  # answered from the query's cache: instant
        finally:
            # Queries replaced while a worker thread was using them are closed only now.
            for retired in self._retired:
                retired.close()
            self._retired.clear()
            if shiboken6.isValid(self):
                self.busy_changed.emit(False)

    def _retire(self, query: ReviewQuery) -> None:
        if self._task is not None and not self._task.done():
            self._retired.append(query)
        else:
            query.close()

    def refresh(self) -> None:
        """Re-read the rows (after the engine stored more results for a running run)."""
        if self._query is not None:
            self._query.refresh()
        self.beginResetModel()
        self._refill()
        self.endResetModel()

    def _refill(self) -> None:
        self._blocks.clear()
        self.fetched_rows = 0
        self._count = self._query.count(self._filter) if self._query is not None else 0

    def row_at(self, row: int) -> ReviewRow | None:
        """The row at ``row`` in the current order, reading its block from the store if needed."""
        if self._query is None or not 0 <= row < self._count:
            return None
        block_no, offset = divmod(row, self.BLOCK)
        block = self._blocks.get(block_no)
        if block is None:
            block = self._query.page(self._filter, block_no * self.BLOCK, self.BLOCK)
            self.fetched_rows += len(block)
            self._blocks[block_no] = block
            while len(self._blocks) > self.MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block_no)
        return block[offset] if offset < len(block) else None

    # ----- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of rows matching the filter (their contents are read lazily)."""
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Original columns plus result columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; row headers are the sheet's row numbers."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole \
                and 0 <= section < len(self._columns) and self._columns[section].source:
            return f"Source code: {self._columns[section].source}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            column = self._columns[section]
            return column_title(column.header, column.source)
        row = self.row_at(section)
        return str(row.row_number) if row is not None else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; a column outside the table means the sheet's own order."""
        sort_column = column if 0 <= column < len(self._columns) else None
        descending = order == Qt.SortOrder.DescendingOrder
        self.request_filter(replace(self._filter, sort_column=sort_column, descending=descending))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, flags (text + icon + tinted background) and tooltips."""
        if not index.isValid() or not 0 <= index.column() < len(self._columns):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = self._columns[index.column()]
        if role == ROW_NUMBER_ROLE:
            return row.row_number
        if column.kind == "input":
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                values = row.values
                return format_value(values[column.index]) if column.index < len(values) else ""
            return None
        return self._result_data(row, column, role)

    def _result_data(self, row: ReviewRow, column: ReviewColumn, role: int) -> Any:
        result = row.results.get(column.source or "")
        flag = result_flag(result, self._filter.threshold)
        # A failure is flagged on the status cell, low confidence on the confidence cell, so
        # the eye lands on the number that needs checking and "OK" never looks like an error.
        flagged = None
        if (column.kind == "status" and flag in ("failed", "missing")) or (
            column.kind == "confidence" and flag == "low"
        ):
            flagged = flag
        if role == FLAG_ROLE:
            return flagged
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._result_text(row, result, column, flag)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._result_tooltip(result, column, flag)
        if role == Qt.ItemDataRole.BackgroundRole and flagged in ("failed", "low"):
            palette = QGuiApplication.palette()
            return tint(_FAILED_HUE if flagged == "failed" else _LOW_HUE, palette)
        if role == Qt.ItemDataRole.DecorationRole and flagged in ("failed", "low"):
            app = QApplication.instance()
            if isinstance(app, QApplication):
                icon = (
                    QStyle.StandardPixmap.SP_MessageBoxCritical
                    if flagged == "failed"
                    else QStyle.StandardPixmap.SP_MessageBoxWarning
                )
                return app.style().standardIcon(icon)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind == "confidence":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _result_text(
        self, row: ReviewRow, result: SourceResult | None, column: ReviewColumn, flag: str | None
    ) -> str:
        if column.kind == "status":
            return status_text(result, row.problems)
        if result is None:
            return ""
        if column.kind == "confidence":
            if result.confidence is None:
                return ""
            text = format_value(result.confidence)
            return f"{text} (low)" if flag == "low" else text
        value = result.data.get(column.field or "")
        return format_money(column.field or "", value) or format_value(value)

    def _result_tooltip(
        self, result: SourceResult | None, column: ReviewColumn, flag: str | None
    ) -> str | None:
        source = column.source or ""
        if flag == "failed" and result is not None:
            return f"{source} failed for this row: {result.error_message or 'no reason given'}"
        if flag == "missing":
            return f"{source} returned nothing for this row."
        if flag == "low" and column.kind == "confidence":
            return (
                f"{source} is not sure about this result (confidence "
                f"{format_value(result.confidence if result else None)}, below your threshold "
                f"of {self._filter.threshold}). Check it before relying on it."
            )
        return None
