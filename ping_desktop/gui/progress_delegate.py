"""A delegate that draws a progress cell as a native progress bar with "75 / 100" on it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QWidget,
)

_Index = QModelIndex | QPersistentModelIndex
# Looked up once: each Qt enum attribute access goes through shiboken, and paint runs per cell.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ITEM = QStyle.ControlElement.CE_ItemViewItem
_BAR = QStyle.ControlElement.CE_ProgressBar
_HORIZONTAL = QStyle.StateFlag.State_Horizontal
_CENTRE = Qt.AlignmentFlag.AlignCenter


class ProgressBarDelegate(QStyledItemDelegate):
    """Paints ``(completed, requested)`` from ``fraction_role`` as a style-drawn progress bar.

    The text comes from the model's display role so the bar, the tooltip and screen readers
    (which read ``AccessibleTextRole``, not pixels) all say the same thing. Cells without a
    fraction fall back to the ordinary text painting.
    """

    def __init__(self, fraction_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = fraction_role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Draw the selection background, then the progress bar inset by a few pixels."""
        fraction = index.data(self._role)
        if not (isinstance(fraction, tuple) and len(fraction) == 2):
            super().paint(painter, option, index)
            return
        completed, requested = (int(v) for v in fraction)
        widget = option.widget
        style = widget.style() if isinstance(widget, QWidget) else QApplication.style()
        # Selection/focus background first, so a selected row still looks selected.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style.drawControl(_ITEM, background, painter, widget)

        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 3, -3, -3)
        bar.state = option.state | _HORIZONTAL
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        bar.minimum = 0
        bar.maximum = max(requested, 1)
        bar.progress = min(max(completed, 0), bar.maximum)
        bar.text = str(index.data(_DISPLAY) or f"{completed} / {requested}")
        bar.textVisible = True
        bar.textAlignment = _CENTRE
        style.drawControl(_BAR, bar, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """Wide enough for "100,000 / 100,000" plus the bar's frame."""
        hint = super().sizeHint(option, index)
        metrics: Any = option.fontMetrics
        width = int(metrics.horizontalAdvance("100,000 / 100,000")) + 24
        return QSize(max(hint.width(), width), hint.height() + 4)
