"""The workbench: the one interface for the heavy file work — read, plan, create a run,
release, ingest, export — and its in-thread implementation.

Two implementations run the same worker-side functions (:mod:`ping_desktop.worker.tasks`):
:class:`~ping_desktop.worker.pool.OffloadPool` in a worker process (the window: those calls
hold the GIL for long C-level stretches, which in a thread would freeze it) and
:class:`ThreadWorkbench` in one thread of this process (the command line, which has no window
to keep responsive, and tests). Both keep the full table and its plans on their side and
hand back only a preview and a plan summary (:mod:`ping_desktop.worker.contract`), so the
command line and the window create runs the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ping_desktop.intake.model import ColumnMapping
from ping_desktop.worker import tasks
from ping_desktop.worker.contract import ExportFormat, PlanSummary, ReadResult, WorkerLostError

if TYPE_CHECKING:
    from ping_desktop.engine.ingest import IngestOutcome, IngestRequest
    from ping_desktop.engine.timings import Timings

log = logging.getLogger(__name__)

T = TypeVar("T")


class Workbench(Protocol):
    """Heavy file work off the caller's event loop; every method but ``shutdown`` is a
    coroutine. Tables and plans are named by the handles and plan ids it returns."""

    async def read(self, path: Path, sheet: str | None = None,
                   header_row: int | None = None) -> ReadResult:
        """Read ``path`` (raises IntakeError / OSError like ``read_table``)."""
        ...

    async def plan(self, handle: str, mapping: ColumnMapping, sources: Sequence[str],
                   required: Mapping[str, Sequence[str]],
                   declined: frozenset[str] = frozenset()) -> PlanSummary:
        """Validate and plan table ``handle``, leaving out the address repair kinds in
        ``declined`` (a run created from this plan stores them)."""
        ...

    async def create_run(self, handle: str, plan_id: str, *, store_path: Path,
                         locations_per_job: int, sources: Sequence[str], api_origin: str,
                         is_demo: bool = False,
                         source_fields: Mapping[str, list[str]] | None = None,
                         output: Mapping[str, str] | None = None,
                         concurrent_jobs: int = 1) -> int:
        """Store a run of table ``handle`` with plan ``plan_id``; returns its id. ``output``
        (``{"output": path, "format": fmt}``) is the file the run is meant to be saved to,
        noted in the run folder before the run exists (see :mod:`ping_desktop.engine.creation`);
        ``concurrent_jobs``, how many jobs the engine sends at once (job sizes are evened out
        over its waves)."""
        ...

    async def release(self, handle: str) -> None:
        """Forget table ``handle`` (deferred while a run is created from it)."""
        ...

    async def ingest(self, request: IngestRequest) -> IngestOutcome:
        """Load, record, parse and store one downloaded output (an engine's ``ingest``)."""
        ...

    async def export(self, store_path: Path, run_id: int, dest: Path,
                     fmt: ExportFormat) -> None:
        """Write a stored run to ``dest``."""
        ...

    def shutdown(self) -> None:
        """Stop the executor (pending calls are cancelled); it starts again on next use."""
        ...


class ExecutorWorkbench:
    """The :class:`Workbench` over a one-worker executor (calls run in order); subclasses
    say which executor. Every method is a coroutine that never blocks the event loop."""

    def __init__(self) -> None:
        self._executor: Executor | None = None
        self._held: dict[str, int] = {}
        self._release_later: set[str] = set()

    def _new_executor(self) -> Executor:
        raise NotImplementedError

    def _pool(self) -> Executor:
        if self._executor is None:
            self._executor = self._new_executor()
        return self._executor

    async def _call(self, phase: str, fn: Callable[..., T], *args: Any) -> T:
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
        return await self._call("", tasks.w_ping)

    async def read(self, path: Path, sheet: str | None = None,
                   header_row: int | None = None) -> ReadResult:
        """Read ``path`` (raises IntakeError / OSError like ``read_table``)."""
        return await self._call("intake", tasks.w_read, Path(path), sheet, header_row)

    async def plan(self, handle: str, mapping: ColumnMapping, sources: Sequence[str],
                   required: Mapping[str, Sequence[str]],
                   declined: frozenset[str] = frozenset()) -> PlanSummary:
        """Validate and plan the table ``handle`` without the repair kinds in ``declined``."""
        return await self._call("intake", tasks.w_plan, handle, mapping, tuple(sources),
                                {k: tuple(v) for k, v in required.items()},
                                frozenset(declined))

    async def create_run(self, handle: str, plan_id: str, *, store_path: Path,
                         locations_per_job: int, sources: Sequence[str], api_origin: str,
                         is_demo: bool = False,
                         source_fields: Mapping[str, list[str]] | None = None,
                         output: Mapping[str, str] | None = None,
                         concurrent_jobs: int = 1) -> int:
        """Store a run of table ``handle`` with plan ``plan_id`` in the store at
        ``store_path`` (its rows never cross back); returns the run id."""
        self._held[handle] = self._held.get(handle, 0) + 1
        try:
            return await self._call("plan_store", tasks.w_create_run, handle, plan_id,
                                    Path(store_path), locations_per_job, tuple(sources),
                                    api_origin, is_demo, dict(source_fields or {}),
                                    dict(output) if output else None, concurrent_jobs)
        finally:
            self._held[handle] -= 1
            if not self._held[handle]:
                del self._held[handle]
                if handle in self._release_later:
                    self._release_later.discard(handle)
                    await self.release(handle)

    async def release(self, handle: str) -> None:
        """Forget table ``handle`` (deferred while a run is created from it)."""
        if handle in self._held:
            self._release_later.add(handle)
            return
        if self._executor is None:
            return  # a new worker never knew it
        await self._call("", tasks.w_release, handle)

    async def export(self, store_path: Path, run_id: int, dest: Path,
                     fmt: ExportFormat) -> None:
        """Write run ``run_id`` of the store at ``store_path`` to ``dest`` (raises
        ExportError / OSError like ``export_run``)."""
        await self._call("merge_export", tasks.w_export, Path(store_path), run_id, Path(dest),
                         fmt)

    async def review_load(self, fn: Callable[..., T], *args: Any) -> T:
        """Run one of the review's read-only loads in the worker and return what it made:
        ``fn`` is a module-level, Qt-free function (it is sent by name), such as
        :func:`ping_desktop.storage.run_summary.summarize` or
        :func:`ping_desktop.worker.map_points.load_points`, and its result should be compact
        (arrays, bytes): it is unpickled in a thread of the caller's process, holding the GIL."""
        return await self._call("", fn, *args)

    async def ingest(self, request: IngestRequest) -> IngestOutcome:
        """Load, record, parse and store one downloaded output (an engine's ``ingest``; see
        :func:`ping_desktop.engine.ingest.ingest_output` for what it raises). A worker that
        dies meanwhile raises :class:`IngestLostError`; the next call starts a new one."""
        from ping_desktop.engine.ingest import IngestLostError

        try:
            return await self._call("parse", tasks.w_ingest, request)
        except WorkerLostError:
            raise IngestLostError() from None

    def shutdown(self) -> None:
        """Stop the worker (pending calls are cancelled); it starts again on next use."""
        self._drop_executor()


class ThreadWorkbench(ExecutorWorkbench):
    """The workbench in one thread of this process (the command line, tests).

    With ``timings``, each call's CPU seconds (of that thread) go to its phase: ``intake``
    (read, plan), ``plan_store``, ``parse`` and ``merge_export``.
    """

    def __init__(self, timings: Timings | None = None) -> None:
        super().__init__()
        self.timings = timings

    def _new_executor(self) -> Executor:
        # One thread, like the one worker process: calls run in order.
        return ThreadPoolExecutor(1, thread_name_prefix="workbench")

    async def _call(self, phase: str, fn: Callable[..., T], *args: Any) -> T:
        timings = self.timings
        if timings is None or not phase:
            return await super()._call(phase, fn, *args)

        def measured() -> T:
            with timings.measure_cpu(phase):
                return fn(*args)

        return await super()._call(phase, measured)


__all__ = ["ExecutorWorkbench", "ThreadWorkbench", "Workbench"]
