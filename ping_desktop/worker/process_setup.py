"""Set-up of the background worker process: lower priority, and logging back to the app.

The worker reads files, parses results and writes workbooks for the window; the window's
process must win whenever both want a core, or the window stutters while the worker runs. Its
log records travel back over a queue and are written by the app's own handlers (the redacting
file handler of ``storage.logging_setup``), so worker messages land in the app's log and in
diagnostics like any other.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from typing import Any

log = logging.getLogger(__name__)

#: Added to the worker's nice value on POSIX (lower priority); Windows gets BELOW_NORMAL.
NICE_INCREMENT = 10
_BELOW_NORMAL_PRIORITY_CLASS = 0x4000


def lower_priority() -> None:
    """Make this process yield to the app's window when cores are scarce (best effort)."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), _BELOW_NORMAL_PRIORITY_CLASS)
        else:
            os.nice(NICE_INCREMENT)
    except (OSError, AttributeError):  # not allowed or not supported: run at normal priority
        pass


def init_worker(log_queue: Any, level: int) -> None:
    """The worker process's initializer: lower priority, log records to ``log_queue``."""
    lower_priority()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(log_queue))
    root.setLevel(level)


class _Relay(logging.Handler):
    """Hands a record from the worker to the logger of the same name in this process."""

    def emit(self, record: logging.LogRecord) -> None:
        record.processName = "worker"
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


class WorkerLogs:
    """The queue the worker logs into and the thread that replays its records here."""

    def __init__(self, mp_context: Any) -> None:
        self.queue: Any = mp_context.Queue()
        self._listener = logging.handlers.QueueListener(self.queue, _Relay())
        self._listener.start()

    @property
    def level(self) -> int:
        """The level the worker should log at: this process's root level."""
        return logging.getLogger().getEffectiveLevel()

    def close(self) -> None:
        """Replay what is queued, then stop the thread and close the queue."""
        with contextlib.suppress(Exception):  # closing must never fail the app's exit
            self._listener.stop()
            self.queue.close()
