"""The window process's helper threads yield the CPU to the Qt thread.

``asyncio.to_thread`` work in the window (History's and the run-state line's SQLite queries over
100,000 rows, keyring reads, file checks) runs in the event loop's default executor. When the
worker process writes a workbook on one core and such a query runs on the other, the Qt thread
used to wait up to 90 ms for a core (bench_gui_stall's "waited for a core"). On Linux, nice
values are per thread, so these threads run at a lower priority and the Qt thread wins a
contended core; elsewhere the executor is the same, at normal priority.

They also hand the GIL back sooner (:data:`GIL_SWITCH_S`). PySide releases the GIL around
nearly every Qt call, so the Qt thread takes it again many times per event; with a Python
thread busy beside it (a review load, the needs-review queue), each retake waited up to
CPython's default 5 ms switch interval, and a repaint or a slot adding up such waits froze the
window 100-400 ms (bench_gui_stall --review-open: the Qt thread "slept" most of each gap).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor

#: Added to the nice value of each helper thread (Linux only; the worker process uses 10 too).
THREAD_NICE = 10
#: How long a thread may keep the GIL while another waits for it (CPython's default: 5 ms).
GIL_SWITCH_S = 0.001


def _lower_this_thread() -> None:
    # os.nice changes only the calling thread on Linux (not POSIX, but how Linux does it);
    # on other systems it would lower the whole window process, so leave them alone.
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # not allowed: run at normal priority
            os.nice(THREAD_NICE)


def use_background_threads(loop: asyncio.AbstractEventLoop) -> ThreadPoolExecutor:
    """Make ``loop``'s default executor one whose threads run below the Qt thread, and let
    a waiting thread (the Qt thread) have the GIL within :data:`GIL_SWITCH_S`."""
    sys.setswitchinterval(GIL_SWITCH_S)
    executor = ThreadPoolExecutor(thread_name_prefix="window-bg", initializer=_lower_this_thread)
    # qasync made its own default executor (QThreads) if anything ran in a thread before; it
    # keeps it privately, and only shuts down the one it holds at close: an orphaned one would
    # be destroyed with its QThreads still running ("QThread: Destroyed while thread is still
    # running" at exit). Stop it; it is idle this early.
    previous = getattr(loop, "_QEventLoop__default_executor", None)
    loop.set_default_executor(executor)
    if previous is not None and previous is not executor:
        previous.shutdown(wait=True)  # idle at start-up: its threads stop at once
    return executor
