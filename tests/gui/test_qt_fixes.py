"""The PySide6 emit reference-count fix: thousands of emits leave ``True`` intact."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from ping_desktop.gui import qt_fixes


class _Sender(QObject):
    changed = Signal(int)


def test_emits_do_not_drain_the_true_singleton() -> None:
    qt_fixes.install()
    sender = _Sender()
    received: list[int] = []
    sender.changed.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(5000):  # unpatched 6.12.0 would have taken 5000 references from True
        sender.changed.emit(n)
    assert len(received) == 5000
    assert sys.getrefcount(True) >= before - 50  # unrelated code may hold a few fewer
    assert not qt_fixes.emit_steals_bool_reference()  # the probe sees a fixed emit now
