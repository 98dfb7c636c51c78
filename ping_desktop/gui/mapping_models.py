"""Qt models for the preview of the first rows and for the field -> column mapping editor."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ping_desktop.gui.wheel_guard import guard_wheel
from ping_desktop.intake.model import FIELD_LABELS, LOCATION_FIELDS, ColumnMapping, SheetTable
from ping_desktop.worker.contract import PREVIEW_ROWS, TablePreview

Index = QModelIndex | QPersistentModelIndex
NOT_MAPPED = "— not mapped —"
#: Guesses below this confidence are highlighted for the user to check. Intake gives exact
#: header synonyms about 0.95; anything clearly below that deserves a look.
LOW_CONFIDENCE = 0.8
# Translucent amber reads on light and dark palettes alike; text/icons carry the meaning too.
_WARN_BRUSH = QBrush(QColor(255, 170, 0, 70))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class PreviewModel(QAbstractTableModel):
    """The first rows of the chosen sheet, with the sheet's own row numbers as row headers."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._rows: Sequence[tuple[object, ...]] = []
        self._row_numbers: list[int] = []

    def set_table(self, table: SheetTable | TablePreview | None) -> None:
        """Show ``table`` (or nothing)."""
        self.beginResetModel()
        if table is None:
            self._columns, self._rows, self._row_numbers = (), [], []
        else:
            self._columns = table.columns
            self._rows = table.rows[:PREVIEW_ROWS]
            self._row_numbers = table.row_numbers[:PREVIEW_ROWS]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        return _cell_text(row[index.column()] if index.column() < len(row) else None)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(self._row_numbers[section]) if 0 <= section < len(self._row_numbers) else None


class MappingModel(QAbstractTableModel):
    """One row per Ping location field: label, source column (editable), and a status text.

    Low-confidence guesses get a warning icon, a "Check this guess" text and a tint, so the
    meaning never rests on colour alone. ``mapping_changed`` carries the new ColumnMapping.
    """

    mapping_changed = Signal(ColumnMapping)
    #: A user's edit: (state before, state after), each a :meth:`snapshot` (for undo).
    edited = Signal(object, object)
    COL_FIELD, COL_COLUMN, COL_STATUS = range(3)
    HEADERS = ("Ping field", "Column in your file", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._fields: tuple[str, ...] = LOCATION_FIELDS
        self._columns: tuple[str, ...] = ()
        self._mapping = ColumnMapping()
        self._user_set: set[str] = set()
        self._required_by: dict[str, list[str]] = {}

    @property
    def mapping(self) -> ColumnMapping:
        """The current mapping."""
        return self._mapping

    @property
    def columns(self) -> tuple[str, ...]:
        """The file's column headers the user can choose from."""
        return self._columns

    def row_of(self, field_name: str) -> int:
        """The row showing ``field_name``."""
        return self._fields.index(field_name)

    def set_mapping(self, columns: Sequence[str], mapping: ColumnMapping) -> None:
        """Show a new file's columns and the guessed mapping (a reset: new columns)."""
        self.beginResetModel()
        self._columns = tuple(columns)
        self._mapping = mapping
        self._user_set = set()
        self.endResetModel()

    def snapshot(self) -> tuple[ColumnMapping, frozenset[str]]:
        """The mapping and which fields the user chose (what undo puts back)."""
        return self._mapping, frozenset(self._user_set)

    def restore(self, state: tuple[ColumnMapping, frozenset[str]]) -> None:
        """Put back a :meth:`snapshot` in place (the combo boxes stay open)."""
        self._mapping, user_set = state
        self._user_set = set(user_set)
        self._refresh_all()
        self.mapping_changed.emit(self._mapping)

    def set_required(self, required_by: dict[str, list[str]]) -> None:
        """Fields the chosen sources require: field -> source codes (shown in the status)."""
        self._required_by = {k: list(v) for k, v in required_by.items()}
        self._refresh_all()

    def is_low_confidence(self, field_name: str) -> bool:
        """True when the field was guessed with a confidence the user should check."""
        if field_name in self._user_set or field_name not in self._mapping.fields:
            return False
        return self._mapping.confidence.get(field_name, 1.0) < LOW_CONFIDENCE

    def status_text(self, field_name: str) -> str:
        """The plain-words status of one field (what the Status column shows)."""
        column = self._mapping.column_for(field_name)
        needed = self._required_by.get(field_name)
        if column is None:
            if needed:
                return f"Required by {', '.join(needed)}: choose a column"
            return ""
        if field_name in self._user_set:
            return "Your choice"
        pct = round(self._mapping.confidence.get(field_name, 1.0) * 100)
        if self.is_low_confidence(field_name):
            return f"Check this guess ({pct}% sure)"
        return f"Guessed ({pct}% sure)"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.COL_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        name = self._fields[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_FIELD:
                return FIELD_LABELS.get(name, name)
            if col == self.COL_COLUMN:
                return self._mapping.column_for(name) or NOT_MAPPED
            return self.status_text(name)
        if role == Qt.ItemDataRole.EditRole and col == self.COL_COLUMN:
            return self._mapping.column_for(name) or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_FIELD:
                return f"Ping field: {name}"
            return self.status_text(name) or None
        if role == Qt.ItemDataRole.BackgroundRole and col != self.COL_FIELD:
            if self.is_low_confidence(name) or (
                self._required_by.get(name) and self._mapping.column_for(name) is None
            ):
                return _WARN_BRUSH
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == self.COL_STATUS:
            warn = self.is_low_confidence(name) or (
                self._required_by.get(name) and self._mapping.column_for(name) is None
            )
            if warn:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.COL_STATUS:
            return self.status_text(name) or "not mapped"
        return None

    def setData(
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or index.column() != self.COL_COLUMN:
            return False
        if role != Qt.ItemDataRole.EditRole:
            return False
        return self.set_column(self._fields[index.row()], value or None)

    def set_column(self, field_name: str, column: str | None) -> bool:
        """Map ``field_name`` to ``column`` (None unmaps); the user's choice wins over guesses."""
        if column == NOT_MAPPED or column == "":
            column = None
        if column is not None and column not in self._columns:
            return False
        if self._mapping.column_for(field_name) == column:
            return True
        before = self.snapshot()
        self._mapping = self._mapping.with_field(field_name, column)
        self._user_set.add(field_name)
        self._user_set &= set(self._mapping.fields) | {field_name}
        self._refresh_all()
        self.mapping_changed.emit(self._mapping)
        self.edited.emit(before, self.snapshot())
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def _refresh_all(self) -> None:
        if self._fields:
            # In place: persistent combo editors stay open and keep their focus.
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._fields) - 1, len(self.HEADERS) - 1)
            )


