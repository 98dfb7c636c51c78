"""The file being prepared: a queue of files, reading in the background worker process, the
guessed mapping, and the plan (problems, unique locations, cost) recomputed whenever mapping or
sources change.

The whole table lives in the worker process (:mod:`ping_desktop.worker.pool`): reading and
planning 100,000 rows hold the GIL for long C-level stretches, which in a thread of this process
would freeze the window. The window keeps a preview and the plan's summary only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.intake.model import ColumnMapping, IntakeError
from ping_desktop.worker.contract import PlanSummary, ReadResult, TablePreview
from ping_desktop.worker.pool import shared_pool
from ping_desktop.worker.workbench import Workbench

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedFile:
    """A file read in the worker (``read``) and ready for mapping, with the mapping chosen so
    far (first the guessed one)."""

    read: ReadResult
    mapping: ColumnMapping
    is_demo: bool = False

    @property
    def path(self) -> Path:
        """The file."""
        return self.read.preview.path

    @property
    def sheets(self) -> tuple[str, ...]:
        """Every sheet of the file."""
        return self.read.sheets

    @property
    def table(self) -> TablePreview:
        """What the window shows of the read sheet."""
        return self.read.preview

    @property
    def handle(self) -> str:
        """Names the full table in the worker."""
        return self.read.handle


class IntakeController(QObject):
    """Owns the current file and the queue; all intake work runs in the worker process.

    Signals: ``loading(str)`` (file name), ``loaded(LoadedFile)``, ``failed(str, str)`` (file
    name, plain message), ``plan_ready(Plan)``, ``queue_changed(int)`` (files still waiting).
    """

    loading = Signal(str)
    loaded = Signal(object)
    failed = Signal(str, str)
    plan_ready = Signal(object)
    queue_changed = Signal(int)

    def __init__(self, tasks: TaskOwner, parent: QObject | None = None,
                 offload: Workbench | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.offload: Workbench = offload or shared_pool()
        self.current: LoadedFile | None = None
        self.plan: PlanSummary | None = None
        self.queue: list[Path] = []
        self._sources: tuple[str, ...] = ()
        self._required: dict[str, tuple[str, ...]] = {}
        self._declined: frozenset[str] = frozenset()
        self._replan_pending = False

    # -- files ----------------------------------------------------------------------------------
    def open_files(self, paths: Iterable[Path], *, demo: bool = False) -> None:
        """Open the first file now and queue the rest (a new drop replaces the old queue)."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        self.queue = paths[1:]
        self.queue_changed.emit(len(self.queue))
        self._load(paths[0], None, None, demo)

    def next_file(self) -> bool:
        """Open the next queued file; False when the queue is empty."""
        if not self.queue:
            return False
        path = self.queue.pop(0)
        self.queue_changed.emit(len(self.queue))
        self._load(path, None, None, False)
        return True

    def choose_sheet(self, sheet: str) -> None:
        """Re-read the current file's ``sheet`` (header row detected again)."""
        if self.current is not None and sheet != self.current.table.sheet:
            self._load(self.current.path, sheet or None, None, self.current.is_demo)

    def choose_header_row(self, row: int) -> None:
        """Re-read the current sheet with the header on sheet row ``row``."""
        if self.current is not None and row != self.current.table.header_row:
            self._load(self.current.path, self.current.table.sheet or None, row,
                       self.current.is_demo)

    def clear(self) -> None:
        """Forget the current file (after it was started)."""
        self._set_current(None)
        self.plan = None
        self._declined = frozenset()

    def _set_current(self, loaded: LoadedFile | None) -> None:
        """Make ``loaded`` current; the worker forgets the table no longer shown."""
        old = self.current
        self.current = loaded
        if old is not None and old.handle and (loaded is None or loaded.handle != old.handle):
            self._release(old.handle)

    def _release(self, handle: str) -> None:
        try:
            self.tasks.start(self.offload.release(handle), f"intake-release-{handle}")
        except RuntimeError:  # the window is closing; the worker's size limit forgets it
            log.debug("Table %s not released: the window is closing", handle)

    def _load(self, path: Path, sheet: str | None, header_row: int | None, demo: bool) -> None:
        self.loading.emit(path.name)
        self.tasks.start(self._read(path, sheet, header_row, demo), "intake-read", preempt=True)

    async def _read(self, path: Path, sheet: str | None, header_row: int | None,
                    demo: bool) -> None:
        try:
            task = asyncio.ensure_future(self.offload.read(path, sheet, header_row))
            try:
                result = await asyncio.shield(task)
            except asyncio.CancelledError:
                # A newer read replaced this one: the worker still finishes it, so forget the
                # table it keeps for it once it is there.
                task.add_done_callback(self._release_unused)
                raise
        except IntakeError as error:
            self.failed.emit(path.name, error.message)
            return
        except OSError as error:  # intake maps these, but a race (file deleted) must not crash
            self.failed.emit(path.name, f"{path.name} could not be opened: {error.strerror}.")
            return
        self._set_current(LoadedFile(result, result.mapping, demo))
        self.plan = None
        self._declined = frozenset()  # a newly read sheet starts with every repair accepted
        assert self.current is not None
        self.loaded.emit(self.current)
        self.replan()

    def _release_unused(self, task: asyncio.Future[ReadResult]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        handle = task.result().handle
        if self.current is None or self.current.handle != handle:
            self._release(handle)

    # -- mapping, sources, plan ------------------------------------------------------------------
    def set_mapping(self, mapping: ColumnMapping) -> None:
        """The user changed the mapping: keep it and recompute the plan."""
        if self.current is None:
            return
        self.current = dataclasses.replace(self.current, mapping=mapping)
        self.replan()

    def set_sources(self, sources: Sequence[str],
                    required: Mapping[str, Sequence[str]]) -> None:
        """The chosen sources and each one's required inputs; recomputes the plan."""
        self._sources = tuple(sources)
        self._required = {k: tuple(v) for k, v in required.items()}
        self.replan()

    def set_declined(self, declined: frozenset[str]) -> None:
        """The address repair kinds the user declined; recomputes the plan without them."""
        if declined != self._declined:
            self._declined = frozenset(declined)
            self.replan()

    def replan(self) -> None:
        """Validate and plan the current file again, off the Qt thread.

        At most one plan is computed at a time: cancelling a task does not stop the worker, so
        stale plans of a 100k-row sheet would queue up there. Changes made meanwhile are planned
        once the running plan ends.
        """
        if self.current is None:
            return
        if self.tasks.running("intake-plan"):
            self._replan_pending = True
            return
        self.tasks.start(self._plan(), "intake-plan")

    async def _plan(self) -> None:
        while True:
            self._replan_pending = False
            loaded = self.current
            if loaded is None:
                return
            try:
                plan = await self.offload.plan(loaded.handle, loaded.mapping, self._sources,
                                               self._required, self._declined)
            except IntakeError as error:  # the worker lost the table (it crashed meanwhile)
                if self.current is loaded:
                    self._set_current(None)
                    self.failed.emit(loaded.path.name, error.message)
                return
            if self._replan_pending:
                continue  # inputs changed while planning: this plan is already stale
            if self.current is loaded:
                self.plan = plan
                self.plan_ready.emit(plan)
            return

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources the current plan was made for."""
        return self._sources
