"""Window start-up: the first size fits the screen; helper threads yield the CPU to the Qt
thread, and a finished run's outcome is counted once however often its line is refreshed (both
kept the Qt thread waiting for a core while a 100,000-row workbook was written)."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest

from ping_desktop.gui import run_status_flow
from ping_desktop.gui.background_threads import GIL_SWITCH_S, THREAD_NICE, use_background_threads


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_helper_threads_run_below_the_loop_thread() -> None:
    # A loop of its own, never run (pytest-qt's qasync loop counts as running in this thread):
    # the executor it is given is what asyncio.to_thread would use.
    loop = asyncio.new_event_loop()
    try:
        executor = use_background_threads(loop)
        helper_nice = executor.submit(os.nice, 0).result(timeout=10)
        executor.shutdown(wait=True)
    finally:
        loop.close()
    loop_nice = os.nice(0)
    assert helper_nice == min(19, loop_nice + THREAD_NICE)  # the loop's own thread untouched


def test_a_waiting_thread_gets_the_gil_sooner() -> None:
    # The Qt thread retakes the GIL after nearly every Qt call; with a busy Python thread
    # beside it, each retake waited up to CPython's default 5 ms (100-400 ms stalls in all).
    before = sys.getswitchinterval()
    loop = asyncio.new_event_loop()
    try:
        sys.setswitchinterval(0.005)
        use_background_threads(loop).shutdown(wait=True)
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_S)
        assert GIL_SWITCH_S <= 0.001
    finally:
        loop.close()
        sys.setswitchinterval(before)


def test_a_finished_runs_outcome_is_counted_once(qtbot: Any, make_window: Any, emulator: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import TEST_TOKEN

    window = make_window(api_url=emulator.api_url, token=TEST_TOKEN)
    calls: list[int] = []
    real = run_status_flow.outcome_counts

    def counting(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(run_status_flow, "outcome_counts", counting)
    flow = window.run_status
    for _ in range(5):  # five refreshes before the first count came back
        flow._load_summary(7)
    qtbot.waitUntil(lambda: not flow._counting, timeout=5000)
    assert calls == [7]


def test_the_first_window_fits_the_screen(qtbot: Any, make_window: Any) -> None:
    """A 1180x760 first size put half the window off a 1024x640 screen."""
    window = make_window()
    room = window.screen().availableGeometry()
    smallest = window.minimumSizeHint()
    assert window.width() <= max(room.width(), smallest.width())
    assert window.height() <= max(room.height(), smallest.height())
