"""The run history: every stored run, newest first; opening one shows its results offline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.gui.job_texts import run_phase_text
from ping_desktop.gui.tables import row_table
from ping_desktop.storage.runstore_records import RunRecord

_Index = QModelIndex | QPersistentModelIndex
RUN_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_HEADERS = ("File", "Status", "Rows", "Locations done", "Problems", "Started")
#: The Status column also says how many rows need review ("Complete · 12 to review"): a
#: column of its own was scrolled out of sight at 1024 pixels wide.
_STATUS = 1
DEMO_MARK = "Demo"


_TO_REVIEW_TIP = ("Rows to review: not sent, not found, located with low confidence or flagged "
                  "by the address checks. Open the run's Needs review tab to fix or accept them.")


def _when(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class HistoryModel(QAbstractTableModel):
    """Stored runs as table rows, newest first (a reset on every refresh is fine here)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[RunRecord] = []
        self._to_review: dict[int, int] = {}

    def set_review_counts(self, counts: dict[int, int]) -> None:
        """How many rows of these runs need review (other runs keep theirs)."""
        self._to_review.update(counts)
        if self._runs:
            self.dataChanged.emit(self.index(0, _STATUS),
                                  self.index(len(self._runs) - 1, _STATUS))

    def set_review_count(self, run_id: int, count: int) -> None:
        """One run's count changed (an accept, an edit, a resubmit)."""
        self._to_review[run_id] = count
        row = self.row_of_run(run_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, _STATUS), self.index(row, _STATUS))

    def review_count(self, run_id: int) -> int | None:
        """The run's count of rows to review, if known."""
        return self._to_review.get(run_id)

    def set_runs(self, runs: Iterable[RunRecord]) -> None:
        """Show ``runs``, newest first whatever order they come in."""
        self.beginResetModel()
        self._runs = sorted(runs, key=lambda r: (r.created_at, r.id), reverse=True)
        self.endResetModel()

    def run_at(self, row: int) -> RunRecord | None:
        """The run shown in ``row``."""
        return self._runs[row] if 0 <= row < len(self._runs) else None

    def row_of_run(self, run_id: int) -> int | None:
        """The row showing run ``run_id``, if any."""
        for row, run in enumerate(self._runs):
            if run.id == run_id:
                return row
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of runs."""
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(_HEADERS)
        ):
            return _HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, tooltips, alignment and the run id (``RUN_ID_ROLE``)."""
        run = self.run_at(index.row()) if index.isValid() else None
        if run is None or not 0 <= index.column() < len(_HEADERS):
            return None
        column = index.column()
        if role == RUN_ID_ROLE:
            return run.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            # Only once the run ended: until then its rows are still on their way.
            count = self._to_review.get(run.id) if run.phase.is_final else None
            if column == _STATUS and count:
                return f"{self._text(run, column)} \u00b7 {count:,} to review"
            return self._text(run, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tooltip(run, column)
            if column == _STATUS and run.phase.is_final and self._to_review.get(run.id):
                tip = f"{tip}\n{_TO_REVIEW_TIP}"
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(run: RunRecord, column: int) -> str:
        if column == 0:
            # Words, not only a colour or icon, so the marker survives screen readers and
            # printing; "Demo" runs hold synthetic results from the built-in emulator.
            return f"{run.file_name}  [{DEMO_MARK}]" if run.is_demo else run.file_name
        if column == 1:
            return run_phase_text(run.phase)
        if column == 2:
            return f"{run.rows:,}"
        if column == 3:
            return f"{run.locations_completed:,} of {run.unique_locations:,}"
        if column == 4:
            return f"{run.problems:,}"
        return _when(run.created_at)

    @staticmethod
    def _tooltip(run: RunRecord, column: int) -> str | None:
        if column == 0:
            text = str(run.input_path)
            if run.is_demo:
                text += ("\nDemo run: made-up results from the demo server on this computer, "
                         "not real data.")
            return text
        if column == 1:
            return run.message or run_phase_text(run.phase)
        if column == 5 and run.finished_at is not None:
            return f"Started {_when(run.created_at)}, finished {_when(run.finished_at)}"
        return None


class HistoryView(QWidget):
    """A table of past runs; Enter, double-click or "Open results" emits ``run_opened``;
    "Run again…" (button, context menu) emits ``run_again_requested``.

    It only ever reads the local store's records, so it works with no network.
    """

    run_opened = Signal(int)
    run_selected = Signal(int)
    run_again_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self.table = row_table(self, "historyList", "Run history", self.model,
                               description="Every run, newest first. Press Enter to open one.")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.empty_label = QLabel("No runs yet. Enhanced files appear here, newest first.", self)
        self.empty_label.setWordWrap(True)
        self.open_button = QPushButton("Open results", self)
        self.open_button.setObjectName("openRunButton")
        self.open_button.setToolTip("Show the results of the selected run (works offline)")
        self.run_again_button = QPushButton("Run a&gain\u2026", self)
        self.run_again_button.setObjectName("runAgainButton")
        self.run_again_button.setToolTip(
            "Open this run's file again with its mapping and sources, to change them and "
            "start a new run")
        self.run_again_action = QAction("Run a&gain\u2026", self)
        self.run_again_action.setObjectName("runAgainAction")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self._menu: QMenu | None = None

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_again_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        # activated covers Enter/Return and double-click (per the platform's convention).
        self.table.activated.connect(self._on_table_activated)
        self.open_button.clicked.connect(self._open_selected)
        self.run_again_button.clicked.connect(self._run_again_selected)
        self.run_again_action.triggered.connect(self._run_again_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_button)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._update_button)
        self._update_button()

    def set_runs(self, runs: Iterable[RunRecord]) -> None:
        """Show ``runs`` (any order; shown newest first), keeping the selected run selected."""
        keep = self.selected_run_id()
        self.model.set_runs(runs)
        row = self.model.row_of_run(keep) if keep is not None else None
        if row is None and self.model.rowCount() > 0:
            row = 0
        if row is not None:
            self.table.selectRow(row)
        self.empty_label.setVisible(self.model.rowCount() == 0)

    def selected_run_id(self) -> int | None:
        """The id of the selected run, if any."""
        rows = self.table.selectionModel().selectedRows()
        run = self.model.run_at(rows[0].row()) if rows else None
        return run.id if run is not None else None

    def _on_table_activated(self, index: QModelIndex) -> None:
        run = self.model.run_at(index.row())
        if run is not None:
            self.run_opened.emit(run.id)

    def _open_selected(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.run_opened.emit(run_id)

    def _on_selection_changed(self, *_args: object) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.run_selected.emit(run_id)

    def _run_again_selected(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.run_again_requested.emit(run_id)

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.run_again_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self._menu = menu

    def _update_button(self, *_args: object) -> None:
        chosen = self.selected_run_id() is not None
        self.open_button.setEnabled(chosen)
        self.run_again_button.setEnabled(chosen)
        self.run_again_action.setEnabled(chosen)
