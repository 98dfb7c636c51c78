"""The edit panel beside the needs-review queue: the selected row's address fields, prefilled,
to correct in place; the checks' answer for the stored edit is shown under them."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.storage.review_queue import QueueRow
from ping_desktop.storage.row_edits import EDIT_LABELS, EditCheck, RowEdit

#: The split fields, in form order; ``address`` (one line) is shown only for one-line rows.
SPLIT_FIELDS = ("street", "unit", "city", "state", "zip", "country", "latitude", "longitude")
ONE_LINE = "address"
_NO_ROW = "Select a row in the list to correct its address."
_MANY_ROWS = ("{n} rows selected: select one row to edit it, or accept the selected rows as "
              "they are.")


def _text(text: str) -> str:
    """Plain text for a rich-text label (quotes kept as typed: they read better in messages)."""
    return html.escape(text, quote=False)


class RowEditPanel(QWidget):
    """Address fields of one queue row. ``save_requested(RowEdit)``: the user saved changed
    fields (only those; untouched fields keep the row's value)."""

    save_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rowEditPanel")
        self._row: QueueRow | None = None
        self.heading = QLabel(_NO_ROW, self)
        self.heading.setObjectName("rowEditHeading")
        self.heading.setWordWrap(True)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in (ONE_LINE, *SPLIT_FIELDS):
            edit = QLineEdit(self)
            edit.setObjectName(f"rowEdit_{name}")
            edit.setAccessibleName(EDIT_LABELS[name])
            edit.returnPressed.connect(self._save)
            edit.textChanged.connect(self._on_text_edited)
            label = QLabel(f"{EDIT_LABELS[name]}:", self)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.fields[name] = edit
        self._form = form
        self.checks = QLabel(self)
        self.checks.setObjectName("rowEditChecks")
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.save_button = QPushButton("Sa&ve edit", self)
        self.save_button.setObjectName("saveEditButton")
        self.save_button.setToolTip("Check and keep this correction (Enter); nothing is sent "
                                    "until you resubmit")
        self.revert_button = QPushButton("Und&o changes", self)
        self.revert_button.setObjectName("revertEditButton")
        self.save_button.clicked.connect(self._save)
        self.revert_button.clicked.connect(self._revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.checks)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.show_row(None)

    # -- what to show --------------------------------------------------------------------------
    def show_row(self, row: QueueRow | None, selected: int = 1) -> None:
        """Prefill the fields with ``row``'s current address (None: nothing, or ``selected``
        rows at once, to edit)."""
        self._row = row
        one_line = row is not None and ONE_LINE in row.address
        for name, edit in self.fields.items():
            edit.setText(row.address.get(name, "") if row is not None else "")
            edit.setEnabled(row is not None)
            # A one-line run edits its line; split fields stay to replace it by parts.
            self._form.setRowVisible(edit, name != ONE_LINE or one_line)
        if row is None:
            self.heading.setText(_NO_ROW if selected <= 1 else _MANY_ROWS.format(n=selected))
        else:
            # The count includes the edit waiting to be sent, which the message already says.
            earlier = row.edits - (1 if row.pending_edit else 0)
            edits = f" Corrected {earlier} time(s) before." if earlier > 0 else ""
            self.heading.setText(f"<b>Sheet row {row.row_number}</b>: "
                                 f"{_text(row.message + edits)}")
        self.checks.clear()
        self._update_buttons()

    def show_check(self, check: EditCheck | None) -> None:
        """Say what the checks found on the stored edit (or clear it)."""
        if check is None:
            self.checks.clear()
            return
        lines = []
        for problem in check.problems:
            mark = "\u2717" if problem.severity == "error" else "\u26a0"
            label = EDIT_LABELS.get(problem.field or "", problem.field or "")
            lines.append(f"{mark} {_text(label + ': ' if label else '')}"
                         f"{_text(problem.message)}")
        if check.sendable:
            sent = (f" It will be sent as: {_text(check.address_sent)}."
                    if check.address_sent else "")
            lines.insert(0, "\u2713 Edit kept; it is sent when you resubmit." + sent)
        else:
            lines.insert(0, "Edit kept, but it cannot be sent until this is fixed:")
        self.checks.setText("<br>".join(lines))

    def show_message(self, text: str) -> None:
        """A plain line under the fields (e.g. why the edit was refused)."""
        self.checks.setText(_text(text))

    # -- reading -------------------------------------------------------------------------------
    def row(self) -> QueueRow | None:
        """The queue row being edited."""
        return self._row

    def changed_fields(self) -> dict[str, str]:
        """The fields whose text differs from the row's current address (stripped)."""
        if self._row is None:
            return {}
        return {name: edit.text().strip() for name, edit in self.fields.items()
                if edit.text().strip() != self._row.address.get(name, "")}

    # -- slots ---------------------------------------------------------------------------------
    def _on_text_edited(self, _text: str) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        changed = bool(self.changed_fields())
        self.save_button.setEnabled(changed)
        self.revert_button.setEnabled(changed)

    def _save(self) -> None:
        row, fields = self._row, self.changed_fields()
        if row is None:
            return
        if not fields:
            self.show_message("Nothing changed: edit a field first, or accept the row as is.")
            return
        self.save_requested.emit(RowEdit(row.row_number, fields))

    def _revert(self) -> None:
        self.show_row(self._row)
