"""The GUI's heavy intake and export work, run in a separate process (Qt-free).

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
import atexit
import heapq
import itertools
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ping_desktop.engine.worker_process import WorkerLogs, init_worker
from ping_desktop.intake.model import (
    CellValue,
    ColumnMapping,
    IntakeError,
    Plan,
    Problem,
    SheetTable,
)

if TYPE_CHECKING:
    # Imported where used: the worker starts faster without the API and store modules.
    from ping_desktop.engine.ingest import IngestOutcome, IngestRequest
    from ping_desktop.storage.runstore import RunStore

log = logging.getLogger(__name__)

T = TypeVar("T")
PREVIEW_ROWS = 50
#: Problems sent to the window (errors first, then by row); the rest are only counted.
MAX_PROBLEMS = 200
_PLANS_KEPT = 2
_TABLES_KEPT = 4
ExportFormat = Literal["xlsx", "csv", "json"]


class WorkerLostError(IntakeError):
    """The worker process died or forgot the table (e.g. out of memory); read the file again."""


@dataclass(frozen=True)
class TablePreview:
    """What the window shows of a read sheet: its shape and first rows, not its 100k rows.

    Field names match :class:`~ping_desktop.intake.model.SheetTable`; ``row_count`` is the
    number of data rows of the whole sheet.
    """

    path: Path
    sheet: str
    sheets: tuple[str, ...]
    header_row: int
    columns: tuple[str, ...]
    rows: list[tuple[CellValue, ...]]
    row_numbers: list[int]
    notes: tuple[str, ...]
    row_count: int


@dataclass(frozen=True)
class ReadResult:
    """A file read in the worker: ``handle`` names its table there for planning and runs."""

    handle: str
    sheets: tuple[str, ...]
    preview: TablePreview
    mapping: ColumnMapping


@dataclass(frozen=True)
class PlanSummary:
    """A plan as the window needs it; the plan itself (locations, fan-out) stays in the worker
    under ``plan_id``. Attribute names match :class:`~ping_desktop.intake.model.Plan`."""

    plan_id: str
    sources: tuple[str, ...]
    rows: int
    unique_locations: int
    rows_with_problems: int
    sendable_rows: int
    #: The first :data:`MAX_PROBLEMS` problems, errors first, then by row.
    problems: tuple[Problem, ...]
    problem_count: int
    error_count: int

    @property
    def cost(self) -> int:
        """Lookups charged: unique locations x sources."""
        return self.unique_locations * len(self.sources)

    @property
    def warning_count(self) -> int:
        """Problems that are warnings."""
        return self.problem_count - self.error_count


def summarise(plan: Plan, plan_id: str) -> PlanSummary:
    """The window's view of ``plan``."""
    first = heapq.nsmallest(MAX_PROBLEMS, plan.problems,
                            key=lambda p: (p.severity != "error", p.row))
    errors = sum(1 for p in plan.problems if p.severity == "error")
    return PlanSummary(plan_id, tuple(plan.sources), plan.rows, plan.unique_locations,
                       plan.rows_with_problems, plan.sendable_rows, tuple(first),
                       len(plan.problems), errors)


# ----------------------------------------------------------------------------- worker side
# State of the worker process (one worker, so calls are serialised): tables by handle and,
# per table, its latest plans by id with the mapping they were made with.
_tables: OrderedDict[str, SheetTable] = OrderedDict()
_plans: dict[str, OrderedDict[str, tuple[Plan, ColumnMapping]]] = {}
_ids = itertools.count(1)
_state_lock = threading.Lock()  # the in-process mode calls from several threads


def _new_id(kind: str) -> str:
    return f"{kind}-{os.getpid()}-{next(_ids)}"


def _w_ping() -> int:
    return os.getpid()


def _w_read(path: Path, sheet: str | None, header_row: int | None) -> ReadResult:
    from ping_desktop.intake.mapping import guess_mapping
    from ping_desktop.intake.reader import list_sheets, read_table

    table = read_table(path, sheet=sheet, header_row=header_row)
    sheets = tuple(table.sheets) if table.sheets else tuple(list_sheets(path))
    mapping, _reasons = guess_mapping(table)
    handle = _new_id("table")
    with _state_lock:
        _tables[handle] = table
        while len(_tables) > _TABLES_KEPT:  # a leak guard: the window releases what it drops
            old, _ = _tables.popitem(last=False)
            _plans.pop(old, None)
    preview = TablePreview(table.path, table.sheet, table.sheets, table.header_row,
                           table.columns, table.rows[:PREVIEW_ROWS],
                           table.row_numbers[:PREVIEW_ROWS], table.notes, len(table.rows))
    return ReadResult(handle, sheets, preview, mapping)


def _table(handle: str) -> SheetTable:
    with _state_lock:
        table = _tables.get(handle)
    if table is None:
        raise WorkerLostError("The file is no longer loaded (the background reader restarted). "
                              "Open it again.")
    return table


