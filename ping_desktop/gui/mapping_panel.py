"""Preview and mapping of the loaded file: sheet selector, header row, first rows, field mapping,
and the rows with problems (with their sheet row numbers)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.gui.mapping_models import (
    ColumnComboDelegate,
    MappingModel,
    PreviewModel,
    column_choices,
)
from ping_desktop.gui.mapping_undo import MappingHistory
from ping_desktop.gui.staged_work import StagedWork
from ping_desktop.gui.wheel_guard import guard_wheel
from ping_desktop.intake.model import ColumnMapping, Problem, SheetTable
from ping_desktop.worker.contract import TablePreview

MAX_PROBLEMS_SHOWN = 200
#: Combo boxes opened per event-loop turn (each costs 1-2 ms with its items).
_EDITORS_PER_STEP = 6


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class MappingPanel(QWidget):
    """Shows one SheetTable and lets the user pick sheet, header row and column per field."""

    sheet_changed = Signal(str)
    header_row_changed = Signal(int)
    mapping_changed = Signal(ColumnMapping)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet_selector = QComboBox()
        self.sheet_selector.setObjectName("sheetSelector")
        self.sheet_selector.setAccessibleName("Sheet")
        self.sheet_selector.setMinimumContentsLength(16)
        self.sheet_selector.activated.connect(self._sheet_activated)
        self.header_row = QSpinBox()
        self.header_row.setObjectName("headerRowSpin")
        self.header_row.setAccessibleName("Header row number")
        self.header_row.setRange(1, 1_000_000)
        self.header_row.setKeyboardTracking(False)
        self.header_row.setToolTip("The sheet row holding the column titles; change it if the "
                                   "preview shows the wrong titles.")
        self.header_row.valueChanged.connect(self._header_edited)
        guard_wheel(self.sheet_selector)
        guard_wheel(self.header_row)
        #: Why the last sheet or header-row change could not be used (the file stays open).
        self.selection_error = QLabel()
        self.selection_error.setObjectName("selectionError")
        self.selection_error.setWordWrap(True)
        self.selection_error.setStyleSheet("color: #b02a37;")
        self.selection_error.setVisible(False)
        self.summary = QLabel()
        self.summary.setObjectName("fileSummary")
        self.summary.setWordWrap(True)

        top = QHBoxLayout()
        form = QFormLayout()
        sheet_label = QLabel("Shee&t:")
        sheet_label.setBuddy(self.sheet_selector)
        header_label = QLabel("Header ro&w:")
        header_label.setBuddy(self.header_row)
        form.addRow(sheet_label, self.sheet_selector)
        form.addRow(header_label, self.header_row)
        top.addLayout(form)
        info = QVBoxLayout()
        info.addWidget(self.summary)
        info.addWidget(self.selection_error)
        top.addLayout(info, 1)

        self.preview_model = PreviewModel(self)
        self.preview = QTableView()
        self.preview.setObjectName("previewTable")
        self.preview.setAccessibleName("Preview of the first rows")
        self.preview.setModel(self.preview_model)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table (arrow keys move between cells): a 60x16 sheet took ~960 Tabs.
        self.preview.setTabKeyNavigation(False)
        self.preview.verticalHeader().setToolTip("Sheet row numbers")
        # Fitting columns asks the model for every cell (a Python call each): a dozen rows are
        # enough to size them, and keep a 30-column sheet from stalling the window.
        self.preview.horizontalHeader().setResizeContentsPrecision(12)
        self.preview.horizontalHeader().setMaximumSectionSize(320)
        preview_box = QGroupBox("&Preview (first rows; row numbers as in your sheet)")
        QVBoxLayout(preview_box).addWidget(self.preview)

        self.mapping_model = MappingModel(self)
        self.mapping_model.mapping_changed.connect(self.mapping_changed)
        self.mapping_table = QTableView()
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setAccessibleName("Column mapping: which column feeds each Ping field")
        self.mapping_table.setModel(self.mapping_model)
        self._combo_delegate = ColumnComboDelegate(self.mapping_table)
        self.mapping_table.setItemDelegateForColumn(MappingModel.COL_COLUMN, self._combo_delegate)
        self._choices: QStandardItemModel | None = None
        # Fitting the preview and opening a combo box per field run a few at a time, so the
        # window keeps answering while a file is shown (see StagedWork).
        self.staged = StagedWork(self)
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mapping_table.setTabKeyNavigation(False)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.mapping_table.setColumnWidth(1, 190)
        self.mapping_box = QGroupBox("Column &mapping")
        self.history = MappingHistory(self.mapping_model, self)
        mapping_layout = QHBoxLayout(self.mapping_box)
        mapping_layout.addWidget(self.mapping_table, 1)
        mapping_layout.addLayout(self.history.buttons())
        self.mapping_model.dataChanged.connect(self._update_mapping_title)
        self.mapping_model.modelReset.connect(self._update_mapping_title)

        self.problems = QListWidget()
        self.problems.setObjectName("problemsList")
        self.problems.setAccessibleName("Rows with problems")
        self.problems.setWordWrap(True)
        self.problems.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.problems_box = QGroupBox("Rows with problems")
        QVBoxLayout(self.problems_box).addWidget(self.problems)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(preview_box)
        splitter.addWidget(self.mapping_box)
        splitter.addWidget(self.problems_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self._set_minimum_heights()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def _set_minimum_heights(self) -> None:
        # Enough to read something in each pane at 1024x640 (the preview showed 1.3 rows):
        # the preview 4 rows, the mapping 3 fields, the problems 2 lines.
        line = self.fontMetrics().height()
        preview_row = line + 8  # one line of text: no wrapping in the preview
        self.preview.verticalHeader().setMinimumSectionSize(preview_row)
        self.preview.verticalHeader().setDefaultSectionSize(preview_row)
        header = self.preview.horizontalHeader().sizeHint().height()
        scroll = self.preview.horizontalScrollBar().sizeHint().height()
        frame = 2 * self.preview.frameWidth()
        self.preview.setMinimumHeight(header + 4 * preview_row + scroll + frame)
        combo_row = QComboBox().sizeHint().height() + 2
        self.mapping_table.verticalHeader().setDefaultSectionSize(combo_row)
        self.mapping_table.setMinimumHeight(header + 3 * combo_row + frame)
        self.problems.setMinimumHeight(2 * (line + 8) + frame)

    # -- filling --------------------------------------------------------------------------------
    def show_table(self, table: SheetTable | TablePreview, sheets: Sequence[str],
                   mapping: ColumnMapping) -> None:
        """Show a freshly read sheet (or its preview) and its guessed mapping."""
        self.sheet_selector.blockSignals(True)
        self.sheet_selector.clear()
        for sheet in sheets:
            self.sheet_selector.addItem(sheet or "(text file)", sheet)
        self.sheet_selector.setCurrentIndex(max(0, self.sheet_selector.findData(table.sheet)))
        self.sheet_selector.setEnabled(len(sheets) > 1)
        self.sheet_selector.blockSignals(False)
        self.header_row.blockSignals(True)
        self.header_row.setValue(table.header_row)
        self.header_row.blockSignals(False)
        notes = [n for n in table.notes if not n.lower().startswith("header found")]
        rows = table.row_count if isinstance(table, TablePreview) else len(table.rows)
        self.summary.setText(
            f"<b>{html.escape(table.path.name)}</b>: {rows:,} data rows, "
            f"{len(table.columns)} columns; header found on row {table.header_row}."
            + "".join("<br>" + html.escape(n) for n in notes)
        )
        self.selection_error.setVisible(False)
        self.staged.cancel()
        self.preview_model.set_table(table)
        self.mapping_model.set_mapping(table.columns, mapping)  # closes the old combo boxes
        self.history.start(mapping)
        old, self._choices = self._choices, column_choices(table.columns, self)
        self._combo_delegate.set_choices(self._choices)
        if old is not None:
            old.deleteLater()
        fields = list(range(self.mapping_model.rowCount()))
        batches = [fields[i:i + _EDITORS_PER_STEP]
                   for i in range(0, len(fields), _EDITORS_PER_STEP)]
        self.staged.start([self.preview.resizeColumnsToContents,
                           *(partial(self._open_editors, batch) for batch in batches)])

    def _open_editors(self, rows: list[int]) -> None:
        for row in rows:
            self.mapping_table.openPersistentEditor(
                self.mapping_model.index(row, MappingModel.COL_COLUMN))

    @property
    def editors_ready(self) -> bool:
        """True once every field's combo box is open (they open a few per event-loop turn)."""
        return not self.staged.pending

    def sync_selection(self, table: SheetTable | TablePreview, why: str = "") -> None:
        """Put the sheet selector and header row back to ``table``'s after a failed change,
        saying ``why`` beside them (the file shown stays open and usable)."""
        self.selection_error.setText(why)
        self.selection_error.setVisible(bool(why))
        self.sheet_selector.blockSignals(True)
        self.sheet_selector.setCurrentIndex(max(0, self.sheet_selector.findData(table.sheet)))
        self.sheet_selector.blockSignals(False)
        self.header_row.blockSignals(True)
        self.header_row.setValue(table.header_row)
        self.header_row.blockSignals(False)

    def set_required(self, required_by: dict[str, list[str]]) -> None:
        """Mark fields the chosen sources require."""
        self.mapping_model.set_required(required_by)

    def show_problems(self, problems: Sequence[Problem], rows_with_problems: int, *,
                      total: int | None = None, errors: int | None = None) -> None:
        """List per-row problems with their sheet row numbers (errors first).

        ``problems`` may be the first ones only (a plan summary's): ``total`` and ``errors``
        then count them all.
        """
        self.problems.setUpdatesEnabled(False)
        self.problems.clear()
        ordered = sorted(problems, key=lambda p: (p.severity != "error", p.row))
        style = self.style()
        icons = {
            "error": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        for problem in ordered[:MAX_PROBLEMS_SHOWN]:
            where = f"Row {problem.row}" if problem.row else "Whole file"
            kind = "Error" if problem.severity == "error" else "Warning"
            item = QListWidgetItem(icons.get(problem.severity, icons["warning"]),
                                   f"{where} — {kind}: {problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem.row)
            self.problems.addItem(item)
        total = len(ordered) if total is None else total
        if total > MAX_PROBLEMS_SHOWN:
            self.problems.addItem(f"… and {total - MAX_PROBLEMS_SHOWN:,} more")
        self.problems.setUpdatesEnabled(True)
        if errors is None:
            errors = sum(1 for p in problems if p.severity == "error")
        warnings = total - errors
        self.problems_box.setTitle(
            f"Rows with problems: {_n(rows_with_problems, 'row')} not sent "
            f"({_n(errors, 'error')}, {_n(warnings, 'warning')})"
            if total
            else "Rows with problems: none"
        )

    def _update_mapping_title(self, *_args: object) -> None:
        from ping_desktop.intake.model import FIELD_LABELS

        model = self.mapping_model
        check = [f for f in model.mapping.fields if model.is_low_confidence(f)]
        if check:
            names = ", ".join(FIELD_LABELS.get(f, f) for f in check)
            self.mapping_box.setTitle(
                f"Column &mapping — {len(check)} guess{'es' if len(check) > 1 else ''} "
                f"to check (⚠ highlighted): {names}")
        else:
            self.mapping_box.setTitle("Column &mapping")

    # -- user edits -----------------------------------------------------------------------------
    def _sheet_activated(self, index: int) -> None:
        self.sheet_changed.emit(str(self.sheet_selector.itemData(index) or ""))

    def _header_edited(self, value: int) -> None:
        self.header_row_changed.emit(int(value))
