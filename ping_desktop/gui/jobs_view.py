"""The jobs table with its per-run actions (cancel, retry, save, open folder, resolve uncertain)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.domain import JobPhase
from ping_desktop.engine.events import JobProgress
from ping_desktop.gui.job_cells import FRACTION_ROLE, JobColumn
from ping_desktop.gui.job_texts import job_status_tooltip, needs_user
from ping_desktop.gui.jobs_model import JobsModel
from ping_desktop.gui.progress_delegate import ProgressBarDelegate
from ping_desktop.gui.run_status import RunStateBanner
from ping_desktop.gui.tables import row_table


class JobsView(QWidget):
    """Shows a :class:`JobsModel` and turns the user's choices into signals with run/job ids.

    The view never talks to the engine itself: the main window connects the signals. Every
    action is a ``QAction`` (buttons, context menu and keyboard shortcuts share it), enabled only
    when it makes sense for the selected row's run or job.
    """

    cancel_requested = Signal(int)
    resume_requested = Signal(int)
    retry_requested = Signal(int)
    save_requested = Signal(int)
    open_folder_requested = Signal(int)
    resolve_uncertain_requested = Signal(int, bool)

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.table = row_table(
            self, "jobsTable", "Jobs", model, description=(
                "One row per job: file, when its run started, job number, status, progress, "
                "problems, elapsed and time left"))
        self.table.setItemDelegateForColumn(
            JobColumn.PROGRESS, ProgressBarDelegate(FRACTION_ROLE, self.table)
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(JobColumn.STATUS, QHeaderView.ResizeMode.Stretch)
        header.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header.resizeSection(JobColumn.FILE, 170)
        header.resizeSection(JobColumn.PROGRESS, 150)
        for column in (JobColumn.STARTED, JobColumn.JOB, JobColumn.PROBLEMS, JobColumn.ELAPSED,
                       JobColumn.ETA):
            header.resizeSection(column, 75)

        self.cancel_action = self._action("Cancel run", "cancelAction", "Ctrl+.")
        self.resume_action = self._action("Resume run", "resumeAction", None)
        self.resume_action.setToolTip("Continue a paused run where it stopped")
        self.retry_action = self._action("Retry failed rows", "retryAction", "Ctrl+R")
        self.save_action = self._action("Save results\u2026", "saveAction", "Ctrl+S")
        self.open_folder_action = self._action("Open folder", "openFolderAction", "Ctrl+Shift+O")
        self.resubmit_action = self._action("Submit again", "resubmitAction", None)
        self.keep_action = self._action("Don't resubmit", "keepAction", None)
        self.cancel_action.setToolTip(
            "Stop sending and checking this run's jobs. Jobs already sent may still finish on "
            "the server and use credits."
        )
        self.retry_action.setToolTip("Send again only the locations whose sources failed")
        self.resubmit_action.setToolTip("Send this job again (it may use credits twice)")
        self.keep_action.setToolTip(
            "Do not send this job again; its locations stay without results"
        )

        buttons = QHBoxLayout()
        names = {self.save_action: "saveButton", self.cancel_action: "cancelButton"}
        for action in self._actions():
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setObjectName(names.get(action, action.objectName().replace("Action", "Button")))
            button.setAccessibleName(action.text().replace("\u2026", ""))
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.detail = QLabel(self)
        self.detail.setObjectName("jobDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail.setMargin(6)
        self.detail.setAccessibleName("What happened to the selected job")
        self.detail.hide()

        # What the run is doing or why it stopped, in words (the window fills it).
        self.banner = RunStateBanner(
            "No run yet. Open a spreadsheet on the File tab and press Start; its progress "
            "shows here.", "jobsRunState", self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.table)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

        self.cancel_action.triggered.connect(lambda: self._emit_run(self.cancel_requested))
        self.resume_action.triggered.connect(lambda: self._emit_run(self.resume_requested))
        self.retry_action.triggered.connect(lambda: self._emit_run(self.retry_requested))
        self.save_action.triggered.connect(lambda: self._emit_run(self.save_requested))
        self.open_folder_action.triggered.connect(
            lambda: self._emit_run(self.open_folder_requested)
        )
        self.resubmit_action.triggered.connect(lambda: self._resolve(True))
        self.keep_action.triggered.connect(lambda: self._resolve(False))
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        model.dataChanged.connect(self.update_actions)
        model.runs_changed.connect(self.update_actions)
        model.rowsInserted.connect(self._on_rows_inserted)
        model.modelReset.connect(self.update_actions)
        self.update_actions()

    # ----- public helpers ----------------------------------------------------------------------

    def selected_job(self) -> JobProgress | None:
        """The job on the current (selected) row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self._model.job_at(rows[0].row()) if rows else None

    def select_job(self, job_id: int) -> None:
        """Select the row of ``job_id`` (used after restoring and by tests)."""
        row = self._model.row_of_job(job_id)
        if row is not None:
            self.table.selectRow(row)

    def update_actions(self) -> None:
        """Enable exactly the actions that make sense for the selected row."""
        job = self.selected_job()
        run_id = job.run_id if job is not None else None
        finished = run_id is not None and self._model.run_is_finished(run_id)
        self.open_folder_action.setEnabled(job is not None)
        self.cancel_action.setEnabled(run_id is not None and not finished)
        self.resume_action.setEnabled(run_id is not None and self._model.run_can_resume(run_id))
        self.retry_action.setEnabled(
            run_id is not None and finished and self._model.run_has_failures(run_id)
        )
        self.save_action.setEnabled(
            run_id is not None and finished and self._model.run_has_results(run_id)
        )
        uncertain = job is not None and job.phase is JobPhase.UNCERTAIN
        self.resubmit_action.setEnabled(uncertain)
        self.keep_action.setEnabled(uncertain)
        if job is not None and needs_user(job.phase):
            words = job_status_tooltip(job.phase, job.message).replace("\n", " ")
            self.detail.setText(f"Job {job.job_number} of {self._model.job_count(job)}: {words}")
            self.detail.show()
        else:
            self.detail.clear()
            self.detail.hide()

    # ----- internals ---------------------------------------------------------------------------

    def _action(self, text: str, name: str, shortcut: str | None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            # Only while focus is in this view, so the main window can reuse the keys elsewhere.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        return action

    def _actions(self) -> list[QAction]:
        return [
            self.cancel_action,
            self.resume_action,
            self.retry_action,
            self.save_action,
            self.open_folder_action,
            self.resubmit_action,
            self.keep_action,
        ]

    def _emit_run(self, signal: SignalInstance) -> None:
        job = self.selected_job()
        if job is not None:
            signal.emit(job.run_id)

    def _resolve(self, resubmit: bool) -> None:
        job = self.selected_job()
        if job is not None and job.phase is JobPhase.UNCERTAIN:
            self.resolve_uncertain_requested.emit(job.job_id, resubmit)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.update_actions()

    def _on_rows_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        # The first job of a new run gets selected, so the run actions act on the run just
        # started, never silently on an older row still selected.
        new = self._model.job_at(first)
        selected = self.selected_job()
        if new is not None and (selected is None or (
                selected.run_id != new.run_id
                and self._model.first_row_of_run(new.run_id) == first)):
            self.table.selectRow(first)
        self.update_actions()

    def select_run(self, run_id: int) -> None:
        """Select the first row of ``run_id`` (the target of the run actions)."""
        row = self._model.first_row_of_run(run_id)
        if row is not None:
            self.table.selectRow(row)

    def selected_run(self) -> int | None:
        """The run of the selected row, if any."""
        job = self.selected_job()
        return job.run_id if job is not None else None

    def _on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in self._actions():
            menu.addAction(action)
        # popup(), not exec(): a nested event loop inside the qasync loop can hang the app.
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self._menu = menu
