"""Undo, redo and *Reset to suggested* for the column mapping (Ctrl+Z, Ctrl+Shift+Z).

Every change the user makes in a mapping combo box is one step on a :class:`QUndoStack`; a new
file (or sheet, or header row) starts a fresh history whose "suggested" mapping is the one
guessed when it was read.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from ping_desktop.gui.mapping_models import MappingModel
from ping_desktop.intake.model import ColumnMapping

State = tuple[ColumnMapping, frozenset[str]]


class _MappingStep(QUndoCommand):
    """One mapping change, already applied when pushed."""

    def __init__(self, model: MappingModel, before: State, after: State, text: str) -> None:
        super().__init__(text)
        self._model, self._before, self._after = model, before, after
        self._done = True

    def redo(self) -> None:
        if self._done:  # pushed after the model changed: nothing to do the first time
            self._done = False
            return
        self._model.restore(self._after)

    def undo(self) -> None:
        self._model.restore(self._before)


class MappingHistory(QObject):
    """The undo stack of one panel's mapping, with its buttons and keyboard shortcuts."""

    def __init__(self, model: MappingModel, shortcut_scope: QWidget) -> None:
        super().__init__(shortcut_scope)
        self.model = model
        self.stack = QUndoStack(self)
        self._suggested: State | None = None
        model.edited.connect(self._edited)

        self.undo_button = QPushButton("&Undo")
        self.undo_button.setObjectName("mappingUndo")
        self.undo_button.setToolTip("Undo the last mapping change (Ctrl+Z)")
        self.redo_button = QPushButton("Redo")
        self.redo_button.setObjectName("mappingRedo")
        self.redo_button.setToolTip("Redo the mapping change you undid (Ctrl+Shift+Z)")
        self.reset_button = QPushButton("Reset to\nsu&ggested")
        self.reset_button.setObjectName("mappingReset")
        self.reset_button.setToolTip("Put back the mapping the app suggested for this file")
        self.undo_button.clicked.connect(self.stack.undo)
        self.redo_button.clicked.connect(self.stack.redo)
        self.reset_button.clicked.connect(self.reset)
        self.stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.stack.cleanChanged.connect(self._update_reset)
        self.stack.indexChanged.connect(self._update_reset)

        undo = self.stack.createUndoAction(shortcut_scope, "Undo mapping change")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = self.stack.createRedoAction(shortcut_scope, "Redo mapping change")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut_scope.addAction(action)
        self.undo_action, self.redo_action = undo, redo
        self.start(None)

    def buttons(self) -> QVBoxLayout:
        """Undo, Redo and Reset to suggested, one under the other (beside the table, where
        they cost no height: at 1024x640 every row of the table counts)."""
        column = QVBoxLayout()
        for button in (self.undo_button, self.redo_button, self.reset_button):
            column.addWidget(button)
        column.addStretch(1)
        return column

    def start(self, suggested: ColumnMapping | None) -> None:
        """A new file or sheet: forget the history; ``suggested`` is what Reset puts back."""
        self.stack.clear()
        self._suggested = None if suggested is None else (suggested, frozenset())
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self._update_reset()

    def reset(self) -> None:
        """Put back the suggested mapping (itself a step that can be undone)."""
        if self._suggested is None or self.model.snapshot() == self._suggested:
            return
        before = self.model.snapshot()
        self.model.restore(self._suggested)
        self.stack.push(_MappingStep(self.model, before, self._suggested,
                                     "Reset to suggested"))

    def _edited(self, before: State, after: State) -> None:
        self.stack.push(_MappingStep(self.model, before, after, "Change mapping"))

    def _update_reset(self, *_args: object) -> None:
        self.reset_button.setEnabled(
            self._suggested is not None and self.model.snapshot() != self._suggested)
