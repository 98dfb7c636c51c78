"""Where the review's big reads run: in the worker process when the window has one, so a
100,000-row run's summary, map points and colouring never hold the window's GIL; otherwise (a
review shown without the window's worker, as in tests) in a helper thread with the garbage
collector's pauses kept away (:mod:`ping_desktop.gui.bulk_loads`). The same functions run in
both places."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from ping_desktop.gui.bulk_loads import without_gc_pauses
from ping_desktop.worker.workbench import ExecutorWorkbench

T = TypeVar("T")


class ReviewLoads:
    """Runs the review's read-only loads away from the Qt thread."""

    def __init__(self, pool: ExecutorWorkbench | None = None) -> None:
        #: The window's worker (set by the window); None: a helper thread of this process.
        self.pool = pool

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the worker process, or in a helper thread without one (``fn`` must
        then be a module-level, Qt-free function with a compact result)."""
        if self.pool is not None:
            return await self.pool.review_load(fn, *args)
        return await asyncio.to_thread(without_gc_pauses(lambda: fn(*args)))
