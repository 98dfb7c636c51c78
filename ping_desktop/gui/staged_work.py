"""Work on the Qt thread cut into steps, one step per turn of the event loop.

Filling a page at once (a combo box per mapped field, fitting 30 preview columns, the first
paint) added up to 80-110 ms in one go, and the window did not answer meanwhile. Each step here
is a few milliseconds, and input, paint and timers are handled between steps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal


class StagedWork(QObject):
    """Runs queued steps one per event-loop turn; :meth:`start` replaces steps not yet run."""

    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: deque[Callable[[], None]] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def pending(self) -> bool:
        """True while steps are still to run."""
        return bool(self._steps)

    def start(self, steps: Iterable[Callable[[], None]]) -> None:
        """Drop what is still queued and run ``steps`` from the next turn on."""
        self._steps = deque(steps)
        if self._steps:
            self._timer.start()
        else:
            self._timer.stop()
            self.finished.emit()

    def cancel(self) -> None:
        """Drop the steps not yet run (``finished`` is not emitted)."""
        self._steps.clear()
        self._timer.stop()

    def finish_now(self) -> None:
        """Run every remaining step at once (e.g. before the panel is read back)."""
        while self._steps:
            self._step()

    def _step(self) -> None:
        if self._steps:
            step = self._steps.popleft()
            step()
        if not self._steps:
            self._timer.stop()
            self.finished.emit()
