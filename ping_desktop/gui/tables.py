"""The read-only tables of the window (jobs, history, results) set up one way."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


def row_table(parent: QWidget, name: str, accessible_name: str, model: QAbstractItemModel, *,
              description: str | None = None, row_headers: bool = False) -> QTableView:
    """A table of whole rows, one selected at a time, never edited in place, in alternating
    colours and without wrapping; ``row_headers`` keeps the vertical header."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    if description is not None:
        table.setAccessibleDescription(description)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(row_headers)
    # Tab moves on to the next control (arrow keys move between cells): with tab navigation
    # a long table trapped the keyboard for hundreds of presses.
    table.setTabKeyNavigation(False)
    return table
