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
import contextlib
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
    # Deliberately no loop.stop()/close(): see the module docstring. A window's start-up swaps
    # in its own executor (gui/background_threads) and stops this one: stop whichever is last.
    current = getattr(loop, "_QEventLoop__default_executor", None)
    if current is not None and current is not executor:
        current.shutdown(wait=True)
    with contextlib.suppress(RuntimeError):  # already stopped by a window's start-up
        executor.shutdown(wait=True)


@pytest.fixture
def qloop(
    _session_qloop: asyncio.AbstractEventLoop, qapp: QApplication
) -> Iterator[asyncio.AbstractEventLoop]:
    """The running qasync loop; tasks a test leaves behind are cancelled afterwards.

    The loop counts as running only during a GUI test: a test of another folder run after
    the GUI tests in the same process (``asyncio.run`` in an e2e test) must not find it.
    """
    asyncio.events._set_running_loop(_session_qloop)
    asyncio.set_event_loop(_session_qloop)
    yield _session_qloop
    leftovers = [t for t in asyncio.all_tasks(_session_qloop) if not t.done()]
    for task in leftovers:
        task.cancel()
    for _ in range(10):
        qapp.processEvents()
        if all(t.done() for t in leftovers):
            break
    asyncio.events._set_running_loop(None)


@pytest.fixture
def run_coro(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> Callable[..., Any]:
    """``run_coro(coro, timeout=5000)``: run a coroutine on the qasync loop from a sync test."""

    def _run(coro: Awaitable[T], timeout: int = 5000) -> T:
        task = asyncio.ensure_future(coro, loop=qloop)
        qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    return _run


@pytest.fixture
def make_window(
    qtbot: Any, qloop: asyncio.AbstractEventLoop, run_coro: Callable[..., Any]
) -> Iterator[Callable[..., Any]]:
    """Factory building the real composition (stores under the test's PING_DESKTOP_HOME, the
    in-memory keyring) and a shown, started :class:`MainWindow`.

    ``make_window(api_url=None, token=None, demo_rate=0.0, **settings)``: ``api_url`` becomes
    the custom API URL (e.g. ``emulator.api_url``), ``token`` is stored in the keyring for it,
    ``demo_rate`` is the demo emulator's locations per second (0 = instant), other keywords
    replace Settings fields. Everything is closed and the emulator stopped afterwards.
    """
    import dataclasses

    from ping_desktop.gui.main_window import MainWindow
    from ping_desktop.session import DemoBackend, build_services
    from ping_desktop.storage.paths import app_paths

    made: list[Any] = []

    def _make(api_url: str | None = None, token: str | None = None,
              demo_rate: float = 0.0, startup: bool = True, **settings: Any) -> Any:
        services = build_services(app_paths())
        changes: dict[str, Any] = dict(settings)
        if api_url is not None:
            changes["custom_api_url"] = api_url
        if changes:
            services.settings = dataclasses.replace(services.settings, **changes)
            services.settings_store.save(services.settings)
        if token is not None:
            services.credentials.set_token(services.api_origin(), token)
        services.demo = DemoBackend(locations_per_second=demo_rate)
        window = MainWindow(services)
        # Not qtbot.addWidget: pytest-qt would close() it before this fixture's teardown, which
        # starts the window's own asynchronous close flow on a widget about to be deleted.
        made.append(window)
        window.show()
        if startup:
            run_coro(window.startup(), timeout=10_000)
        return window

    yield _make
    for window in made:
        run_coro(window.shutdown(keep=True), timeout=10_000)
        window._close_ready = True
        window.close()
        run_coro(window.services.aclose(), timeout=10_000)
        window.deleteLater()