def column_choices(columns: Sequence[str], parent: QObject | None = None) -> QStandardItemModel:
    """The items of every mapping combo box: "not mapped", then the file's columns (user data:
    the column name, "" for not mapped). One model shared by all the combo boxes of a file:
    filling each combo box with its own copy of 30 items was a third of the cost of showing a
    freshly read file."""
    model = QStandardItemModel(parent)
    for text, value in ((NOT_MAPPED, ""), *((c, c) for c in columns)):
        item = QStandardItem(text)
        item.setData(value, Qt.ItemDataRole.UserRole)
        item.setEditable(False)
        model.appendRow(item)
    return model


class ColumnComboDelegate(QStyledItemDelegate):
    """A combo box of the file's columns; commits as soon as the user picks one.

    :meth:`set_choices` gives it the shared items of the file shown (see :func:`column_choices`);
    without them each combo box gets its own copy of the model's columns.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices: QStandardItemModel | None = None

    def set_choices(self, choices: QStandardItemModel | None) -> None:
        """Use ``choices`` for the editors created from now on."""
        self._choices = choices

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        model = index.model()
        combo = QComboBox(parent)
        combo.setObjectName(f"mappingCombo_{index.row()}")
        guard_wheel(combo)
        label = model.index(index.row(), MappingModel.COL_FIELD).data()
        combo.setAccessibleName(f"Column for {label}")
        if self._choices is not None:
            combo.setModel(self._choices)
        else:
            combo.addItem(NOT_MAPPED, "")
            source = model
            while not isinstance(source, MappingModel) and hasattr(source, "sourceModel"):
                source = source.sourceModel()
            if isinstance(source, MappingModel):
                for column in source.columns:
                    combo.addItem(column, column)
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole) or ""
        pos = editor.findData(value)
        editor.blockSignals(True)
        editor.setCurrentIndex(max(pos, 0))
        editor.blockSignals(False)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)
