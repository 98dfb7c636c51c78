"""How each cell of the jobs table reads: its columns, roles and the words, tooltips and icons
of a job row (the model's bookkeeping lives in :mod:`ping_desktop.gui.jobs_model`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle

from ping_desktop.domain import JobPhase
from ping_desktop.engine.events import JobProgress, RunProgress
from ping_desktop.gui.job_texts import (
    format_duration,
    job_status_text,
    job_status_tooltip,
    needs_user,
    run_summary_text,
)
from ping_desktop.gui.run_status_texts import run_label, started_text


class JobColumn(IntEnum):
    """The table's columns, in display order."""

    FILE = 0
    STARTED = 1
    JOB = 2
    STATUS = 3
    PROGRESS = 4
    PROBLEMS = 5
    ELAPSED = 6
    ETA = 7


HEADERS = {
    JobColumn.FILE: "File",
    JobColumn.STARTED: "Started",
    JobColumn.JOB: "Job",
    JobColumn.STATUS: "Status",
    JobColumn.PROGRESS: "Progress",
    JobColumn.PROBLEMS: "Problems",
    JobColumn.ELAPSED: "Elapsed",
    JobColumn.ETA: "Time left",
}

HEADER_TIPS = {
    JobColumn.STARTED: "When the run started: tells two runs of the same file apart",
    JobColumn.PROBLEMS: (
        "Locations of this job that did not get every requested result. Rows of the sheet "
        "that could not be sent at all, and rows sent with a warning, are counted in the "
        "run's summary above the table."),
}

# Roles as plain ints: data() runs for every role of every painted cell, and each access to
# a Qt enum attribute is a lookup through shiboken (it was a fifth of the table's paint time).
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
COLUMNS = tuple(JobColumn)
COLUMN_COUNT = len(COLUMNS)
LAST_COLUMN = COLUMN_COUNT - 1
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
NO_FLAGS = Qt.ItemFlag.NoItemFlags

# Custom roles: the view and the delegate read plain values, never parse display text.
JOB_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the JobProgress of the row
RUN_ID_ROLE = JOB_ROLE + 1
FRACTION_ROLE = JOB_ROLE + 2  # progress column: (completed, requested)
#: The Status of a job whose run is not going: the line above the table says why.
STOPPED_WORDS = "Stopped \u2013 see the line above"
HANDLED_ROLES = frozenset({DISPLAY, TOOLTIP, ACCESSIBLE, ALIGNMENT, DECORATION, JOB_ROLE,
                            RUN_ID_ROLE, FRACTION_ROLE})


class JobCells:
    """The cell texts of a job row; mixed into the model, which provides the run state."""

    _runs: dict[int, RunProgress]
    _started: dict[int, dt.datetime]

    job_is_stopped: Callable[[JobProgress], bool]
    _elapsed: Callable[[JobProgress], float | None]

    def _file_name(self, job: JobProgress) -> str:
        summary = self._runs.get(job.run_id)
        return summary.file_name if summary is not None else f"Run {job.run_id}"

    def job_count(self, job: JobProgress) -> int:
        """How many jobs the job's run has now. A job's own event counts the jobs its run had
        when it last changed; a resubmit or a split adds jobs later, and "1 of 1" beside
        "2 of 2" read as two runs."""
        summary = self._runs.get(job.run_id)
        return max(job.job_count, summary.jobs_total) if summary is not None else job.job_count

    def _display(self, job: JobProgress, column: JobColumn) -> str | int:
        if column is JobColumn.FILE:
            return self._file_name(job)
        if column is JobColumn.STARTED:
            return started_text(self._started.get(job.run_id))
        if column is JobColumn.JOB:
            return f"{job.job_number} of {self.job_count(job)}"
        if column is JobColumn.STATUS:
            if self.job_is_stopped(job):
                return STOPPED_WORDS
            return job_status_text(job.phase, job.message)
        if column is JobColumn.PROGRESS:
            return f"{job.completed:,} / {job.requested:,}"
        if column is JobColumn.PROBLEMS:
            return job.problems
        if column is JobColumn.ELAPSED:
            return format_duration(self._elapsed(job))
        # No estimate once the job is over or its run stopped: it would only confuse.
        if job.phase.is_final or self.job_is_stopped(job):
            return ""
        return format_duration(job.eta_seconds)

    def _tooltip(self, job: JobProgress, column: JobColumn, accessible: bool) -> str | None:
        if column is JobColumn.FILE:
            summary = self._runs.get(job.run_id)
            name = run_label(self._file_name(job), self._started.get(job.run_id))
            return f"{name}\n{run_summary_text(summary)}" if summary is not None else name
        if column is JobColumn.JOB:
            server = job.server_job_id or "not sent yet"
            return f"Job {job.job_number} of {self.job_count(job)}\nServer job id: {server}"
        if column is JobColumn.STATUS:
            if self.job_is_stopped(job):
                summary = self._runs[job.run_id]
                return f"{STOPPED_WORDS}.\n{summary.message or ''}".strip()
            return job_status_tooltip(job.phase, job.message)
        if column is JobColumn.PROGRESS:
            return f"{job.completed:,} of {job.requested:,} locations done"
        if column is JobColumn.PROBLEMS:
            return f"{job.problems:,} locations with a problem"
        if accessible:
            return str(self._display(job, column)) or "No estimate"
        return None

    def _status_icon(self, job: JobProgress) -> Any:
        # An icon besides the words, so states that need the user never rely on colour alone.
        if not needs_user(job.phase):
            return None
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return None
        pixmap = (
            QStyle.StandardPixmap.SP_MessageBoxCritical
            if job.phase is JobPhase.FAILED
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        return app.style().standardIcon(pixmap)
