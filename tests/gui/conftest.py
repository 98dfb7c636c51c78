"""qasync + pytest-qt fixtures shared by every GUI test.

Pattern (engineering-notes §4, "Pattern A"): ONE qasync loop for the whole session, marked as
already running so ``asyncio.get_running_loop()`` works inside slots and httpx, and NEVER stopped
or closed (qasync's ``stop()`` calls ``QApplication.exit()``, after which every later
``qtbot.waitSignal`` returns at once). Tests are plain sync functions taking ``qtbot, qloop``;
to await a coroutine use :func:`run_coro` (or ``asyncio.ensure_future`` + ``qtbot.waitUntil``).
Never call ``qtbot.wait*`` inside a coroutine, and never ``exec()`` a dialog.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import PySide6  # noqa: F401  - import the binding before qasync so it cannot pick another
import pytest
import qasync
from PySide6.QtWidgets import QApplication

T = TypeVar("T")


@pytest.fixture(scope="session")
def _session_qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    # A dialog or a closed window must never quit the shared application mid-session.
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    # Our own executor so its QThreads can be joined at the end ("QThread: Destroyed while
    # thread is still running" otherwise); asyncio.to_thread uses the loop's default executor.
    executor = qasync.QThreadExecutor(4)
    loop.set_default_executor(executor)
    yield loop
    # Deliberately no loop.stop()/close(): see the module docstring.
    executor.shutdown(wait=True)


@pytest.fixture
def qloop(
    _session_qloop: asyncio.AbstractEventLoop, qapp: QApplication
) -> Iterator[asyncio.AbstractEventLoop]:
    """The running qasync loop; tasks a test leaves behind are cancelled afterwards."""
    yield _session_qloop
    leftovers = [t for t in asyncio.all_tasks(_session_qloop) if not t.done()]
    for task in leftovers:
        task.cancel()
    for _ in range(10):
        qapp.processEvents()
        if all(t.done() for t in leftovers):
            break


@pytest.fixture
def run_coro(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> Callable[..., Any]:
    """``run_coro(coro, timeout=5000)``: run a coroutine on the qasync loop from a sync test."""

    def _run(coro: Awaitable[T], timeout: int = 5000) -> T:
        task = asyncio.ensure_future(coro, loop=qloop)
        qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    return _run
