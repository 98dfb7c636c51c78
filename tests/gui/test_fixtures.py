"""The shared qasync fixtures work: coroutines run, httpx-style running-loop lookups succeed."""

from __future__ import annotations

import asyncio
from typing import Any


async def _answer() -> int:
    asyncio.get_running_loop()  # what httpx/anyio do: must not raise
    await asyncio.sleep(0.01)
    return await asyncio.to_thread(lambda: 42)


def test_run_coro_runs_on_the_qasync_loop(run_coro: Any) -> None:
    assert run_coro(_answer()) == 42


def test_leftover_tasks_do_not_break_the_next_test(qtbot: Any, qloop: Any) -> None:
    never = asyncio.ensure_future(asyncio.sleep(3600))
    done = asyncio.ensure_future(asyncio.sleep(0.01))
    qtbot.waitUntil(done.done, timeout=2000)
    assert not never.done()


def test_wait_signal_still_works_after_previous_tests(qtbot: Any, qloop: Any) -> None:
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=2000):
        timer.start(10)
