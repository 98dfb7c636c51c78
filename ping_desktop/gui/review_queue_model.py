"""The needs-review queue of a run as a table model: one row per queued sheet row, with the
reason in words and the row's current address (the newest edit's, or the user's cells)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from ping_desktop.storage.review_queue import REASON_LABELS, QueueReason, QueueRow

_Index = QModelIndex | QPersistentModelIndex

#: (title, what it shows): the address columns show edit fields of the queue row.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Row", "row"),
    ("Status", "status"),
    ("Street", "street"),
    ("City", "city"),
    ("State", "state"),
    ("ZIP", "zip"),
    # Last, stretched: the whole sentence is also in the tooltip and above the edit fields.
    ("Why", "message"),
)
ROW_NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: Marks an edited row in words (not colour alone): the edit is stored, not sent yet.
EDITED_MARK = "\u270e "
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_ROW_NUMBER = attrgetter("row_number")


def status_text(row: QueueRow) -> str:
    """The Status column: the most pressing reason, with a mark when an edit waits."""
    label = REASON_LABELS.get(row.reason, str(row.reason))
    if row.pending_edit and row.reason is not QueueReason.EDIT_PENDING:
        label = f"{REASON_LABELS[QueueReason.EDIT_PENDING]} ({label.lower()})"
    return EDITED_MARK + label if row.pending_edit else label


def address_line(address: dict[str, str]) -> str:
    """A queue row's address on one line, for tooltips and screen readers."""
    if address.get("address"):
        return address["address"]
    street = ", ".join(v for v in (address.get("street"), address.get("unit")) if v)
    place = " ".join(v for v in (address.get("state"), address.get("zip")) if v)
    parts = [street, address.get("city", ""), place, address.get("country", "")]
    text = ", ".join(p for p in parts if p)
    if not text and address.get("latitude") and address.get("longitude"):
        text = f"{address['latitude']}, {address['longitude']}"
    return text


class ReviewQueueModel(QAbstractTableModel):
    """Queue rows in sheet order (reset on every reload).

    A reload of a 100,000-row run's queue (50,000 rows or more) happens on the GUI thread, so
    it walks the rows once: sheet rows are found by bisection (the queue is in sheet order),
    not through an index built for every row, and the edited rows are listed once per reload.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []
        self._pending: list[int] = []

    def set_rows(self, rows: Iterable[QueueRow]) -> None:
        """Show ``rows`` (the queue as the core lists it: in sheet order, each row once)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._pending = [r.row_number for r in self._rows if r.pending_edit]
        self.endResetModel()

    def rows(self) -> list[QueueRow]:
        """Every queue row shown."""
        return list(self._rows)

    def row_at(self, position: int) -> QueueRow | None:
        """The queue row at table row ``position``."""
        return self._rows[position] if 0 <= position < len(self._rows) else None

    def position_of(self, row_number: int) -> int | None:
        """The table row showing sheet row ``row_number``, if queued."""
        position = bisect_left(self._rows, row_number, key=_ROW_NUMBER)
        if position < len(self._rows) and self._rows[position].row_number == row_number:
            return position
        return None

    def pending_rows(self) -> list[int]:
        """Sheet rows holding an edit not resubmitted yet."""
        return list(self._pending)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of queued rows."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section][0]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Selectable; edits go through the edit panel, never the cells."""
        # Precomputed: selecting every row asks this of every cell (550,000 calls for a
        # 91,000-row queue), and combining enum flags each time was half of that time.
        return _SELECTABLE if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Texts, tooltips (the whole sentence and address), alignment, the sheet row."""
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(COLUMNS):
            return None
        key = COLUMNS[index.column()][1]
        if role == ROW_NUMBER_ROLE:
            return row.row_number
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Sheet row {row.row_number}" if key == "row" else self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{status_text(row)}: {row.message}\n{address_line(row.address)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "row":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: QueueRow, key: str) -> str:
        if key == "row":
            return str(row.row_number)
        if key == "status":
            return status_text(row)
        if key == "message":
            return row.message
        if key == "street" and not row.address.get("street") and row.address.get("address"):
            return row.address["address"]  # a one-line address run
        return row.address.get(key, "")
