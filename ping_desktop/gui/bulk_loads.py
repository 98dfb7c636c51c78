"""The review's 100,000-row loads without the garbage collector's pauses.

A full (generation-2) collection walks every tracked object of the process while holding the
GIL, so it stops the Qt thread too. Loading a big run's map or summary in a helper thread
allocates so much that CPython ran one full collection after another: 26 of 180-375 ms in one
``bench_gui_stall --review-open --trace`` run, the window frozen each time. What such a load
builds is plain data without reference cycles, freed by reference counting when replaced, so
the collector has nothing to find in it: it is off while a load runs, and what exists when the
last load ends is frozen (``gc.freeze``: later collections skip it). The price: a reference
cycle that became garbage before that moment is never collected; loads happen when a user opens
a run, so that stays small.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_running = 0


def without_gc_pauses(job: Callable[[], T]) -> Callable[[], T]:
    """``job`` (a bulk load, run in a helper thread) with the garbage collector off while it
    and any other such load run; its results are frozen when the last one ends."""

    def quiet() -> T:
        global _running
        with _lock:
            _running += 1
            if _running == 1:
                gc.disable()
        try:
            return job()
        finally:
            with _lock:
                _running -= 1
                if _running == 0:
                    gc.freeze()
                    gc.enable()

    return quiet