def _w_plan(handle: str, mapping: ColumnMapping, sources: tuple[str, ...],
            required: dict[str, tuple[str, ...]]) -> PlanSummary:
    from ping_desktop.intake.plan import build_plan

    plan = build_plan(_table(handle), mapping, sources, required)
    plan_id = _new_id("plan")
    with _state_lock:
        kept = _plans.setdefault(handle, OrderedDict())
        kept[plan_id] = (plan, mapping)
        while len(kept) > _PLANS_KEPT:
            kept.popitem(last=False)
    return summarise(plan, plan_id)


def _w_release(handle: str) -> None:
    with _state_lock:
        _tables.pop(handle, None)
        _plans.pop(handle, None)


@dataclass(frozen=True)
class NewRun:
    """What :meth:`OffloadPool.create_run` needs besides the table and plan."""

    store_path: Path
    locations_per_job: int
    sources: tuple[str, ...]
    api_origin: str
    is_demo: bool
    source_fields: dict[str, list[str]]


def _w_create_run(handle: str, plan_id: str, run: NewRun) -> int:
    from ping_desktop.engine.creation import RunInput, create_run_blocking
    from ping_desktop.storage.runstore import RunStore

    table = _table(handle)
    with _state_lock:
        found = _plans.get(handle, OrderedDict()).get(plan_id)
    if found is None:
        raise WorkerLostError("The plan of this file is no longer available. Start again.")
    plan, mapping = found
    store = RunStore(run.store_path)
    try:
        return create_run_blocking(
            store,
            RunInput(table, mapping, plan, run.sources, run.api_origin, run.is_demo,
                     run.source_fields),
            run.locations_per_job,
        )
    finally:
        store.close()


def _w_export(store_path: Path, run_id: int, dest: Path, fmt: ExportFormat) -> None:
    from ping_desktop.engine.export_run import export_raw, export_run
    from ping_desktop.storage.runstore import RunStore

    store = RunStore(store_path)
    try:
        if fmt == "json":
            export_raw(store, run_id, dest)
        else:
            export_run(store, run_id, dest, fmt)
    finally:
        store.close()


# The worker keeps its run stores open between ingests (opening one checks the schema); a
# couple at most, closed when dropped and at exit. An unclosed one would be harmless anyway:
# every write is a committed transaction (WAL, synchronous=FULL).
_stores: OrderedDict[Path, RunStore] = OrderedDict()
_STORES_KEPT = 2


def _worker_store(path: Path) -> RunStore:
    from ping_desktop.storage.runstore import RunStore

    with _state_lock:
        store = _stores.get(path)
        if store is not None:
            _stores.move_to_end(path)
            return store
        if not _stores:
            atexit.unregister(_w_close_stores)  # registered once, whatever came before
            atexit.register(_w_close_stores)
        store = _stores[path] = RunStore(path)
        while len(_stores) > _STORES_KEPT:
            _old, dropped = _stores.popitem(last=False)
            dropped.close()
        return store


def _w_close_stores() -> None:
    with _state_lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        store.close()


def _w_ingest(request: IngestRequest) -> IngestOutcome:
    from ping_desktop.engine.ingest import ingest_output

    return ingest_output(_worker_store(request.store_path), request)


# ----------------------------------------------------------------------------- asyncio side
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
        return await self._call(_w_ping)

    async def read(self, path: Path, sheet: str | None = None,
                   header_row: int | None = None) -> ReadResult:
        """Read ``path`` in the worker (raises IntakeError / OSError like ``read_table``)."""
        return await self._call(_w_read, Path(path), sheet, header_row)

    async def plan(self, handle: str, mapping: ColumnMapping, sources: tuple[str, ...],
                   required: dict[str, tuple[str, ...]]) -> PlanSummary:
        """Validate and plan the table ``handle`` in the worker."""
        return await self._call(_w_plan, handle, mapping, tuple(sources), dict(required))

    async def create_run(self, handle: str, plan_id: str, run: NewRun) -> int:
        """Store a run of table ``handle`` with plan ``plan_id`` (done by the worker)."""
        self._held[handle] = self._held.get(handle, 0) + 1
        try:
            return await self._call(_w_create_run, handle, plan_id, run)
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
        await self._call(_w_release, handle)

    async def export(self, store_path: Path, run_id: int, dest: Path,
                     fmt: ExportFormat) -> None:
        """Write run ``run_id`` of the store at ``store_path`` to ``dest`` in the worker
        (raises ExportError / OSError like ``export_run``)."""
        await self._call(_w_export, Path(store_path), run_id, Path(dest), fmt)

    async def ingest(self, request: IngestRequest) -> IngestOutcome:
        """Load, record, parse and store one downloaded output in the worker (the engine's
        ``ingest``; see :func:`ping_desktop.engine.ingest.ingest_output` for what it raises).
        A worker that dies meanwhile raises :class:`IngestLostError`; the next call starts a
        new one."""
        from ping_desktop.engine.ingest import IngestLostError

        try:
            return await self._call(_w_ingest, request)
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
