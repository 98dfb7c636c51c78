"""The background worker process for heavy intake, ingest and export work (Qt-free).

Why a process and not a thread: reading a 100,000-row sheet, planning it and writing the merged
workbook are long stretches of C-level calls (calamine, ``map``/``zip`` over whole columns,
``json``, garbage collection over millions of objects) that hold the GIL for hundreds of
milliseconds at a time. In a worker *thread* the window's Qt thread cannot run meanwhile; in a
worker *process* it does not even notice.

The full table and its plans stay in the worker process: the window only ever receives what it
shows (a preview of the first rows, the guessed mapping, the plan's counts and its first
problems), so nothing large is unpickled on the Qt side. Starting a run stores the table,
plan and jobs into the run store straight from the worker process (SQLite in WAL mode takes
writers from several processes). The engine then runs the jobs in the GUI process, except the
heavy end of each job: loading, parsing and storing each downloaded output
(:meth:`OffloadPool.ingest`, ``Engine(ingest=pool.ingest)``) happens in the worker too.

:class:`OffloadPool` is the asyncio side; the ``_w_*`` functions run inside the worker.
``OffloadPool(in_process=True)`` runs the same functions in threads of this process (tests
that patch library internals, platforms without process support).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ping_desktop.intake.model import ColumnMapping
from ping_desktop.worker import tasks
from ping_desktop.worker.contract import (
    ExportFormat,
    NewRun,
    PlanSummary,
    ReadResult,
    WorkerLostError,
)
from ping_desktop.worker.process_setup import WorkerLogs, init_worker

if TYPE_CHECKING:
    from ping_desktop.engine.ingest import IngestOutcome, IngestRequest

log = logging.getLogger(__name__)

T = TypeVar("T")


class OffloadPool:
    """One worker process (started on first use, restarted after a crash) for intake and
    export work; every method is a coroutine that never blocks the event loop for long."""

    def __init__(self, *, in_process: bool = False) -> None:
        self.in_process = in_process
        self._executor: Executor | None = None
        self._logs: WorkerLogs | None = None
        self._held: dict[str, int] = {}
        self._release_later: set[str] = set()

    def _pool(self) -> Executor:
        if self._executor is None:
            if self.in_process:
                from concurrent.futures import ThreadPoolExecutor

                # One thread, like the one worker process: calls run in order.
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="offload")
            else:
                context = multiprocessing.get_context("spawn")
                if self._logs is None:
                    self._logs = WorkerLogs(context)
                self._executor = ProcessPoolExecutor(
                    max_workers=1, mp_context=context, initializer=init_worker,
                    initargs=(self._logs.queue, self._logs.level))
        return self._executor

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool(), fn, *args)
        except BrokenProcessPool:
            log.error("The background worker process died; it will be started again")
            self._drop_executor()
            raise WorkerLostError("The background reader stopped unexpectedly (perhaps out of "
                                  "memory). Open the file again.") from None

    def _drop_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    async def start(self) -> int:
        """Start the worker now (it takes a moment); returns its process id."""
        return await self._call(tasks.w_ping)

    async def read(self, path: Path, sheet: str | None = None,
                   header_row: int | None = None) -> ReadResult:
        """Read ``path`` in the worker (raises IntakeError / OSError like ``read_table``)."""
        return await self._call(tasks.w_read, Path(path), sheet, header_row)

    async def plan(self, handle: str, mapping: ColumnMapping, sources: tuple[str, ...],
                   required: dict[str, tuple[str, ...]]) -> PlanSummary:
        """Validate and plan the table ``handle`` in the worker."""
        return await self._call(tasks.w_plan, handle, mapping, tuple(sources), dict(required))

    async def create_run(self, handle: str, plan_id: str, run: NewRun) -> int:
        """Store a run of table ``handle`` with plan ``plan_id`` (done by the worker)."""
        self._held[handle] = self._held.get(handle, 0) + 1
        try:
            return await self._call(tasks.w_create_run, handle, plan_id, run)
        finally:
            self._held[handle] -= 1
            if not self._held[handle]:
                del self._held[handle]
                if handle in self._release_later:
                    self._release_later.discard(handle)
                    await self.release(handle)

    async def release(self, handle: str) -> None:
        """Forget table ``handle`` in the worker (deferred while a run is created from it)."""
        if handle in self._held:
            self._release_later.add(handle)
            return
        if self._executor is None:
            return  # a new worker never knew it
        await self._call(tasks.w_release, handle)

    async def export(self, store_path: Path, run_id: int, dest: Path,
                     fmt: ExportFormat) -> None:
        """Write run ``run_id`` of the store at ``store_path`` to ``dest`` in the worker
        (raises ExportError / OSError like ``export_run``)."""
        await self._call(tasks.w_export, Path(store_path), run_id, Path(dest), fmt)

    async def ingest(self, request: IngestRequest) -> IngestOutcome:
        """Load, record, parse and store one downloaded output in the worker (the engine's
        ``ingest``; see :func:`ping_desktop.engine.ingest.ingest_output` for what it raises).
        A worker that dies meanwhile raises :class:`IngestLostError`; the next call starts a
        new one."""
        from ping_desktop.engine.ingest import IngestLostError

        try:
            return await self._call(tasks.w_ingest, request)
        except WorkerLostError:
            raise IngestLostError() from None

    def shutdown(self) -> None:
        """Stop the worker (pending calls are cancelled); it starts again on next use."""
        self._drop_executor()
        logs, self._logs = self._logs, None
        if logs is not None:
            logs.close()


_shared: OffloadPool | None = None


def shared_pool() -> OffloadPool:
    """The process-wide pool (one worker process per app, not per window)."""
    global _shared
    if _shared is None:
        _shared = OffloadPool()
    return _shared
