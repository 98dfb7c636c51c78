"""The jobs table's model: one row per job, fed by the engine's progress events.

Rows are inserted once per job and then updated in place with ``dataChanged`` on that row only
(the pattern of qutebrowser's ``DownloadModel``), so selection, scroll position and keyboard focus
survive thousands of progress events. A model reset only happens in :meth:`JobsModel.load_jobs`,
when the table is filled from the store at start.

Per-run totals (``RunProgress``) are not rows of their own: they are kept per run, shown as the
"File" cell's tooltip of every job of that run, and used by the view to decide which run-level
actions (cancel, retry, save) make sense. Mixing run rows and job rows in one flat table would make
sorting and keyboard navigation confusing, and a tree is more than a handful of jobs needs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from ping_desktop.domain import JobPhase, RunPhase
from ping_desktop.engine.events import Event, JobProgress, RunProgress
from ping_desktop.gui.job_cells import (
    ACCESSIBLE,
    ALIGNMENT,
    COLUMN_COUNT,
    COLUMNS,
    DECORATION,
    DISPLAY,
    FRACTION_ROLE,
    HANDLED_ROLES,
    HEADER_TIPS,
    HEADERS,
    JOB_ROLE,
    LAST_COLUMN,
    NO_FLAGS,
    RIGHT_ALIGNED,
    ROW_FLAGS,
    RUN_ID_ROLE,
    JobCells,
    JobColumn,
)
from ping_desktop.gui.job_texts import (
    job_from_record,
    run_from_record,
)
from ping_desktop.storage.runstore_records import JobRecord, RunRecord

_Index = QModelIndex | QPersistentModelIndex


class JobsModel(JobCells, QAbstractTableModel):
    """Table model of every job the app knows about, in the order they first appeared.

    ``runs_changed`` tells that some run's totals or phase changed (what the view's run-level
    actions depend on); it comes with the same coalescing as ``dataChanged``.
    """

    runs_changed = Signal()

    def __init__(self, parent: QObject | None = None, *, coalesce_ms: int = 0) -> None:
        """``coalesce_ms`` > 0 gathers the changes of that many milliseconds into one
        ``dataChanged`` per block of changed rows (the window uses it: a 100-job run sends
        hundreds of events a second at its end, and repainting the table after each one kept
        the window's thread busy); 0 signals each change at once. Data are current at once
        either way."""
        super().__init__(parent)
        self._jobs: list[JobProgress] = []
        self._row_of_job: dict[int, int] = {}
        self._runs: dict[int, RunProgress] = {}
        # When each run started: two runs of one file are told apart by it.
        self._started: dict[int, dt.datetime] = {}
        # When each job's last event came (monotonic seconds), to advance its elapsed time.
        self._seen_at: dict[int, float] = {}
        self.clock: Callable[[], float] = time.monotonic
        # Runs whose phase came from the engine in this session (not only from the store).
        self._live: set[int] = set()
        # Changed rows not signalled yet: row -> True for the whole row, False for File only.
        self._dirty: dict[int, bool] = {}
        self._runs_changed = False
        self._flush_timer: QTimer | None = None
        if coalesce_ms > 0:
            self._flush_timer = QTimer(self)
            self._flush_timer.setSingleShot(True)
            self._flush_timer.setInterval(coalesce_ms)
            self._flush_timer.timeout.connect(self.flush)
            # Elapsed times of working jobs keep counting between the engine's events (a job
            # waiting on a slow server sent none, and its time looked frozen).
            self._tick = QTimer(self)
            self._tick.setInterval(1000)
            self._tick.timeout.connect(self._advance_elapsed)
            self._tick.start()

    # ----- feeding -----------------------------------------------------------------------------

    def apply_event(self, event: Event) -> None:
        """Apply one engine event: a new job becomes a row, anything else updates in place."""
        if isinstance(event, RunProgress):
            self._apply_run(event)
        else:
            self._apply_job(event)

    def load_jobs(self, runs: Iterable[RunRecord], jobs: Iterable[JobRecord]) -> None:
        """Fill the table from stored runs and jobs (at start); a model reset."""
        run_list = list(runs)
        job_list = sorted(jobs, key=lambda j: (j.run_id, j.number, j.id))
        counts: dict[int, int] = {}
        for job in job_list:
            counts[job.run_id] = counts.get(job.run_id, 0) + 1
        # Events that already arrived are newer than any stored snapshot: they win, and jobs
        # the snapshot does not know yet (a run started meanwhile) are kept.
        live_jobs = {job.job_id: job for job in self._jobs}
        restored: list[JobProgress] = []
        for record in job_list:
            live = live_jobs.pop(record.id, None)
            restored.append(live or job_from_record(record, counts[record.run_id]))
        by_run = {run.id: run_from_record(run) for run in run_list}
        self._started.update({run.id: run.created_at for run in run_list})
        by_run.update(self._runs)
        self.beginResetModel()
        self._dirty.clear()
        self._runs = by_run
        self._jobs = restored + list(live_jobs.values())
        self._row_of_job = {job.job_id: row for row, job in enumerate(self._jobs)}
        self.endResetModel()

    def add_jobs(self, run: RunRecord, jobs: Iterable[JobRecord]) -> None:
        """Show every job of a run that is just starting, as one insertion (the engine only
        reports a job once it moves; inserting a row per job as each one started repainted
        the whole table a hundred times during a 100-job run). Rows already shown keep their
        live state."""
        job_list = sorted(jobs, key=lambda j: (j.number, j.id))
        if run.id not in self._runs:
            self._runs[run.id] = run_from_record(run)
        self._started[run.id] = run.created_at
        new = [job_from_record(job, len(job_list)) for job in job_list
               if job.id not in self._row_of_job]
        if not new:
            return
        first = len(self._jobs)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        for offset, event in enumerate(new):
            self._jobs.append(event)
            self._row_of_job[event.job_id] = first + offset
        self.endInsertRows()

    def _apply_job(self, event: JobProgress) -> None:
        row = self._row_of_job.get(event.job_id)
        if row is None:
            self._insert_new(event)
            return
        old = self._jobs[row]
        if (
            event.elapsed_seconds is None
            and old.elapsed_seconds is not None
            and event.phase.is_final
        ):
            # A final event without timing keeps the last known elapsed time.
            event = replace(event, elapsed_seconds=old.elapsed_seconds)
        if event == old:
            return
        self._seen_at[event.job_id] = self.clock()
        self._jobs[row] = event
        self._dirty[row] = True
        self._changed()

    def _ticking(self, job: JobProgress) -> bool:
        summary = self._runs.get(job.run_id)
        return (job.elapsed_seconds is not None and not job.phase.is_final
                and job.job_id in self._seen_at
                and summary is not None and summary.phase is RunPhase.RUNNING)

    def _elapsed(self, job: JobProgress) -> float | None:
        if not self._ticking(job):
            return job.elapsed_seconds
        assert job.elapsed_seconds is not None
        return job.elapsed_seconds + self.clock() - self._seen_at[job.job_id]

    def _advance_elapsed(self) -> None:
        rows = [row for row, job in enumerate(self._jobs) if self._ticking(job)]
        if rows:
            self.dataChanged.emit(self.index(rows[0], JobColumn.ELAPSED),
                                  self.index(rows[-1], JobColumn.ELAPSED))

    def _insert_new(self, event: JobProgress) -> None:
        # A job first seen through an event (a split, a retry) goes last; every row names its
        # run's file and start time, so the rows of two runs are never confused.
        row = len(self._jobs)
        self.beginInsertRows(QModelIndex(), row, row)
        self._jobs.append(event)
        self._row_of_job[event.job_id] = row
        self.endInsertRows()

    def _apply_run(self, event: RunProgress) -> None:
        if self._runs.get(event.run_id) == event:
            return
        old = self._runs.get(event.run_id)
        self._runs[event.run_id] = event
        self._live.add(event.run_id)
        self._runs_changed = True
        if old is not None and old.phase is not event.phase:
            # Jobs of a run that stopped (or went on again) change their words, not only
            # the File cell: "Working" must never stay on a row of a stopped run.
            # (Only jobs not over: the words of a finished job never depend on its run.)
            for row, job in enumerate(self._jobs):
                if job.run_id == event.run_id and not job.phase.is_final:
                    self._dirty[row] = True
                elif job.run_id == event.run_id and row not in self._dirty:
                    self._dirty[row] = False
            self._changed()
            return
        # Run totals only show in the File cells' tooltips, which are read when shown: the
        # cells are repainted only when the file name they display changes. (Repainting a
        # column of every job after each run event made whole-table repaints of big runs.)
        if old is None or old.file_name != event.file_name:
            dirty = self._dirty
            for row, job in enumerate(self._jobs):
                if job.run_id == event.run_id and row not in dirty:
                    dirty[row] = False
        if old is not None and old.jobs_total != event.jobs_total:
            # A job added to the run (a resubmit, a split) changes every row's "N of M".
            for row, job in enumerate(self._jobs):
                if job.run_id == event.run_id:
                    self._dirty[row] = True
        self._changed()

    def _changed(self) -> None:
        if self._flush_timer is None:
            self.flush()
        elif not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Signal the changes gathered so far: one ``dataChanged`` per block of adjacent rows
        changed alike (whole rows, or only their File cell)."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
        if self._runs_changed:
            self._runs_changed = False
            self.runs_changed.emit()
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, {}
        rows = sorted(dirty)
        start = previous = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1 and dirty[row] == dirty[start]:
                previous = row
                continue
            first, last = (0, LAST_COLUMN) if dirty[start] else (JobColumn.FILE, JobColumn.FILE)
            self.dataChanged.emit(self.index(start, first), self.index(previous, last))
            if row is not None:
                start = previous = row

    # ----- queries used by the view ------------------------------------------------------------

    def job_at(self, row: int) -> JobProgress | None:
        """The job shown in ``row`` (None when out of range)."""
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def row_of_job(self, job_id: int) -> int | None:
        """The row showing job ``job_id``, if any."""
        return self._row_of_job.get(job_id)

    def run_summary(self, run_id: int) -> RunProgress | None:
        """The latest totals known for a run."""
        return self._runs.get(run_id)

    def run_started_at(self, run_id: int) -> dt.datetime | None:
        """When the run was created, if known."""
        return self._started.get(run_id)

    def run_ids(self) -> list[int]:
        """Every run the table knows, oldest first."""
        return sorted(self._runs)

    def latest_running_run(self) -> int | None:
        """The newest run that is running now, if any."""
        running = [rid for rid, run in self._runs.items() if run.phase is RunPhase.RUNNING]
        return max(running) if running else None

    def first_row_of_run(self, run_id: int) -> int | None:
        """The first row showing a job of ``run_id``."""
        return next((r for r, job in enumerate(self._jobs) if job.run_id == run_id), None)

    def job_is_stopped(self, job: JobProgress) -> bool:
        """True for a job that is not over while its run is not going (paused, stopped,
        cancelled): the engine is not working on it, whatever its last state said."""
        summary = self._runs.get(job.run_id)
        if summary is None or job.phase.is_final or summary.phase is RunPhase.RUNNING:
            return False
        if summary.phase is RunPhase.PAUSED:
            # A run stored as paused is resumed by the window as it starts: its jobs keep
            # their words until the engine says otherwise.
            return job.run_id in self._live
        return summary.phase is not RunPhase.READY

    def jobs_of_run(self, run_id: int) -> list[JobProgress]:
        """Every job of one run, in row order."""
        return [job for job in self._jobs if job.run_id == run_id]

    def run_is_finished(self, run_id: int) -> bool:
        """True when the engine is done with the run (from its phase, else from its jobs)."""
        summary = self._runs.get(run_id)
        if summary is not None:
            return summary.phase.is_final
        jobs = self.jobs_of_run(run_id)
        return bool(jobs) and all(job.phase.is_final for job in jobs)

    def run_has_failures(self, run_id: int) -> bool:
        """True when some locations of the run failed (so "Retry failed rows" has work)."""
        summary = self._runs.get(run_id)
        if summary is not None and summary.problems > 0:
            return True
        return any(
            job.phase is JobPhase.FAILED or job.problems > 0 for job in self.jobs_of_run(run_id)
        )

    def run_can_resume(self, run_id: int) -> bool:
        """True when the run stopped part-way (paused, or waiting for the user) and can go on."""
        summary = self._runs.get(run_id)
        if summary is not None:
            return summary.phase in (RunPhase.PAUSED, RunPhase.NEEDS_ATTENTION)
        return any(job.phase is JobPhase.NEEDS_ATTENTION for job in self.jobs_of_run(run_id))

    def run_has_results(self, run_id: int) -> bool:
        """True when at least one location's results are stored for the run."""
        summary = self._runs.get(run_id)
        if summary is not None and summary.locations_completed > 0:
            return True
        return any(job.phase is JobPhase.COMPLETE for job in self.jobs_of_run(run_id))

    # ----- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of jobs (a flat table: children have none)."""
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns (see :class:`JobColumn`)."""
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles (and what the less obvious ones count); rows have no header."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(JobColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[JobColumn(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(JobColumn(section))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Rows are selectable, never editable."""
        return ROW_FLAGS if index.isValid() else NO_FLAGS

    def data(self, index: _Index, role: int = DISPLAY) -> Any:
        """Cell contents for the standard roles plus the custom ones declared above."""
        # Called for every role of every painted cell: cheap rejections first, no enum objects.
        if role not in HANDLED_ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._jobs) and 0 <= col <= LAST_COLUMN):
            return None
        job = self._jobs[row]
        column = COLUMNS[col]
        if role == DISPLAY:
            return self._display(job, column)
        if role == ALIGNMENT:
            if column is JobColumn.FILE or column is JobColumn.STATUS:
                return None
            return RIGHT_ALIGNED
        if role == DECORATION:
            return self._status_icon(job) if column is JobColumn.STATUS else None
        if role == FRACTION_ROLE:
            return (job.completed, job.requested) if column is JobColumn.PROGRESS else None
        if role == JOB_ROLE:
            return job
        if role == RUN_ID_ROLE:
            return job.run_id
        return self._tooltip(job, column, role == ACCESSIBLE)
