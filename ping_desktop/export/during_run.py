"""An .xlsx export written while its run works, so little is left to do after the last job.

The export starts with the run (in a thread of its own) and writes the main sheet's rows in
sheet order as soon as their results are final: every row before
:meth:`~ping_desktop.storage.runstore_rows.RowReads.first_pending_row` refers only to locations
whose jobs are final. When the run ends, :meth:`ExportDuringRun.finish` says whether to complete
it: the remaining rows are read, then the Problems, Summary and Run sheets, exactly as
:func:`~ping_desktop.export.from_store.export_run` writes them. It gives up (and leaves no file)
when the run did not finish with results to save, when the result columns are not those the
header was written with (a field no datasource declared came back), or on any failure; the
caller then exports the usual way, so the file is always the one ``export_run`` would write.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from ping_desktop.export.from_store import build_table, check_not_input, layout, run_info
from ping_desktop.export.model import ExportStats, ExtraSheet
from ping_desktop.export.summary_sheet import SHEET_NAME, summary_sheet
from ping_desktop.export.xlsx import write_xlsx
from ping_desktop.storage.runstore import RunStore
from ping_desktop.storage.runstore_rows import RowRange

T = TypeVar("T")

#: How often the export looks for newly final rows without a :meth:`ExportDuringRun.nudge`
#: (the command line nudges it each time a job becomes final) and touches its temp file. The
#: query reads the locations of the jobs not final: ~10 ms at 100,000 rows, so not too often.
POLL_SECONDS = 2.0


class GaveUp(Exception):
    """The export written during the run is not to be completed (nothing is left of it)."""


class ExportDuringRun:
    """Writes run ``run_id`` of ``store`` to ``dest`` (.xlsx) while the run works.

    :meth:`start` it when the run starts, :meth:`finish` it when the run has ended. ``measure``
    wraps the export thread's work (the CLI counts its CPU seconds as ``merge_export``).
    """

    def __init__(self, store: RunStore, run_id: int, dest: Path,
                 measure: Callable[[Callable[[], ExportStats]], ExportStats] | None = None
                 ) -> None:
        self.store = store
        self.run_id = run_id
        self.dest = Path(dest)
        self._measure = measure
        self._ended = threading.Event()
        self._wake = threading.Event()
        self._summary: ExtraSheet | None = None
        self._complete = False
        self._temp: Path | None = None
        self._thread: threading.Thread | None = None
        self._stats: ExportStats | None = None
        self.error: BaseException | None = None
        #: Sheet rows handed to the writer before the run ended (for tests and timelines).
        self.rows_before_end = 0

    def start(self) -> None:
        """Start writing in a thread of its own."""
        self._thread = threading.Thread(target=self._work, name=f"export-run-{self.run_id}",
                                        daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """A job of the run became final: look for newly final rows now rather than at the
        next poll (thread-safe and cheap)."""
        self._wake.set()

    def finish(self, complete: bool) -> ExportStats | None:
        """The run has ended: complete the export (``complete``: the run finished with results
        to save) or give it up; waits for the thread (blocking). Returns what was written, or
        None when nothing was (given up, or failed: :attr:`error` says why)."""
        self._complete = complete
        self._ended.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        return self._stats

    # -- the export thread -------------------------------------------------------------------

    def _work(self) -> None:
        try:
            if self._measure is None:
                self._stats = self._write()
            else:
                self._stats = self._measure(self._write)
        except GaveUp:
            pass
        except BaseException as exc:  # the caller exports the usual way and says what failed
            self.error = exc

    def _write(self) -> ExportStats:
        store, run_id = self.store, self.run_id
        run = store.get_run(run_id)
        check_not_input(run, self.dest)
        started_with = layout(store, run)
        table = build_table(store, run_id, self._ranges(started_with))
        table.rows = self._counted(table.rows)
        # Named now (the writer takes the sheet names before the rows), filled in at the end.
        table.extra_sheets = [ExtraSheet(SHEET_NAME, ())]

        def after_rows() -> None:
            final = store.get_run(run_id)
            table.run_info = run_info(store, final, len(table.header_row_values))
            table.extra_sheets = [self._summary or summary_sheet(store.path, final, None)]

        table.after_rows = after_rows
        return write_xlsx(table, self.dest, on_temp=self._remember_temp)

    def _remember_temp(self, path: Path) -> None:
        self._temp = path

    def _counted(self, rows: Iterable[T]) -> Iterator[T]:
        ended = self._ended.is_set
        for row in rows:
            if not ended():
                self.rows_before_end += 1
            yield row

    def _ranges(self, started_with: object) -> Iterator[RowRange]:
        """Ranges of sheet rows whose results are final, in order, while the run works; the
        rest once it has ended well. Raises :class:`GaveUp` (the writer then drops its temp
        file) when it did not, or when the columns are no longer those of the header."""
        store, run_id = self.store, self.run_id
        done: int | None = -(2**62)  # the first row not written yet (None: all are)
        while True:
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            if self._ended.is_set():
                break
            self._touch_temp()
            if done is None:
                continue  # every row is written: waiting for the run's end
            pending = store.first_pending_row(run_id)
            if pending is not None and pending < done:
                raise GaveUp  # a row already written may still change (cannot happen today)
            if pending is None or pending > done:
                yield (done, pending)
                done = pending
                if done is None:
                    # Every job is final, so are the results the Summary counts: count them
                    # now, while the run does its final bookkeeping.
                    self._summary = summary_sheet(store.path, store.get_run(run_id), None)
        if not self._complete or layout(store, store.get_run(run_id)) != started_with:
            raise GaveUp
        if done is not None:
            yield (done, None)

    def _touch_temp(self) -> None:
        # A temp file untouched for minutes is taken for a killed export's leftover
        # (cli/results.py: clean_stale_temps); this one may wait as long as the run.
        if self._temp is not None:
            with contextlib.suppress(OSError):
                os.utime(self._temp, (time.time(), time.time()))
