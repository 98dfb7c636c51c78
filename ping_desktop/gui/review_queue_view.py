"""The *Needs review* tab of a run's review: the queue of rows that need a person beside the
edit panel, with *Accept as is* and *Resubmit N rows…*. Shows what it is told; the
:class:`~ping_desktop.gui.review_queue_flow.ReviewQueueFlow` does the work."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.gui.review_queue_model import COLUMNS, ReviewQueueModel
from ping_desktop.gui.row_edit_panel import RowEditPanel
from ping_desktop.gui.tables import row_table
from ping_desktop.storage.review_queue import QueueRow

TAB_TITLE = "&Needs review"
_EMPTY = "Nothing needs review in this run: every row was sent and located well."
_NO_RUN = "Open a run to see the rows that need review."


def tab_title(count: int | None) -> str:
    """The tab's title with the count ("&Needs review (12)"); None: not counted yet."""
    return TAB_TITLE if count is None else f"{TAB_TITLE} ({count:,})"


class ReviewQueueView(QWidget):
    """Queue table + edit panel + actions. Signals: ``accept_requested(list[int])`` (sheet
    rows), ``resubmit_requested()``, ``edit_saved(RowEdit)`` (from the panel)."""

    accept_requested = Signal(list)
    resubmit_requested = Signal()
    edit_saved = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewQueue")
        self.model = ReviewQueueModel(self)
        self.table = row_table(self, "reviewQueueTable", "Rows that need review", self.model,
                               description="Each row: sheet row, status, why, and the address")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {"row": 48, "status": 130, "street": 140, "city": 90, "state": 48, "zip": 56}
        for column, (_title, key) in enumerate(COLUMNS):
            if key in widths:
                header.resizeSection(column, widths[key])
        self.panel = RowEditPanel(self)
        self.panel.save_requested.connect(self.edit_saved)
        # Scrolled, never squashed: at 1024x640 a check message under the fields left each
        # field a few pixels high.
        self.panel_scroll = QScrollArea(self)
        self.panel_scroll.setWidget(self.panel)
        self.panel_scroll.setWidgetResizable(True)
        self.panel_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.panel_scroll.setMinimumWidth(250)

        self.summary = QLabel(_NO_RUN, self)
        self.summary.setObjectName("reviewQueueSummary")
        self.summary.setWordWrap(True)
        self.accept_button = QPushButton("&Accept as is", self)
        self.accept_button.setObjectName("acceptRowsButton")
        self.accept_button.setToolTip("Mark the selected rows reviewed without a change "
                                      "(they leave the queue; nothing is sent)")
        self.resubmit_button = QPushButton(self)
        self.resubmit_button.setObjectName("resubmitButton")
        self.resubmit_button.setToolTip("Send only the edited rows again, as a new job of this "
                                        "run (shows the lookups it uses first)")
        self.accept_button.clicked.connect(self._accept_selected)
        self.resubmit_button.clicked.connect(self.resubmit_requested)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.panel_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.split = split
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.resubmit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._busy = False
        self.set_rows(None)

    # -- what to show --------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[QueueRow] | None) -> None:
        """Show the queue (None: no run open); the selected sheet rows stay selected."""
        keep = self.selected_rows()
        self.model.set_rows(rows or ())
        positions = sorted(p for n in keep if (p := self.model.position_of(n)) is not None)
        if not positions and self.model.rowCount():
            positions = [0]
        if positions:
            self._select(positions)
        count = self.model.rowCount()
        if rows is None:
            self.summary.setText(_NO_RUN)
        elif count == 0:
            self.summary.setText(_EMPTY)
        else:
            self.summary.setText(f"{count:,} row(s) need review. Select one to correct its "
                                 "address, or accept rows as they are.")
        self._on_selection_changed()

    def _select(self, positions: list[int]) -> None:
        # One selection of contiguous blocks: selecting row by row merges ranges each time,
        # which took minutes for a few thousand selected rows.
        last = self.model.columnCount() - 1
        blocks = QItemSelection()
        start = previous = positions[0]
        for position in [*positions[1:], -1]:
            if position != previous + 1:
                blocks.select(self.model.index(start, 0), self.model.index(previous, last))
                start = position
            previous = position
        selection = self.table.selectionModel()
        selection.setCurrentIndex(self.model.index(positions[0], 0),
                                  QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.select(blocks, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def set_busy(self, text: str | None) -> None:
        """While work is under way (``text`` says what) the actions wait."""
        self._busy = text is not None
        if text is not None:
            self.summary.setText(text)
        self._update_buttons()

    def show_message(self, text: str) -> None:
        """A line for the user under the queue (why something was refused, what happened)."""
        self.summary.setText(text)

    def selected_rows(self) -> list[int]:
        """Sheet rows selected in the queue, in sheet order."""
        # Read from the selection's ranges: selectedRows() checks every cell of every row.
        positions: set[int] = set()
        selection = self.table.selectionModel().selection()
        for i in range(selection.count()):
            block = selection.at(i)
            positions.update(range(block.top(), block.bottom() + 1))
        return sorted(r.row_number for p in positions if (r := self.model.row_at(p)))

    # -- slots ---------------------------------------------------------------------------------
    def _on_selection_changed(self, *_args: object) -> None:
        chosen = self.selected_rows()
        row = self.model.row_at(p) if len(chosen) == 1 and (
            p := self.model.position_of(chosen[0])) is not None else None
        self.panel.show_row(row, len(chosen))
        self._update_buttons()

    def _update_buttons(self) -> None:
        pending = len(self.model.pending_rows())
        self.resubmit_button.setText(f"Resu&bmit {pending:,} row(s)\u2026")
        self.resubmit_button.setEnabled(pending > 0 and not self._busy)
        self.accept_button.setEnabled(bool(self.selected_rows()) and not self._busy)
        self.panel.setEnabled(not self._busy)

    def _accept_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.accept_requested.emit(rows)
