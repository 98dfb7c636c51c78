"""What the workers of one active run share: its queue, stop flag and progress tracker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from ping_desktop.domain import RunPhase
from ping_desktop.engine.progress import ProgressTracker
from ping_desktop.storage.runstore import RunRecord

Sleep = Callable[[float], Awaitable[None]]


class RunContext:
    """What the workers of one active run share."""

    def __init__(self, run: RunRecord, tracker: ProgressTracker, outputs_dir: Path,
                 sleep: Sleep) -> None:
        self.run = run
        self.tracker = tracker
        self.outputs_dir = outputs_dir
        self.queue: asyncio.Queue[int] = asyncio.Queue()
        self.stop = asyncio.Event()
        self.stop_phase: RunPhase | None = None
        self.stop_message: str | None = None
        self.canceled = False
        self.workers: list[asyncio.Task[None]] = []
        #: Jobs the server has finished, being downloaded and stored after their worker
        #: went on to the next job.
        self.collecting: set[asyncio.Task[None]] = set()
        self.parse_slot = asyncio.Semaphore(1)
        self._sleep = sleep

    def request_stop(self, phase: RunPhase, message: str | None) -> None:
        """Stop submitting and polling for this run (the first reason wins)."""
        if not self.stop.is_set():
            self.stop_phase, self.stop_message = phase, message
            self.stop.set()

    async def wait(self, delay: float) -> bool:
        """Sleep ``delay`` seconds unless the run stops first; True if it may go on."""
        if self.stop.is_set():
            return False
        if delay > 0:
            sleeper = asyncio.ensure_future(self._sleep(delay))
            stopper = asyncio.ensure_future(self.stop.wait())
            try:
                await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                stopper.cancel()
        return not self.stop.is_set()
