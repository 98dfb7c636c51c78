"""Owning asyncio tasks from Qt code: strong references, names, cancel on close, one error route.

qasync 0.28's ``asyncSlot`` keeps no reference to the task it creates and a bare
``create_task`` loses its exception until garbage collection (engineering-notes §3), so every
coroutine the GUI starts goes through a :class:`TaskOwner`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorHandler = Callable[[BaseException, str], None]


class TaskOwner(QObject):
    """Starts and holds tasks; a named task preempts (cancels) the previous one of that name.

    ``failed(name, exception)`` is emitted for every task that ends with an exception other
    than cancellation, after the optional ``on_error`` handler ran.
    """

    failed = Signal(str, BaseException)

    def __init__(self, parent: QObject | None = None, on_error: ErrorHandler | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._named: dict[str, asyncio.Task[Any]] = {}
        self._on_error = on_error
        self._closed = False

    def start(
        self, coro: Coroutine[Any, Any, T], name: str, *, preempt: bool = False
    ) -> asyncio.Task[T]:
        """Schedule ``coro`` as a task named ``name`` and keep it alive until it ends.

        With ``preempt`` a still-running task of the same name is cancelled first (e.g. a newer
        file read makes the older one pointless).
        """
        if self._closed:
            coro.close()
            raise RuntimeError("TaskOwner is closed")
        if preempt:
            previous = self._named.get(name)
            if previous is not None and not previous.done():
                previous.cancel()
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        self._named[name] = task
        task.add_done_callback(self._finished)
        return task

    def running(self, name: str) -> bool:
        """True while the last task started under ``name`` has not finished."""
        task = self._named.get(name)
        return task is not None and not task.done()

    def tasks(self) -> list[asyncio.Task[Any]]:
        """The tasks still running."""
        return [t for t in self._tasks if not t.done()]

    def cancel_all(self) -> None:
        """Cancel every task (window closing); no new tasks are accepted afterwards."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if self._named.get(task.get_name()) is task:
            del self._named[task.get_name()]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("Task %s failed", task.get_name(), exc_info=exc)
        if not shiboken6.isValid(self):
            return  # the owner (and its window) is gone: logging is all that is left
        if self._on_error is not None:
            try:
                self._on_error(exc, task.get_name())
            except Exception:  # the error route itself must never raise into the loop
                log.exception("Error handler failed")
        self.failed.emit(task.get_name(), exc)


def dialog_result(dialog: QDialog) -> asyncio.Future[int]:
    """Open ``dialog`` window-modally with ``open()`` and return a future of its result code.

    The non-blocking replacement for ``dialog.exec()``, which must never run inside a coroutine
    (it nests a Qt loop and hangs qasync, engineering-notes §3).
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def _done(code: int) -> None:
        if not future.done():
            future.set_result(int(code))

    dialog.finished.connect(_done)
    dialog.open()
    return future
