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
(``Engine(ingest=pool.ingest)``) happens in the worker too.

:class:`OffloadPool` is the process implementation of the
:class:`~ping_desktop.worker.workbench.Workbench`; the functions it runs are in
:mod:`ping_desktop.worker.tasks`, shared with the in-thread
:class:`~ping_desktop.worker.workbench.ThreadWorkbench`.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

from ping_desktop.worker.process_setup import WorkerLogs, init_worker
from ping_desktop.worker.workbench import ExecutorWorkbench


class OffloadPool(ExecutorWorkbench):
    """The workbench in one worker process (started on first use, restarted after a crash;
    lower priority, its logs relayed to this process)."""

    def __init__(self) -> None:
        super().__init__()
        self._logs: WorkerLogs | None = None

    def _new_executor(self) -> Executor:
        context = multiprocessing.get_context("spawn")
        if self._logs is None:
            self._logs = WorkerLogs(context)
        return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=init_worker,
                                   initargs=(self._logs.queue, self._logs.level))

    def shutdown(self) -> None:
        """Stop the worker (pending calls are cancelled); it starts again on next use."""
        super().shutdown()
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
