"""Keep the mouse wheel from changing a field the user is only scrolling past.

A combo box or spin box under the pointer takes every wheel notch by default: scrolling the
mapping table silently remapped columns, and a notch over *Header row* re-read the file. A
guarded widget takes focus only by click or Tab, and while it has no focus its wheel events go
to the widget behind it (the table or page scrolls instead).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class WheelGuard(QObject):
    """Event filter: wheel events of a widget without focus are passed on to its parent."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) \
                and not watched.hasFocus():
            # Ignored and filtered: Qt then offers the event to the parent (which scrolls).
            event.ignore()
            return True
        return False


_GUARD: WheelGuard | None = None


def guard_wheel(widget: QWidget) -> None:
    """Make ``widget`` ignore the wheel unless it has focus (and not take focus by wheel)."""
    global _GUARD
    if _GUARD is None:
        _GUARD = WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_GUARD)
