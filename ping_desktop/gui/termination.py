"""SIGTERM and SIGHUP (logout, ``kill``) close the window like a close that keeps the runs.

Python runs a signal handler only between bytecodes, and the Qt event loop waits in C++: the
signal's number is written to a socket (``signal.set_wakeup_fd``) that a QSocketNotifier
watches, so the window hears of it at once and runs the ordinary close flow (runs paused and
kept for next time, settings saved, the background worker process stopped: no orphaned worker
and no "leaked semaphore" warnings).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

#: The signals that mean "the session is ending, close now" (POSIX only).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                    if hasattr(signal, name))


class TerminationWatch(QObject):
    """Calls ``on_terminate(signal_number)`` on the Qt thread when a terminating signal comes
    (once; later ones are ignored while the close runs). :meth:`uninstall` puts things back."""

    def __init__(self, on_terminate: Callable[[int], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_terminate = on_terminate
        self._fired = False
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        # A Python-level handler is needed for the wakeup fd to be written (SIG_DFL would end
        # the process at once); it does nothing itself.
        self._previous = {sig: signal.signal(sig, _note) for sig in TERMINATING}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    def _readable(self, *_args: object) -> None:
        try:
            data = self._reader.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        numbers = [n for n in data if n in TERMINATING]
        if numbers and not self._fired:
            self._fired = True
            self._on_terminate(numbers[0])

    def uninstall(self) -> None:
        """Restore the previous handlers and close the socket pair."""
        self._notifier.setEnabled(False)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        for end in (self._reader, self._writer):
            with contextlib.suppress(OSError):
                end.close()


def _note(_signum: int, _frame: object) -> None:
    """The Python-level handler: the wakeup fd carries the news."""


def watch_termination(on_terminate: Callable[[int], object],
                      parent: QObject | None = None) -> TerminationWatch | None:
    """Install a :class:`TerminationWatch` (None on Windows, which has no SIGTERM delivery to
    GUI programs)."""
    if sys.platform == "win32" or not TERMINATING:
        return None
    return TerminationWatch(on_terminate, parent)
