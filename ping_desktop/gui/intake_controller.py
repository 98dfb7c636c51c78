"""The file being prepared: a queue of files, reading off the Qt thread, the guessed mapping,
and the plan (problems, unique locations, cost) recomputed whenever mapping or sources change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ping_desktop.gui.async_support import TaskOwner
from ping_desktop.intake.mapping import guess_mapping
from ping_desktop.intake.model import ColumnMapping, IntakeError, Plan, SheetTable
from ping_desktop.intake.plan import build_plan
from ping_desktop.intake.reader import list_sheets, read_table

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedFile:
    """A file read and ready for mapping."""

    path: Path
    sheets: tuple[str, ...]
    table: SheetTable
    mapping: ColumnMapping
    is_demo: bool = False


def _read(path: Path, sheet: str | None, header_row: int | None) -> tuple[list[str], SheetTable]:
    table = read_table(path, sheet=sheet, header_row=header_row)
    sheets = list(table.sheets) if table.sheets else list_sheets(path)
    return sheets, table


class IntakeController(QObject):
    """Owns the current file and the queue; all intake work runs in worker threads.

    Signals: ``loading(str)`` (file name), ``loaded(LoadedFile)``, ``failed(str, str)`` (file
    name, plain message), ``plan_ready(Plan)``, ``queue_changed(int)`` (files still waiting).
    """

    loading = Signal(str)
    loaded = Signal(object)
    failed = Signal(str, str)
    plan_ready = Signal(object)
    queue_changed = Signal(int)

    def __init__(self, tasks: TaskOwner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.current: LoadedFile | None = None
        self.plan: Plan | None = None
        self.queue: list[Path] = []
        self._sources: tuple[str, ...] = ()
        self._required: dict[str, tuple[str, ...]] = {}
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
        self.current = None
        self.plan = None

    def _load(self, path: Path, sheet: str | None, header_row: int | None, demo: bool) -> None:
        self.loading.emit(path.name)
        self.tasks.start(self._read(path, sheet, header_row, demo), "intake-read", preempt=True)

    async def _read(self, path: Path, sheet: str | None, header_row: int | None,
                    demo: bool) -> None:
        try:
            sheets, table = await asyncio.to_thread(_read, path, sheet, header_row)
            mapping, _reasons = await asyncio.to_thread(guess_mapping, table)
        except IntakeError as error:
            self.failed.emit(path.name, error.message)
            return
        except OSError as error:  # intake maps these, but a race (file deleted) must not crash
            self.failed.emit(path.name, f"{path.name} could not be opened: {error.strerror}.")
            return
        self.current = LoadedFile(path, tuple(sheets), table, mapping, demo)
        self.plan = None
        self.loaded.emit(self.current)
        self.replan()

    # -- mapping, sources, plan ------------------------------------------------------------------
    def set_mapping(self, mapping: ColumnMapping) -> None:
        """The user changed the mapping: keep it and recompute the plan."""
        if self.current is None:
            return
        self.current = LoadedFile(self.current.path, self.current.sheets, self.current.table,
                                  mapping, self.current.is_demo)
        self.replan()

    def set_sources(self, sources: Sequence[str],
                    required: Mapping[str, Sequence[str]]) -> None:
        """The chosen sources and each one's required inputs; recomputes the plan."""
        self._sources = tuple(sources)
        self._required = {k: tuple(v) for k, v in required.items()}
        self.replan()

    def replan(self) -> None:
        """Validate and plan the current file again, off the Qt thread.

        At most one plan is computed at a time: cancelling a task does not stop its worker
        thread, so several stale plans of a 100k-row sheet would run at once and starve the Qt
        thread of the GIL. Changes made meanwhile are planned once the running plan ends.
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
            plan = await asyncio.to_thread(
                build_plan, loaded.table, loaded.mapping, self._sources, self._required
            )
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
